"""FileResponse: ranges, conditional requests, pre-compressed siblings, errors."""

from __future__ import annotations

import gzip
import os
from pathlib import Path
from typing import Any

import pytest

from aiohttp_server.helpers import format_http_date
from aiohttp_server.web_fileresponse import FileResponse

RequestFactory = Any
DATA = bytes(range(256)) * 4  # 1024 bytes


class _NoTransport:
    """Protocol transport that is gone: FileResponse must stream through the writer."""


@pytest.fixture
def data_file(tmp_path: Path) -> Path:
    path = tmp_path / "data.txt"
    path.write_bytes(DATA)
    os.utime(path, (1_600_000_000, 1_600_000_000))
    return path


async def _serve(
    path: Path, make_request: RequestFactory, headers: Any = None, method: str = "GET", **kw: Any
) -> tuple[FileResponse, Any]:
    req = make_request(method, "/f", headers, **kw)
    req.protocol.transport = None
    resp = FileResponse(path, chunk_size=100, **kw.pop("resp_kw", {}))
    await resp.prepare(req)
    return resp, req._payload_writer


async def test_whole_file(data_file: Path, make_request: RequestFactory) -> None:
    _, w = await _serve(data_file, make_request)
    assert w.status_line == "HTTP/1.1 200 OK"
    assert w.headers["Content-Length"] == "1024"
    assert w.headers["Content-Type"] == "text/plain"
    assert w.headers["Accept-Ranges"] == "bytes"
    assert w.headers["Last-Modified"] == "Sun, 13 Sep 2020 12:26:40 GMT"
    assert w.headers["ETag"].startswith('"') and "-400" in w.headers["ETag"]
    assert w.body == DATA
    assert w.eof


async def test_head(data_file: Path, make_request: RequestFactory) -> None:
    _, w = await _serve(data_file, make_request, method="HEAD")
    assert w.headers["Content-Length"] == "1024"
    assert w.body == b"" and w.eof


@pytest.mark.parametrize(
    ("rng", "start", "end"),
    [
        ("bytes=0-9", 0, 10),
        ("bytes=1000-", 1000, 1024),
        ("bytes=-24", 1000, 1024),
        ("bytes=1000-5000", 1000, 1024),
        ("bytes=-5000", 0, 1024),
    ],
)
async def test_ranges(
    data_file: Path, make_request: RequestFactory, rng: str, start: int, end: int
) -> None:
    _, w = await _serve(data_file, make_request, {"Range": rng})
    assert w.status_line == "HTTP/1.1 206 Partial Content"
    assert w.headers["Content-Range"] == f"bytes {start}-{end - 1}/1024"
    assert w.headers["Content-Length"] == str(end - start)
    assert w.body == DATA[start:end]


@pytest.mark.parametrize("rng", ["bytes=1024-", "bytes=2000-3000", "bytes=5-1", "bytes=x"])
async def test_unsatisfiable_range(data_file: Path, make_request: RequestFactory, rng: str) -> None:
    _, w = await _serve(data_file, make_request, {"Range": rng})
    assert w.status_line.startswith("HTTP/1.1 416")
    assert w.headers["Content-Range"] == "bytes */1024"
    assert w.body == b""


async def test_if_range(data_file: Path, make_request: RequestFactory) -> None:
    _, w = await _serve(data_file, make_request)
    etag = w.headers["ETag"]
    _, w2 = await _serve(data_file, make_request, {"Range": "bytes=0-1", "If-Range": etag})
    assert w2.status_line.startswith("HTTP/1.1 206")
    _, w3 = await _serve(data_file, make_request, {"Range": "bytes=0-1", "If-Range": '"other"'})
    assert w3.status_line.startswith("HTTP/1.1 200") and w3.body == DATA
    old = "Mon, 01 Jan 2001 00:00:00 GMT"
    _, w4 = await _serve(data_file, make_request, {"Range": "bytes=0-1", "If-Range": old})
    assert w4.status_line.startswith("HTTP/1.1 200")
    new = "Mon, 01 Jan 2035 00:00:00 GMT"
    _, w5 = await _serve(data_file, make_request, {"Range": "bytes=0-1", "If-Range": new})
    assert w5.status_line.startswith("HTTP/1.1 206")


