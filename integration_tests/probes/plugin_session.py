"""aiohttp-session as its README shows: the middleware, encrypted and simple cookie storages."""

from __future__ import annotations

import asyncio
import base64
import json
import time

from aiohttp_session import SimpleCookieStorage, get_session, new_session, setup
from aiohttp_session.cookie_storage import EncryptedCookieStorage
from cryptography import fernet

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer


async def visit(request: web.Request) -> web.Response:
    session = await get_session(request)
    last = session.get("last_visit")
    session["last_visit"] = time.time()
    session["count"] = session.get("count", 0) + 1
    return web.json_response({"seen": last is not None, "count": session["count"]})


async def login(request: web.Request) -> web.Response:
    form = await request.post()
    session = await new_session(request)
    session["user"] = form["user"]
    raise web.HTTPFound("/whoami")


async def whoami(request: web.Request) -> web.Response:
    session = await get_session(request)
    return web.Response(text=f"user={session.get('user')} new={session.new}")


async def logout(request: web.Request) -> web.Response:
    session = await get_session(request)
    session.invalidate()
    return web.Response(text="bye")


def make_app(storage: object) -> web.Application:
    app = web.Application()
    setup(app, storage)  # type: ignore[arg-type]
    app.router.add_get("/", visit)
    app.router.add_post("/login", login)
    app.router.add_get("/whoami", whoami)
    app.router.add_get("/logout", logout)
    return app


async def exercise(app: web.Application, cookie_name: str) -> str:
    async with TestClient(TestServer(app)) as client:
        resp = await client.get("/")
        assert await resp.json() == {"seen": False, "count": 1}
        assert cookie_name in resp.cookies, resp.headers
        morsel = resp.cookies[cookie_name]
        assert morsel["httponly"] is True, morsel.output()
        assert morsel["path"] == "/", morsel.output()
        resp = await client.get("/")
        assert await resp.json() == {"seen": True, "count": 2}

        resp = await client.post("/login", data={"user": "alice"})
        assert resp.status == 200 and len(resp.history) == 1, (resp.status, resp.history)
        assert resp.history[0].status == 302
        assert await resp.text() == "user=alice new=False"

        resp = await client.get("/logout")
        assert await resp.text() == "bye"
        resp = await client.get("/whoami")
        assert await resp.text() == "user=None new=True"
        return morsel.value


async def main() -> None:
    simple = await exercise(make_app(SimpleCookieStorage()), "AIOHTTP_SESSION")
    assert json.loads(simple)["session"]["count"] == 1, simple

    key = base64.urlsafe_b64decode(fernet.Fernet.generate_key())
    storage = EncryptedCookieStorage(key, cookie_name="SID", max_age=3600)
    encrypted = await exercise(make_app(storage), "SID")
    assert "count" not in encrypted
    print("session ok")


asyncio.run(main())
