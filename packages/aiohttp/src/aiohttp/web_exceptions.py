"""``aiohttp.web_exceptions``: re-exports from nothing yet."""

__all__: list[str] = []
