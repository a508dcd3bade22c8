"""RFC 6455 / 7692 WebSocket protocol core shared by the aiohttp client and server."""

__version__ = "0.1.0"
