"""``WebSocketResponse`` against a real browser: headless Chromium.

The page below opens WebSockets to our server, sends text (with non-ASCII
characters), small and large binary messages and a large compressible text,
checks every echo and reports what it saw, the close codes included, by
POSTing JSON back to the server. Chromium offers permessage-deflate; one
route accepts it (``compress=True``) and one refuses it (``compress=False``),
and both sides' view of the negotiation is checked.

CI needs the ``chromium`` package (Debian/Ubuntu: ``apt-get install -y
chromium``); the binary is looked up as chromium, chromium-browser or
google-chrome.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import shutil
import string
import tempfile
from typing import Any

from aiohttp_server import web
from aiohttp_server.web_ws import WebSocketResponse
from aiohttp_websocket.models import WSMsgType

#: Seconds allowed for the whole browser session (start-up included).
BROWSER_TIMEOUT = 60

TEXT = "hello, wörld ✓ 🎉"
SMALL_BINARY = 300  # bytes: a 16-bit length header
BIG_BINARY = 200_000  # bytes: a 64-bit length header, and Chromium may fragment it
BIG_TEXT_REPEAT = 5000  # "compress me " * this: about 60 KB that deflate shrinks

PAGE = string.Template("""<!doctype html>
<html><head><meta charset="utf-8"><title>ws</title></head><body>
<pre id="out">running</pre>
<script>
const TEXT = $text;
function pattern(n) {
  const a = new Uint8Array(n);
  for (let i = 0; i < n; i++) a[i] = (i * 7 + 3) % 251;
  return a;
}
function same(a, b) {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
function session(path, steps, closeFirst) {
  return new Promise((resolve) => {
    const report = {path: path, echoes: [], errors: []};
    const ws = new WebSocket("ws://" + location.host + path);
    ws.binaryType = "arraybuffer";
    let i = 0;
    const next = () => {
      if (i < steps.length) { ws.send(steps[i]); return; }
      if (closeFirst) ws.close(4001, "client done");
      else ws.send("bye");
    };
    ws.onopen = () => { report.extensions = ws.extensions; next(); };
    ws.onmessage = (ev) => {
      const sent = steps[i];
      if (typeof ev.data === "string") {
        report.echoes.push({kind: "text", length: ev.data.length,
                            value: ev.data.length < 100 ? ev.data : null,
                            ok: ev.data === sent});
      } else {
        const got = new Uint8Array(ev.data);
        report.echoes.push({kind: "binary", length: got.length,
                            ok: sent instanceof Uint8Array && same(got, sent)});
      }
      i++;
      next();
    };
    ws.onerror = () => report.errors.push("error event");
    ws.onclose = (ev) => {
      report.closeCode = ev.code;
      report.closeReason = ev.reason;
      report.wasClean = ev.wasClean;
      resolve(report);
    };
  });
}
(async () => {
  const steps = [TEXT, pattern($small), pattern($big),
                 "compress me ".repeat($repeat)];
  const results = [];
  results.push(await session("/ws", steps, false));
  results.push(await session("/ws-plain", steps, true));
  const body = JSON.stringify(results);
  document.getElementById("out").textContent = body;
  await fetch("/result", {method: "POST", body: body,
                          headers: {"Content-Type": "application/json"}});
})();
</script></body></html>
""").substitute(text=json.dumps(TEXT), small=SMALL_BINARY, big=BIG_BINARY, repeat=BIG_TEXT_REPEAT)


def _pattern(size: int) -> bytes:
    return bytes((i * 7 + 3) % 251 for i in range(size))


def _browser() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path is not None:
            return path
    raise AssertionError(
        "headless Chromium is required: apt-get install -y chromium "
        "(binary chromium, chromium-browser or google-chrome)"
    )


async def _run_page() -> tuple[list[dict[str, Any]], dict[str, dict[str, Any]]]:
    """Serve the page, let Chromium run it, return its report and the server's view."""
    loop = asyncio.get_running_loop()
    result: asyncio.Future[list[dict[str, Any]]] = loop.create_future()
    seen: dict[str, dict[str, Any]] = {}

    async def page(request: web.Request) -> web.Response:
        return web.Response(text=PAGE, content_type="text/html")

    async def echo(request: web.Request) -> WebSocketResponse:
        compress = request.path == "/ws"
        ws = WebSocketResponse(compress=compress)
        await ws.prepare(request)
        info: dict[str, Any] = {
            "offered": request.headers.get("Sec-WebSocket-Extensions"),
            "compress": ws.compress,
            "received": [],
        }
        seen[request.path] = info
        async for msg in ws:
            if msg.type is WSMsgType.TEXT:
                if msg.data == "bye":
                    await ws.close(code=4000, message=b"server done")
                    break
                info["received"].append(("text", hashlib.sha256(msg.data.encode()).hexdigest()))
                await ws.send_str(msg.data)
            elif msg.type is WSMsgType.BINARY:
                info["received"].append(("binary", hashlib.sha256(msg.data).hexdigest()))
                await ws.send_bytes(msg.data)
        info["close_code"] = ws.close_code
        return ws

    async def report(request: web.Request) -> web.Response:
        data = await request.json()
        if not result.done():
            result.set_result(data)
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_get("/", page)
    app.router.add_get("/ws", echo)
    app.router.add_get("/ws-plain", echo)
    app.router.add_post("/result", report)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        with tempfile.TemporaryDirectory() as profile:
            proc = await asyncio.create_subprocess_exec(
                _browser(),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--no-first-run",
                "--no-default-browser-check",
                f"--user-data-dir={profile}",
                f"http://127.0.0.1:{port}/",
                stdout=asyncio.subprocess.DEVNULL,
                stderr=asyncio.subprocess.PIPE,
            )
            try:
                waiters: list[asyncio.Future[Any]] = [result, asyncio.ensure_future(proc.wait())]
                done, _ = await asyncio.wait(
                    waiters,
                    timeout=BROWSER_TIMEOUT,
                    return_when=asyncio.FIRST_COMPLETED,
                )
                if result not in done:
                    stderr = b""
                    if proc.returncode is not None and proc.stderr is not None:
                        stderr = await proc.stderr.read()
                    raise AssertionError(
                        f"no report from the browser (exit {proc.returncode}): "
                        f"{stderr.decode(errors='replace')[-2000:]}"
                    )
            finally:
                if proc.returncode is None:
                    proc.kill()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(proc.wait(), 10)
    finally:
        await runner.cleanup()
    return result.result(), seen


def _expected_received() -> list[tuple[str, str]]:
    big_text = "compress me " * BIG_TEXT_REPEAT
    return [
        ("text", hashlib.sha256(TEXT.encode()).hexdigest()),
        ("binary", hashlib.sha256(_pattern(SMALL_BINARY)).hexdigest()),
        ("binary", hashlib.sha256(_pattern(BIG_BINARY)).hexdigest()),
        ("text", hashlib.sha256(big_text.encode()).hexdigest()),
    ]


async def test_chromium_echo_close_codes_and_permessage_deflate() -> None:
    reports, seen = await _run_page()
    by_path = {r["path"]: r for r in reports}
    assert set(by_path) == {"/ws", "/ws-plain"}
    expected_echoes = [
        # JavaScript lengths count UTF-16 code units.
        {"kind": "text", "length": len(TEXT.encode("utf-16-le")) // 2, "value": TEXT, "ok": True},
        {"kind": "binary", "length": SMALL_BINARY, "ok": True},
        {"kind": "binary", "length": BIG_BINARY, "ok": True},
        {"kind": "text", "length": 12 * BIG_TEXT_REPEAT, "value": None, "ok": True},
    ]
    for path in ("/ws", "/ws-plain"):
        report = by_path[path]
        assert report["echoes"] == expected_echoes, path
        assert report["errors"] == [], path
        # Our server received exactly what the page sent.
        assert seen[path]["received"] == _expected_received(), path
        assert "permessage-deflate" in seen[path]["offered"], path

    # Compressed route: both ends agree on the extension; the server closed 4000.
    deflate = by_path["/ws"]
    assert deflate["extensions"].startswith("permessage-deflate"), deflate
    assert seen["/ws"]["compress"] == 15
    assert (deflate["closeCode"], deflate["closeReason"], deflate["wasClean"]) == (
        4000,
        "server done",
        True,
    )
    assert seen["/ws"]["close_code"] == 4000

    # Plain route: the extension was refused; the page closed with 4001, which
    # the server saw; autoclose answered with a plain 1000, which the page saw.
    plain = by_path["/ws-plain"]
    assert plain["extensions"] == ""
    assert not seen["/ws-plain"]["compress"]
    assert (plain["closeCode"], plain["closeReason"], plain["wasClean"]) == (1000, "", True)
    assert seen["/ws-plain"]["close_code"] == 4001
