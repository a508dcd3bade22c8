"""URL routing: resources, routes, the ``UrlDispatcher`` and class-based ``View``.

Resolution indexes resources by the fixed path leading to them and walks
the request path from its longest prefix to the shortest, so that a plain
route costs one dict lookup and the most specific resource wins.
"""

from __future__ import annotations

import abc
import asyncio
import base64
import hashlib
import html
import inspect
import keyword
import os
import re
import warnings
from collections.abc import (
    Awaitable,
    Callable,
    Container,
    Generator,
    Iterable,
    Iterator,
    Mapping,
    Sized,
)
from contextlib import contextmanager
from functools import wraps
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Final, NoReturn, cast
from urllib.parse import quote, unquote

from yarl import URL

from aiohttp_wire import hdrs
from aiohttp_wire.abc import AbstractMatchInfo, AbstractRouter, AbstractView
from aiohttp_wire.http_version import HttpVersion11
from aiohttp_wire.typedefs import Handler, PathLike

from .web_exceptions import (
    HTTPException,
    HTTPExpectationFailed,
    HTTPForbidden,
    HTTPMethodNotAllowed,
    HTTPNotFound,
)
from .web_fileresponse import FileResponse
from .web_request import Request
from .web_response import Response, StreamResponse
from .web_routedef import AbstractRouteDef

if TYPE_CHECKING:
    from .web_app import Application

__all__ = [
    "AbstractResource",
    "AbstractRoute",
    "Domain",
    "DynamicResource",
    "MaskDomain",
    "MatchInfoError",
    "MatchedSubAppResource",
    "PlainResource",
    "PrefixResource",
    "PrefixedSubAppResource",
    "Resource",
    "ResourceRoute",
    "ResourcesView",
    "RoutesView",
    "StaticResource",
    "SystemRoute",
    "UrlDispatcher",
    "UrlMappingMatchInfo",
    "View",
]

_ExpectHandler = Callable[[Request], Awaitable[StreamResponse | None]]
_Resolve = tuple["UrlMappingMatchInfo | None", set[str]]

_HTTP_METHOD_RE: Final = re.compile(r"^[0-9A-Za-z!#\$%&'\*\+\-\.\^_`\|~]+$")
_ROUTE_RE: Final = re.compile(r"(\{[_a-zA-Z][^{}]*(?:\{[^{}]*\}[^{}]*)*\})")
_DYN: Final = re.compile(r"\{(?P<var>[_a-zA-Z][_a-zA-Z0-9]*)\}")
_DYN_WITH_RE: Final = re.compile(r"\{(?P<var>[_a-zA-Z][_a-zA-Z0-9]*):(?P<re>.+)\}")
_GOOD: Final = r"[^{}/]+"
_NAME_SPLIT_RE: Final = re.compile(r"[.:-]")
_EMPTY_SET: Final[frozenset[str]] = frozenset()
_PATH_SAFE: Final = "@:!$&'()*+,;="


def _quote_part(value: str) -> str:
    """Quote a value substituted into a path (``/`` stays, as aiohttp's ``url_for`` keeps it)."""
    return quote(value, safe="/" + _PATH_SAFE)


def _requote_path(path: str) -> str:
    """Normalise a route path the way yarl normalises request paths."""
    return URL.build(path=path).path_safe if "%" not in path else path


async def _default_expect_handler(request: Request) -> None:
    """Answer ``Expect: 100-continue``; reject any other expectation (417)."""
    expect = request.headers.get(hdrs.EXPECT, "")
    if request.version == HttpVersion11:
        if expect.lower() == "100-continue":
            await request.writer.write(b"HTTP/1.1 100 Continue\r\n\r\n")
            # Let the response's own byte count start from zero.
            writer = cast(Any, request.writer)
            if hasattr(writer, "output_size"):
                writer.output_size = 0
        else:
            raise HTTPExpectationFailed(text=f"Unknown Expect: {expect}")


class AbstractResource(Sized, Iterable["AbstractRoute"]):
    """A URL pattern owning routes (one per method)."""

    def __init__(self, *, name: str | None = None) -> None:
        self._name = name

    @property
    def name(self) -> str | None:
        return self._name

    @property
    @abc.abstractmethod
    def canonical(self) -> str:
        """The path pattern as registered."""

    @abc.abstractmethod
    def url_for(self, **kwargs: Any) -> URL:
        """Build a URL for this resource."""

    @abc.abstractmethod
    async def resolve(self, request: Request) -> _Resolve:
        """Match ``request``: (match info or None, methods allowed on the path)."""

    @abc.abstractmethod
    def add_prefix(self, prefix: str) -> None:
        """Prepend ``prefix`` (used when mounting a sub-application)."""

    @abc.abstractmethod
    def get_info(self) -> dict[str, Any]:
        """A description of the resource for introspection."""

    def freeze(self) -> None:
        """Called when the router freezes."""

    @abc.abstractmethod
    def raw_match(self, path: str) -> bool:
        """Whether the registered pattern is exactly ``path``."""


