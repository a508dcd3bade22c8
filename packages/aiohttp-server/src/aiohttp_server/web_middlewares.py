"""The ``middleware`` marker and ``normalize_path_middleware``."""

from __future__ import annotations

import re
from typing import TypeVar, cast

from aiohttp_wire.typedefs import Handler, Middleware

from .web_exceptions import HTTPMove, HTTPPermanentRedirect
from .web_request import Request
from .web_response import StreamResponse
from .web_urldispatcher import SystemRoute

__all__ = ["middleware", "normalize_path_middleware"]

_Func = TypeVar("_Func")
_MULTI_SLASH_RE = re.compile(r"//+")


async def _check_request_resolves(request: Request, path: str) -> tuple[bool, Request]:
    alt_request = request.clone(rel_url=path)
    match_info = await request.app.router.resolve(alt_request)
    alt_request._match_info = match_info
    if match_info.http_exception is None:
        return True, alt_request
    return False, request


def middleware(f: _Func) -> _Func:
    """Mark ``f`` as a new-style middleware (kept for compatibility: all are)."""
    f.__middleware_version__ = 1  # type: ignore[attr-defined]
    return f


def normalize_path_middleware(
    *,
    append_slash: bool = True,
    remove_slash: bool = False,
    merge_slashes: bool = True,
    redirect_class: type[HTTPMove] = HTTPPermanentRedirect,
) -> Middleware:
    """Redirect a path that does not resolve to a variant that does.

    Tried in order: merged slashes, added (or removed) trailing slash, both.
    Only requests that found no route are considered.
    """
    if append_slash and remove_slash:
        raise AssertionError("Cannot both remove and append slash")

    @middleware
    async def impl(request: Request, handler: Handler) -> StreamResponse:
        if isinstance(request.match_info.route, SystemRoute):
            path = request.raw_path
            query = ""
            if "?" in path:
                path, _, query = path.partition("?")
                query = "?" + query
            paths_to_check: list[str] = []
            if merge_slashes:
                paths_to_check.append(_MULTI_SLASH_RE.sub("/", path))
            if append_slash and not path.endswith("/"):
                paths_to_check.append(path + "/")
            if remove_slash and path.endswith("/"):
                paths_to_check.append(path[:-1])
            if merge_slashes and append_slash:
                merged = _MULTI_SLASH_RE.sub("/", path + "/")
                paths_to_check.append(merged)
            if merge_slashes and remove_slash:
                merged = _MULTI_SLASH_RE.sub("/", path)
                if merged.endswith("/") and merged != "/":
                    paths_to_check.append(merged[:-1])
            for candidate in paths_to_check:
                if not candidate or candidate == path:
                    continue
                # Never redirect to a scheme-relative URL ("//evil.example").
                candidate = _MULTI_SLASH_RE.sub("/", candidate[:2]) + candidate[2:]
                resolves, _ = await _check_request_resolves(request, candidate)
                if resolves:
                    raise redirect_class(candidate + query)
        return cast(StreamResponse, await handler(request))

    return impl
