"""``aiohttp.payload``: re-exports from nothing yet."""

__all__: list[str] = []