class AbstractRoute(abc.ABC):
    """A handler bound to a method on a resource."""

    def __init__(
        self,
        method: str,
        handler: Handler | type[AbstractView],
        *,
        expect_handler: _ExpectHandler | None = None,
        resource: AbstractResource | None = None,
    ) -> None:
        if expect_handler is None:
            expect_handler = _default_expect_handler
        if not inspect.iscoroutinefunction(expect_handler):
            raise TypeError(f"Coroutine is expected, got {expect_handler!r}")
        method = method.upper()
        if not _HTTP_METHOD_RE.match(method):
            raise ValueError(f"{method} is not allowed HTTP method")
        if inspect.isclass(handler):
            if not issubclass(handler, AbstractView):
                raise TypeError(
                    f"Only async functions are allowed as web-handlers, got {handler!r}"
                )
        elif not callable(handler):
            raise TypeError(f"Only async functions are allowed as web-handlers, got {handler!r}")
        elif not inspect.iscoroutinefunction(handler):
            warnings.warn(
                "Bare functions are deprecated, use async ones", DeprecationWarning, stacklevel=3
            )
            handler = _wrap_sync(handler)
        self._method = method
        self._handler: Any = handler
        self._expect_handler = expect_handler
        self._resource = resource

    @property
    def method(self) -> str:
        return self._method

    @property
    def handler(self) -> Handler:
        return cast(Handler, self._handler)

    @property
    @abc.abstractmethod
    def name(self) -> str | None:
        """The resource's name."""

    @property
    def resource(self) -> AbstractResource | None:
        return self._resource

    @abc.abstractmethod
    def get_info(self) -> dict[str, Any]:
        """A description of the route for introspection."""

    @abc.abstractmethod
    def url_for(self, *args: str, **kwargs: str) -> URL:
        """Build a URL for this route's resource."""

    async def handle_expect_header(self, request: Request) -> StreamResponse | None:
        return await self._expect_handler(request)


def _wrap_sync(handler: Callable[..., Any]) -> Handler:
    @wraps(handler)
    async def wrapped(request: Request) -> StreamResponse:
        result = handler(request)
        if inspect.isawaitable(result):
            result = await result
        return cast(StreamResponse, result)

    return wrapped


class UrlMappingMatchInfo(dict[str, str], AbstractMatchInfo):
    """The result of resolving a request: path parts plus the matched route."""

    __slots__ = ("_apps", "_current_app", "_frozen", "_route")

    def __init__(self, match_dict: dict[str, str], route: AbstractRoute) -> None:
        super().__init__(match_dict)
        self._route = route
        self._apps: tuple[Application, ...] = ()
        self._current_app: Application | None = None
        self._frozen = False

    @property
    def handler(self) -> Handler:
        return self._route.handler

    @property
    def route(self) -> AbstractRoute:
        return self._route

    @property
    def expect_handler(self) -> _ExpectHandler:
        return self._route.handle_expect_header

    @property
    def http_exception(self) -> HTTPException | None:
        return None

    def get_info(self) -> dict[str, Any]:
        return self._route.get_info()

    @property
    def apps(self) -> tuple[Application, ...]:
        return self._apps

    def add_app(self, app: Application) -> None:
        """Record an enclosing application (outermost ends up first)."""
        if self._frozen:
            raise RuntimeError("Cannot change apps stack after .freeze() call")
        if self._current_app is None:
            self._current_app = app
        self._apps = (app, *self._apps)

    @property
    def current_app(self) -> Application:
        app = self._current_app
        assert app is not None
        return app

    @current_app.setter
    def current_app(self, app: Application) -> None:
        if app not in self._apps:
            raise RuntimeError(f"Expected one of the following apps {self._apps!r}, got {app!r}")
        self._current_app = app

    @contextmanager
    def _set_current_app(self, app: Application) -> Generator[None, None, None]:
        """Temporarily make ``app`` the current application (middlewares use it)."""
        prev = self._current_app
        self.current_app = app
        try:
            yield
        finally:
            self._current_app = prev

    def freeze(self) -> None:
        self._frozen = True

    def __repr__(self) -> str:
        return f"<MatchInfo {super().__repr__()}: {self._route}>"


class MatchInfoError(UrlMappingMatchInfo):
    """A failed resolution; its handler raises the HTTP error (404 or 405)."""

    __slots__ = ("_exception",)

    def __init__(self, http_exception: HTTPException) -> None:
        self._exception = http_exception
        super().__init__({}, SystemRoute(self._exception))

    @property
    def http_exception(self) -> HTTPException:
        return self._exception

    def __repr__(self) -> str:
        return f"<MatchInfoError {self._exception.status}: {self._exception.reason}>"


class SystemRoute(AbstractRoute):
    """The route of a failed resolution."""

    def __init__(self, http_exception: HTTPException) -> None:
        super().__init__(hdrs.METH_ANY, self._handle)
        self._http_exception = http_exception

    def url_for(self, *args: str, **kwargs: str) -> URL:
        raise RuntimeError(".url_for() is not allowed for SystemRoute")

    @property
    def name(self) -> str | None:
        return None

    def get_info(self) -> dict[str, Any]:
        return {"http_exception": self._http_exception}

    async def _handle(self, request: Request) -> StreamResponse:
        raise self._http_exception

    @property
    def status(self) -> int:
        return self._http_exception.status

    @property
    def reason(self) -> str:
        return self._http_exception.reason

    def __repr__(self) -> str:
        return f"<SystemRoute {self.status}: {self.reason}>"


