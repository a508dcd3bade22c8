"""``aiohttp.client_proto``: re-exports from nothing yet."""

__all__: list[str] = []
