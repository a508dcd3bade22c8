"""The aiohttp namespace, reassembled from the aiohttp-* distributions."""

__version__ = "3.13.3"
