"""AccessLogger: every format directive, the record's ``extra`` and error handling."""

from __future__ import annotations

import datetime
import logging
import os
import re
from typing import Any

import pytest
from multidict import CIMultiDict

from aiohttp_server.web_log import AccessLogger
from aiohttp_wire.http_version import HttpVersion, HttpVersion11


class FakeRequest:
    """The request attributes the access logger reads."""

    def __init__(
        self,
        *,
        remote: str | None = "10.1.2.3",
        method: str = "GET",
        path_qs: str = "/path?x=1",
        version: HttpVersion = HttpVersion11,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.remote = remote
        self.method = method
        self.path_qs = path_qs
        self.version = version
        self.headers = CIMultiDict(headers or {})


class FakeResponse:
    """The response attributes the access logger reads."""

    def __init__(
        self, status: int = 200, body_length: int = 42, headers: dict[str, str] | None = None
    ) -> None:
        self.status = status
        self.body_length = body_length
        self.headers = CIMultiDict(headers or {})


@pytest.fixture
def logger() -> logging.Logger:
    log = logging.getLogger("test.web_log")
    log.setLevel(logging.INFO)
    return log


def _log(
    caplog: pytest.LogCaptureFixture,
    logger: logging.Logger,
    fmt: str,
    request: Any = None,
    response: Any = None,
    time: float = 1.5,
) -> logging.LogRecord:
    caplog.clear()
    access = AccessLogger(logger, fmt)
    with caplog.at_level(logging.INFO, logger=logger.name):
        access.log(request or FakeRequest(), response or FakeResponse(), time)
    assert len(caplog.records) == 1
    return caplog.records[0]


def test_default_format(caplog: pytest.LogCaptureFixture, logger: logging.Logger) -> None:
    request = FakeRequest(headers={"Referer": "http://ref/", "User-Agent": "agent/1"})
    record = _log(caplog, logger, AccessLogger.LOG_FORMAT, request)
    assert re.fullmatch(
        r"10\.1\.2\.3 \[\d\d/\w{3}/\d{4}:\d\d:\d\d:\d\d [+-]\d{4}\] "
        r'"GET /path\?x=1 HTTP/1\.1" 200 42 "http://ref/" "agent/1"',
        record.getMessage(),
    )


def test_default_format_constant() -> None:
    assert AccessLogger.LOG_FORMAT == '%a %t "%r" %s %b "%{Referer}i" "%{User-Agent}i"'


@pytest.mark.parametrize(
    ("fmt", "expected"),
    [
        ("%a", "10.1.2.3"),
        ("%s", "404"),
        ("%b", "7"),
        ("%T", "2"),
        ("%Tf", "1.500000"),
        ("%D", "1500000"),
        ("%P", f"<{os.getpid()}>"),
        ("%r", "POST /up HTTP/1.0"),
        ("100%%", "100%"),
        ("%{X-Req}i|%{X-Resp}o", "in|out"),
        ("%{X-Missing}i %{X-Missing}o", "- -"),
        ("plain text only", "plain text only"),
    ],
)
def test_directives(
    caplog: pytest.LogCaptureFixture, logger: logging.Logger, fmt: str, expected: str
) -> None:
    request = FakeRequest(
        method="POST", path_qs="/up", version=HttpVersion(1, 0), headers={"X-Req": "in"}
    )
    response = FakeResponse(status=404, body_length=7, headers={"X-Resp": "out"})
    record = _log(caplog, logger, fmt, request, response)
    assert record.getMessage() == expected


def test_environ_directive(
    caplog: pytest.LogCaptureFixture, logger: logging.Logger, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WEB_LOG_TEST_VAR", "from-env")
    record = _log(caplog, logger, "%{WEB_LOG_TEST_VAR}e")
    assert record.getMessage() == "from-env"


def test_unknown_remote_is_dash(caplog: pytest.LogCaptureFixture, logger: logging.Logger) -> None:
    record = _log(caplog, logger, "%a", FakeRequest(remote=None))
    assert record.getMessage() == "-"


def test_start_time_is_now_minus_duration(
    caplog: pytest.LogCaptureFixture, logger: logging.Logger
) -> None:
    record = _log(caplog, logger, "%t", time=3600.0)
    stamp = datetime.datetime.strptime(record.getMessage(), "[%d/%b/%Y:%H:%M:%S %z]")
    ago = datetime.datetime.now(datetime.timezone.utc) - stamp
    # An hour ago, give or take however long the test machine needed.
    assert datetime.timedelta(minutes=59) < ago < datetime.timedelta(minutes=61)


def test_extra_carries_values(caplog: pytest.LogCaptureFixture, logger: logging.Logger) -> None:
    request = FakeRequest(headers={"User-Agent": "ua"})
    record = _log(caplog, logger, "%a %s %{User-Agent}i %{Server}o", request)
    assert record.remote_address == "10.1.2.3"  # type: ignore[attr-defined]
    assert record.response_status == "200"  # type: ignore[attr-defined]
    assert record.request_header == {"User-Agent": "ua"}  # type: ignore[attr-defined]
    assert record.response_header == {"Server": "-"}  # type: ignore[attr-defined]


def test_percent_in_values_is_not_reformatted(
    caplog: pytest.LogCaptureFixture, logger: logging.Logger
) -> None:
    record = _log(caplog, logger, "%r", FakeRequest(path_qs="/a%20b%s"))
    assert record.getMessage() == "GET /a%20b%s HTTP/1.1"


def test_disabled_logger_logs_nothing(
    caplog: pytest.LogCaptureFixture, logger: logging.Logger
) -> None:
    logger.setLevel(logging.WARNING)
    access = AccessLogger(logger, "%a")
    assert not access.enabled
    with caplog.at_level(logging.WARNING, logger=logger.name):
        access.log(FakeRequest(), FakeResponse(), 0.1)
    assert caplog.records == []


def test_enabled(logger: logging.Logger) -> None:
    assert AccessLogger(logger).enabled


def test_broken_request_is_logged_as_error(
    caplog: pytest.LogCaptureFixture, logger: logging.Logger
) -> None:
    class Broken(FakeRequest):
        @property
        def remote(self) -> str:  # type: ignore[override]
            raise RuntimeError("boom")

        @remote.setter
        def remote(self, value: str | None) -> None:
            pass

    access = AccessLogger(logger, "%a")
    with caplog.at_level(logging.INFO, logger=logger.name):
        access.log(Broken(), FakeResponse(), 0.1)
    assert [r.getMessage() for r in caplog.records] == ["Error in logging"]
    assert caplog.records[0].levelno == logging.ERROR
