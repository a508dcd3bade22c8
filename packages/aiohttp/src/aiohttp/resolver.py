"""``aiohttp.resolver``: re-exports from aiohttp_client."""

from aiohttp_client.resolver import (
    AsyncResolver as AsyncResolver,
    DefaultResolver as DefaultResolver,
    ThreadedResolver as ThreadedResolver,
)

__all__ = [
    "AsyncResolver",
    "DefaultResolver",
    "ThreadedResolver",
]