async def test_if_none_match_and_modified_since(
    data_file: Path, make_request: RequestFactory
) -> None:
    _, w = await _serve(data_file, make_request)
    etag = w.headers["ETag"]
    _, w2 = await _serve(data_file, make_request, {"If-None-Match": f'"x", W/{etag}'})
    assert w2.status_line == "HTTP/1.1 304 Not Modified"
    assert w2.body == b"" and w2.headers["ETag"] == etag
    assert "Content-Length" not in w2.headers
    _, w3 = await _serve(data_file, make_request, {"If-None-Match": "*"})
    assert w3.status_line.startswith("HTTP/1.1 304")
    _, w4 = await _serve(data_file, make_request, {"If-None-Match": '"nope"'})
    assert w4.status_line.startswith("HTTP/1.1 200")
    lm = w.headers["Last-Modified"]
    _, w5 = await _serve(data_file, make_request, {"If-Modified-Since": lm})
    assert w5.status_line.startswith("HTTP/1.1 304")
    _, w6 = await _serve(
        data_file, make_request, {"If-Modified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"}
    )
    assert w6.status_line.startswith("HTTP/1.1 200")


async def test_if_match_and_unmodified_since(data_file: Path, make_request: RequestFactory) -> None:
    _, w = await _serve(data_file, make_request)
    etag = w.headers["ETag"]
    _, ok = await _serve(data_file, make_request, {"If-Match": etag})
    assert ok.status_line.startswith("HTTP/1.1 200")
    _, weak = await _serve(data_file, make_request, {"If-Match": f"W/{etag}"})
    assert weak.status_line.startswith("HTTP/1.1 412")
    _, bad = await _serve(data_file, make_request, {"If-Match": '"other"'})
    assert bad.status_line.startswith("HTTP/1.1 412") and bad.body == b""
    _, star = await _serve(data_file, make_request, {"If-Match": "*"})
    assert star.status_line.startswith("HTTP/1.1 200")
    _, old = await _serve(
        data_file, make_request, {"If-Unmodified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"}
    )
    assert old.status_line.startswith("HTTP/1.1 412")
    _, new = await _serve(
        data_file, make_request, {"If-Unmodified-Since": w.headers["Last-Modified"]}
    )
    assert new.status_line.startswith("HTTP/1.1 200")


async def test_precompressed_sibling(data_file: Path, make_request: RequestFactory) -> None:
    gz = gzip.compress(DATA)
    data_file.with_name("data.txt.gz").write_bytes(gz)
    _, w = await _serve(data_file, make_request, {"Accept-Encoding": "br;q=0, gzip"})
    assert w.headers["Content-Encoding"] == "gzip"
    assert w.headers["Content-Type"] == "text/plain"
    assert w.headers["Vary"] == "Accept-Encoding"
    assert w.headers["Content-Length"] == str(len(gz))
    assert b"".join(w.chunks) == gz
    _, plain = await _serve(data_file, make_request, {"Accept-Encoding": "gzip;q=0"})
    assert "Content-Encoding" not in plain.headers
    assert plain.headers["Vary"] == "Accept-Encoding"
    assert plain.body == DATA


async def test_brotli_and_zstd_preferred(data_file: Path, make_request: RequestFactory) -> None:
    data_file.with_name("data.txt.gz").write_bytes(b"gz")
    data_file.with_name("data.txt.br").write_bytes(b"br")
    data_file.with_name("data.txt.zst").write_bytes(b"zst")
    _, w = await _serve(data_file, make_request, {"Accept-Encoding": "gzip, br, zstd"})
    assert w.headers["Content-Encoding"] == "br"
    _, w2 = await _serve(data_file, make_request, {"Accept-Encoding": "gzip, zstd"})
    assert w2.headers["Content-Encoding"] == "zstd" and b"".join(w2.chunks) == b"zst"


