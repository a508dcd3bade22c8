"""``aiohttp.resolver``: re-exports from nothing yet."""

__all__: list[str] = []
