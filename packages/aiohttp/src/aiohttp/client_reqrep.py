"""``aiohttp.client_reqrep``: re-exports from aiohttp_client."""

from aiohttp_client.client_reqrep import (
    ClientRequest as ClientRequest,
    ClientResponse as ClientResponse,
    ConnectionKey as ConnectionKey,
    Fingerprint as Fingerprint,
    RequestInfo as RequestInfo,
)

__all__ = [
    "ClientRequest",
    "ClientResponse",
    "ConnectionKey",
    "Fingerprint",
    "RequestInfo",
]
