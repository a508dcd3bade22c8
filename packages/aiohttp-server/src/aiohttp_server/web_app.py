"""The ``Application``: router, typed state, signals, sub-applications, middlewares.

``_handle`` is what the ``Server`` calls per request: resolve, then run the
handler through the middleware chain. Chains are computed once when the
application freezes and cached per handler afterwards.
"""

from __future__ import annotations

import asyncio
import logging
import sys
import warnings
from collections.abc import (
    AsyncIterator,
    Callable,
    Iterable,
    Iterator,
    Mapping,
    MutableMapping,
    Sequence,
)
from functools import partial
from typing import TYPE_CHECKING, Any, Generic, TypeVar, cast, overload

from aiosignal import Signal
from frozenlist import FrozenList

from aiohttp_wire import hdrs
from aiohttp_wire.http_parser import RawRequestMessage
from aiohttp_wire.log import web_logger
from aiohttp_wire.streams import StreamReader
from aiohttp_wire.typedefs import Handler, Middleware

from .web_exceptions import NotAppKeyWarning
from .web_log import AccessLogger
from .web_request import Request
from .web_response import StreamResponse
from .web_routedef import AbstractRouteDef
from .web_urldispatcher import (
    AbstractRoute,
    Domain,
    MaskDomain,
    MatchedSubAppResource,
    PrefixedSubAppResource,
    UrlDispatcher,
)

if TYPE_CHECKING:
    from aiohttp_wire.abc import AbstractStreamWriter

    from .web_protocol import RequestHandler
    from .web_server import Server

__all__ = ["AppKey", "Application", "CleanupError"]

_T = TypeVar("_T")
_U = TypeVar("_U")

_CleanupCtx = Callable[["Application"], AsyncIterator[None]]
# How many per-handler middleware chains to remember.
_CHAIN_CACHE_MAX = 1024


class AppKey(Generic[_T]):
    """A typed key for application state: ``app[KEY]`` is typed as ``_T``."""

    __slots__ = ("__orig_class__", "_name", "_t")

    def __init__(self, name: str, t: type[_T] | None = None) -> None:
        # Qualify the name with the defining module, like aiohttp's repr does.
        module = sys._getframe(1).f_globals.get("__name__", "")
        self._name = f"{module}.{name}" if module else name
        self._t = t

    def __lt__(self, other: object) -> bool:
        if isinstance(other, AppKey):
            return self._name < other._name
        return True

    def __repr__(self) -> str:
        t = self._t
        if t is None:
            orig = getattr(self, "__orig_class__", None)
            if orig is not None and getattr(orig, "__args__", None):
                t = orig.__args__[0]
        if t is None:
            t_repr = "<<Unknown>>"
        elif isinstance(t, type):
            t_repr = t.__qualname__
            if t.__module__ != "builtins":
                t_repr = f"{t.__module__}.{t_repr}"
        else:
            t_repr = repr(t)
        return f"<AppKey({self._name}, type={t_repr})>"


class CleanupError(RuntimeError):
    """Several cleanup callbacks failed; ``exceptions`` holds them all."""

    @property
    def exceptions(self) -> list[BaseException]:
        return cast(list[BaseException], self.args[1])


class CleanupContext(FrozenList[_CleanupCtx]):
    """Async generators run to their ``yield`` on startup and resumed on cleanup."""

    def __init__(self) -> None:
        super().__init__()
        self._exits: list[AsyncIterator[None]] = []

    async def _on_startup(self, app: Application) -> None:
        for cb in self:
            it = cb(app).__aiter__()
            await it.__anext__()
            self._exits.append(it)

    async def _on_cleanup(self, app: Application) -> None:
        errors: list[BaseException] = []
        for it in reversed(self._exits):
            try:
                await it.__anext__()
            except StopAsyncIteration:
                pass
            except (Exception, asyncio.CancelledError) as exc:
                errors.append(exc)
            else:
                errors.append(RuntimeError(f"{it!r} has more than one 'yield'"))
        self._exits.clear()
        if errors:
            if len(errors) == 1:
                raise errors[0]
            raise CleanupError("Multiple errors on cleanup stage", errors)


async def _run_as_current_app(
    request: Request, *, app: Application, handler: Handler
) -> StreamResponse:
    """Run the rest of the chain with ``app`` as ``request.app``."""
    match_info = request.match_info
    prev = match_info._current_app
    match_info._current_app = app
    try:
        return cast(StreamResponse, await handler(request))
    finally:
        match_info._current_app = prev


