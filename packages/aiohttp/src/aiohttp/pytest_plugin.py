"""``aiohttp.pytest_plugin``: re-exports from nothing yet."""

__all__: list[str] = []
