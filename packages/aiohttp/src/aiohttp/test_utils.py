"""``aiohttp.test_utils``: re-exports from nothing yet."""

__all__: list[str] = []
