"""slack-sdk's AsyncWebClient and AsyncWebhookClient (both on aiohttp) against our server."""

from __future__ import annotations

import asyncio

from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from aiohttp import web


async def api(request: web.Request) -> web.Response:
    if request.content_type == "application/json":
        body = await request.json()
    else:
        body = dict(await request.post())
    return web.json_response(
        {
            "ok": True,
            "method": request.match_info["method"],
            "echo": body,
            "auth": request.headers.get("Authorization"),
        }
    )


async def hook(request: web.Request) -> web.Response:
    payload = await request.json()
    return web.Response(text="ok" if payload == {"text": "deployed"} else "bad")


async def main() -> None:
    app = web.Application()
    app.router.add_post("/api/{method}", api)
    app.router.add_post("/hook", hook)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    base = f"http://127.0.0.1:{runner.addresses[0][1]}"
    client = AsyncWebClient(token="xoxb-1", base_url=f"{base}/api/")
    resp = await client.chat_postMessage(channel="C1", text="hi")
    assert resp["ok"] and resp["method"] == "chat.postMessage", resp.data
    assert resp["echo"] == {"channel": "C1", "text": "hi"}, resp.data
    assert resp["auth"] == "Bearer xoxb-1", resp.data
    webhook = AsyncWebhookClient(f"{base}/hook")
    sent = await webhook.send(text="deployed")
    assert (sent.status_code, sent.body) == (200, "ok"), (sent.status_code, sent.body)
    await runner.cleanup()
    print("slack ok")


asyncio.run(main())
