"""Runners and sites over real sockets (TCP, TLS, Unix, pre-bound), with httpx as the client."""

from __future__ import annotations

import asyncio
import signal
import socket
import ssl
from pathlib import Path

import httpx
import pytest
import trustme

from aiohttp_server.web_app import Application
from aiohttp_server.web_request import BaseRequest, Request
from aiohttp_server.web_response import Response, StreamResponse
from aiohttp_server.web_runner import (
    AppRunner,
    GracefulExit,
    NamedPipeSite,
    ServerRunner,
    SockSite,
    TCPSite,
    UnixSite,
)
from aiohttp_server.web_server import Server

GUARD = 5.0


async def hello(request: Request) -> StreamResponse:
    return Response(text=f"hello {request.path}")


def make_app() -> Application:
    app = Application()
    app.router.add_get("/", hello)
    app.router.add_get("/{name}", hello)
    return app


async def test_app_runner_lifecycle_and_signals_order() -> None:
    events: list[str] = []
    app = make_app()

    async def on_startup(app: Application) -> None:
        events.append("startup")

    async def on_shutdown(app: Application) -> None:
        events.append("shutdown")

    async def on_cleanup(app: Application) -> None:
        events.append("cleanup")

    app.on_startup.append(on_startup)
    app.on_shutdown.append(on_shutdown)
    app.on_cleanup.append(on_cleanup)
    runner = AppRunner(app)
    assert runner.server is None
    assert runner.app is app
    await runner.setup()
    assert events == ["startup"]
    assert runner.server is not None
    site = TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    assert runner.sites == {site}
    [(host, port)] = runner.addresses
    assert host == "127.0.0.1"
    async with httpx.AsyncClient(timeout=GUARD) as client:
        resp = await client.get(f"http://127.0.0.1:{port}/x")
    assert resp.status_code == 200
    assert resp.text == "hello /x"
    await runner.cleanup()
    assert events == ["startup", "shutdown", "cleanup"]
    assert runner.server is None
    assert runner.sites == set()


async def test_site_names_and_default_ports() -> None:
    runner = AppRunner(make_app())
    await runner.setup()
    try:
        assert TCPSite(runner).name == "http://0.0.0.0:8080"
        assert TCPSite(runner, "127.0.0.1", 1234).name == "http://127.0.0.1:1234"
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        assert TCPSite(runner, "localhost", ssl_context=ctx).name == "https://localhost:8443"
        assert UnixSite(runner, "/tmp/x.sock").name == "http://unix:/tmp/x.sock:"
    finally:
        await runner.cleanup()


async def test_site_requires_setup() -> None:
    runner = AppRunner(make_app())
    with pytest.raises(RuntimeError, match="setup"):
        TCPSite(runner)


async def test_app_runner_rejects_non_application() -> None:
    with pytest.raises(TypeError):
        AppRunner(object())  # type: ignore[arg-type]


async def test_site_registration_errors() -> None:
    runner = AppRunner(make_app())
    await runner.setup()
    try:
        site = TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        with pytest.raises(RuntimeError, match="already registered"):
            runner._reg_site(site)
        await site.stop()
        with pytest.raises(RuntimeError, match="not registered"):
            await site.stop()
    finally:
        await runner.cleanup()


async def test_unix_site(tmp_path: Path) -> None:
    path = str(tmp_path / "srv.sock")
    runner = AppRunner(make_app())
    await runner.setup()
    try:
        site = UnixSite(runner, path)
        await site.start()
        assert runner.addresses == [path]
        transport = httpx.AsyncHTTPTransport(uds=path)
        async with httpx.AsyncClient(transport=transport, timeout=GUARD) as client:
            resp = await client.get("http://localhost/unix")
        assert resp.text == "hello /unix"
    finally:
        await runner.cleanup()


async def test_sock_site() -> None:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    runner = AppRunner(make_app())
    await runner.setup()
    try:
        site = SockSite(runner, sock)
        assert site.name == f"http://127.0.0.1:{port}"
        await site.start()
        async with httpx.AsyncClient(timeout=GUARD) as client:
            resp = await client.get(f"http://127.0.0.1:{port}/sock")
        assert resp.text == "hello /sock"
    finally:
        await runner.cleanup()
        sock.close()


