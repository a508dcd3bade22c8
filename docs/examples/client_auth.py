"""Authentication (Basic and Digest) and client middlewares."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import re

import aiohttp
from aiohttp import web
from aiohttp.test_utils import TestServer

REALM, NONCE = "docs", "f00dcafe"
USERS = {"alice": "s3cret"}


def md5(text: str) -> str:
    return hashlib.md5(text.encode()).hexdigest()


async def basic_protected(request: web.Request) -> web.Response:
    auth = request.headers.get("Authorization", "")
    expected = "Basic " + base64.b64encode(b"alice:s3cret").decode()
    if auth != expected:
        raise web.HTTPUnauthorized(headers={"WWW-Authenticate": f'Basic realm="{REALM}"'})
    return web.Response(text="basic ok")


async def digest_protected(request: web.Request) -> web.Response:
    """A minimal RFC 7616 (MD5, qop=auth) check, enough to exercise the client."""
    auth = request.headers.get("Authorization", "")
    fields = dict(re.findall(r'(\w+)="?([^",]*)"?', auth))
    password = USERS.get(fields.get("username", ""))
    if auth.startswith("Digest ") and password is not None:
        ha1 = md5(f"{fields['username']}:{REALM}:{password}")
        ha2 = md5(f"{request.method}:{fields['uri']}")
        parts = (ha1, NONCE, fields["nc"], fields["cnonce"], fields["qop"], ha2)
        if fields["response"] == md5(":".join(parts)):
            return web.Response(text="digest ok")
    challenge = f'Digest realm="{REALM}", nonce="{NONCE}", qop="auth", algorithm=MD5'
    raise web.HTTPUnauthorized(headers={"WWW-Authenticate": challenge})


async def show_headers(request: web.Request) -> web.Response:
    return web.Response(text=request.headers.get("X-Request-Id", "none"))


async def request_id(
    req: aiohttp.ClientRequest, handler: aiohttp.ClientHandlerType
) -> aiohttp.ClientResponse:
    """A client middleware: sees every request (redirects and retries included)."""
    req.headers["X-Request-Id"] = "req-1"
    return await handler(req)


async def main() -> list[object]:
    app = web.Application()
    app.router.add_get("/basic", basic_protected)
    app.router.add_get("/digest", digest_protected)
    app.router.add_get("/headers", show_headers)
    async with TestServer(app) as server:
        results: list[object] = []
        # Basic credentials per session (or per request with auth=).
        auth = aiohttp.BasicAuth("alice", "s3cret")
        async with aiohttp.ClientSession(auth=auth) as session:
            async with session.get(server.make_url("/basic")) as resp:
                results.append(await resp.text())
        async with aiohttp.ClientSession() as session:
            async with session.get(server.make_url("/basic")) as resp:
                results.append(resp.status)

        # Digest authentication is a client middleware: it answers the 401
        # challenge and retries the request with the computed credentials.
        digest = aiohttp.DigestAuthMiddleware("alice", "s3cret")
        async with aiohttp.ClientSession(middlewares=(digest,)) as session:
            async with session.get(server.make_url("/digest")) as resp:
                results.append(await resp.text())
        wrong = aiohttp.DigestAuthMiddleware("alice", "wrong")
        async with aiohttp.ClientSession(middlewares=(wrong,)) as session:
            async with session.get(server.make_url("/digest")) as resp:
                results.append(resp.status)

        async with aiohttp.ClientSession(middlewares=(request_id,)) as session:
            async with session.get(server.make_url("/headers")) as resp:
                results.append(await resp.text())
    assert results == ["basic ok", 401, "digest ok", 401, "req-1"]
    return results


if __name__ == "__main__":
    print(asyncio.run(main()))
