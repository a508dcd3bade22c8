"""``aiohttp.http_writer``: re-exports from aiohttp_wire."""

from aiohttp_wire.http_writer import (
    RESPONSES as RESPONSES,
    StreamWriter as StreamWriter,
    serialize_headers as serialize_headers,
)
from aiohttp_wire.http_version import (
    HttpVersion as HttpVersion,
    HttpVersion10 as HttpVersion10,
    HttpVersion11 as HttpVersion11,
)

__all__ = [
    "RESPONSES",
    "StreamWriter",
    "serialize_headers",
    "HttpVersion",
    "HttpVersion10",
    "HttpVersion11",
]
