"""Fetch a JSON document and fail loudly on an error status."""

from __future__ import annotations

import asyncio
import sys
from typing import Any

import aiohttp


async def fetch_json(url: str, **params: str) -> Any:
    async with aiohttp.ClientSession() as session, session.get(url, params=params) as response:
        response.raise_for_status()
        return await response.json()


if __name__ == "__main__":
    print(asyncio.run(fetch_json(sys.argv[1])))
