"""Cookie storage for the client (RFC 6265).

``CookieJar`` keeps cookies per ``(domain, path)``, honours host-only cookies,
domain and path matching, ``Max-Age``/``Expires`` and ``Secure``, and picks
the cookies a request may carry. ``DummyCookieJar`` keeps nothing.
"""

from __future__ import annotations

import asyncio
import calendar
import contextlib
import datetime
import heapq
import io
import os
import pickle
import re
import time
import warnings
from collections.abc import Iterable, Iterator, Mapping
from http.cookies import BaseCookie, Morsel, SimpleCookie
from typing import Any

from yarl import URL

from aiohttp_wire.abc import AbstractCookieJar, ClearCookiePredicate
from aiohttp_wire.helpers import is_ip_address

__all__ = ("CookieJar", "DummyCookieJar")

_Key = tuple[str, str]

# RFC 6265 section 5.1.1: the cookie-date grammar.
_DATE_DELIMS = re.compile(r"[\x09\x20-\x2F\x3B-\x40\x5B-\x60\x7B-\x7E]+")
_DATE_TIME = re.compile(r"^(\d{1,2}):(\d{1,2}):(\d{1,2})(?:\D.*)?$")
_DATE_DAY = re.compile(r"^(\d{1,2})(?:\D.*)?$")
_DATE_MONTH = re.compile(r"^(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)", re.IGNORECASE)
_DATE_YEAR = re.compile(r"^(\d{2,4})(?:\D.*)?$")
_MONTHS = {
    m: i
    for i, m in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1
    )
}
# The latest timestamp this platform can turn back into a date.
_MAX_TIME = float(calendar.timegm((9999, 12, 31, 23, 59, 59, 0, 0, 0)))
_SECURE_SCHEMES = frozenset({"https", "wss"})
_ALLOWED_PICKLE = frozenset(
    {
        ("builtins", "dict"),
        ("builtins", "set"),
        ("builtins", "frozenset"),
        ("builtins", "tuple"),
        ("builtins", "list"),
        ("collections", "defaultdict"),
        ("http.cookies", "SimpleCookie"),
        ("http.cookies", "BaseCookie"),
        ("http.cookies", "Morsel"),
    }
)


def _parse_date(value: str) -> float | None:
    """A cookie-date as a UTC timestamp, or ``None`` when it is not one (RFC 6265 5.1.1)."""
    found_time = found_day = found_month = found_year = False
    hour = minute = second = day = month = year = 0
    for token in _DATE_DELIMS.split(value):
        if not token:
            continue
        if not found_time and (m := _DATE_TIME.match(token)):
            found_time = True
            hour, minute, second = int(m[1]), int(m[2]), int(m[3])
        elif not found_day and (m := _DATE_DAY.match(token)):
            found_day = True
            day = int(m[1])
        elif not found_month and (m := _DATE_MONTH.match(token)):
            found_month = True
            month = _MONTHS[m[1].lower()]
        elif not found_year and (m := _DATE_YEAR.match(token)):
            found_year = True
            year = int(m[1])
    if not (found_time and found_day and found_month and found_year):
        return None
    if 70 <= year <= 99:
        year += 1900
    elif 0 <= year <= 69:
        year += 2000
    if day < 1 or day > 31 or year < 1601 or hour > 23 or minute > 59 or second > 59:
        return None
    try:
        datetime.date(year, month, day)
    except ValueError:
        return None
    return float(calendar.timegm((year, month, day, hour, minute, second, 0, 0, 0)))


def _domain_match(host: str, domain: str) -> bool:
    """RFC 6265 5.1.3: ``host`` equals ``domain`` or is a subdomain of it (not for IPs)."""
    if host == domain:
        return True
    return host.endswith(domain) and host[-len(domain) - 1] == "." and not is_ip_address(host)


