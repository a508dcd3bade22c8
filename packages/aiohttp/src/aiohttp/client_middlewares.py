"""``aiohttp.client_middlewares``: re-exports from aiohttp_client."""

from aiohttp_client.client_middlewares import (
    ClientHandlerType as ClientHandlerType,
    ClientMiddlewareType as ClientMiddlewareType,
    build_client_middlewares as build_client_middlewares,
)

__all__ = [
    "ClientHandlerType",
    "ClientMiddlewareType",
    "build_client_middlewares",
]
