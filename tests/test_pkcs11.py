"""Signing with a PKCS#11 token: SoftHSM2 stands in for the USB token (skipped where it is absent)."""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from services import signing, verification
from tests.pki import make_ca, make_signer, sample_pdf

LIBS = [Path("/usr/lib/softhsm/libsofthsm2.so"), Path("/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so")]
LIB = next((str(p) for p in LIBS if p.exists()), None)
PIN = "123456"
LABEL = "Chữ ký số"  # both keys carry this label: only the CKA_ID tells them apart

pytestmark = pytest.mark.skipif(not (LIB and shutil.which("softhsm2-util")), reason="softhsm2 not installed")


@pytest.fixture(scope="module")
def token(tmp_path_factory):
    """A token initialised in a temporary folder, with two key pairs under one label."""
    import PyKCS11

    folder = tmp_path_factory.mktemp("softhsm")
    (folder / "tokens").mkdir()
    conf = folder / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {folder / 'tokens'}\nobjectstore.backend = file\nlog.level = ERROR\n")
    previous = os.environ.get("SOFTHSM2_CONF")
    os.environ["SOFTHSM2_CONF"] = str(conf)
    subprocess.run(["softhsm2-util", "--init-token", "--free", "--label", "MCS-TEST", "--pin", PIN,
                    "--so-pin", "87654321"], check=True, capture_output=True)
    ca = make_ca()
    people = {"a1b2": make_signer(ca, "Trần Thị Bình"), "c3d4": make_signer(ca, "Lê Văn Cường")}
    for key_id, person in people.items():
        pem = folder / f"{key_id}.pem"
        pem.write_bytes(person.key_pkcs8_pem())
        subprocess.run(["softhsm2-util", "--import", str(pem), "--token", "MCS-TEST", "--label", LABEL,
                        "--id", key_id, "--pin", PIN], check=True, capture_output=True)
        pem.unlink()
    lib = PyKCS11.PyKCS11Lib()
    lib.load(LIB)
    slot = next(s for s in lib.getSlotList(tokenPresent=True) if lib.getTokenInfo(s).label.strip() == "MCS-TEST")
    serial = lib.getTokenInfo(slot).serialNumber.strip()
    session = lib.openSession(slot, PyKCS11.CKF_SERIAL_SESSION | PyKCS11.CKF_RW_SESSION)
    session.login(PIN)
    for key_id, person in people.items():
        session.createObject([
            (PyKCS11.CKA_CLASS, PyKCS11.CKO_CERTIFICATE), (PyKCS11.CKA_CERTIFICATE_TYPE, PyKCS11.CKC_X_509),
            (PyKCS11.CKA_TOKEN, PyKCS11.CK_TRUE), (PyKCS11.CKA_LABEL, LABEL),
            (PyKCS11.CKA_ID, bytes.fromhex(key_id)), (PyKCS11.CKA_VALUE, person.der),
            (PyKCS11.CKA_SUBJECT, person.cert.subject.public_bytes())])
    session.logout()
    session.closeSession()
    yield {"ca": ca, "serial": serial, "people": people}
    if previous is None:
        os.environ.pop("SOFTHSM2_CONF", None)
    else:
        os.environ["SOFTHSM2_CONF"] = previous


def test_sign_with_the_key_chosen_by_cka_id(token):
    for key_id, expected in (("a1b2", "Trần Thị Bình"), ("C3:D4", "Lê Văn Cường")):
        credential = signing.open_token(LIB, PIN, key_id)
        try:
            assert credential.name == expected
            signed = signing.sign_pdf(sample_pdf(), credential, signing.Appearance(expected, "Phó Chủ tịch"))
        finally:
            credential.close()
        sig = verification.verify_pdf(signed, [token["ca"].cert]).signatures[0]
        assert (sig.signer, sig.intact, sig.trusted, sig.covers_whole_document) == (expected, True, True, True)


def test_token_then_pkcs12_countersignature(token, tmp_path):
    from tests.pki import make_p12

    credential = signing.open_token(LIB, PIN, "a1b2", token_serial=token["serial"])
    try:
        first = signing.sign_pdf(sample_pdf(), credential, signing.Appearance("Trần Thị Bình"))
    finally:
        credential.close()
    org = make_signer(token["ca"], "Ủy ban nhân dân xã Đông Sơn")
    both = signing.sign_pdf(first, signing.load_pkcs12(make_p12(org, token["ca"], "x"), "x"),
                            signing.Appearance("Ủy ban nhân dân xã Đông Sơn"))
    report = verification.verify_pdf(both, [token["ca"].cert])
    assert [(s.signer, s.intact, s.trusted, s.modified_after_signing) for s in report.signatures] == [
        ("Trần Thị Bình", True, True, False), ("Ủy ban nhân dân xã Đông Sơn", True, True, False)]


def test_wrong_pin_gives_a_clear_message(token):
    with pytest.raises(signing.SigningError) as exc:
        signing.open_token(LIB, "000000", "a1b2")
    assert exc.value.message == "Wrong PIN for the signing token."


def test_missing_token_gives_a_clear_message(token):
    with pytest.raises(signing.SigningError) as exc:
        signing.open_token(LIB, PIN, "a1b2", token_serial="0000000000000000")
    assert exc.value.message == "The signing token is not plugged in or was removed."


def test_unknown_key_id_and_bad_driver(token):
    with pytest.raises(signing.SigningError) as unknown:
        signing.open_token(LIB, PIN, "ffff")
    assert unknown.value.message == "The token has no key and certificate with id %(key_id)s."
    with pytest.raises(signing.SigningError) as driver:
        signing.open_token("/nonexistent/libpkcs11.so", PIN, "a1b2")
    assert driver.value.message == "The token driver %(library)s could not be loaded."
    with pytest.raises(signing.SigningError) as not_hex:
        signing.open_token(LIB, PIN, "khóa")
    assert not_hex.value.message == "The key id must be hexadecimal, for example 3f01."
