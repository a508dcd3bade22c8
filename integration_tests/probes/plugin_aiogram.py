"""aiogram: its AiohttpSession against a fake Bot API, and a webhook app on our server."""

from __future__ import annotations

import asyncio
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import BufferedInputFile, Message
from aiogram.webhook.aiohttp_server import SimpleRequestHandler, setup_application

import aiohttp
from aiohttp import web

calls: list[tuple[str, Any]] = []
CHAT = {"id": 7, "type": "private"}


async def bot_api(request: web.Request) -> web.Response:
    method = request.match_info["method"]
    form = await request.post()
    uploads = {k: v.file.read() for k, v in form.items() if isinstance(v, web.FileField)}
    calls.append((method, {k: v for k, v in form.items() if isinstance(v, str)}, uploads))
    if method == "getMe":
        me = {"id": 42, "is_bot": True, "first_name": "probe", "username": "probe_bot"}
        return web.json_response({"ok": True, "result": me})
    if method in ("sendMessage", "sendDocument"):
        sent = {"message_id": len(calls), "date": 0, "chat": CHAT, "text": "x"}
        return web.json_response({"ok": True, "result": sent})
    return web.json_response(
        {"ok": False, "error_code": 400, "description": "Bad Request: nope"}, status=400
    )


async def main() -> None:
    api = web.Application()
    api.router.add_post("/bot{token}/{method}", bot_api)
    runner = web.AppRunner(api)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    server = TelegramAPIServer.from_base(f"http://127.0.0.1:{runner.addresses[0][1]}")
    bot = Bot("123:abc", session=AiohttpSession(api=server))
    assert (await bot.get_me()).username == "probe_bot"
    assert (await bot.send_message(7, "hello")).message_id == 2
    document = BufferedInputFile(b"data" * 100, filename="f.txt")
    assert (await bot.send_document(7, document)).message_id == 3
    failure: TelegramBadRequest | None = None
    try:
        await bot.get_chat(1)
    except TelegramBadRequest as exc:
        failure = exc
    assert failure is not None and "nope" in str(failure), failure
    assert calls[1][1] == {"chat_id": "7", "text": "hello"}, calls[1]
    assert list(calls[2][2].values()) == [b"data" * 100], calls[2]

    dispatcher = Dispatcher()
    received: list[str | None] = []

    @dispatcher.message()
    async def on_message(message: Message) -> None:
        received.append(message.text)

    hook = web.Application()
    handler = SimpleRequestHandler(dispatcher=dispatcher, bot=bot, handle_in_background=False)
    handler.register(hook, path="/webhook")
    setup_application(hook, dispatcher, bot=bot)
    hook_runner = web.AppRunner(hook)
    await hook_runner.setup()
    await web.TCPSite(hook_runner, "127.0.0.1", 0).start()
    update = {"update_id": 1, "message": {"message_id": 5, "date": 0, "chat": CHAT, "text": "hi"}}
    async with aiohttp.ClientSession() as session:
        url = f"http://127.0.0.1:{hook_runner.addresses[0][1]}/webhook"
        async with session.post(url, json=update) as resp:
            assert resp.status == 200, resp.status
    assert received == ["hi"], received
    await hook_runner.cleanup()
    await bot.session.close()
    await runner.cleanup()
    print("aiogram ok")


asyncio.run(main())
