"""``aiohttp.abc``: re-exports from aiohttp_wire."""

from aiohttp_wire.abc import (
    AbstractAccessLogger as AbstractAccessLogger,
    AbstractAsyncAccessLogger as AbstractAsyncAccessLogger,
    AbstractCookieJar as AbstractCookieJar,
    AbstractMatchInfo as AbstractMatchInfo,
    AbstractResolver as AbstractResolver,
    AbstractRouter as AbstractRouter,
    AbstractStreamWriter as AbstractStreamWriter,
    AbstractView as AbstractView,
    ClearCookiePredicate as ClearCookiePredicate,
    ResolveResult as ResolveResult,
)

__all__ = [
    "AbstractAccessLogger",
    "AbstractAsyncAccessLogger",
    "AbstractCookieJar",
    "AbstractMatchInfo",
    "AbstractResolver",
    "AbstractRouter",
    "AbstractStreamWriter",
    "AbstractView",
    "ClearCookiePredicate",
    "ResolveResult",
]