def _path_match(req_path: str, cookie_path: str) -> bool:
    """RFC 6265 5.1.4."""
    if req_path == cookie_path:
        return True
    if not req_path.startswith(cookie_path):
        return False
    return cookie_path.endswith("/") or req_path[len(cookie_path)] == "/"


def _default_path(url: URL) -> str:
    """RFC 6265 5.1.4: the directory of the request path."""
    path = url.raw_path
    if not path.startswith("/"):
        return "/"
    cut = path.rfind("/")
    return "/" if cut == 0 else path[:cut]


class _RestrictedUnpickler(pickle.Unpickler):
    """Loads only the plain containers and cookie classes a saved jar holds."""

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) not in _ALLOWED_PICKLE:
            raise pickle.UnpicklingError(f"Forbidden class in cookie file: {module}.{name}")
        return super().find_class(module, name)


class CookieJar(AbstractCookieJar):
    """Stores cookies from responses and chooses those each request carries (RFC 6265).

    Cookies from IP-address hosts are refused unless ``unsafe``. ``Secure``
    cookies go only to ``https``/``wss`` URLs and to the origins listed in
    ``treat_as_secure_origin``. With ``quote_cookie=False`` values are sent
    as stored, without RFC 2109 quoting.
    """

    def __init__(
        self,
        *,
        unsafe: bool = False,
        quote_cookie: bool = True,
        treat_as_secure_origin: str | URL | list[str | URL] | None = None,
        loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        super().__init__(loop=loop)
        self._cookies: dict[_Key, SimpleCookie] = {}
        self._host_only_cookies: set[tuple[str, str]] = set()
        self._unsafe = unsafe
        self._quote_cookie = quote_cookie
        if treat_as_secure_origin is None:
            origins: list[str | URL] = []
        elif isinstance(treat_as_secure_origin, (str, URL)):
            origins = [treat_as_secure_origin]
        else:
            origins = list(treat_as_secure_origin)
        self._treat_as_secure_origin = frozenset(URL(str(o)).origin() for o in origins)
        self._expirations: dict[tuple[str, str, str], float] = {}
        self._expiry_heap: list[tuple[float, tuple[str, str, str]]] = []

    @property
    def quote_cookie(self) -> bool:
        """Whether values are quoted when sent."""
        return self._quote_cookie

    # -- persistence -------------------------------------------------------------------

    def save(self, file_path: str | os.PathLike[str]) -> None:
        """Write the cookies (a pickle of plain containers and morsels) to ``file_path``."""
        self._do_expiration()
        state = {
            "cookies": {key: cookie for key, cookie in self._cookies.items() if cookie},
            "host_only": set(self._host_only_cookies),
            "expirations": dict(self._expirations),
        }
        with open(file_path, "wb") as f:
            pickle.dump(state, f, pickle.HIGHEST_PROTOCOL)

    def load(self, file_path: str | os.PathLike[str]) -> None:
        """Replace the cookies with those saved in ``file_path``; only cookie data is accepted."""
        with open(file_path, "rb") as f:
            data = f.read()
        state = _RestrictedUnpickler(io.BytesIO(data)).load()
        if isinstance(state, dict) and "cookies" in state:
            cookies = state["cookies"]
            host_only = state.get("host_only", set())
            expirations = state.get("expirations", {})
        else:
            cookies, host_only, expirations = state, set(), {}
        if not isinstance(cookies, Mapping):
            raise pickle.UnpicklingError("Not a saved cookie jar")
        self._cookies = {}
        for key, cookie in cookies.items():
            if not (isinstance(key, tuple) and len(key) == 2 and isinstance(cookie, BaseCookie)):
                raise pickle.UnpicklingError("Not a saved cookie jar")
            self._cookies[key] = SimpleCookie(cookie)
        self._host_only_cookies = set(host_only)
        self._expirations = dict(expirations)
        self._expiry_heap = [(when, k) for k, when in self._expirations.items()]
        heapq.heapify(self._expiry_heap)
        self._do_expiration()

    # -- clearing ----------------------------------------------------------------------

    def clear(self, predicate: ClearCookiePredicate | None = None) -> None:
        """Remove every cookie, or those for which ``predicate(morsel)`` is true."""
        if predicate is None:
            self._cookies.clear()
            self._host_only_cookies.clear()
            self._expirations.clear()
            self._expiry_heap.clear()
            return
        for (domain, path), cookie in list(self._cookies.items()):
            for name, morsel in list(cookie.items()):
                if predicate(morsel):
                    self._remove(domain, path, name)

    def clear_domain(self, domain: str) -> None:
        """Remove the cookies of ``domain`` and of its subdomains."""
        domain = domain.lstrip(".").lower()
        self.clear(lambda morsel: _domain_match(morsel["domain"], domain))

    def _remove(self, domain: str, path: str, name: str) -> None:
        cookie = self._cookies.get((domain, path))
        if cookie is not None:
            dict.pop(cookie, name, None)
            if not cookie:
                del self._cookies[(domain, path)]
        self._host_only_cookies.discard((domain, name))
        self._expirations.pop((domain, path, name), None)

    def _do_expiration(self) -> None:
        heap = self._expiry_heap
        if not heap:
            return
        now = time.time()
        while heap and heap[0][0] <= now:
            when, key = heapq.heappop(heap)
            if self._expirations.get(key) == when:
                self._remove(*key)

    def _expire_at(self, domain: str, path: str, name: str, when: float) -> None:
        key = (domain, path, name)
        self._expirations[key] = when
        heapq.heappush(self._expiry_heap, (when, key))

    # -- iteration ---------------------------------------------------------------------

    def __iter__(self) -> Iterator[Morsel[str]]:
        self._do_expiration()
        for cookie in self._cookies.values():
            yield from cookie.values()

    def __len__(self) -> int:
        self._do_expiration()
        return sum(len(cookie) for cookie in self._cookies.values())

    # -- storing -----------------------------------------------------------------------

    def update_cookies(self, cookies: Any, response_url: URL = URL()) -> None:  # noqa: B008
        """Store ``cookies`` (mapping, pairs or ``BaseCookie``) received from ``response_url``."""
        hostname = response_url.raw_host
        if hostname is not None:
            hostname = hostname.lower().rstrip(".")
            if not self._unsafe and is_ip_address(hostname):
                return
        items: Iterable[tuple[str, Any]]
        items = cookies.items() if isinstance(cookies, Mapping) else cookies
        now = time.time()
        for name, value in items:
            if isinstance(value, Morsel):
                source: Morsel[str] = value
            else:
                tmp: SimpleCookie = SimpleCookie()
                tmp[name] = value
                source = tmp[name]
            morsel = _morsel(source.key, source.value, source.coded_value)
            morsel.update(source)
            name = source.key
            domain = morsel["domain"].lstrip(".").lower()
            if not domain and hostname is not None:
                self._host_only_cookies.add((hostname, name))
                domain = hostname
            elif domain and hostname is not None:
                if not _domain_match(hostname, domain):
                    continue  # a host may only set cookies for itself and its parents
                if domain == hostname:
                    self._host_only_cookies.discard((domain, name))
            morsel["domain"] = domain
            path = morsel["path"]
            if not path.startswith("/"):
                path = _default_path(response_url)
                morsel["path"] = path
            if source is value:
                # As aiohttp does, the given morsel (e.g. ``resp.cookies``) shows the
                # domain and path the jar decided; the jar keeps its own copy.
                source["domain"] = domain
                source["path"] = path
            path = path.rstrip("/") or "/"
            expires_at: float | None = None
            max_age = morsel["max-age"]
            if max_age:
                try:
                    delta = int(max_age)
                except ValueError:
                    morsel["max-age"] = ""
                else:
                    expires_at = now + delta if delta > 0 else 0.0
            if expires_at is None and morsel["expires"]:
                parsed = _parse_date(morsel["expires"])
                if parsed is None:
                    morsel["expires"] = ""
                else:
                    expires_at = parsed
            if expires_at is not None and expires_at <= now:
                self._remove(domain, path, name)
                continue
            key = (domain, path)
            jar = self._cookies.get(key)
            if jar is None:
                jar = self._cookies[key] = SimpleCookie()
            dict.__setitem__(jar, name, morsel)
            if expires_at is not None:
                self._expire_at(domain, path, name, min(expires_at, _MAX_TIME))
            else:
                self._expirations.pop((domain, path, name), None)

    # -- choosing ----------------------------------------------------------------------

    def filter_cookies(self, request_url: URL | str = URL()) -> BaseCookie[str]:  # noqa: B008
        """The cookies a request to ``request_url`` carries, most specific path first.

        A ``str`` is still accepted, with a DeprecationWarning, as aiohttp does: callers
        such as aiohttp-client-cache pass one.
        """
        filtered: SimpleCookie = SimpleCookie()
        if not isinstance(request_url, URL):
            warnings.warn(
                f"The method accepts yarl.URL instances only, got {type(request_url)}",
                DeprecationWarning,
                stacklevel=2,
            )
            request_url = URL(request_url)
        if not self._cookies:
            return filtered
        self._do_expiration()
        if not self._cookies:
            return filtered
        hostname = (request_url.raw_host or "").lower().rstrip(".")
        is_not_secure = request_url.scheme not in _SECURE_SCHEMES
        if is_not_secure and self._treat_as_secure_origin:
            with contextlib.suppress(ValueError):
                is_not_secure = request_url.origin() not in self._treat_as_secure_origin
        ip_host = not self._unsafe and is_ip_address(hostname)
        req_path = request_url.raw_path or "/"
        candidates: list[tuple[int, Morsel[str]]] = []
        host_only = self._host_only_cookies
        for (domain, path), cookie in self._cookies.items():
            if domain and (ip_host or not _domain_match(hostname, domain)):
                continue
            if not _path_match(req_path, path):
                continue
            for name, morsel in cookie.items():
                if domain and domain != hostname and (domain, name) in host_only:
                    continue
                if is_not_secure and morsel["secure"]:
                    continue
                candidates.append((len(path), morsel))
        if len(candidates) > 1:
            candidates.sort(key=lambda item: -item[0])
        quote = self._quote_cookie
        for _, morsel in candidates:
            name = morsel.key
            if name in filtered:
                continue
            dict.__setitem__(
                filtered,
                name,
                _morsel(name, morsel.value, morsel.coded_value if quote else morsel.value),
            )
        return filtered


def _morsel(name: str, value: str, coded_value: str) -> Morsel[str]:
    """A ``Morsel`` for any cookie name (``Morsel.set`` refuses names browsers accept)."""
    morsel: Morsel[str] = Morsel()
    morsel.__setstate__(  # type: ignore[attr-defined]
        {"key": name, "value": value, "coded_value": coded_value}
    )
    return morsel


class DummyCookieJar(AbstractCookieJar):
    """A jar that stores nothing: for sessions that must not keep cookies."""

    def __init__(self, *, loop: asyncio.AbstractEventLoop | None = None) -> None:
        super().__init__(loop=loop)

    def __iter__(self) -> Iterator[Morsel[str]]:
        return iter(())

    def __len__(self) -> int:
        return 0

    @property
    def quote_cookie(self) -> bool:
        """Always true (nothing is ever sent)."""
        return True

    def clear(self, predicate: ClearCookiePredicate | None = None) -> None:
        """Nothing to clear."""

    def clear_domain(self, domain: str) -> None:
        """Nothing to clear."""

    def update_cookies(self, cookies: Any, response_url: URL = URL()) -> None:  # noqa: B008
        """Drop the cookies."""

    def filter_cookies(self, request_url: URL = URL()) -> BaseCookie[str]:  # noqa: B008
        """No cookies."""
        return SimpleCookie()