async def test_compressed_archive_content_type(
    tmp_path: Path, make_request: RequestFactory
) -> None:
    path = tmp_path / "a.tar.gz"
    path.write_bytes(b"\x1f\x8b")
    _, w = await _serve(path, make_request)
    assert w.headers["Content-Type"] == "application/gzip"
    assert "Content-Encoding" not in w.headers


async def test_unknown_type(tmp_path: Path, make_request: RequestFactory) -> None:
    path = tmp_path / "blob.unknownext"
    path.write_bytes(b"x")
    _, w = await _serve(path, make_request)
    assert w.headers["Content-Type"] == "application/octet-stream"


async def test_missing_file_404(tmp_path: Path, make_request: RequestFactory) -> None:
    _, w = await _serve(tmp_path / "missing", make_request)
    assert w.status_line.startswith("HTTP/1.1 404")


async def test_directory_403(tmp_path: Path, make_request: RequestFactory) -> None:
    _, w = await _serve(tmp_path, make_request)
    assert w.status_line.startswith("HTTP/1.1 403")


async def test_unreadable_403(tmp_path: Path, make_request: RequestFactory) -> None:
    path = tmp_path / "locked"
    path.write_bytes(b"x")
    path.chmod(0)
    try:
        if os.access(path, os.R_OK):  # running as root: permissions do not apply
            os.mkfifo(tmp_path / "fifo")
            _, w = await _serve(tmp_path / "fifo", make_request)
        else:
            _, w = await _serve(path, make_request)
    finally:
        path.chmod(0o644)
    assert w.status_line.startswith("HTTP/1.1 403")


async def test_empty_file(tmp_path: Path, make_request: RequestFactory) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    _, w = await _serve(path, make_request)
    assert w.headers["Content-Length"] == "0" and w.body == b"" and w.eof


async def test_compression_streams_through_writer(
    data_file: Path, make_request: RequestFactory
) -> None:
    req = make_request("GET", "/f", {"Accept-Encoding": "gzip"})
    req.protocol.transport = None
    resp = FileResponse(data_file)
    resp.enable_compression()
    await resp.prepare(req)
    w = req._payload_writer
    assert w.compression == "gzip" and w.chunked
    assert "Content-Length" not in w.headers
    assert w.body == DATA


def test_format_http_date_roundtrip() -> None:
    import datetime

    when = datetime.datetime(2020, 9, 13, 12, 26, 40, tzinfo=datetime.timezone.utc)
    assert format_http_date(when) == "Sun, 13 Sep 2020 12:26:40 GMT"


async def test_range_ignored_for_non_200_status(
    data_file: Path, make_request: RequestFactory
) -> None:
    req = make_request("GET", "/f", {"Range": "bytes=0-9"})
    req.protocol.transport = None
    resp = FileResponse(data_file, status=404)
    await resp.prepare(req)
    w = req._payload_writer
    assert w.status_line == "HTTP/1.1 404 Not Found"
    assert "Content-Range" not in w.headers and w.body == DATA


async def test_fractional_mtime_rounds_up(data_file: Path, make_request: RequestFactory) -> None:
    os.utime(data_file, (1_600_000_000.4, 1_600_000_000.4))
    _, w = await _serve(data_file, make_request)
    last_modified = w.headers["Last-Modified"]
    assert last_modified == "Sun, 13 Sep 2020 12:26:41 GMT"
    _, w = await _serve(data_file, make_request, {"If-Modified-Since": last_modified})
    assert w.status_line.startswith("HTTP/1.1 304")
    earlier = {"If-Modified-Since": "Sun, 13 Sep 2020 12:26:40 GMT"}
    _, w = await _serve(data_file, make_request, earlier)
    assert w.status_line.startswith("HTTP/1.1 200") and w.body == DATA
