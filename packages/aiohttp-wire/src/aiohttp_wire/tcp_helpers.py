"""Socket options for TCP transports: keep-alive probes and Nagle's algorithm."""

from __future__ import annotations

import asyncio
import contextlib
import socket

__all__ = ["tcp_keepalive", "tcp_nodelay"]


def tcp_keepalive(transport: asyncio.Transport) -> None:
    """Turn on TCP keep-alive probes, so that dead peers are noticed."""
    sock = transport.get_extra_info("socket")
    if sock is not None:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)


def tcp_nodelay(transport: asyncio.Transport, value: bool) -> None:
    """Send small writes at once (``value=True``) or let Nagle coalesce them."""
    sock = transport.get_extra_info("socket")
    if sock is None or sock.family not in (socket.AF_INET, socket.AF_INET6):
        return
    # The peer may already be gone; the option no longer matters then.
    with contextlib.suppress(OSError):
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, value)