async def test_tls_site() -> None:
    ca = trustme.CA()
    cert = ca.issue_cert("localhost", "127.0.0.1")
    server_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    cert.configure_cert(server_ctx)
    client_ctx = ssl.create_default_context()
    ca.configure_trust(client_ctx)
    runner = AppRunner(make_app())
    await runner.setup()
    try:
        site = TCPSite(runner, "127.0.0.1", 0, ssl_context=server_ctx)
        await site.start()
        port = runner.addresses[0][1]
        async with httpx.AsyncClient(verify=client_ctx, timeout=GUARD) as client:
            resp = await client.get(f"https://127.0.0.1:{port}/tls")
        assert resp.text == "hello /tls"
    finally:
        await runner.cleanup()


async def test_server_runner() -> None:
    async def handler(request: BaseRequest) -> StreamResponse:
        return Response(text="low-level")

    server = Server(handler)
    runner = ServerRunner(server)
    await runner.setup()
    assert runner.server is server
    try:
        site = TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = runner.addresses[0][1]
        async with httpx.AsyncClient(timeout=GUARD) as client:
            resp = await client.get(f"http://127.0.0.1:{port}/")
        assert resp.text == "low-level"
    finally:
        await runner.cleanup()


async def test_cleanup_waits_for_request_in_flight() -> None:
    started = asyncio.Event()
    go = asyncio.Event()
    shutdown_seen = asyncio.Event()

    async def slow(request: Request) -> StreamResponse:
        started.set()
        await go.wait()
        return Response(text="finished")

    async def on_shutdown(app: Application) -> None:
        # Runs while the request is still in flight; release it now.
        shutdown_seen.set()
        go.set()

    app = Application()
    app.router.add_get("/slow", slow)
    app.on_shutdown.append(on_shutdown)
    runner = AppRunner(app, shutdown_timeout=GUARD)
    await runner.setup()
    site = TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    async with httpx.AsyncClient(timeout=GUARD) as client:
        request = asyncio.create_task(client.get(f"http://127.0.0.1:{port}/slow"))
        await asyncio.wait_for(started.wait(), GUARD)
        await asyncio.wait_for(runner.cleanup(), GUARD)
        resp = await request
    assert shutdown_seen.is_set()
    assert resp.status_code == 200
    assert resp.text == "finished"


async def test_cleanup_cancels_request_past_shutdown_timeout() -> None:
    started = asyncio.Event()
    cancelled = asyncio.Event()

    async def stuck(request: Request) -> StreamResponse:
        started.set()
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            cancelled.set()
            raise
        raise AssertionError("unreachable")

    app = Application()
    app.router.add_get("/stuck", stuck)
    runner = AppRunner(app, shutdown_timeout=0.01)
    await runner.setup()
    site = TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    async with httpx.AsyncClient(timeout=GUARD) as client:
        request = asyncio.create_task(client.get(f"http://127.0.0.1:{port}/stuck"))
        await asyncio.wait_for(started.wait(), GUARD)
        await asyncio.wait_for(runner.cleanup(), GUARD)
        with pytest.raises(httpx.HTTPError):
            await request
    assert cancelled.is_set()


async def test_runner_passes_handler_options() -> None:
    runner = AppRunner(make_app(), keepalive_timeout=7.0)
    await runner.setup()
    try:
        assert runner.server is not None
        assert runner.server().keepalive_timeout == 7.0
    finally:
        await runner.cleanup()


async def test_handle_signals_installs_and_removes_handlers() -> None:
    loop = asyncio.get_running_loop()
    runner = AppRunner(make_app(), handle_signals=True)
    await runner.setup()
    # remove_signal_handler reports whether a handler was installed.
    try:
        assert loop.remove_signal_handler(signal.SIGTERM)
    finally:
        await runner.cleanup()
    assert not loop.remove_signal_handler(signal.SIGINT)


async def test_named_pipe_site_needs_the_proactor_loop() -> None:
    runner = AppRunner(make_app())
    await runner.setup()
    try:
        with pytest.raises(RuntimeError, match="proactor"):
            NamedPipeSite(runner, r"\\.\pipe\aiohttp-test")
    finally:
        await runner.cleanup()


def test_graceful_exit_is_system_exit() -> None:
    assert issubclass(GracefulExit, SystemExit)
    assert GracefulExit().code == 1
