"""aiodocker over a UnixConnector against a fake Docker API served by our UnixSite."""

from __future__ import annotations

import asyncio
import json
import tempfile
from pathlib import Path

import aiodocker

from aiohttp import web


async def version(request: web.Request) -> web.Response:
    return web.json_response({"ApiVersion": "1.43", "Version": "24.0"})


async def containers(request: web.Request) -> web.Response:
    assert request.query.get("all") in (None, "False", "false", "0"), request.query
    return web.json_response([{"Id": "abc", "Names": ["/x"], "State": "running"}])


async def pull(request: web.Request) -> web.StreamResponse:
    resp = web.StreamResponse(headers={"Content-Type": "application/json"})
    resp.enable_chunked_encoding()
    await resp.prepare(request)
    for step in range(3):
        line = {"status": f"step {step}", "image": request.query["fromImage"]}
        await resp.write(json.dumps(line).encode() + b"\r\n")
    await resp.write_eof()
    return resp


async def main() -> None:
    app = web.Application()
    app.router.add_get("/version", version)
    app.router.add_get("/v1.43/version", version)
    app.router.add_get("/v1.43/containers/json", containers)
    app.router.add_post("/v1.43/images/create", pull)
    runner = web.AppRunner(app)
    await runner.setup()
    with tempfile.TemporaryDirectory() as tmp:
        path = str(Path(tmp) / "docker.sock")
        await web.UnixSite(runner, path).start()
        docker = aiodocker.Docker(url=f"unix://{path}")
        assert (await docker.version())["Version"] == "24.0"
        assert [c.id for c in await docker.containers.list()] == ["abc"]
        steps = [s async for s in docker.images.pull("alpine", stream=True)]
        assert [s["status"] for s in steps] == ["step 0", "step 1", "step 2"], steps
        assert steps[0]["image"] == "alpine", steps
        await docker.close()
        await runner.cleanup()
    print("aiodocker ok")


asyncio.run(main())
