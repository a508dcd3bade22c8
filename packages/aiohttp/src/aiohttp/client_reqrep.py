"""``aiohttp.client_reqrep``: re-exports from nothing yet."""

__all__: list[str] = []
