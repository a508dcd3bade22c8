"""Abstract base classes of aiohttp's ``aiohttp.abc`` module.

The server's request/response/application types live in another
distribution, so the signatures here name them as ``Any``.
"""

from __future__ import annotations

import logging
import socket
from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable, Generator, Iterable, Sequence, Sized
from http.cookies import BaseCookie, Morsel
from typing import TYPE_CHECKING, Any, TypedDict

from multidict import CIMultiDict
from yarl import URL

from .cookies import parse_set_cookie_headers

if TYPE_CHECKING:
    import asyncio

    from .typedefs import LooseCookies

__all__ = (
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
)

ClearCookiePredicate = Callable[["Morsel[str]"], bool]


class AbstractRouter(ABC):
    """Maps a request to an :class:`AbstractMatchInfo`."""

    def __init__(self) -> None:
        self._frozen = False

    def post_init(self, app: Any) -> None:
        """Hook called once the owning application is constructed."""

    @property
    def frozen(self) -> bool:
        return self._frozen

    def freeze(self) -> None:
        """Forbid further changes of the routing table."""
        self._frozen = True

    @abstractmethod
    async def resolve(self, request: Any) -> AbstractMatchInfo:
        """Return the match info for ``request``."""


class AbstractMatchInfo(ABC):
    """The result of routing: the handler and the applications it runs in."""

    __slots__ = ()

    @property
    @abstractmethod
    def handler(self) -> Callable[[Any], Awaitable[Any]]:
        """The request handler."""

    @property
    @abstractmethod
    def expect_handler(self) -> Callable[[Any], Awaitable[Any]]:
        """The ``Expect: 100-continue`` handler."""

    @property
    @abstractmethod
    def http_exception(self) -> Any:
        """The HTTP exception a failed resolution raises, else ``None``."""

    @abstractmethod
    def get_info(self) -> dict[str, Any]:
        """A dict describing the matched resource."""

    @property
    @abstractmethod
    def apps(self) -> tuple[Any, ...]:
        """The stack of applications, outermost first."""

    @abstractmethod
    def add_app(self, app: Any) -> None:
        """Push an enclosing application."""

    @abstractmethod
    def freeze(self) -> None:
        """Forbid further :meth:`add_app` calls."""


class AbstractView(ABC):
    """Base of class-based views: constructed with the request, then awaited."""

    def __init__(self, request: Any) -> None:
        self._request = request

    @property
    def request(self) -> Any:
        """The request being handled."""
        return self._request

    @abstractmethod
    def __await__(self) -> Generator[Any, None, Any]:
        """Run the view and produce the response."""


class ResolveResult(TypedDict):
    """One address a resolver returned, shaped for ``loop.create_connection``."""

    hostname: str
    host: str
    port: int
    family: int
    proto: int
    flags: int


class AbstractResolver(ABC):
    """A DNS resolver used by the client's connector."""

    @abstractmethod
    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily | int = socket.AF_INET
    ) -> list[ResolveResult]:
        """Return the addresses of ``host``."""

    @abstractmethod
    async def close(self) -> None:
        """Release the resolver's resources."""


class AbstractCookieJar(Sized, Iterable["Morsel[str]"]):
    """The cookie storage a client session uses."""

    def __init__(self, *, loop: asyncio.AbstractEventLoop | None = None) -> None:
        self._loop = loop

    @property
    @abstractmethod
    def quote_cookie(self) -> bool:
        """Whether cookie values are quoted when sent."""

    @abstractmethod
    def clear(self, predicate: ClearCookiePredicate | None = None) -> None:
        """Remove every cookie, or those for which ``predicate`` is true."""

    @abstractmethod
    def clear_domain(self, domain: str) -> None:
        """Remove the cookies of ``domain`` and its subdomains."""

    @abstractmethod
    def update_cookies(self, cookies: LooseCookies, response_url: URL = URL()) -> None:  # noqa: B008
        """Store cookies received from ``response_url``."""

    @abstractmethod
    def filter_cookies(self, request_url: URL) -> BaseCookie[str]:
        """The cookies to send to ``request_url``."""

    def update_cookies_from_headers(self, headers: Sequence[str], response_url: URL) -> None:
        """Store the cookies of raw ``Set-Cookie`` values received from ``response_url``.

        Parsed leniently (one bad header does not drop the others), then
        handed to :meth:`update_cookies` as ``(name, Morsel)`` pairs so that
        same-named cookies of different paths or domains all arrive.
        """
        morsels = parse_set_cookie_headers(headers)
        if morsels:
            self.update_cookies([(m.key, m) for m in morsels], response_url)


class AbstractStreamWriter(ABC):
    """Where a payload or response body is written."""

    buffer_size: int = 0
    output_size: int = 0
    length: int | None = 0

    @abstractmethod
    async def write(self, chunk: bytes | bytearray | memoryview) -> None:
        """Write a body chunk."""

    @abstractmethod
    async def write_eof(self, chunk: bytes = b"") -> None:
        """Write the last chunk and finish the body."""

    @abstractmethod
    async def drain(self) -> None:
        """Wait until the transport accepts more data."""

    @abstractmethod
    def enable_compression(self, encoding: str = "deflate", strategy: int | None = None) -> None:
        """Compress the body from now on."""

    @abstractmethod
    def enable_chunking(self) -> None:
        """Use chunked transfer encoding."""

    @abstractmethod
    def write_headers(self, status_line: str, headers: CIMultiDict[str]) -> Awaitable[None] | None:
        """Write (or buffer) the start line and headers.

        The wire ``StreamWriter`` buffers synchronously and returns ``None``;
        subclasses may instead return an awaitable, which callers then await.
        """

    def send_headers(self) -> None:
        """Flush buffered headers now (no-op unless the writer buffers)."""

    def set_eof(self) -> None:
        """Mark the body finished without writing (no-op by default)."""


class AbstractAccessLogger(ABC):
    """Writes one access-log line per handled request."""

    __slots__ = ("log_format", "logger")

    def __init__(self, logger: logging.Logger, log_format: str) -> None:
        self.logger = logger
        self.log_format = log_format

    @abstractmethod
    def log(self, request: Any, response: Any, time: float) -> None:
        """Log the request that took ``time`` seconds."""

    @property
    def enabled(self) -> bool:
        """Whether logging would produce output (skip the work otherwise)."""
        return True


class AbstractAsyncAccessLogger(ABC):
    """An access logger whose :meth:`log` is a coroutine."""

    __slots__ = ()

    @abstractmethod
    async def log(self, request: Any, response: Any, time: float) -> None:
        """Log the request that took ``time`` seconds."""

    @property
    def enabled(self) -> bool:
        """Whether logging would produce output."""
        return True
