"""``aiohttp.http_parser``: re-exports from aiohttp_wire."""

from aiohttp_wire.http_parser import (
    BodyData as BodyData,
    EndOfMessage as EndOfMessage,
    HeadersParser as HeadersParser,
    HttpParser as HttpParser,
    HttpRequestParser as HttpRequestParser,
    HttpResponseParser as HttpResponseParser,
    RawRequestMessage as RawRequestMessage,
    RawResponseMessage as RawResponseMessage,
    RequestParser as RequestParser,
    ResponseParser as ResponseParser,
)

__all__ = [
    "BodyData",
    "EndOfMessage",
    "HeadersParser",
    "HttpParser",
    "HttpRequestParser",
    "HttpResponseParser",
    "RawRequestMessage",
    "RawResponseMessage",
    "RequestParser",
    "ResponseParser",
]
