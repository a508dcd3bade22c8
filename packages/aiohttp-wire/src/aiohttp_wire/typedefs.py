"""Type aliases shared by every distribution (aiohttp's ``aiohttp.typedefs``).

The request/response types of the server are not visible from the wire
package, so handler aliases are expressed over ``Any``; the server narrows
them where it defines ``Request`` and ``StreamResponse``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Awaitable, Callable, Iterable, Mapping
from http.cookies import BaseCookie, Morsel
from types import MappingProxyType as MappingProxyType
from typing import Any, TypeAlias

from multidict import CIMultiDict as CIMultiDict
from multidict import CIMultiDictProxy, MultiDict, MultiDictProxy, istr
from yarl import URL as URL
from yarl import Query

# The ``X as X`` imports above are explicit re-exports: plugins import these
# third-party names from aiohttp modules (``aiohttp.client.URL``,
# ``aiohttp.web_response.CIMultiDict``, ``aiohttp.client_reqrep.MappingProxyType``),
# and the meta-package takes them from here.

__all__ = (
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
)

DEFAULT_JSON_ENCODER = json.dumps
DEFAULT_JSON_DECODER = json.loads

JSONEncoder: TypeAlias = Callable[[Any], str]
JSONDecoder: TypeAlias = Callable[[str], Any]

LooseHeaders: TypeAlias = (
    Mapping[str, str]
    | Mapping[istr, str]
    | CIMultiDict[str]
    | CIMultiDictProxy[str]
    | MultiDict[str]
    | MultiDictProxy[str]
    | Iterable[tuple[str | istr, str]]
)
RawHeaders: TypeAlias = tuple[tuple[bytes, bytes], ...]
StrOrURL: TypeAlias = str | URL

LooseCookiesMappings: TypeAlias = Mapping[str, str | BaseCookie[str] | Morsel[Any]]
LooseCookiesIterables: TypeAlias = Iterable[tuple[str, str | BaseCookie[str] | Morsel[Any]]]
LooseCookies: TypeAlias = LooseCookiesMappings | LooseCookiesIterables | BaseCookie[str]

# ``Request -> Awaitable[StreamResponse]`` and ``(Request, Handler) ->
# Awaitable[StreamResponse]`` in the server's terms.
Handler: TypeAlias = Callable[[Any], Awaitable[Any]]
Middleware: TypeAlias = Callable[[Any, Handler], Awaitable[Any]]

PathLike: TypeAlias = str | os.PathLike[str]
