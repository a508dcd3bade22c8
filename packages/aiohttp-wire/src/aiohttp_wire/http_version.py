"""The HTTP protocol version as a comparable named tuple."""

from __future__ import annotations

from typing import Final, NamedTuple

__all__ = ["HttpVersion", "HttpVersion10", "HttpVersion11"]


class HttpVersion(NamedTuple):
    """An HTTP version; tuples order naturally, so ``version >= HttpVersion11`` works."""

    major: int
    minor: int


HttpVersion10: Final[HttpVersion] = HttpVersion(1, 0)
HttpVersion11: Final[HttpVersion] = HttpVersion(1, 1)
