"""Reading requests: query, headers, JSON bodies, forms and multipart uploads."""

from __future__ import annotations

import asyncio

import aiohttp
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer


async def search(request: web.Request) -> web.Response:
    # request.query is a MultiDict: repeated keys keep every value.
    return web.json_response(
        {"tags": request.query.getall("tag", []), "agent": request.headers.get("X-Agent")}
    )


async def create(request: web.Request) -> web.Response:
    if not request.can_read_body:
        raise web.HTTPBadRequest(text="a JSON body is required")
    data = await request.json()  # also: await request.text(), await request.read()
    return web.json_response({"created": data["name"]}, status=201)


async def form(request: web.Request) -> web.Response:
    # post() reads urlencoded and multipart forms; files become FileField objects.
    fields = await request.post()
    upload = fields["file"]
    assert isinstance(upload, web.FileField)
    with upload.file as file:  # a temporary file holding the upload
        size = len(file.read())
    return web.json_response({"title": fields["title"], "file": upload.filename, "size": size})


async def stream_upload(request: web.Request) -> web.Response:
    # multipart() reads one part at a time without keeping the whole body in memory.
    reader = await request.multipart()
    sizes: dict[str, int] = {}
    async for part in reader:
        assert isinstance(part, aiohttp.BodyPartReader)
        total = 0
        while chunk := await part.read_chunk(8192):
            total += len(chunk)
        sizes[part.name or "?"] = total
    return web.json_response(sizes)


def create_app() -> web.Application:
    app = web.Application()
    app.router.add_get("/search", search)
    app.router.add_post("/items", create)
    app.router.add_post("/form", form)
    app.router.add_post("/stream", stream_upload)
    return app


async def main() -> list[object]:
    async with TestClient(TestServer(create_app())) as client:
        results: list[object] = []
        resp = await client.get("/search?tag=a&tag=b", headers={"X-Agent": "docs"})
        results.append(await resp.json())
        results.append(await (await client.post("/items", json={"name": "pen"})).json())
        results.append((await client.post("/items")).status)

        data = aiohttp.FormData()
        data.add_field("title", "report")
        data.add_field("file", b"x" * 1000, filename="r.bin")
        results.append(await (await client.post("/form", data=data)).json())

        with aiohttp.MultipartWriter("form-data") as mp:
            mp.append(b"y" * 100_000).set_content_disposition("form-data", name="big")
            mp.append("small").set_content_disposition("form-data", name="note")
        results.append(await (await client.post("/stream", data=mp)).json())
    assert results == [
        {"tags": ["a", "b"], "agent": "docs"},
        {"created": "pen"},
        400,
        {"title": "report", "file": "r.bin", "size": 1000},
        {"big": 100_000, "note": 5},
    ]
    return results


if __name__ == "__main__":
    print(asyncio.run(main()))
