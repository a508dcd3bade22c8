"""``aiohttp.web_protocol``: re-exports from aiohttp_server."""

from aiohttp_server.web_protocol import (
    PayloadAccessError as PayloadAccessError,
    RequestHandler as RequestHandler,
    RequestPayloadError as RequestPayloadError,
)
from aiohttp_server.web_protocol import (
    _RequestHandler as _RequestHandler,
)

__all__ = [
    "PayloadAccessError",
    "RequestHandler",
    "RequestPayloadError",
]
