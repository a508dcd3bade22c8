"""``aiohttp.http_parser``: re-exports from nothing yet."""

__all__: list[str] = []
