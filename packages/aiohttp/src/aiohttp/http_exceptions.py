"""``aiohttp.http_exceptions``: re-exports from aiohttp_wire."""

from aiohttp_wire.http_exceptions import (
    BadHttpMessage as BadHttpMessage,
    BadHttpMethod as BadHttpMethod,
    BadStatusLine as BadStatusLine,
    ContentEncodingError as ContentEncodingError,
    ContentLengthError as ContentLengthError,
    DecompressSizeError as DecompressSizeError,
    HttpBadRequest as HttpBadRequest,
    HttpProcessingError as HttpProcessingError,
    InvalidHeader as InvalidHeader,
    InvalidURLError as InvalidURLError,
    LineTooLong as LineTooLong,
    PayloadEncodingError as PayloadEncodingError,
    TransferEncodingError as TransferEncodingError,
)

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