class ResourceRoute(AbstractRoute):
    """A route on a ``Resource``."""

    def __init__(
        self,
        method: str,
        handler: Handler | type[AbstractView],
        resource: AbstractResource,
        *,
        expect_handler: _ExpectHandler | None = None,
    ) -> None:
        super().__init__(method, handler, expect_handler=expect_handler, resource=resource)

    def __repr__(self) -> str:
        return f"<ResourceRoute [{self.method}] {self._resource} -> {self.handler!r}"

    @property
    def name(self) -> str | None:
        if self._resource is None:
            return None
        return self._resource.name

    def url_for(self, *args: str, **kwargs: str) -> URL:
        assert self._resource is not None
        return self._resource.url_for(*args, **kwargs)

    def get_info(self) -> dict[str, Any]:
        assert self._resource is not None
        return self._resource.get_info()


class Resource(AbstractResource):
    """A resource holding one route per method."""

    def __init__(self, *, name: str | None = None) -> None:
        super().__init__(name=name)
        self._routes: dict[str, ResourceRoute] = {}
        self._any_route: ResourceRoute | None = None
        self._allowed_methods: set[str] = set()

    def add_route(
        self,
        method: str,
        handler: type[AbstractView] | Handler,
        *,
        expect_handler: _ExpectHandler | None = None,
    ) -> ResourceRoute:
        """Add a route for ``method`` (``*`` for any method)."""
        method = method.upper()
        if method in self._routes:
            raise RuntimeError(
                f"Added route will never be executed, method {method} is already registered"
            )
        route = ResourceRoute(method, handler, self, expect_handler=expect_handler)
        self.register_route(route)
        return route

    def register_route(self, route: ResourceRoute) -> None:
        if not isinstance(route, ResourceRoute):
            raise TypeError(f"Instance of Route class is required, got {route!r}")
        if route.method == hdrs.METH_ANY:
            self._any_route = route
        self._allowed_methods.add(route.method)
        self._routes[route.method] = route

    async def resolve(self, request: Request) -> _Resolve:
        match_dict = self._match(request.rel_url.path_safe)
        if match_dict is None:
            return None, cast(set[str], _EMPTY_SET)
        route = self._routes.get(request.method, self._any_route)
        if route is not None:
            return UrlMappingMatchInfo(match_dict, route), self._allowed_methods
        return None, self._allowed_methods

    @abc.abstractmethod
    def _match(self, path: str) -> dict[str, str] | None:
        """The path parts if ``path`` matches."""

    def __len__(self) -> int:
        return len(self._routes)

    def __iter__(self) -> Iterator[AbstractRoute]:
        return iter(self._routes.values())


class PlainResource(Resource):
    """A fixed path."""

    def __init__(self, path: str, *, name: str | None = None) -> None:
        super().__init__(name=name)
        assert not path or path.startswith("/")
        self._path = path

    @property
    def canonical(self) -> str:
        return self._path

    def freeze(self) -> None:
        if not self._path:
            self._path = "/"

    def add_prefix(self, prefix: str) -> None:
        assert prefix.startswith("/")
        assert not prefix.endswith("/")
        assert len(prefix) > 1
        self._path = prefix + self._path

    def _match(self, path: str) -> dict[str, str] | None:
        return {} if self._path == path else None

    def raw_match(self, path: str) -> bool:
        return self._path == path

    def get_info(self) -> dict[str, Any]:
        return {"path": self._path}

    def url_for(self) -> URL:  # type: ignore[override]
        return URL.build(path=self._path, encoded=True)

    def __repr__(self) -> str:
        name = f"'{self.name}' " if self.name is not None else ""
        return f"<PlainResource {name} {self._path}>"


class DynamicResource(Resource):
    """A path with ``{name}`` / ``{name:regex}`` parts."""

    # The placeholder grammar, public as in aiohttp (plugins parse paths with them).
    DYN = _DYN
    DYN_WITH_RE = _DYN_WITH_RE
    GOOD = _GOOD

    def __init__(self, path: str, *, name: str | None = None) -> None:
        super().__init__(name=name)
        self._orig_path = path
        pattern = ""
        formatter = ""
        for part in _ROUTE_RE.split(path):
            match = _DYN.fullmatch(part)
            if match:
                pattern += f"(?P<{match.group('var')}>{_GOOD})"
                formatter += "{" + match.group("var") + "}"
                continue
            match = _DYN_WITH_RE.fullmatch(part)
            if match:
                pattern += f"(?P<{match.group('var')}>{match.group('re')})"
                formatter += "{" + match.group("var") + "}"
                continue
            if "{" in part or "}" in part:
                raise ValueError(f"Invalid path '{path}'['{part}']")
            part = _requote_path(part)
            formatter += part
            pattern += re.escape(part)
        try:
            compiled = re.compile(pattern)
        except re.error as exc:
            raise ValueError(f"Bad pattern '{pattern}': {exc}") from None
        assert compiled.pattern.startswith("/")
        assert formatter.startswith("/")
        self._pattern = compiled
        self._formatter = formatter

    @property
    def canonical(self) -> str:
        return self._formatter

    def add_prefix(self, prefix: str) -> None:
        assert prefix.startswith("/")
        assert not prefix.endswith("/")
        assert len(prefix) > 1
        self._pattern = re.compile(re.escape(prefix) + self._pattern.pattern)
        self._formatter = prefix + self._formatter

    def _match(self, path: str) -> dict[str, str] | None:
        match = self._pattern.fullmatch(path)
        if match is None:
            return None
        parts = match.groupdict()
        for key, value in parts.items():
            if "%" in value:
                parts[key] = unquote(value)
        return parts

    def raw_match(self, path: str) -> bool:
        return self._orig_path == path

    def get_info(self) -> dict[str, Any]:
        return {"formatter": self._formatter, "pattern": self._pattern}

    def url_for(self, **parts: str) -> URL:
        url = self._formatter.format_map({k: _quote_part(str(v)) for k, v in parts.items()})
        return URL.build(path=url, encoded=True)

    def __repr__(self) -> str:
        name = f"'{self.name}' " if self.name is not None else ""
        return f"<DynamicResource {name} {self._formatter}>"


