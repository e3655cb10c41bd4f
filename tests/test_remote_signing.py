"""Remote signing through the CSC API v1.0.4, against certomancer-csc-dummy on loopback: a signature
approved, one refused on the phone, one that times out."""
from __future__ import annotations

import pytest

from services import signing, verification
from services.remote_signing import CscProvider, open_remote
from tests import csc_helpers
from tests.csc_helpers import csc_root
from tests.pki import sample_pdf

pytestmark = pytest.mark.filterwarnings("ignore:It is recommended to use web.AppKey")
pytest.importorskip("csc_dummy.csc_dummy_server")
csc_server = csc_helpers.csc_server



def test_remote_signature_is_valid_and_trusted(csc_server):
    credential = open_remote(CscProvider(csc_server["url"], "uyban/chutich", access_token="demo-token"))
    assert credential.name == "Vũ Minh Hải"
    signed = signing.sign_pdf(sample_pdf(), credential, signing.Appearance("Vũ Minh Hải", "Chủ tịch"))
    sig = verification.verify_pdf(signed, [csc_root(csc_server)]).signatures[0]
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
    sig = verification.verify_pdf((tmp_path / "out.pdf").read_bytes(), [csc_root(csc_server)]).signatures[0]
    assert (sig.signer, sig.trusted) == ("Vũ Minh Hải", True)
    (tmp_path / "out.pdf").unlink()
    refused = runner.invoke(args=[*args, "--csc-credential", "uyban/tuchoi"], input="demo-token\n")
    assert refused.exit_code == 2 and "từ chối" in refused.output
    assert not (tmp_path / "out.pdf").exists()
