"""Responses go out compressed when the browser accepts it, under the test client and waitress alike."""
from __future__ import annotations

import gzip
import http.client
import re
import threading
from pathlib import Path

import brotli
import pytest
from waitress import create_server

HTMX = Path(__file__).resolve().parent.parent / "static" / "htmx-2.0.11.min.js"


def _untokened(page: bytes) -> bytes:
    """The page without its CSRF tokens, which carry the second they were signed in."""
    return re.sub(rb'(csrf_token" value="|X-CSRFToken": ")[^"]+', rb"\1", page)


def test_pages_are_compressed_for_a_browser_that_accepts_it(client):
    plain = client.get("/login")
    packed = client.get("/login", headers={"Accept-Encoding": "gzip"})
    assert "Content-Encoding" not in plain.headers
    assert packed.headers["Content-Encoding"] == "gzip" and "Accept-Encoding" in packed.headers["Vary"]
    assert _untokened(gzip.decompress(packed.data)) == _untokened(plain.data)
    assert len(packed.data) < len(plain.data) / 2


def test_htmx_goes_out_as_brotli_when_accepted(client):
    response = client.get(f"/static/{HTMX.name}", headers={"Accept-Encoding": "gzip, deflate, br, zstd"})
    assert response.headers["Content-Encoding"] == "br"
    body = brotli.decompress(response.data)
    assert body == HTMX.read_bytes() and len(response.data) < 20_000  # 52 KB as sent uncompressed


def test_tiny_responses_are_not_compressed(app, monkeypatch):
    from blueprints import auth

    monkeypatch.setattr(auth, "PUBLIC_ENDPOINTS", auth.PUBLIC_ENDPOINTS | {"tiny", "small"})
    app.add_url_rule("/tiny", "tiny", lambda: "x" * 499)
    app.add_url_rule("/small", "small", lambda: "x" * 500)
    client = app.test_client()
    assert "Content-Encoding" not in client.get("/tiny", headers={"Accept-Encoding": "gzip"}).headers
    assert client.get("/small", headers={"Accept-Encoding": "gzip"}).headers["Content-Encoding"] == "gzip"


@pytest.fixture
def served(app):
    server = create_server(app, host="127.0.0.1", port=0, threads=2)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    yield server.effective_port
    server.close()
    thread.join(timeout=5)


def _get(port: int, path: str, encoding: str | None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    headers = {"Host": "office.test"}
    if encoding:
        headers["Accept-Encoding"] = encoding
    conn.request("GET", path, headers=headers)
    response = conn.getresponse()
    return response.status, dict(response.getheaders()), response.read()


def test_compression_under_waitress(served):
    status, headers, plain = _get(served, "/login", None)
    assert status == 200 and "Content-Encoding" not in headers
    status, headers, packed = _get(served, "/login", "gzip")
    assert status == 200 and headers["Content-Encoding"] == "gzip"
    assert _untokened(gzip.decompress(packed)) == _untokened(plain)
    status, headers, packed = _get(served, f"/static/{HTMX.name}", "br")
    assert headers["Content-Encoding"] == "br" and brotli.decompress(packed) == HTMX.read_bytes()
