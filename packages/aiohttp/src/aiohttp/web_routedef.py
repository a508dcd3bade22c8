"""``aiohttp.web_routedef``: re-exports from nothing yet."""

__all__: list[str] = []
