"""``aiohttp.http_writer``: re-exports from nothing yet."""

__all__: list[str] = []