class PrefixResource(AbstractResource):
    """A resource matching everything under a prefix."""

    def __init__(self, prefix: str, *, name: str | None = None) -> None:
        assert not prefix or prefix.startswith("/"), prefix
        assert prefix in ("", "/") or not prefix.endswith("/"), prefix
        super().__init__(name=name)
        self._prefix = _requote_path(prefix)
        self._prefix2 = self._prefix + "/"

    @property
    def canonical(self) -> str:
        return self._prefix

    def add_prefix(self, prefix: str) -> None:
        assert prefix.startswith("/")
        assert not prefix.endswith("/")
        assert len(prefix) > 1
        self._prefix = prefix + self._prefix
        self._prefix2 = self._prefix + "/"

    def raw_match(self, prefix: str) -> bool:
        return False


class StaticResource(PrefixResource):
    """Files served from a directory under a URL prefix (GET and HEAD)."""

    VERSION_KEY = "v"

    def __init__(
        self,
        prefix: str,
        directory: PathLike,
        *,
        name: str | None = None,
        expect_handler: _ExpectHandler | None = None,
        chunk_size: int = 256 * 1024,
        show_index: bool = False,
        follow_symlinks: bool = False,
        append_version: bool = False,
    ) -> None:
        super().__init__(prefix, name=name)
        try:
            directory = Path(directory).expanduser().resolve(strict=True)
        except FileNotFoundError as error:
            raise ValueError(f"'{directory}' does not exist") from error
        if not directory.is_dir():
            raise ValueError(f"'{directory}' is not a directory")
        self._directory = directory
        self._show_index = show_index
        self._chunk_size = chunk_size
        self._follow_symlinks = follow_symlinks
        self._expect_handler = expect_handler
        self._append_version = append_version
        self._routes = {
            "GET": ResourceRoute("GET", self._handle, self, expect_handler=expect_handler),
            "HEAD": ResourceRoute("HEAD", self._handle, self, expect_handler=expect_handler),
        }
        self._allowed_methods = set(self._routes)

    def url_for(  # type: ignore[override]
        self, *, filename: PathLike, append_version: bool | None = None
    ) -> URL:
        """The URL of ``filename``; with ``append_version``, ``?v=<content hash>``."""
        if append_version is None:
            append_version = self._append_version
        filename = str(filename).lstrip("/")
        url = URL.build(path=self._prefix, encoded=True)
        url = url / filename
        if append_version:
            unresolved = self._directory.joinpath(filename)
            try:
                if self._follow_symlinks:
                    normalized = Path(os.path.normpath(unresolved))
                    normalized.relative_to(self._directory)
                    filepath = normalized.resolve()
                else:
                    filepath = unresolved.resolve()
                    filepath.relative_to(self._directory)
            except (ValueError, FileNotFoundError):
                return url
            if filepath.is_file():
                digest = hashlib.sha256(filepath.read_bytes()).digest()
                version = base64.urlsafe_b64encode(digest).decode("ascii")
                return url.with_query({self.VERSION_KEY: version})
        return url

    def get_info(self) -> dict[str, Any]:
        return {"directory": self._directory, "prefix": self._prefix, "routes": self._routes}

    def set_options_route(self, handler: Handler) -> None:
        if "OPTIONS" in self._routes:
            raise RuntimeError("OPTIONS route was set already")
        self._routes["OPTIONS"] = ResourceRoute(
            "OPTIONS", handler, self, expect_handler=self._expect_handler
        )
        self._allowed_methods.add("OPTIONS")

    async def resolve(self, request: Request) -> _Resolve:
        path = request.rel_url.path_safe
        if not path.startswith(self._prefix2) and path != self._prefix:
            return None, cast(set[str], _EMPTY_SET)
        filename = _static_filename(unquote(path[len(self._prefix) + 1 :]))
        if filename is None:
            # Not a name inside the directory: no match (404), as in aiohttp.
            return None, cast(set[str], _EMPTY_SET)
        allowed = self._allowed_methods
        route = self._routes.get(request.method)
        if route is None:
            return None, allowed
        return UrlMappingMatchInfo({"filename": filename}, route), allowed

    def __len__(self) -> int:
        return len(self._routes)

    def __iter__(self) -> Iterator[AbstractRoute]:
        return iter(self._routes.values())

    async def _handle(self, request: Request) -> StreamResponse:
        filename = request.match_info["filename"]
        loop = asyncio.get_running_loop()
        target, is_dir = await loop.run_in_executor(None, self._resolve_target, filename)
        if is_dir:
            if not self._show_index:
                raise HTTPForbidden()
            try:
                body = await loop.run_in_executor(None, self._directory_as_html, target)
            except PermissionError as error:
                raise HTTPForbidden() from error
            return Response(text=body, content_type="text/html")
        return FileResponse(target, chunk_size=self._chunk_size)

    def _resolve_target(self, filename: str) -> tuple[Path, bool]:
        """Map a name from ``resolve`` to a path inside the directory, or raise 403/404.

        ``resolve`` already refused names that leave the directory on paper;
        this checks where symlinks really lead.
        """
        unresolved = self._directory.joinpath(filename)
        try:
            if self._follow_symlinks:
                normalized = Path(os.path.normpath(unresolved))
                normalized.relative_to(self._directory)
                target = normalized.resolve(strict=True)
            else:
                target = unresolved.resolve(strict=True)
                target.relative_to(self._directory)
        except (ValueError, FileNotFoundError, NotADirectoryError, RuntimeError) as error:
            raise HTTPNotFound() from error
        except OSError as error:
            raise HTTPForbidden() from error
        try:
            if target.is_dir():
                return target, True
        except PermissionError as error:
            raise HTTPForbidden() from error
        return target, False

    def _directory_as_html(self, dir_path: Path) -> str:
        """An HTML listing of ``dir_path``."""
        relative = dir_path.relative_to(self._directory).as_posix()
        index_of = "/" if relative == "." else f"/{relative}"
        title = html.escape(f"Index of {index_of}")
        items = []
        for entry in sorted(dir_path.iterdir()):
            rel_path = entry.relative_to(self._directory).as_posix()
            quoted = quote(f"{self._prefix}/{rel_path}", safe="/" + _PATH_SAFE)
            name = entry.name + ("/" if entry.is_dir() else "")
            items.append(f'<li><a href="{html.escape(quoted)}">{html.escape(name)}</a></li>')
        listing = "\n".join(items)
        return (
            f"<html>\n<head>\n<title>{title}</title>\n</head>\n<body>\n"
            f"<h1>{title}</h1>\n<ul>\n{listing}\n</ul>\n</body>\n</html>"
        )

    def __repr__(self) -> str:
        name = f"'{self.name}'" if self.name is not None else ""
        return f"<StaticResource {name} {self._prefix} -> {self._directory!r}>"


