"""``aiohttp.web_response``: re-exports from aiohttp_server, aiohttp_wire."""

from aiohttp_server.web_response import (
    ContentCoding as ContentCoding,
    Response as Response,
    StreamResponse as StreamResponse,
    json_response as json_response,
)
from aiohttp_wire.typedefs import (
    CIMultiDict as CIMultiDict,
)

__all__ = [
    "ContentCoding",
    "Response",
    "StreamResponse",
    "json_response",
    "CIMultiDict",
]
