"""``aiohttp.web_runner``: re-exports from nothing yet."""

__all__: list[str] = []
