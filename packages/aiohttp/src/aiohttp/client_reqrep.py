"""``aiohttp.client_reqrep``: re-exports from aiohttp_client, aiohttp_wire."""

from aiohttp_client.client_reqrep import (
    ClientRequest as ClientRequest,
    ClientResponse as ClientResponse,
    ConnectionKey as ConnectionKey,
    Fingerprint as Fingerprint,
    RequestInfo as RequestInfo,
    as_payload as as_payload,
)
from aiohttp_wire.multipart import (
    ContentDisposition as ContentDisposition,
)
from aiohttp_wire.typedefs import (
    MappingProxyType as MappingProxyType,
)

__all__ = [
    "ClientRequest",
    "ClientResponse",
    "ConnectionKey",
    "Fingerprint",
    "RequestInfo",
    "as_payload",
    "ContentDisposition",
    "MappingProxyType",
]
