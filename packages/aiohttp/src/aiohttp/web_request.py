"""``aiohttp.web_request``: re-exports from nothing yet."""

__all__: list[str] = []
