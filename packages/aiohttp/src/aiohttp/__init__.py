"""``aiohttp``: re-exports from nothing yet."""

__version__ = "3.13.3"

__all__: list[str] = []
