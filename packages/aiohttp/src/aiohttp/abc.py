"""``aiohttp.abc``: re-exports from nothing yet."""

__all__: list[str] = []
