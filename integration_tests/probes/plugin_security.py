"""aiohttp-security as its README shows: session identity, login/logout, permission checks."""

from __future__ import annotations

import asyncio

from aiohttp_security import (
    AbstractAuthorizationPolicy,
    SessionIdentityPolicy,
    authorized_userid,
    check_authorized,
    check_permission,
    forget,
    remember,
)
from aiohttp_security import setup as setup_security
from aiohttp_session import SimpleCookieStorage
from aiohttp_session import setup as setup_session

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

PERMISSIONS = {"alice": {"read", "write"}, "bob": {"read"}}


class Policy(AbstractAuthorizationPolicy):
    async def authorized_userid(self, identity: str) -> str | None:
        return identity if identity in PERMISSIONS else None

    async def permits(self, identity: str | None, permission: str, context: object = None) -> bool:
        return identity is not None and permission in PERMISSIONS.get(identity, set())


async def login(request: web.Request) -> web.Response:
    form = await request.post()
    response = web.HTTPFound("/me")
    await remember(request, response, str(form["user"]))
    raise response


async def logout(request: web.Request) -> web.Response:
    await check_authorized(request)
    response = web.Response(text="bye")
    await forget(request, response)
    return response


async def me(request: web.Request) -> web.Response:
    return web.Response(text=f"user={await authorized_userid(request)}")


async def write(request: web.Request) -> web.Response:
    await check_permission(request, "write")
    return web.Response(text="written")


async def main() -> None:
    app = web.Application()
    setup_session(app, SimpleCookieStorage())
    setup_security(app, SessionIdentityPolicy(), Policy())
    app.router.add_post("/login", login)
    app.router.add_get("/logout", logout)
    app.router.add_get("/me", me)
    app.router.add_post("/write", write)
    async with TestClient(TestServer(app)) as client:
        resp = await client.get("/me")
        assert await resp.text() == "user=None"
        resp = await client.post("/write")
        assert resp.status == 401, resp.status
        resp = await client.get("/logout")
        assert resp.status == 401, resp.status

        resp = await client.post("/login", data={"user": "bob"})
        assert resp.history[0].status == 302
        assert await resp.text() == "user=bob"
        resp = await client.post("/write")
        assert resp.status == 403, resp.status

        resp = await client.get("/logout")
        assert await resp.text() == "bye"
        resp = await client.post("/login", data={"user": "alice"})
        assert await resp.text() == "user=alice"
        resp = await client.post("/write")
        assert resp.status == 200
        assert await resp.text() == "written"
        resp = await client.get("/logout")
        resp = await client.get("/me")
        assert await resp.text() == "user=None"
    print("security ok")


asyncio.run(main())
