"""``aiohttp.web_runner``: re-exports from aiohttp_server."""

from aiohttp_server.web_runner import (
    AppRunner as AppRunner,
    BaseRunner as BaseRunner,
    BaseSite as BaseSite,
    GracefulExit as GracefulExit,
    NamedPipeSite as NamedPipeSite,
    ServerRunner as ServerRunner,
    SockSite as SockSite,
    TCPSite as TCPSite,
    UnixSite as UnixSite,
)

__all__ = [
    "AppRunner",
    "BaseRunner",
    "BaseSite",
    "GracefulExit",
    "NamedPipeSite",
    "ServerRunner",
    "SockSite",
    "TCPSite",
    "UnixSite",
]