def _static_filename(filename: str) -> str | None:
    """The URL tail below a static prefix as a relative name, dot segments resolved.

    None when it names nothing inside the directory: it climbs above it,
    is absolute, or holds a NUL or a backslash (a separator on Windows).
    """
    if filename.startswith("/") or "\x00" in filename or "\\" in filename:
        return None
    if not filename.startswith(".") and "/." not in filename:
        return filename
    parts: list[str] = []
    for segment in filename.split("/"):
        if segment == "..":
            if not parts:
                return None
            parts.pop()
        elif segment and segment != ".":
            parts.append(segment)
    return "/".join(parts)


class PrefixedSubAppResource(PrefixResource):
    """A sub-application mounted under a path prefix."""

    def __init__(self, prefix: str, app: Application) -> None:
        super().__init__(prefix)
        self._app = app
        self._add_prefix_to_resources(prefix)

    def add_prefix(self, prefix: str) -> None:
        super().add_prefix(prefix)
        self._add_prefix_to_resources(prefix)

    def _add_prefix_to_resources(self, prefix: str) -> None:
        router = self._app.router
        for resource in router.resources():
            # The index key follows the path: take it out, move it, put it back.
            router.unindex_resource(resource)
            resource.add_prefix(prefix)
            router.index_resource(resource)

    def url_for(self, *args: str, **kwargs: str) -> URL:
        raise RuntimeError(".url_for() is not supported by sub-application root")

    def get_info(self) -> dict[str, Any]:
        return {"app": self._app, "prefix": self._prefix}

    async def resolve(self, request: Request) -> _Resolve:
        path = request.rel_url.path_safe
        if not path.startswith(self._prefix2) and path != self._prefix:
            return None, cast(set[str], _EMPTY_SET)
        match_info = await self._app.router.resolve(request)
        match_info.add_app(self._app)
        if isinstance(match_info.http_exception, HTTPMethodNotAllowed):
            methods = match_info.http_exception.allowed_methods
        else:
            methods = set()
        return match_info, methods

    def __len__(self) -> int:
        return len(self._app.router.routes())

    def __iter__(self) -> Iterator[AbstractRoute]:
        return iter(self._app.router.routes())

    def __repr__(self) -> str:
        return f"<PrefixedSubAppResource {self._prefix} -> {self._app!r}>"


