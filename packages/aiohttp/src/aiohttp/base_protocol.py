"""``aiohttp.base_protocol``: re-exports from aiohttp_wire."""

from aiohttp_wire.base_protocol import (
    BaseProtocol as BaseProtocol,
)

__all__ = [
    "BaseProtocol",
]
