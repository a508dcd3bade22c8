"""``aiohttp.typedefs``: re-exports from aiohttp_wire."""

from aiohttp_wire.typedefs import (
    DEFAULT_JSON_DECODER as DEFAULT_JSON_DECODER,
    DEFAULT_JSON_ENCODER as DEFAULT_JSON_ENCODER,
    Handler as Handler,
    JSONDecoder as JSONDecoder,
    JSONEncoder as JSONEncoder,
    LooseCookies as LooseCookies,
    LooseCookiesIterables as LooseCookiesIterables,
    LooseCookiesMappings as LooseCookiesMappings,
    LooseHeaders as LooseHeaders,
    Middleware as Middleware,
    PathLike as PathLike,
    Query as Query,
    RawHeaders as RawHeaders,
    StrOrURL as StrOrURL,
)

__all__ = [
    "DEFAULT_JSON_DECODER",
    "DEFAULT_JSON_ENCODER",
    "Handler",
    "JSONDecoder",
    "JSONEncoder",
    "LooseCookies",
    "LooseCookiesIterables",
    "LooseCookiesMappings",
    "LooseHeaders",
    "Middleware",
    "PathLike",
    "Query",
    "RawHeaders",
    "StrOrURL",
]
