"""A CSC API v1.0.4 service on loopback (certomancer-csc-dummy) for remote-signing tests, with a
stand-in for the signer's phone: credential 'uyban/tuchoi' refuses, 'uyban/cham' answers after 3 s."""
from __future__ import annotations

import asyncio
import datetime as dt
import json
import threading

import pytest

from tests.pki import make_ca, make_signer

CONFIG = """
external-url-prefix: "http://127.0.0.1"
keysets:
  uyban:
    path-prefix: {keys}
    keys:
      root: {{path: root.key.pem}}
      chutich: {{path: chutich.key.pem}}
pki-architectures:
  uyban:
    keyset: uyban
    entity-defaults: {{country-name: VN, organization-name: "Ủy ban nhân dân xã Đông Sơn"}}
    entities:
      root: {{common-name: "CA thử nghiệm ký số từ xa"}}
      chutich: {{common-name: "Vũ Minh Hải"}}
      tuchoi: {{common-name: "Người từ chối"}}
      cham: {{common-name: "Người chậm trả lời"}}
    certs:
      root:
        subject: root
        subject-key: root
        issuer: root
        authority-key: root
        validity: {{valid-from: "{start}", valid-to: "{end}"}}
        extensions:
          - {{id: basic_constraints, critical: true, value: {{ca: true}}}}
          - id: key_usage
            critical: true
            smart-value: {{schema: key-usage, params: [digital_signature, key_cert_sign, crl_sign]}}
      chutich:
        subject-key: chutich
        issuer: root
        validity: {{valid-from: "{start}", valid-to: "{end}"}}
        extensions: &signer
          - id: key_usage
            critical: true
            smart-value: {{schema: key-usage, params: [digital_signature, non_repudiation]}}
      tuchoi: {{subject-key: chutich, issuer: root, validity: {{valid-from: "{start}", valid-to: "{end}"}}, extensions: *signer}}
      cham: {{subject-key: chutich, issuer: root, validity: {{valid-from: "{start}", valid-to: "{end}"}}, extensions: *signer}}
"""


async def phone(request, handler):
    """Stands in for the signer's phone: 'tuchoi' declines the push, 'cham' never answers in time."""
    web = pytest.importorskip("aiohttp.web")
    if request.path.endswith("/credentials/authorize"):
        body = await request.json()
        if body.get("credentialID") == "uyban/tuchoi":
            return web.json_response({"error": "access_denied",
                                      "error_description": "Người ký đã từ chối trên điện thoại"}, status=400)
        if body.get("credentialID") == "uyban/cham":
            await asyncio.sleep(3)
    return await handler(request)


@pytest.fixture(scope="module")
def csc_server(tmp_path_factory):
    csc_dummy = pytest.importorskip("csc_dummy.csc_dummy_server")
    web = pytest.importorskip("aiohttp.web")
    from certomancer import registry

    folder = tmp_path_factory.mktemp("csc")
    (folder / "keys").mkdir()
    ca = make_ca()
    signer = make_signer(ca, "x")
    (folder / "keys" / "root.key.pem").write_bytes(ca.key_pkcs8_pem())
    (folder / "keys" / "chutich.key.pem").write_bytes(signer.key_pkcs8_pem())
    now = dt.datetime.now(dt.UTC)
    fmt = "%Y-%m-%dT%H:%M:%S+0000"
    (folder / "certomancer.yml").write_text(CONFIG.format(
        keys=json.dumps(str(folder / "keys")), start=(now - dt.timedelta(days=1)).strftime(fmt),
        end=(now + dt.timedelta(days=365)).strftime(fmt)), encoding="utf-8")
    config = registry.CertomancerConfig.from_file(str(folder / "certomancer.yml"))
    service = csc_dummy.CSCWithCertomancer(config, service_params=csc_dummy.DummyServiceParams(
        hash_pinning_required=True))
    service.register_routes()
    service.app.middlewares.append(web.middleware(phone))

    loop = asyncio.new_event_loop()  # served from its own thread (the caller's may run a loop already)
    runner = web.AppRunner(service.app)
    started: list[int] = []
    ready = threading.Event()

    def serve():
        asyncio.set_event_loop(loop)
        loop.run_until_complete(runner.setup())
        site = web.TCPSite(runner, "127.0.0.1", 0)
        loop.run_until_complete(site.start())
        started.append(site._server.sockets[0].getsockname()[1])
        ready.set()
        loop.run_forever()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    assert ready.wait(30), "the CSC dummy did not start"
    port = started[0]
    root = config.get_pki_arch("uyban").get_cert("root")
    yield {"url": f"http://127.0.0.1:{port}", "root": root}
    asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(10)
    loop.call_soon_threadsafe(loop.stop)
    thread.join(10)


def csc_root(csc_server):
    """The CA certificate of the remote signers (cryptography)."""
    from cryptography import x509

    return x509.load_der_x509_certificate(csc_server["root"].dump())
