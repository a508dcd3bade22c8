"""``aiohttp.cookiejar``: re-exports from aiohttp_client."""

from aiohttp_client.cookiejar import (
    CookieJar as CookieJar,
    DummyCookieJar as DummyCookieJar,
)

__all__ = [
    "CookieJar",
    "DummyCookieJar",
]
