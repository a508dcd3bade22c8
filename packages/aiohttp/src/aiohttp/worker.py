"""``aiohttp.worker``: re-exports from aiohttp_server."""

from aiohttp_server.worker import (
    GunicornUVLoopWebWorker as GunicornUVLoopWebWorker,
    GunicornWebWorker as GunicornWebWorker,
)

__all__ = [
    "GunicornUVLoopWebWorker",
    "GunicornWebWorker",
]
