"""Going through an HTTP proxy, given explicitly or taken from the environment."""

from __future__ import annotations

import asyncio
import os

import aiohttp
from aiohttp import web
from aiohttp.test_utils import TestServer


async def fake_proxy(request: web.Request) -> web.Response:
    """Stands in for a forward proxy: reports the request it was asked to forward."""
    return web.json_response(
        {"target": str(request.url), "auth": request.headers.get("Proxy-Authorization")}
    )


async def main() -> list[object]:
    app = web.Application()
    app.router.add_get("/{tail:.*}", fake_proxy)
    async with TestServer(app) as proxy:
        proxy_url = str(proxy.make_url(""))
        results: list[object] = []
        async with aiohttp.ClientSession() as session:
            # A proxy per request, with its own credentials.
            async with session.get(
                "http://example.invalid/page",
                proxy=proxy_url,
                proxy_auth=aiohttp.BasicAuth("user", "pass"),
            ) as resp:
                results.append(await resp.json())

        # trust_env=True reads HTTP_PROXY/HTTPS_PROXY/NO_PROXY (and ~/.netrc).
        saved = {key: os.environ.get(key) for key in ("HTTP_PROXY", "NO_PROXY", "no_proxy")}
        os.environ.update({"HTTP_PROXY": proxy_url, "NO_PROXY": "", "no_proxy": ""})
        try:
            async with aiohttp.ClientSession(trust_env=True) as session:
                async with session.get("http://example.invalid/env") as resp:
                    results.append((await resp.json())["target"])
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value
    assert results == [
        {"target": "http://example.invalid/page", "auth": "Basic dXNlcjpwYXNz"},
        "http://example.invalid/env",
    ]
    return results


if __name__ == "__main__":
    print(asyncio.run(main()))
