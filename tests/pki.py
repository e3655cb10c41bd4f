"""A small test PKI made with `cryptography`: a root CA, signers, PKCS#12 files, sample PDFs."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

UTC = dt.UTC


@dataclass
class Identity:
    key: rsa.RSAPrivateKey
    cert: x509.Certificate

    @property
    def pem(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.PEM)

    @property
    def der(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.DER)

    def key_pkcs8_pem(self) -> bytes:
        return self.key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                      serialization.NoEncryption())


def _name(common_name: str, organisation: str = "Một Cửa Số thử nghiệm") -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
                      x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def make_ca(common_name: str = "CA thử nghiệm Một Cửa Số") -> Identity:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = _name(common_name)
    start = dt.datetime.now(UTC) - dt.timedelta(days=1)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(start)
            .not_valid_after(start + dt.timedelta(days=3650))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=False, content_commitment=False,
                                         key_encipherment=False, data_encipherment=False, key_agreement=False,
                                         key_cert_sign=True, crl_sign=True, encipher_only=False,
                                         decipher_only=False), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .sign(key, hashes.SHA256()))
    return Identity(key, cert)


def make_signer(ca: Identity, common_name: str, organisation: str = "Ủy ban nhân dân xã Đông Sơn") -> Identity:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    start = dt.datetime.now(UTC) - dt.timedelta(days=1)
    cert = (x509.CertificateBuilder().subject_name(_name(common_name, organisation))
            .issuer_name(ca.cert.subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(start)
            .not_valid_after(start + dt.timedelta(days=730))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True,
                                         key_encipherment=False, data_encipherment=False, key_agreement=False,
                                         key_cert_sign=False, crl_sign=False, encipher_only=False,
                                         decipher_only=False), critical=True)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca.key.public_key()),
                           critical=False)
            .sign(ca.key, hashes.SHA256()))
    return Identity(key, cert)


def make_p12(identity: Identity, ca: Identity, passphrase: str) -> bytes:
    return pkcs12.serialize_key_and_certificates(
        b"signer", identity.key, identity.cert, [ca.cert],
        serialization.BestAvailableEncryption(passphrase.encode("utf-8")))


def sample_pdf(pages: int = 1, text: str = "Giấy xác nhận tình trạng hôn nhân") -> bytes:
    """A Decree-30-like one-page document made with the app's own PDF helpers."""
    from reportlab.platypus import PageBreak, Paragraph

    from services.documents import build_pdf, styles

    story = []
    for page in range(pages):
        if page:
            story.append(PageBreak())
        story.append(Paragraph(f"<b>{text.upper()}</b>", styles()["title"]))
        story.append(Paragraph(f"Trang {page + 1}. Nội dung văn bản kết quả giải quyết thủ tục hành chính.",
                               styles()["body"]))
    return build_pdf(story, title=text)
