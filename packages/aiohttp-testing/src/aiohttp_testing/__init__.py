"""aiohttp test utilities and pytest plugin."""

__version__ = "0.1.0"
