"""Chaining of client middlewares (their use by the session is tested functionally)."""

from __future__ import annotations

from typing import Any

from aiohttp_client.client_middlewares import build_client_middlewares


async def test_order_and_short_circuit() -> None:
    calls: list[str] = []

    async def handler(req: Any) -> Any:
        calls.append(f"handler:{req}")
        return "resp"

    def make(name: str) -> Any:
        async def middleware(req: Any, next_handler: Any) -> Any:
            calls.append(f"{name}:in")
            resp = await next_handler(req + name)
            calls.append(f"{name}:out")
            return resp

        return middleware

    chained: Any = build_client_middlewares(handler, [make("a"), make("b")])
    assert await chained("r") == "resp"
    assert calls == ["a:in", "b:in", "handler:rab", "b:out", "a:out"]


async def test_retry_calls_handler_again() -> None:
    attempts = 0

    async def handler(req: Any) -> Any:
        nonlocal attempts
        attempts += 1
        if attempts < 3:
            raise ConnectionError
        return attempts

    async def retry(req: Any, handler: Any) -> Any:
        for _ in range(5):
            try:
                return await handler(req)
            except ConnectionError:
                continue
        raise AssertionError("unreachable")

    chained: Any = build_client_middlewares(handler, [retry])
    assert await chained(None) == 3


async def test_no_middlewares_is_the_handler() -> None:
    async def handler(req: Any) -> Any:
        return req

    assert build_client_middlewares(handler, []) is handler
