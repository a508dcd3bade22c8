"""aiobotocore (the asyncio AWS SDK on aiohttp) talks to a small S3 stand-in on our server.

Signed requests, an XML listing, an upload with a body, a streamed download
and a service error go through aiobotocore's own aiohttp session code.
"""

from __future__ import annotations

import asyncio

from aiobotocore.session import get_session
from botocore.exceptions import ClientError

from aiohttp import web

LISTING = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<ListAllMyBucketsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">'
    "<Owner><ID>1</ID><DisplayName>me</DisplayName></Owner><Buckets>"
    "<Bucket><Name>photos</Name><CreationDate>2020-01-01T00:00:00.000Z</CreationDate></Bucket>"
    "</Buckets></ListAllMyBucketsResult>"
)
NO_SUCH_KEY = (
    '<?xml version="1.0" encoding="UTF-8"?><Error><Code>NoSuchKey</Code>'
    "<Message>The specified key does not exist.</Message></Error>"
)
store: dict[str, bytes] = {}


async def s3(request: web.Request) -> web.Response:
    assert request.headers["Authorization"].startswith("AWS4-HMAC-SHA256 Credential=AKID/")
    if request.path == "/":
        return web.Response(text=LISTING, content_type="application/xml")
    if request.method == "PUT":
        store[request.path] = await request.read()
        return web.Response(headers={"ETag": '"e1"'})
    if request.path not in store:
        return web.Response(status=404, text=NO_SUCH_KEY, content_type="application/xml")
    body = store[request.path]
    return web.Response(body=body, headers={"ETag": '"e1"'}, content_type="text/plain")


async def main() -> None:
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", s3)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    payload = b"0123456789" * 20000
    try:
        session = get_session()
        async with session.create_client(
            "s3",
            region_name="us-east-1",
            endpoint_url=f"http://127.0.0.1:{port}",
            aws_access_key_id="AKID",
            aws_secret_access_key="secret",
        ) as client:
            listing = await client.list_buckets()
            assert [b["Name"] for b in listing["Buckets"]] == ["photos"], listing

            put = await client.put_object(Bucket="photos", Key="cat.txt", Body=payload)
            assert put["ETag"] == '"e1"'
            assert store["/photos/cat.txt"] == payload

            got = await client.get_object(Bucket="photos", Key="cat.txt")
            assert got["ContentLength"] == len(payload)
            async with got["Body"] as stream:
                assert await stream.read() == payload

            failure: ClientError | None = None
            try:
                await client.get_object(Bucket="photos", Key="dog.txt")
            except ClientError as exc:
                failure = exc
            assert failure is not None, "a 404 must raise"
            assert failure.response["Error"]["Code"] == "NoSuchKey", failure.response
    finally:
        await runner.cleanup()
    print("aiobotocore ok")


asyncio.run(main())
