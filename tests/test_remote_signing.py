"""Remote signing through the CSC API v1.0.4, against certomancer-csc-dummy on loopback: a signature
approved, one refused on the phone, one that times out."""
from __future__ import annotations

import asyncio
import datetime as dt
import json
import threading

import pytest

from services import signing, verification
from services.remote_signing import CscProvider, open_remote
from tests.pki import make_ca, make_signer, sample_pdf

pytestmark = pytest.mark.filterwarnings("ignore:It is recommended to use web.AppKey")
csc_dummy = pytest.importorskip("csc_dummy.csc_dummy_server")
web = pytest.importorskip("aiohttp.web")

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


@web.middleware
async def phone(request, handler):
    """Stands in for the signer's phone: 'tuchoi' declines the push, 'cham' never answers in time."""
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
    service.app.middlewares.append(phone)

    loop = asyncio.new_event_loop()
    runner = web.AppRunner(service.app)
    loop.run_until_complete(runner.setup())
    site = web.TCPSite(runner, "127.0.0.1", 0)
    loop.run_until_complete(site.start())
    port = site._server.sockets[0].getsockname()[1]
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    root = config.get_pki_arch("uyban").get_cert("root")
    yield {"url": f"http://127.0.0.1:{port}", "root": root}
    asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(10)
    loop.call_soon_threadsafe(loop.stop)
    thread.join(10)


def _root(csc_server):
    from cryptography import x509

    return x509.load_der_x509_certificate(csc_server["root"].dump())


def test_remote_signature_is_valid_and_trusted(csc_server):
    credential = open_remote(CscProvider(csc_server["url"], "uyban/chutich", access_token="demo-token"))
    assert credential.name == "Vũ Minh Hải"
    signed = signing.sign_pdf(sample_pdf(), credential, signing.Appearance("Vũ Minh Hải", "Chủ tịch"))
    sig = verification.verify_pdf(signed, [_root(csc_server)]).signatures[0]
    assert (sig.signer, sig.intact, sig.trusted, sig.covers_whole_document) == ("Vũ Minh Hải", True, True, True)


def test_refusal_on_the_phone_is_reported_and_nothing_is_signed(csc_server):
    credential = open_remote(CscProvider(csc_server["url"], "uyban/tuchoi"))
    with pytest.raises(signing.SigningError) as exc:
        signing.sign_pdf(sample_pdf(), credential, signing.Appearance("Người từ chối"))
    assert exc.value.message == "The remote signing service refused: %(reason)s"
    assert exc.value.params == {"reason": "Người ký đã từ chối trên điện thoại"}


def test_no_answer_in_time_is_a_timeout(csc_server):
    credential = open_remote(CscProvider(csc_server["url"], "uyban/cham", timeout=0.5))
    with pytest.raises(signing.SigningError) as exc:
        signing.sign_pdf(sample_pdf(), credential, None)
    assert exc.value.message == "The remote signing service did not answer in time; nothing was signed."


def test_unknown_credential_and_unreachable_service(csc_server):
    with pytest.raises(signing.SigningError) as unknown:
        open_remote(CscProvider(csc_server["url"], "uyban/khong-co"))
    assert unknown.value.params == {"reason": "HTTP 404"}
    with pytest.raises(signing.SigningError) as down:
        open_remote(CscProvider("http://127.0.0.1:9", "uyban/chutich", timeout=2))
    assert down.value.message == "The remote signing service cannot be reached."


def test_sign_pdf_command_with_a_remote_signer(runner, ctx, csc_server, tmp_path):
    (tmp_path / "in.pdf").write_bytes(sample_pdf())
    args = ["sign-pdf", str(tmp_path / "in.pdf"), str(tmp_path / "out.pdf"), "--csc", csc_server["url"],
            "--passphrase-stdin", "--title", "Chủ tịch"]
    ok = runner.invoke(args=[*args, "--csc-credential", "uyban/chutich"], input="demo-token\n")
    assert ok.exit_code == 0, ok.output
    sig = verification.verify_pdf((tmp_path / "out.pdf").read_bytes(), [_root(csc_server)]).signatures[0]
    assert (sig.signer, sig.trusted) == ("Vũ Minh Hải", True)
    (tmp_path / "out.pdf").unlink()
    refused = runner.invoke(args=[*args, "--csc-credential", "uyban/tuchoi"], input="demo-token\n")
    assert refused.exit_code == 2 and "từ chối" in refused.output
    assert not (tmp_path / "out.pdf").exists()
