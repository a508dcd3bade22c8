"""``aiohttp.web_response``: re-exports from aiohttp_server."""

from aiohttp_server.web_response import (
    ContentCoding as ContentCoding,
    Response as Response,
    StreamResponse as StreamResponse,
    json_response as json_response,
)

__all__ = [
    "ContentCoding",
    "Response",
    "StreamResponse",
    "json_response",
]
