"""TraceConfig signals, contexts and the Trace that fires them."""

from __future__ import annotations

import dataclasses
from types import SimpleNamespace
from typing import Any

import pytest
from multidict import CIMultiDict
from yarl import URL

from aiohttp_client import tracing
from aiohttp_client.tracing import (
    Trace,
    TraceConfig,
    TraceConnectionReuseconnParams,
    TraceDnsCacheHitParams,
    TraceDnsCacheMissParams,
    TraceRequestStartParams,
)

SIGNALS = [
    ("on_request_start", "send_request_start", ("GET", URL("http://h"), CIMultiDict())),
    ("on_request_chunk_sent", "send_request_chunk_sent", ("GET", URL("http://h"), b"x")),
    (
        "on_response_chunk_received",
        "send_response_chunk_received",
        ("GET", URL("http://h"), b"y"),
    ),
    ("on_request_end", "send_request_end", ("GET", URL("http://h"), CIMultiDict(), "resp")),
    (
        "on_request_exception",
        "send_request_exception",
        ("GET", URL("http://h"), CIMultiDict(), ValueError()),
    ),
    (
        "on_request_redirect",
        "send_request_redirect",
        ("GET", URL("http://h"), CIMultiDict(), "resp"),
    ),
    ("on_request_headers_sent", "send_request_headers", ("GET", URL("http://h"), CIMultiDict())),
    ("on_connection_queued_start", "send_connection_queued_start", ()),
    ("on_connection_queued_end", "send_connection_queued_end", ()),
    ("on_connection_create_start", "send_connection_create_start", ()),
    ("on_connection_create_end", "send_connection_create_end", ()),
    ("on_connection_reuseconn", "send_connection_reuseconn", ()),
    ("on_dns_resolvehost_start", "send_dns_resolvehost_start", ("h",)),
    ("on_dns_resolvehost_end", "send_dns_resolvehost_end", ("h",)),
    ("on_dns_cache_hit", "send_dns_cache_hit", ("h",)),
    ("on_dns_cache_miss", "send_dns_cache_miss", ("h",)),
]


@pytest.mark.parametrize(("signal", "sender", "args"), SIGNALS)
async def test_each_signal_reaches_its_callback(
    signal: str, sender: str, args: tuple[Any, ...]
) -> None:
    config: TraceConfig[SimpleNamespace] = TraceConfig()
    seen: list[tuple[Any, Any, Any]] = []

    async def callback(session: Any, ctx: Any, params: Any) -> None:
        seen.append((session, ctx, params))

    getattr(config, signal).append(callback)
    config.freeze()
    ctx = config.trace_config_ctx(trace_request_ctx={"k": 1})
    session = object()
    trace = Trace(session, config, ctx)  # type: ignore[arg-type]
    await getattr(trace, sender)(*args)
    assert len(seen) == 1
    got_session, got_ctx, params = seen[0]
    assert got_session is session
    assert got_ctx is ctx
    assert got_ctx.trace_request_ctx == {"k": 1}
    assert [getattr(params, name) for name in params._fields] == list(args)
    with pytest.raises(dataclasses.FrozenInstanceError):
        params.x = 1


def test_custom_context_factory() -> None:
    class Ctx(SimpleNamespace):
        pass

    config = TraceConfig(trace_config_ctx_factory=Ctx)
    ctx = config.trace_config_ctx(trace_request_ctx="r")
    assert isinstance(ctx, Ctx)
    assert ctx.trace_request_ctx == "r"
    assert config.trace_config_ctx().trace_request_ctx is None


def test_freeze_blocks_new_callbacks() -> None:
    config: TraceConfig[SimpleNamespace] = TraceConfig()
    config.freeze()

    async def callback(session: Any, ctx: Any, params: Any) -> None:
        raise AssertionError

    with pytest.raises(RuntimeError):
        config.on_request_start.append(callback)


async def test_signal_without_callbacks_is_silent() -> None:
    config: TraceConfig[SimpleNamespace] = TraceConfig()
    config.freeze()
    trace = Trace(object(), config, config.trace_config_ctx())  # type: ignore[arg-type]
    await trace.send_dns_cache_hit("h")


def test_every_params_class_is_exported() -> None:
    names = [n for n in tracing.__all__ if n.endswith("Params")]
    assert len(names) == 16


def test_params_are_frozen_records() -> None:
    url = URL("http://example.com/")
    headers: CIMultiDict[str] = CIMultiDict()
    params = TraceRequestStartParams("GET", url, headers)
    assert params == TraceRequestStartParams(method="GET", url=url, headers=headers)
    assert params != TraceRequestStartParams("POST", url, headers)
    assert params != ("GET", url, headers)
    assert TraceDnsCacheHitParams("a") != TraceDnsCacheMissParams("a")
    assert hash(TraceDnsCacheHitParams("a")) == hash(TraceDnsCacheHitParams(host="a"))
    assert repr(TraceDnsCacheHitParams("a")) == "TraceDnsCacheHitParams(host='a')"
    assert repr(TraceConnectionReuseconnParams()) == "TraceConnectionReuseconnParams()"
    with pytest.raises(dataclasses.FrozenInstanceError):
        del params.method
    with pytest.raises(TypeError, match="missing arguments: headers"):
        TraceRequestStartParams("GET", url)
    with pytest.raises(TypeError, match="takes 1 arguments"):
        TraceDnsCacheHitParams("a", "b")
    with pytest.raises(TypeError, match="argument 'method'"):
        TraceRequestStartParams("GET", url, headers, method="GET")
    with pytest.raises(TypeError, match="argument 'nope'"):
        TraceDnsCacheHitParams(nope=1)
