"""``aiohttp.web_protocol``: re-exports from nothing yet."""

__all__: list[str] = []
