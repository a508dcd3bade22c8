"""``aiohttp.web_fileresponse``: re-exports from aiohttp_server."""

from aiohttp_server.web_fileresponse import (
    FileResponse as FileResponse,
)

__all__ = [
    "FileResponse",
]
