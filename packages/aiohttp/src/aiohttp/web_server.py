"""``aiohttp.web_server``: re-exports from nothing yet."""

__all__: list[str] = []
