"""aiohttp-socks as its README shows: ProxyConnector routes our ClientSession through SOCKS5.

The SOCKS5 proxy (RFC 1928, username/password auth per RFC 1929) is a small
asyncio server written here; it records what it was asked to reach, so the
probe can tell that the traffic really went through it.
"""

from __future__ import annotations

import asyncio
import socket
import struct

from aiohttp_socks import ChainProxyConnector, ProxyConnector, ProxyError

import aiohttp
from aiohttp import web
from aiohttp.test_utils import TestServer

#: Names the proxy resolves itself (remote DNS), as a SOCKS proxy in another network would.
PROXY_HOSTS = {"service.internal": "127.0.0.1"}


class Socks5Proxy:
    """CONNECT-only SOCKS5 server; requires ``user``/``secret`` when ``auth`` is set."""

    def __init__(self, *, auth: bool) -> None:
        self.auth = auth
        self.targets: list[tuple[str, int]] = []
        self.server: asyncio.Server | None = None
        self.port = 0

    async def start(self) -> None:
        self.server = await asyncio.start_server(self.handle, "127.0.0.1", 0)
        self.port = self.server.sockets[0].getsockname()[1]

    async def close(self) -> None:
        assert self.server is not None
        self.server.close()
        await self.server.wait_closed()

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            await self.negotiate(reader, writer)
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    async def negotiate(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        version, count = await reader.readexactly(2)
        assert version == 5
        methods = await reader.readexactly(count)
        wanted = 2 if self.auth else 0
        if wanted not in methods:
            writer.write(b"\x05\xff")
            return
        writer.write(bytes([5, wanted]))
        if self.auth:
            _, ulen = await reader.readexactly(2)
            user = await reader.readexactly(ulen)
            (plen,) = await reader.readexactly(1)
            password = await reader.readexactly(plen)
            ok = (user, password) == (b"user", b"secret")
            writer.write(b"\x01\x00" if ok else b"\x01\x01")
            if not ok:
                return
        _, command, _, atyp = await reader.readexactly(4)
        if atyp == 1:
            host = socket.inet_ntoa(await reader.readexactly(4))
        elif atyp == 3:
            (length,) = await reader.readexactly(1)
            host = (await reader.readexactly(length)).decode()
        else:
            host = socket.inet_ntop(socket.AF_INET6, await reader.readexactly(16))
        (port,) = struct.unpack("!H", await reader.readexactly(2))
        self.targets.append((host, port))
        if command != 1:
            writer.write(b"\x05\x07\x00\x01" + bytes(6))  # command not supported
            return
        try:
            up_reader, up_writer = await asyncio.open_connection(PROXY_HOSTS.get(host, host), port)
        except OSError:
            writer.write(b"\x05\x05\x00\x01" + bytes(6))  # connection refused
            return
        bound_host, bound_port = up_writer.get_extra_info("sockname")[:2]
        bound = socket.inet_aton(bound_host) + struct.pack("!H", bound_port)
        writer.write(b"\x05\x00\x00\x01" + bound)
        await writer.drain()
        try:
            await asyncio.gather(self.pipe(reader, up_writer), self.pipe(up_reader, writer))
        finally:
            up_writer.close()

    @staticmethod
    async def pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        finally:
            if writer.can_write_eof():
                writer.write_eof()


async def hello(request: web.Request) -> web.Response:
    peer = request.transport.get_extra_info("peername")[0] if request.transport else None
    return web.json_response({"host": request.host, "peer": peer})


async def upload(request: web.Request) -> web.Response:
    return web.Response(body=(await request.read())[::-1])


async def main() -> None:
    app = web.Application()
    app.router.add_get("/hello", hello)
    app.router.add_post("/upload", upload)
    server = TestServer(app)
    await server.start_server()
    port = server.port
    assert port is not None
    open_proxy, auth_proxy = Socks5Proxy(auth=False), Socks5Proxy(auth=True)
    await open_proxy.start()
    await auth_proxy.start()
    try:
        async with asyncio.timeout(30):
            # README: ProxyConnector.from_url, with credentials in the URL.
            connector = ProxyConnector.from_url(f"socks5://user:secret@127.0.0.1:{auth_proxy.port}")
            async with aiohttp.ClientSession(connector=connector) as session:
                for _ in range(2):  # the second request reuses the proxied connection
                    async with session.get(f"http://127.0.0.1:{port}/hello") as resp:
                        assert resp.status == 200
                        assert (await resp.json())["host"] == f"127.0.0.1:{port}"
                body = b"through the tunnel " * 5000
                async with session.post(f"http://127.0.0.1:{port}/upload", data=body) as resp:
                    assert await resp.read() == body[::-1]
            assert auth_proxy.targets == [("127.0.0.1", port)]

            # Remote DNS: a name only the proxy knows.
            connector = ProxyConnector.from_url(f"socks5://127.0.0.1:{open_proxy.port}", rdns=True)
            async with aiohttp.ClientSession(connector=connector) as session:
                async with session.get(f"http://service.internal:{port}/hello") as resp:
                    assert (await resp.json())["host"] == f"service.internal:{port}"
            assert open_proxy.targets == [("service.internal", port)]

            # A chain: through the authenticating proxy, then the open one.
            connector = ChainProxyConnector.from_urls(
                [
                    f"socks5://user:secret@127.0.0.1:{auth_proxy.port}",
                    f"socks5://127.0.0.1:{open_proxy.port}",
                ]
            )
            async with aiohttp.ClientSession(connector=connector) as session:
                async with session.get(f"http://127.0.0.1:{port}/hello") as resp:
                    assert resp.status == 200
            assert auth_proxy.targets[-1] == ("127.0.0.1", open_proxy.port)
            assert open_proxy.targets[-1] == ("127.0.0.1", port)

            # Wrong credentials: the plugin's own error reaches the caller.
            connector = ProxyConnector.from_url(f"socks5://user:wrong@127.0.0.1:{auth_proxy.port}")
            async with aiohttp.ClientSession(connector=connector) as session:
                try:
                    await session.get(f"http://127.0.0.1:{port}/hello")
                except ProxyError:
                    pass
                else:
                    raise AssertionError("bad proxy credentials were accepted")
    finally:
        await open_proxy.close()
        await auth_proxy.close()
        await server.close()
    print("socks ok")


if __name__ == "__main__":
    asyncio.run(main())
