"""elastic-transport's AiohttpHttpNode (the Elasticsearch async client's HTTP layer)."""

from __future__ import annotations

import asyncio
import json

from elastic_transport import AiohttpHttpNode, NodeConfig

from aiohttp import web
from aiohttp.test_utils import TestServer


async def search(request: web.Request) -> web.Response:
    body = await request.read()  # a gzip request body arrives decompressed, as in aiohttp
    answer = {"path": request.path, "query": dict(request.query), "body": json.loads(body)}
    return web.json_response(answer, headers={"X-Elastic-Product": "Elasticsearch"})


async def main() -> None:
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", search)
    async with TestServer(app) as server:
        for compressed in (False, True):
            config = NodeConfig("http", "127.0.0.1", server.port, http_compress=compressed)
            node = AiohttpHttpNode(config)
            meta, data = await node.perform_request(
                "POST",
                "/idx/_search?size=1",
                body=b'{"q": 1}',
                headers={"content-type": "application/json"},
            )
            assert meta.status == 200, meta
            assert json.loads(data) == {
                "path": "/idx/_search",
                "query": {"size": "1"},
                "body": {"q": 1},
            }, data
            await node.close()
    print("elastic ok")


asyncio.run(main())
