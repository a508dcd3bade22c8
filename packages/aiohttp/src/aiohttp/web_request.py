"""``aiohttp.web_request``: re-exports from aiohttp_server."""

from aiohttp_server.web_request import (
    BaseRequest as BaseRequest,
    FileField as FileField,
    Request as Request,
)

__all__ = [
    "BaseRequest",
    "FileField",
    "Request",
]
