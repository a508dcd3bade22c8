"""``aiohttp.web_app``: re-exports from nothing yet."""

__all__: list[str] = []