class AbstractRuleMatching(abc.ABC):
    """A rule selecting requests for a ``MatchedSubAppResource``."""

    @abc.abstractmethod
    async def match(self, request: Request) -> bool:
        """Whether ``request`` belongs to the rule."""

    @abc.abstractmethod
    def get_info(self) -> dict[str, Any]:
        """A description of the rule."""

    @property
    @abc.abstractmethod
    def canonical(self) -> str:
        """The rule as text."""


class Domain(AbstractRuleMatching):
    """Matches the request's Host against one domain (and port, if given)."""

    _VALID_LABEL = re.compile(r"(?!-)[a-z\d-]{1,63}(?<!-)$")

    def __init__(self, domain: str) -> None:
        super().__init__()
        self._domain = self.validation(domain)

    @property
    def canonical(self) -> str:
        return self._domain

    def validation(self, domain: str) -> str:
        if not isinstance(domain, str):
            raise TypeError("Domain must be str")
        domain = domain.rstrip(".").lower()
        if not domain:
            raise ValueError("Domain cannot be empty")
        if "://" in domain:
            raise ValueError("Scheme not supported")
        url = URL("http://" + domain)
        host = url.raw_host
        if host is None or not all(self._VALID_LABEL.match(x) for x in host.split(".")):
            raise ValueError("Domain not valid")
        if url.port == 80 and ":80" not in domain:
            return host
        return f"{host}:{url.port}"

    async def match(self, request: Request) -> bool:
        host = request.headers.get(hdrs.HOST)
        if not host:
            return False
        return self.match_domain(host)

    def match_domain(self, host: str) -> bool:
        return host.lower() == self._domain

    def get_info(self) -> dict[str, Any]:
        return {"domain": self._domain}


class MaskDomain(Domain):
    """A domain with ``*`` wildcards (``*.example.com``)."""

    _VALID_LABEL = re.compile(r"(?!-)[a-z\d\*-]{1,63}(?<!-)$")

    def __init__(self, domain: str) -> None:
        super().__init__(domain)
        mask = self._domain.replace(".", r"\.").replace("*", ".*")
        self._mask = re.compile(mask)

    @property
    def canonical(self) -> str:
        return self._mask.pattern

    def match_domain(self, host: str) -> bool:
        return self._mask.fullmatch(host.lower()) is not None


class MatchedSubAppResource(PrefixedSubAppResource):
    """A sub-application selected by a rule (``add_domain``) rather than a prefix."""

    def __init__(self, rule: AbstractRuleMatching, app: Application) -> None:
        AbstractResource.__init__(self)
        self._prefix = ""
        self._prefix2 = "/"
        self._app = app
        self._rule = rule

    @property
    def canonical(self) -> str:
        return self._rule.canonical

    def get_info(self) -> dict[str, Any]:
        return {"app": self._app, "rule": self._rule}

    async def resolve(self, request: Request) -> _Resolve:
        if not await self._rule.match(request):
            return None, cast(set[str], _EMPTY_SET)
        match_info = await self._app.router.resolve(request)
        match_info.add_app(self._app)
        if isinstance(match_info.http_exception, HTTPMethodNotAllowed):
            methods = match_info.http_exception.allowed_methods
        else:
            methods = set()
        return match_info, methods

    def __repr__(self) -> str:
        return f"<MatchedSubAppResource -> {self._app!r}>"


class View(AbstractView):
    """A class-based handler: the request's method picks the coroutine method."""

    async def _iter(self) -> StreamResponse:
        method = self.request.method
        if method not in hdrs.METH_ALL:
            self._raise_allowed_methods()
        handler: Callable[[], Awaitable[StreamResponse]] | None = getattr(
            self, method.lower(), None
        )
        if handler is None:
            self._raise_allowed_methods()
        return await handler()

    def __await__(self) -> Generator[Any, None, StreamResponse]:
        return self._iter().__await__()

    def _raise_allowed_methods(self) -> NoReturn:
        allowed = {m for m in hdrs.METH_ALL if hasattr(self, m.lower())}
        raise HTTPMethodNotAllowed(self.request.method, allowed)


class ResourcesView(Sized, Iterable[AbstractResource], Container[AbstractResource]):
    """A read-only view over the router's resources."""

    def __init__(self, resources: list[AbstractResource]) -> None:
        self._resources = resources

    def __len__(self) -> int:
        return len(self._resources)

    def __iter__(self) -> Iterator[AbstractResource]:
        return iter(self._resources)

    def __contains__(self, resource: object) -> bool:
        return resource in self._resources


class RoutesView(Sized, Iterable[AbstractRoute], Container[AbstractRoute]):
    """A read-only view over every route of every resource."""

    def __init__(self, resources: list[AbstractResource]) -> None:
        self._routes: list[AbstractRoute] = []
        for resource in resources:
            self._routes.extend(resource)

    def __len__(self) -> int:
        return len(self._routes)

    def __iter__(self) -> Iterator[AbstractRoute]:
        return iter(self._routes)

    def __contains__(self, route: object) -> bool:
        return route in self._routes


