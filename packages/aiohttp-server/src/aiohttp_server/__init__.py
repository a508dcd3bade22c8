"""Everything aiohttp users know as aiohttp.web.

Applications, routing, requests, responses, runners; ``aiohttp_server.web``
holds the whole ``aiohttp.web`` namespace.
"""

__version__ = "0.1.0"
