"""ThreadedResolver, AsyncResolver and DefaultResolver."""

from __future__ import annotations

import asyncio
import socket
from typing import Any

import pytest

from aiohttp_client import resolver as resolver_module
from aiohttp_client.resolver import AsyncResolver, DefaultResolver, ThreadedResolver
from aiohttp_wire.abc import AbstractResolver


async def test_default_is_threaded() -> None:
    assert DefaultResolver is ThreadedResolver
    assert issubclass(ThreadedResolver, AbstractResolver)


async def test_resolves_localhost() -> None:
    r = ThreadedResolver()
    async with asyncio.timeout(10):
        results = await r.resolve("localhost", 8080, family=socket.AF_INET)
    assert results
    for res in results:
        assert res["hostname"] == "localhost"
        assert res["port"] == 8080
        assert res["family"] == socket.AF_INET
        assert res["host"].startswith("127.")
        assert res["flags"] == socket.NI_NUMERICHOST | socket.NI_NUMERICSERV
    await r.close()


async def test_ip_literals_resolve_to_themselves() -> None:
    r = ThreadedResolver()
    async with asyncio.timeout(10):
        v4 = await r.resolve("127.0.0.1", 80, family=socket.AF_UNSPEC)
        v6 = await r.resolve("::1", 443, family=socket.AF_INET6)
    assert [x["host"] for x in v4] == ["127.0.0.1"]
    assert v6[0]["host"] == "::1" and v6[0]["family"] == socket.AF_INET6
    assert v6[0]["port"] == 443


async def test_ipv6_scope_id_is_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    loop = asyncio.get_running_loop()

    async def fake_getaddrinfo(*args: Any, **kwargs: Any) -> list[Any]:
        return [(socket.AF_INET6, socket.SOCK_STREAM, 6, "", ("fe80::1", 80, 0, 1))]

    monkeypatch.setattr(loop, "getaddrinfo", fake_getaddrinfo)
    r = ThreadedResolver()
    results = await r.resolve("link.local", 80, family=socket.AF_INET6)
    assert results[0]["host"].startswith("fe80::1%")
    assert results[0]["port"] == 80


async def test_lookup_failure_raises_oserror(monkeypatch: pytest.MonkeyPatch) -> None:
    loop = asyncio.get_running_loop()

    async def failing(*args: Any, **kwargs: Any) -> list[Any]:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(loop, "getaddrinfo", failing)
    with pytest.raises(OSError):
        await ThreadedResolver().resolve("nowhere.test", 80)


async def test_no_usable_address_raises_oserror(monkeypatch: pytest.MonkeyPatch) -> None:
    loop = asyncio.get_running_loop()

    async def unusable(*args: Any, **kwargs: Any) -> list[Any]:
        return [(socket.AF_UNIX, socket.SOCK_STREAM, 0, "", "/tmp/x")]

    monkeypatch.setattr(loop, "getaddrinfo", unusable)
    with pytest.raises(OSError, match="no addresses"):
        await ThreadedResolver().resolve("odd.test", 80)


async def test_async_resolver_needs_aiodns(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(resolver_module, "aiodns", None)
    with pytest.raises(RuntimeError, match="aiodns"):
        AsyncResolver()


class _FakeDNSError(Exception):
    pass


class _FakeDNSResolver:
    """Stands in for ``aiodns.DNSResolver`` (aiodns is not a dependency)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.args = args
        self.kwargs = kwargs
        self.cancelled = False

    async def getaddrinfo(self, host: str, **kwargs: Any) -> Any:
        if host == "fail.test":
            raise _FakeDNSError(4, "Domain name not found")
        if host == "empty.test":
            return type("Resp", (), {"nodes": []})()
        node = type("Node", (), {})
        v4 = node()
        v4.family, v4.addr = socket.AF_INET, (b"192.0.2.1", kwargs["port"])
        v6 = node()
        v6.family, v6.addr = socket.AF_INET6, (b"fe80::1", kwargs["port"], 0, 1)
        return type("Resp", (), {"nodes": [v4, v6]})()

    def cancel(self) -> None:
        self.cancelled = True


@pytest.fixture
def fake_aiodns(monkeypatch: pytest.MonkeyPatch) -> Any:
    mod = type("aiodns", (), {})()
    mod.DNSResolver = _FakeDNSResolver
    mod.error = type("error", (), {"DNSError": _FakeDNSError})()
    monkeypatch.setattr(resolver_module, "aiodns", mod)
    return mod


async def test_async_resolver_maps_nodes(fake_aiodns: Any) -> None:
    r = AsyncResolver(nameservers=["192.0.2.53"])
    assert r._resolver.kwargs == {"nameservers": ["192.0.2.53"]}
    results = await r.resolve("dual.test", 8443, family=socket.AF_UNSPEC)
    assert results[0] == {
        "hostname": "dual.test",
        "host": "192.0.2.1",
        "port": 8443,
        "family": socket.AF_INET,
        "proto": 0,
        "flags": socket.NI_NUMERICHOST | socket.NI_NUMERICSERV,
    }
    assert results[1]["host"].startswith("fe80::1%")
    assert results[1]["port"] == 8443
    await r.close()
    assert r._resolver.cancelled


async def test_async_resolver_errors(fake_aiodns: Any) -> None:
    r = AsyncResolver()
    with pytest.raises(OSError, match="Domain name not found"):
        await r.resolve("fail.test", 80)
    with pytest.raises(OSError, match="no addresses"):
        await r.resolve("empty.test", 80)
