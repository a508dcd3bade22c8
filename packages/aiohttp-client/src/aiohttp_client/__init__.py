"""The aiohttp ClientSession and everything behind it, without any server code."""

__version__ = "0.1.0"
