"""``aiohttp.client_ws``: re-exports from nothing yet."""

__all__: list[str] = []
