"""``aiohttp.payload_streamer``: re-exports from nothing yet."""

__all__: list[str] = []
