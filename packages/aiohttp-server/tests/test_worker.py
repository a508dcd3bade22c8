"""The gunicorn workers' gunicorn-independent parts.

gunicorn is not installed in the development environment, so the workers
are not run under a real gunicorn arbiter here; what is tested is that the
module imports without gunicorn, that the workers then refuse to start, and
the helpers they use (log format translation, the TLS context).
"""

from __future__ import annotations

import importlib.util
import ssl
import sys
from pathlib import Path
from types import ModuleType, SimpleNamespace

import pytest
import trustme

from aiohttp_server import worker
from aiohttp_server.web_log import AccessLogger


@pytest.fixture
def without_gunicorn(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    """A fresh copy of the worker module, imported as if gunicorn were not installed.

    The copy is separate from ``aiohttp_server.worker`` so that the real
    module's classes stay the ones everybody else imported.
    """
    monkeypatch.setitem(sys.modules, "gunicorn", None)
    monkeypatch.setitem(sys.modules, "gunicorn.workers", None)
    spec = importlib.util.spec_from_file_location("aiohttp_server._worker_copy", worker.__file__)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_imports_and_refuses_to_start_without_gunicorn(without_gunicorn: ModuleType) -> None:
    assert without_gunicorn.__all__ == ["GunicornUVLoopWebWorker", "GunicornWebWorker"]
    with pytest.raises(RuntimeError, match="gunicorn"):
        without_gunicorn.GunicornWebWorker()
    with pytest.raises(RuntimeError, match="gunicorn"):
        without_gunicorn.GunicornUVLoopWebWorker()


def test_uvloop_worker_is_a_web_worker() -> None:
    assert issubclass(worker.GunicornUVLoopWebWorker, worker.GunicornWebWorker)


def _fake_worker() -> SimpleNamespace:
    return SimpleNamespace(
        DEFAULT_AIOHTTP_LOG_FORMAT=worker.GunicornWebWorker.DEFAULT_AIOHTTP_LOG_FORMAT,
        DEFAULT_GUNICORN_LOG_FORMAT=worker.GunicornWebWorker.DEFAULT_GUNICORN_LOG_FORMAT,
    )


def test_log_format_translation() -> None:
    convert = worker.GunicornWebWorker._get_valid_log_format
    fake = _fake_worker()
    assert worker.GunicornWebWorker.DEFAULT_AIOHTTP_LOG_FORMAT == AccessLogger.LOG_FORMAT
    # gunicorn's default becomes aiohttp's default.
    assert convert(fake, fake.DEFAULT_GUNICORN_LOG_FORMAT) == AccessLogger.LOG_FORMAT
    assert convert(fake, "%a %s") == "%a %s"
    with pytest.raises(ValueError, match="Gunicorn's style options"):
        convert(fake, "%(h)s %(r)s")


def test_ssl_context_from_gunicorn_settings(tmp_path: Path) -> None:
    ca = trustme.CA()
    cert = ca.issue_cert("localhost")
    certfile = tmp_path / "cert.pem"
    keyfile = tmp_path / "key.pem"
    cafile = tmp_path / "ca.pem"
    cert.cert_chain_pems[0].write_to_path(str(certfile))
    cert.private_key_pem.write_to_path(str(keyfile))
    ca.cert_pem.write_to_path(str(cafile))
    cfg = SimpleNamespace(
        ssl_version=ssl.PROTOCOL_TLS_SERVER,
        certfile=str(certfile),
        keyfile=str(keyfile),
        cert_reqs=ssl.CERT_OPTIONAL,
        ca_certs=str(cafile),
        ciphers="ECDHE+AESGCM",
    )
    ctx = worker.GunicornWebWorker._create_ssl_context(cfg)
    assert isinstance(ctx, ssl.SSLContext)
    assert ctx.verify_mode == ssl.CERT_OPTIONAL
    assert ctx.cert_store_stats()["x509_ca"] == 1
