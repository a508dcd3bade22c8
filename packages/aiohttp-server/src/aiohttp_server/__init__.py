"""Everything aiohttp users know as aiohttp.web: applications, routing, requests, responses, runners."""

__version__ = "0.1.0"