def _prepare_middleware(mw: Middleware) -> tuple[Middleware, bool]:
    """Tell new-style middlewares (``@middleware``) from old-style factories."""
    if getattr(mw, "__middleware_version__", None) == 1:
        return mw, True
    warnings.warn(
        f'old-style middleware "{mw!r}" deprecated, see #2252',
        DeprecationWarning,
        stacklevel=2,
    )
    return mw, False


class Application(MutableMapping["str | AppKey[Any]", Any]):
    """An aiohttp web application."""

    def __init__(
        self,
        *,
        logger: logging.Logger = web_logger,
        router: UrlDispatcher | None = None,
        middlewares: Iterable[Middleware] = (),
        handler_args: Mapping[str, Any] | None = None,
        client_max_size: int = 1024**2,
        loop: asyncio.AbstractEventLoop | None = None,
        debug: Any = ...,
    ) -> None:
        if router is None:
            router = UrlDispatcher()
        else:
            warnings.warn("router argument is deprecated", DeprecationWarning, stacklevel=2)
            if not isinstance(router, UrlDispatcher):
                raise TypeError(f"router must be a UrlDispatcher, got {router!r}")
        if loop is not None:
            warnings.warn("loop argument is deprecated", DeprecationWarning, stacklevel=2)
        if debug is not ...:
            warnings.warn(
                "debug argument is deprecated, use asyncio's debug mode instead",
                DeprecationWarning,
                stacklevel=2,
            )
        self._debug = debug
        self._router = router
        self._handler_args = handler_args
        self.logger = logger
        self._middlewares: FrozenList[Middleware] = FrozenList(middlewares)
        # Middlewares of this app and its parents, computed at freeze time.
        # (middleware, new style?) of this app, computed at freeze time.
        self._middlewares_handlers: tuple[tuple[Middleware, bool], ...] = ()
        self._run_middlewares: bool | None = None
        # Whether chains may be cached: no old-style factory on any route.
        self._chains_cacheable = True
        self._chain_cache: dict[tuple[Any, tuple[Application, ...]], Handler] = {}
        self._state: dict[str | AppKey[Any], Any] = {}
        self._frozen = False
        self._pre_frozen = False
        self._subapps: list[Application] = []
        self._on_response_prepare: Signal[Request, StreamResponse] = Signal(self)
        self._on_startup: Signal[Application] = Signal(self)
        self._on_shutdown: Signal[Application] = Signal(self)
        self._on_cleanup: Signal[Application] = Signal(self)
        self._cleanup_ctx = CleanupContext()
        self._on_startup.append(self._cleanup_ctx._on_startup)
        self._on_cleanup.append(self._cleanup_ctx._on_cleanup)
        self._client_max_size = client_max_size
        self._loop: asyncio.AbstractEventLoop | None = loop

    def __init_subclass__(cls: type[Application]) -> None:
        warnings.warn(
            f"Inheritance class {cls.__name__} from web.Application is discouraged",
            DeprecationWarning,
            stacklevel=2,
        )

    # -- MutableMapping: application state -------------------------------------

    def __eq__(self, other: object) -> bool:
        return self is other

    def __hash__(self) -> int:
        return id(self)

    @overload
    def __getitem__(self, key: AppKey[_T]) -> _T: ...

    @overload
    def __getitem__(self, key: str) -> Any: ...

    def __getitem__(self, key: str | AppKey[_T]) -> Any:
        return self._state[key]

    def _check_frozen(self) -> None:
        if self._frozen:
            warnings.warn(
                "Changing state of started or joined application is deprecated",
                DeprecationWarning,
                stacklevel=3,
            )

    @overload
    def __setitem__(self, key: AppKey[_T], value: _T) -> None: ...

    @overload
    def __setitem__(self, key: str, value: Any) -> None: ...

    def __setitem__(self, key: str | AppKey[_T], value: Any) -> None:
        self._check_frozen()
        if not isinstance(key, AppKey):
            warnings.warn(
                "It is recommended to use web.AppKey instances for keys.\n"
                "https://docs.aiohttp.org/en/stable/web_advanced.html#application-s-config",
                category=NotAppKeyWarning,
                stacklevel=2,
            )
        self._state[key] = value

    def __delitem__(self, key: str | AppKey[_T]) -> None:
        self._check_frozen()
        del self._state[key]

    def __len__(self) -> int:
        return len(self._state)

    def __iter__(self) -> Iterator[str | AppKey[Any]]:
        return iter(self._state)

    def __bool__(self) -> bool:
        return True

    @overload  # type: ignore[override]
    def get(self, key: AppKey[_T], default: None = ...) -> _T | None: ...

    @overload
    def get(self, key: AppKey[_T], default: _U) -> _T | _U: ...

    @overload
    def get(self, key: str, default: Any = ...) -> Any: ...

    def get(self, key: str | AppKey[_T], default: Any = None) -> Any:
        return self._state.get(key, default)

    # -- properties ---------------------------------------------------------------

    @property
    def debug(self) -> bool:
        if self._debug is ...:
            loop = self._loop
            return bool(loop is not None and loop.get_debug())
        return bool(self._debug)

    @property
    def loop(self) -> asyncio.AbstractEventLoop:
        """Deprecated: the loop the application serves on (the running one)."""
        warnings.warn("loop property is deprecated", DeprecationWarning, stacklevel=2)
        loop = self._loop
        return loop if loop is not None else asyncio.get_event_loop()

    @property
    def frozen(self) -> bool:
        return self._frozen

    @property
    def pre_frozen(self) -> bool:
        return self._pre_frozen

    @property
    def router(self) -> UrlDispatcher:
        return self._router

    @property
    def middlewares(self) -> FrozenList[Middleware]:
        return self._middlewares

    @property
    def on_response_prepare(self) -> Signal[Request, StreamResponse]:
        return self._on_response_prepare

    @property
    def on_startup(self) -> Signal[Application]:
        return self._on_startup

    @property
    def on_shutdown(self) -> Signal[Application]:
        return self._on_shutdown

    @property
    def on_cleanup(self) -> Signal[Application]:
        return self._on_cleanup

    @property
    def cleanup_ctx(self) -> CleanupContext:
        return self._cleanup_ctx

    # -- freezing -----------------------------------------------------------------

    def pre_freeze(self) -> None:
        """Lock the routing table, middlewares and signals (sub-apps included)."""
        if self._pre_frozen:
            return
        self._pre_frozen = True
        self._middlewares.freeze()
        self._router.freeze()
        self._on_response_prepare.freeze()
        self._cleanup_ctx.freeze()
        self._on_startup.freeze()
        self._on_shutdown.freeze()
        self._on_cleanup.freeze()
        self._middlewares_handlers = tuple(_prepare_middleware(mw) for mw in self._middlewares)
        # The chain only needs building when some app on the route has middlewares.
        self._run_middlewares = bool(self._middlewares_handlers)
        self._chains_cacheable = all(new for _, new in self._middlewares_handlers)
        for subapp in self._subapps:
            subapp.pre_freeze()
            self._run_middlewares = self._run_middlewares or bool(subapp._run_middlewares)
            self._chains_cacheable = self._chains_cacheable and subapp._chains_cacheable

    def freeze(self) -> None:
        """Make the application (and its sub-applications) immutable."""
        if self._frozen:
            return
        self.pre_freeze()
        self._frozen = True
        for subapp in self._subapps:
            subapp.freeze()

    # -- sub-applications -------------------------------------------------------

    def _reg_subapp_signals(self, subapp: Application) -> None:
        async def startup(app: Application) -> None:
            await subapp.startup()

        async def shutdown(app: Application) -> None:
            await subapp.shutdown()

        async def cleanup(app: Application) -> None:
            await subapp.cleanup()

        self._on_startup.append(startup)
        self._on_shutdown.append(shutdown)
        self._on_cleanup.append(cleanup)

    def _add_subapp_resource(self, resource: PrefixedSubAppResource, subapp: Application) -> None:
        if self._frozen:
            raise RuntimeError("Cannot add sub application to frozen application")
        if subapp._frozen:
            raise RuntimeError("Cannot add frozen application")
        self._router.register_resource(resource)
        self._reg_subapp_signals(subapp)
        self._subapps.append(subapp)
        subapp.pre_freeze()

    def add_subapp(self, prefix: str, subapp: Application) -> PrefixedSubAppResource:
        """Mount ``subapp`` under ``prefix``."""
        if not isinstance(prefix, str):
            raise TypeError("Prefix must be str")
        prefix = prefix.rstrip("/")
        if not prefix:
            raise ValueError("Prefix cannot be empty")
        if subapp._frozen:
            raise RuntimeError("Cannot add frozen application")
        resource = PrefixedSubAppResource(prefix, subapp)
        self._add_subapp_resource(resource, subapp)
        return resource

    def add_domain(self, domain: str, subapp: Application) -> MatchedSubAppResource:
        """Route requests whose Host matches ``domain`` (``*`` wildcards allowed) to ``subapp``."""
        if not isinstance(domain, str):
            raise TypeError("Domain must be str")
        rule: Domain = MaskDomain(domain) if "*" in domain else Domain(domain)
        resource = MatchedSubAppResource(rule, subapp)
        self._add_subapp_resource(resource, subapp)
        return resource

    def add_routes(self, routes: Iterable[AbstractRouteDef]) -> list[AbstractRoute]:
        return self._router.add_routes(routes)

    # -- lifecycle ------------------------------------------------------------------

    async def startup(self) -> None:
        """Run ``on_startup`` (cleanup contexts first, then the callbacks)."""
        await self._on_startup.send(self)

    async def shutdown(self) -> None:
        await self._on_shutdown.send(self)

    async def cleanup(self) -> None:
        """Run ``on_cleanup`` to the end, collecting errors into ``CleanupError``."""
        if self._on_cleanup.frozen:
            await self._on_cleanup.send(self)
        else:
            # An application that was never started: still run what is there.
            for cb in list(self._on_cleanup):
                await cb(self)

    # -- the seam with the Server ---------------------------------------------------

    def _make_handler(
        self,
        *,
        loop: asyncio.AbstractEventLoop | None = None,
        access_log_class: Any = AccessLogger,
        **kwargs: Any,
    ) -> Server:
        from .web_server import Server

        self._loop = loop if loop is not None else asyncio.get_running_loop()
        self.freeze()
        kwargs["access_log_class"] = access_log_class
        if self._handler_args:
            for key, value in self._handler_args.items():
                kwargs[key] = value
        return Server(
            cast(Any, self._handle),
            request_factory=self._make_request,
            loop=self._loop,
            **kwargs,
        )

    def make_handler(
        self,
        *,
        loop: asyncio.AbstractEventLoop | None = None,
        access_log_class: Any = AccessLogger,
        **kwargs: Any,
    ) -> Server:
        """Deprecated: the ``Server`` (protocol factory) for this application; use ``AppRunner``."""
        warnings.warn(
            "Application.make_handler(...) is deprecated, use AppRunner API instead",
            DeprecationWarning,
            stacklevel=2,
        )
        return self._make_handler(loop=loop, access_log_class=access_log_class, **kwargs)

    def _make_request(
        self,
        message: RawRequestMessage,
        payload: StreamReader,
        protocol: RequestHandler,
        writer: AbstractStreamWriter,
        task: asyncio.Task[None],
        _cls: type[Request] = Request,
    ) -> Request:
        loop = self._loop
        if loop is None:
            loop = self._loop = asyncio.get_running_loop()
        return _cls(
            message,
            payload,
            protocol,
            writer,
            task,
            loop,
            client_max_size=self._client_max_size,
        )

    async def _build_chain(self, handler: Handler, apps: Sequence[Application]) -> Handler:
        # Outermost application's first middleware runs first. Across
        # sub-applications each app's middlewares (and, innermost, the handler)
        # see that app as ``request.app``.
        nested = len(apps) > 1
        for app in reversed(apps):
            for mw, new_style in reversed(app._middlewares_handlers):
                if new_style:
                    # aiohttp passes the next handler by keyword: ``handler=``.
                    handler = partial(cast(Any, mw), handler=handler)
                else:
                    # An old-style factory: ``await mw(app, handler)`` is the handler.
                    handler = await cast(Any, mw)(app, handler)
            if nested:
                handler = partial(_run_as_current_app, app=app, handler=handler)
        return handler

    async def _handle(self, request: Request) -> StreamResponse:
        """Resolve ``request`` and run its handler through the middlewares."""
        match_info = await self._router.resolve(request)
        match_info.add_app(self)
        match_info.freeze()
        request._match_info = match_info

        if request.headers.get(hdrs.EXPECT):
            resp = await match_info.expect_handler(request)
            await request.writer.drain()
            if resp is not None:
                return resp

        handler = match_info.handler
        if self._run_middlewares:
            apps = match_info._apps
            if match_info.http_exception is None and self._chains_cacheable:
                key = (handler, apps)
                chain = self._chain_cache.get(key)
                if chain is None:
                    chain = await self._build_chain(handler, apps)
                    if len(self._chain_cache) >= _CHAIN_CACHE_MAX:
                        self._chain_cache.clear()
                    self._chain_cache[key] = chain
                handler = chain
            else:
                handler = await self._build_chain(handler, apps)
        return cast(StreamResponse, await handler(request))

    def __call__(self) -> Application:
        """gunicorn compatibility: the app is its own factory."""
        return self

    def __repr__(self) -> str:
        return f"<Application 0x{id(self):x}>"