def _index_key(resource: AbstractResource) -> str:
    """The fixed path that leads to ``resource``: where resolution looks for it.

    A plain path is its own key; a dynamic path is keyed by the segments
    before its first ``{``; a prefix resource (static files, sub-application)
    by its prefix. Anything else is tried last, for every path.
    """
    if isinstance(resource, PlainResource):
        return resource._path or "/"
    if isinstance(resource, DynamicResource):
        fixed = resource._formatter
        return fixed[: fixed.index("{")].rpartition("/")[0]
    if isinstance(resource, PrefixResource):
        return resource._prefix
    return ""


class UrlDispatcher(AbstractRouter, Mapping[str, AbstractResource]):
    """The router: resources in registration order, named resources by name."""

    NAME_SPLIT_RE = _NAME_SPLIT_RE

    def __init__(self) -> None:
        super().__init__()
        self._resources: list[AbstractResource] = []
        self._named_resources: dict[str, AbstractResource] = {}
        # index key (see _index_key) -> resources under it, in registration order.
        self._index_table: dict[str, list[AbstractResource]] = {}
        # The most "/" any index key has: deeper path prefixes cannot match.
        self._max_depth = 0
        # Sub-applications selected by a rule (add_domain): tried before paths.
        self._matched_subapps: list[MatchedSubAppResource] = []
        self._frozen = False

    @property
    def frozen(self) -> bool:
        return self._frozen

    async def resolve(self, request: Request) -> UrlMappingMatchInfo:
        """Find the route for ``request``; a ``MatchInfoError`` (404/405) if none.

        Sub-applications chosen by rule come first. Then the path is looked
        up in the index from its longest prefix to the shortest (``/a/b``,
        ``/a``, ``""``): the most specific fixed path wins, registration
        order breaks ties. A sub-application whose prefix matches answers
        for its whole subtree, its 404/405 included.
        """
        allowed: set[str] = set()
        for matched in self._matched_subapps:
            match_info, methods = await matched.resolve(request)
            if match_info is not None:
                return match_info
        path = request._rel_url.path_safe
        method = request._method
        index = self._index_table
        url_part = path
        full_path = True
        max_depth = self._max_depth
        if path.count("/") > max_depth:
            # Skip the prefixes deeper than every key (a long path costs no more).
            end = -1
            for _ in range(max_depth + 1):
                end = path.find("/", end + 1)
            url_part = path[:end]
            full_path = False
        while True:
            candidates = index.get(url_part)
            if candidates is not None:
                for resource in candidates:
                    if type(resource) is PlainResource:
                        # Keyed by its own path: a match only on the full path.
                        if full_path:
                            route = resource._routes.get(method, resource._any_route)
                            if route is not None:
                                return UrlMappingMatchInfo({}, route)
                            allowed |= resource._allowed_methods
                        continue
                    if type(resource) is DynamicResource:
                        # DynamicResource.resolve, without a coroutine per candidate.
                        match_dict = resource._match(path)
                        if match_dict is None:
                            continue
                        route = resource._routes.get(method, resource._any_route)
                        if route is not None:
                            return UrlMappingMatchInfo(match_dict, route)
                        allowed |= resource._allowed_methods
                        continue
                    match_info, methods = await resource.resolve(request)
                    if match_info is not None:
                        return match_info
                    allowed |= methods
            if not url_part:
                break
            url_part = url_part.rpartition("/")[0]
            full_path = False
        if allowed:
            return MatchInfoError(HTTPMethodNotAllowed(request.method, allowed))
        return MatchInfoError(HTTPNotFound())

    def index_resource(self, resource: AbstractResource) -> None:
        """Make ``resolve`` find ``resource`` under its current path.

        ``register_resource`` calls it. Code that changes a registered
        resource's path (``add_prefix``) unindexes it first and indexes it
        again afterwards, as aiohttp's router API expects.
        """
        if isinstance(resource, MatchedSubAppResource):
            self._matched_subapps.append(resource)
            return
        key = _index_key(resource)
        self._index_table.setdefault(key, []).append(resource)
        depth = key.count("/")
        if depth > self._max_depth:
            self._max_depth = depth

    def unindex_resource(self, resource: AbstractResource) -> None:
        """Stop ``resolve`` from finding ``resource``; ``resources()`` still lists it.

        Raises ``ValueError`` for a resource that is not indexed.
        """
        if isinstance(resource, MatchedSubAppResource):
            if resource not in self._matched_subapps:
                raise ValueError(f"{resource!r} is not indexed")
            self._matched_subapps.remove(resource)
            return
        key = _index_key(resource)
        bucket = self._index_table.get(key)
        if bucket is None or resource not in bucket:
            raise ValueError(f"{resource!r} is not indexed")
        bucket.remove(resource)
        if not bucket:
            del self._index_table[key]
            if key.count("/") == self._max_depth:
                self._max_depth = max((k.count("/") for k in self._index_table), default=0)

    def __iter__(self) -> Iterator[str]:
        return iter(self._named_resources)

    def __len__(self) -> int:
        return len(self._named_resources)

    def __contains__(self, resource: object) -> bool:
        return resource in self._named_resources

    def __getitem__(self, name: str) -> AbstractResource:
        return self._named_resources[name]

    def resources(self) -> ResourcesView:
        return ResourcesView(self._resources)

    def routes(self) -> RoutesView:
        return RoutesView(self._resources)

    def named_resources(self) -> Mapping[str, AbstractResource]:
        return MappingProxyType(self._named_resources)

    def register_resource(self, resource: AbstractResource) -> None:
        """Add ``resource`` (checking its name) to the routing table."""
        assert isinstance(resource, AbstractResource), (
            f"Instance of AbstractResource class is required, got {resource!r}"
        )
        if self._frozen:
            raise RuntimeError("Cannot register a resource into frozen router.")
        name = resource.name
        if name is not None:
            parts = self.NAME_SPLIT_RE.split(name)
            for part in parts:
                if keyword.iskeyword(part):
                    raise ValueError(
                        f"Incorrect route name {name!r}, python keywords cannot be used "
                        "for route name"
                    )
                if not part.isidentifier():
                    raise ValueError(
                        f"Incorrect route name {name!r}, the name should be a sequence of "
                        "python identifiers separated by dash, dot or column"
                    )
            if name in self._named_resources:
                raise ValueError(
                    f"Duplicate {name!r}, already handled by {self._named_resources[name]!r}"
                )
            self._named_resources[name] = resource
        self._resources.append(resource)
        self.index_resource(resource)

    def add_resource(self, path: str, *, name: str | None = None) -> Resource:
        """Get or create the resource for ``path``."""
        if path and not path.startswith("/"):
            raise ValueError("path should be started with / or be empty")
        # Reuse the last resource when it has the same path and name.
        if self._resources:
            last = self._resources[-1]
            if isinstance(last, Resource) and last.name == name and last.raw_match(path):
                return last
        if not ("{" in path or "}" in path or _ROUTE_RE.search(path)):
            resource: Resource = PlainResource(_requote_path(path), name=name)
        else:
            resource = DynamicResource(path, name=name)
        self.register_resource(resource)
        return resource

    def add_route(
        self,
        method: str,
        path: str,
        handler: Handler | type[AbstractView],
        *,
        name: str | None = None,
        expect_handler: _ExpectHandler | None = None,
    ) -> AbstractRoute:
        resource = self.add_resource(path, name=name)
        return resource.add_route(method, handler, expect_handler=expect_handler)

    def add_static(
        self,
        prefix: str,
        path: PathLike,
        *,
        name: str | None = None,
        expect_handler: _ExpectHandler | None = None,
        chunk_size: int = 256 * 1024,
        show_index: bool = False,
        follow_symlinks: bool = False,
        append_version: bool = False,
    ) -> StaticResource:
        """Serve the files under ``path`` at ``prefix`` (GET and HEAD)."""
        assert prefix.startswith("/")
        if prefix.endswith("/"):
            prefix = prefix[:-1]
        resource = StaticResource(
            prefix,
            path,
            name=name,
            expect_handler=expect_handler,
            chunk_size=chunk_size,
            show_index=show_index,
            follow_symlinks=follow_symlinks,
            append_version=append_version,
        )
        self.register_resource(resource)
        return resource

    def add_head(self, path: str, handler: Handler, **kwargs: Any) -> AbstractRoute:
        return self.add_route(hdrs.METH_HEAD, path, handler, **kwargs)

    def add_options(self, path: str, handler: Handler, **kwargs: Any) -> AbstractRoute:
        return self.add_route(hdrs.METH_OPTIONS, path, handler, **kwargs)

    def add_get(
        self,
        path: str,
        handler: Handler,
        *,
        name: str | None = None,
        allow_head: bool = True,
        **kwargs: Any,
    ) -> AbstractRoute:
        """GET (and, unless ``allow_head=False``, HEAD) on ``path``."""
        resource = self.add_resource(path, name=name)
        if allow_head:
            resource.add_route(hdrs.METH_HEAD, handler, **kwargs)
        return resource.add_route(hdrs.METH_GET, handler, **kwargs)

    def add_post(self, path: str, handler: Handler, **kwargs: Any) -> AbstractRoute:
        return self.add_route(hdrs.METH_POST, path, handler, **kwargs)

    def add_put(self, path: str, handler: Handler, **kwargs: Any) -> AbstractRoute:
        return self.add_route(hdrs.METH_PUT, path, handler, **kwargs)

    def add_patch(self, path: str, handler: Handler, **kwargs: Any) -> AbstractRoute:
        return self.add_route(hdrs.METH_PATCH, path, handler, **kwargs)

    def add_delete(self, path: str, handler: Handler, **kwargs: Any) -> AbstractRoute:
        return self.add_route(hdrs.METH_DELETE, path, handler, **kwargs)

    def add_view(self, path: str, handler: type[AbstractView], **kwargs: Any) -> AbstractRoute:
        return self.add_route(hdrs.METH_ANY, path, handler, **kwargs)

    def freeze(self) -> None:
        super().freeze()
        self._frozen = True
        for resource in self._resources:
            resource.freeze()

    def add_routes(self, routes: Iterable[AbstractRouteDef]) -> list[AbstractRoute]:
        """Register route definitions (``web.get(...)``, a ``RouteTableDef`` ...)."""
        registered: list[AbstractRoute] = []
        for route_def in routes:
            registered.extend(route_def.register(self))
        return registered
