"""``aiohttp.connector``: re-exports from aiohttp_client."""

from aiohttp_client.connector import (
    AddrInfoType as AddrInfoType,
    BaseConnector as BaseConnector,
    Connection as Connection,
    NamedPipeConnector as NamedPipeConnector,
    SocketFactoryType as SocketFactoryType,
    TCPConnector as TCPConnector,
    UnixConnector as UnixConnector,
)

__all__ = [
    "AddrInfoType",
    "BaseConnector",
    "Connection",
    "NamedPipeConnector",
    "SocketFactoryType",
    "TCPConnector",
    "UnixConnector",
]
