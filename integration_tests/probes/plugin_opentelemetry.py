"""OpenTelemetry's aiohttp client and server instrumentations, as their docs show.

The client instrumentation hooks ``ClientSession`` (a TraceConfig and W3C
``traceparent`` injection); the server one wraps the application's handling.
The server span must be the client span's child, across a real connection.
"""

from __future__ import annotations

import asyncio

from opentelemetry import trace
from opentelemetry.instrumentation.aiohttp_client import AioHttpClientInstrumentor
from opentelemetry.instrumentation.aiohttp_server import AioHttpServerInstrumentor
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, StatusCode

exporter = InMemorySpanExporter()
provider = TracerProvider()
provider.add_span_processor(SimpleSpanProcessor(exporter))
trace.set_tracer_provider(provider)
AioHttpClientInstrumentor().instrument()
AioHttpServerInstrumentor().instrument()

import aiohttp  # noqa: E402  (instrumentors patch aiohttp before the application uses it)
from aiohttp import web  # noqa: E402


async def hello(request: web.Request) -> web.Response:
    return web.json_response({"traceparent": request.headers.get("traceparent")})


async def main() -> None:
    app = web.Application()
    app.router.add_get("/hello/{name}", hello)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        async with aiohttp.ClientSession() as session:
            async with session.get(f"http://127.0.0.1:{port}/hello/ada") as resp:
                assert resp.status == 200
                traceparent = (await resp.json())["traceparent"]
            async with session.get(f"http://127.0.0.1:{port}/missing") as resp:
                assert resp.status == 404
    finally:
        await runner.cleanup()

    spans = exporter.get_finished_spans()
    servers = [s for s in spans if s.kind == SpanKind.SERVER]
    clients = [s for s in spans if s.kind == SpanKind.CLIENT]
    assert len(servers) == 2 and len(clients) == 2, spans
    ok_server, missing_server = servers
    ok_client, missing_client = clients
    assert ok_server.name == "GET /hello/{name}", ok_server.name
    assert ok_server.attributes is not None and ok_client.attributes is not None
    assert ok_server.attributes["http.route"] == "/hello/{name}"
    assert ok_server.attributes["http.target"] == "/hello/ada"
    assert ok_server.attributes["http.status_code"] == 200
    assert ok_client.attributes["http.status_code"] == 200
    assert ok_client.attributes["http.url"] == f"http://127.0.0.1:{port}/hello/ada"
    # The client injected its context; the server continued the same trace under it.
    client_ctx = ok_client.get_span_context()
    assert traceparent.split("-")[1] == format(client_ctx.trace_id, "032x"), traceparent
    assert ok_server.context.trace_id == client_ctx.trace_id
    assert ok_server.parent is not None and ok_server.parent.span_id == client_ctx.span_id
    assert missing_server.attributes is not None
    assert missing_server.attributes["http.status_code"] == 404
    assert missing_client.status.status_code == StatusCode.ERROR
    print("opentelemetry ok")


asyncio.run(main())
