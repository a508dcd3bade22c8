"""Errors raised while framing HTTP/1.x messages.

Each carries the HTTP status a server should answer with (``code``), a human
readable ``message`` and optional response ``headers``.
"""

from __future__ import annotations

from textwrap import indent

from multidict import CIMultiDict, CIMultiDictProxy

__all__ = [
    "BadHttpMessage",
    "BadHttpMethod",
    "BadStatusLine",
    "ContentEncodingError",
    "ContentLengthError",
    "DecompressSizeError",
    "HttpBadRequest",
    "HttpProcessingError",
    "InvalidHeader",
    "InvalidURLError",
    "LineTooLong",
    "PayloadEncodingError",
    "TransferEncodingError",
]

_Headers = CIMultiDict[str] | CIMultiDictProxy[str] | dict[str, str]


class HttpProcessingError(Exception):
    """Base of every HTTP processing error; ``code`` is aiohttp's status for it.

    ``server_status`` is the status a server answers the offending request
    with: ``code`` when that is an error status, else 400. The parser refines
    it where ``code`` (400 for every ``BadHttpMessage``, as in aiohttp) is too
    coarse: 414 for a request line over ``max_line_size``, 431 for a header
    or trailer field over ``max_field_size`` or more than ``max_headers`` of
    them.
    """

    code: int = 0
    message: str = ""
    headers: _Headers | None = None
    server_status: int

    def __init__(
        self,
        *,
        code: int | None = None,
        message: str = "",
        headers: _Headers | None = None,
    ) -> None:
        # Keyword-only with empty ``args``, as aiohttp's: subclasses set their own ``args``.
        super().__init__()
        if code is not None:
            self.code = code
        self.headers = headers
        self.message = message
        self.server_status = self.code if 400 <= self.code < 600 else 400

    def __str__(self) -> str:
        return f"{self.code}, message:\n{indent(self.message, '  ')}"

    def __repr__(self) -> str:
        return f"<{type(self).__name__}: {self.code}, message={self.message!r}>"


class BadHttpMessage(HttpProcessingError):
    """A message that does not follow HTTP/1.x framing: answered with 400."""

    code = 400
    message = "Bad Request"

    def __init__(self, message: str = "Bad Request", *, headers: _Headers | None = None) -> None:
        super().__init__(message=message, headers=headers)
        self.args = (message,)


class HttpBadRequest(BadHttpMessage):
    """A generic 400 Bad Request."""

    code = 400
    message = "Bad Request"


class PayloadEncodingError(BadHttpMessage):
    """The body could not be decoded."""


class ContentEncodingError(PayloadEncodingError):
    """The Content-Encoding of the body is broken or unsupported."""


class TransferEncodingError(PayloadEncodingError):
    """The chunked transfer coding of the body is broken or cut short."""


class ContentLengthError(PayloadEncodingError):
    """The body ended before the declared Content-Length."""


class DecompressSizeError(PayloadEncodingError):
    """The decompressed body grew beyond the configured maximum size."""


class LineTooLong(BadHttpMessage):
    """A start line or header field exceeded its size limit."""

    def __init__(
        self, line: str, limit: int | str = "Unknown", actual_size: int | str = "Unknown"
    ) -> None:
        super().__init__(f"Got more than {limit} bytes ({actual_size}) when reading {line}.")
        self.args = (line, limit, actual_size)


class InvalidHeader(BadHttpMessage):
    """A header field whose name or value is not valid HTTP."""

    def __init__(self, hdr: bytes | str) -> None:
        hdr_s = hdr.decode("utf-8", "backslashreplace") if isinstance(hdr, bytes) else hdr
        super().__init__(f"Invalid HTTP header: {hdr!r}")
        self.hdr = hdr_s
        self.args = (hdr,)


class BadStatusLine(BadHttpMessage):
    """A request line or status line that cannot be parsed."""

    def __init__(self, line: str | bytes = "", error: str | None = None) -> None:
        if not isinstance(line, str):
            line = repr(line)
        super().__init__(error or f"Bad status line {line!r}")
        self.args = (line,)
        self.line = line


class BadHttpMethod(BadStatusLine):
    """A request line whose method is not a valid token."""

    def __init__(self, line: str | bytes = "", error: str | None = None) -> None:
        super().__init__(line, error or f"Bad HTTP method in status line {line!r}")


class InvalidURLError(BadHttpMessage):
    """A request target that is not a valid URL."""
