"""``aiohttp.web_middlewares``: re-exports from nothing yet."""

__all__: list[str] = []
