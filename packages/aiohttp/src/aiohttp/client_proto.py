"""``aiohttp.client_proto``: re-exports from aiohttp_client."""

from aiohttp_client.client_proto import (
    ResponseHandler as ResponseHandler,
)

__all__ = [
    "ResponseHandler",
]
