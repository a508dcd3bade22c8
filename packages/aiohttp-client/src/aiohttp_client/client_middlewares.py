"""Client middlewares: callables wrapped around sending one request.

A middleware receives the ``ClientRequest`` and the next handler, and returns
the ``ClientResponse``; it may change the request, call the handler several
times (retries, authentication challenges) or answer by itself.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .client_reqrep import ClientRequest, ClientResponse

__all__ = ("ClientHandlerType", "ClientMiddlewareType", "build_client_middlewares")

ClientHandlerType = Callable[["ClientRequest"], Awaitable["ClientResponse"]]
ClientMiddlewareType = Callable[["ClientRequest", ClientHandlerType], Awaitable["ClientResponse"]]


def build_client_middlewares(
    handler: ClientHandlerType, middlewares: Sequence[ClientMiddlewareType]
) -> ClientHandlerType:
    """Chain ``middlewares`` around ``handler``; the first one listed runs outermost."""
    for middleware in reversed(middlewares):
        handler = _bind(middleware, handler)
    return handler


def _bind(middleware: ClientMiddlewareType, handler: ClientHandlerType) -> ClientHandlerType:
    def bound(request: ClientRequest) -> Awaitable[ClientResponse]:
        return middleware(request, handler)

    return bound
