"""``aiohttp.web_urldispatcher``: re-exports from nothing yet."""

__all__: list[str] = []
