"""``aiohttp.web_response``: re-exports from nothing yet."""

__all__: list[str] = []
