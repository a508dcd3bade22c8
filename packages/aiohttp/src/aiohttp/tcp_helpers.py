"""``aiohttp.tcp_helpers``: re-exports from aiohttp_wire."""

from aiohttp_wire.tcp_helpers import (
    tcp_keepalive as tcp_keepalive,
    tcp_nodelay as tcp_nodelay,
)

__all__ = [
    "tcp_keepalive",
    "tcp_nodelay",
]
