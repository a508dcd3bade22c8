"""Gunicorn workers running an ``Application`` on an asyncio (or uvloop) event loop.

Use ``gunicorn module:app --worker-class aiohttp.GunicornWebWorker``.
gunicorn is not a dependency: without it this module still imports (so
that ``import aiohttp`` works) but the workers refuse to be constructed.
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import ssl
import sys
from types import FrameType
from typing import Any

from .web_app import Application
from .web_log import AccessLogger
from .web_runner import AppRunner, SockSite

try:
    from gunicorn.workers import base  # type: ignore[import-not-found,import-untyped,unused-ignore]

    _WorkerBase: Any = base.Worker
except ImportError:

    class _NoGunicorn:
        """Stands in for gunicorn's ``Worker`` when gunicorn is not installed."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            raise RuntimeError("gunicorn is required for aiohttp's workers: pip install gunicorn")

    _WorkerBase = _NoGunicorn

__all__ = ["GunicornUVLoopWebWorker", "GunicornWebWorker"]

_GUNICORN_STYLE = re.compile(r"%\([^\)]+\)")


class GunicornWebWorker(_WorkerBase):  # type: ignore[misc]
    """A gunicorn worker serving the configured ``Application`` on its listening sockets."""

    alive: bool
    loop: asyncio.AbstractEventLoop

    DEFAULT_AIOHTTP_LOG_FORMAT = AccessLogger.LOG_FORMAT
    DEFAULT_GUNICORN_LOG_FORMAT = '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s"'

    def __init__(self, *args: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self._task: asyncio.Task[None] | None = None
        self.exit_code = 0
        self._notify_waiter: asyncio.Future[bool] | None = None

    def init_process(self) -> None:
        """Give the worker a fresh event loop, then let gunicorn start it."""
        asyncio.get_event_loop_policy().get_event_loop().close()
        self.loop = asyncio.new_event_loop()
        asyncio.set_event_loop(self.loop)
        super().init_process()

    def run(self) -> None:
        """Serve until told to stop; exit with ``exit_code``."""
        self._task = self.loop.create_task(self._run())
        try:
            self.loop.run_until_complete(self._task)
        except Exception:
            self.log.exception("Exception in gunicorn worker")
        self.loop.run_until_complete(self.loop.shutdown_asyncgens())
        self.loop.close()
        sys.exit(self.exit_code)

    async def _run(self) -> None:
        if isinstance(self.wsgi, Application):
            app = self.wsgi
        elif asyncio.iscoroutinefunction(self.wsgi):
            app = await self.wsgi()
        else:
            raise RuntimeError(
                "wsgi app should be either Application or "
                f"async function returning Application, got {self.wsgi}"
            )
        access_log = self.log.access_log if self.cfg.accesslog else None
        runner = AppRunner(
            app,
            logger=self.log,
            keepalive_timeout=self.cfg.keepalive,
            access_log=access_log,
            access_log_format=self._get_valid_log_format(self.cfg.access_log_format),
            shutdown_timeout=self.cfg.graceful_timeout / 100 * 95,
        )
        await runner.setup()
        ctx = self._create_ssl_context(self.cfg) if self.cfg.is_ssl else None
        server = runner.server
        assert server is not None
        for sock in self.sockets:
            site = SockSite(runner, sock, ssl_context=ctx)
            await site.start()

        # If our parent changed then we shut down.
        pid = os.getpid()
        try:
            while self.alive:
                self.notify()
                cnt = server.requests_count
                if self.max_requests and cnt > self.max_requests:
                    self.alive = False
                    self.log.info("Max requests, shutting down: %s", self)
                elif pid == os.getpid() and self.ppid != os.getppid():
                    self.alive = False
                    self.log.info("Parent changed, shutting down: %s", self)
                else:
                    await self._wait_next_notify()
        finally:
            await runner.cleanup()

    def _wait_next_notify(self) -> asyncio.Future[bool]:
        self._notify_waiter_done()
        waiter = self._notify_waiter = self.loop.create_future()
        self.loop.call_later(1.0, self._notify_waiter_done, waiter)
        return waiter

    def _notify_waiter_done(self, waiter: asyncio.Future[bool] | None = None) -> None:
        if waiter is None:
            waiter = self._notify_waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(True)
        if waiter is self._notify_waiter:
            self._notify_waiter = None

    def init_signals(self) -> None:
        """Route gunicorn's signals through the event loop."""
        self.loop.add_signal_handler(signal.SIGTERM, self.handle_exit, signal.SIGTERM, None)
        self.loop.add_signal_handler(signal.SIGQUIT, self.handle_quit, signal.SIGQUIT, None)
        self.loop.add_signal_handler(signal.SIGINT, self.handle_quit, signal.SIGINT, None)
        self.loop.add_signal_handler(signal.SIGWINCH, self.handle_winch, signal.SIGWINCH, None)
        self.loop.add_signal_handler(signal.SIGUSR1, self.handle_usr1, signal.SIGUSR1, None)
        self.loop.add_signal_handler(signal.SIGABRT, self.handle_abort, signal.SIGABRT, None)
        # Don't let SIGTERM and SIGUSR1 disturb active requests by interrupting system calls.
        signal.siginterrupt(signal.SIGTERM, False)
        signal.siginterrupt(signal.SIGUSR1, False)
        # Reset signals so Gunicorn doesn't swallow subprocess return codes.
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        """Stop serving (SIGTERM) without waiting for the next 1 s heartbeat."""
        super().handle_exit(sig, frame)
        self._notify_waiter_done()

    def handle_quit(self, sig: int, frame: FrameType | None) -> None:
        """Stop serving after the current requests."""
        self.alive = False
        self.cfg.worker_int(self)
        self._notify_waiter_done()

    def handle_abort(self, sig: int, frame: FrameType | None) -> None:
        """Exit at once with status 1."""
        self.alive = False
        self.exit_code = 1
        self.cfg.worker_abort(self)
        sys.exit(1)

    @staticmethod
    def _create_ssl_context(cfg: Any) -> ssl.SSLContext:
        """The server ``SSLContext`` described by gunicorn's TLS settings."""
        ctx = ssl.SSLContext(cfg.ssl_version)
        ctx.load_cert_chain(cfg.certfile, cfg.keyfile)
        ctx.verify_mode = cfg.cert_reqs
        if cfg.ca_certs:
            ctx.load_verify_locations(cfg.ca_certs)
        if cfg.ciphers:
            ctx.set_ciphers(cfg.ciphers)
        return ctx

    def _get_valid_log_format(self, source_format: str) -> str:
        if source_format == self.DEFAULT_GUNICORN_LOG_FORMAT:
            return self.DEFAULT_AIOHTTP_LOG_FORMAT
        if _GUNICORN_STYLE.search(source_format):
            raise ValueError(
                "Gunicorn's style options in form of `%(name)s` are not "
                "supported for the log formatting. Please use aiohttp's "
                "format specification to configure access log formatting: "
                "http://docs.aiohttp.org/en/stable/logging.html"
                "#format-specification"
            )
        return source_format


class GunicornUVLoopWebWorker(GunicornWebWorker):
    """``GunicornWebWorker`` on a uvloop event loop."""

    def init_process(self) -> None:
        """Install uvloop's policy before the loop is made."""
        import uvloop  # type: ignore[import-not-found,unused-ignore]

        # Close any existing event loop before setting a new policy.
        asyncio.get_event_loop().close()
        asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())
        super().init_process()
