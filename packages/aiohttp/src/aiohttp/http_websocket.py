"""``aiohttp.http_websocket``: re-exports from nothing yet."""

__all__: list[str] = []
