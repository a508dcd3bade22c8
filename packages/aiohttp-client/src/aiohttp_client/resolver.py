"""DNS resolvers for ``TCPConnector``.

``ThreadedResolver`` runs ``getaddrinfo`` in the loop's executor;
``AsyncResolver`` uses aiodns when it is installed. Both return
``ResolveResult`` dicts, numeric hosts only.
"""

from __future__ import annotations

import asyncio
import socket
from typing import Any

from aiohttp_wire.abc import AbstractResolver, ResolveResult

try:
    import aiodns  # type: ignore[import-not-found,unused-ignore]
except ImportError:  # pragma: no cover - depends on the environment
    aiodns = None

__all__ = ("AsyncResolver", "DefaultResolver", "ThreadedResolver")

_NUMERIC = socket.NI_NUMERICHOST | socket.NI_NUMERICSERV
_AI_ADDRCONFIG = getattr(socket, "AI_ADDRCONFIG", 0)


class ThreadedResolver(AbstractResolver):
    """Resolves with ``loop.getaddrinfo`` (the system resolver, in a thread)."""

    def __init__(self, loop: asyncio.AbstractEventLoop | None = None) -> None:
        self._loop = loop if loop is not None else asyncio.get_running_loop()

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily | int = socket.AF_INET
    ) -> list[ResolveResult]:
        """Every stream address of ``host``; IPv6 link-local ones keep their ``%scope``."""
        infos = await self._loop.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, family=family, flags=_AI_ADDRCONFIG
        )
        results: list[ResolveResult] = []
        for fam, _, proto, _, address in infos:
            if fam == socket.AF_INET6:
                if len(address) < 3:
                    continue  # IPv6 not supported by this Python build
                if address[3]:
                    resolved_host, port_str = socket.getnameinfo(
                        (str(address[0]), int(address[1]), int(address[2]), int(address[3])),
                        _NUMERIC,
                    )
                    resolved_port = int(port_str)
                else:
                    resolved_host, resolved_port = str(address[0]), int(address[1])
            elif fam == socket.AF_INET:
                resolved_host, resolved_port = str(address[0]), int(address[1])
            else:
                continue
            results.append(
                {
                    "hostname": host,
                    "host": resolved_host,
                    "port": resolved_port,
                    "family": fam,
                    "proto": proto,
                    "flags": _NUMERIC,
                }
            )
        if not results:
            raise OSError(None, f"DNS lookup failed: no addresses for {host}")
        return results

    async def close(self) -> None:
        """Nothing to release: the executor belongs to the loop."""


class AsyncResolver(AbstractResolver):
    """Resolves with aiodns (c-ares); raises ``RuntimeError`` when aiodns is missing."""

    def __init__(
        self, loop: asyncio.AbstractEventLoop | None = None, *args: Any, **kwargs: Any
    ) -> None:
        if aiodns is None:
            raise RuntimeError("Resolver requires aiodns library")
        if loop is not None:
            kwargs["loop"] = loop
        self._resolver = aiodns.DNSResolver(*args, **kwargs)

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily | int = socket.AF_INET
    ) -> list[ResolveResult]:
        """Every stream address of ``host`` as aiodns reports them."""
        try:
            resp = await self._resolver.getaddrinfo(
                host, port=port, type=socket.SOCK_STREAM, family=family, flags=_AI_ADDRCONFIG
            )
        except aiodns.error.DNSError as exc:
            msg = exc.args[1] if len(exc.args) >= 2 else "DNS lookup failed"
            raise OSError(None, msg) from exc
        results: list[ResolveResult] = []
        for node in resp.nodes:
            address = node.addr
            fam = node.family
            if fam == socket.AF_INET6 and len(address) > 3 and address[3]:
                resolved_host, port_str = socket.getnameinfo(
                    (address[0].decode("ascii"), *address[1:]), _NUMERIC
                )
                resolved_port = int(port_str)
            else:
                resolved_host = address[0].decode("ascii")
                resolved_port = address[1]
            results.append(
                {
                    "hostname": host,
                    "host": resolved_host,
                    "port": resolved_port,
                    "family": fam,
                    "proto": 0,
                    "flags": _NUMERIC,
                }
            )
        if not results:
            raise OSError(None, f"DNS lookup failed: no addresses for {host}")
        return results

    async def close(self) -> None:
        """Cancel aiodns's outstanding queries."""
        self._resolver.cancel()


DefaultResolver: type[AbstractResolver] = ThreadedResolver
