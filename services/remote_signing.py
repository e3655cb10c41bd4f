"""Remote signing (ký số từ xa): the key stays with a provider; the signer approves each signature
on a phone. One small provider interface; the Cloud Signature Consortium API v1.0.4 is the first
implementation (credentials/info, credentials/authorize, signatures/signHash)."""
from __future__ import annotations

import base64
import hashlib
import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Protocol

from cryptography import x509

from services import practice
from services.signing import Credential, SigningError
from services.text import N_

SHA256_OID = "2.16.840.1.101.3.4.2.1"
SHA256_RSA_OID = "1.2.840.113549.1.1.11"
APPROVAL_SECONDS = 120  # how long the signer has to approve on the phone


class RemoteProvider(Protocol):
    """What the app needs from a remote-signing service."""

    def certificates(self) -> list[x509.Certificate]:
        """The signer's certificate first, then its chain."""

    def sign_digest(self, digest: bytes) -> bytes:
        """A PKCS#1 v1.5 signature of a SHA-256 digest; blocks until the signer approves or refuses."""


@dataclass
class CscProvider:
    """A CSC API v1.0.4 service. ``base_url`` ends before ``/csc/v1``; ``access_token`` is the OAuth2
    bearer token the provider issued; the credential is the signer's key at the provider."""

    base_url: str
    credential_id: str
    access_token: str = ""
    timeout: float = APPROVAL_SECONDS

    def _call(self, method: str, body: dict) -> dict:
        if practice.active():
            raise SigningError(practice.OUTGOING_REFUSED)
        request = urllib.request.Request(
            f"{self.base_url.rstrip('/')}/csc/v1/{method}", data=json.dumps(body).encode("utf-8"),
            headers={"Content-Type": "application/json",
                     **({"Authorization": f"Bearer {self.access_token}"} if self.access_token else {})})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310 - configured URL
                return json.loads(response.read().decode("utf-8"))
        except urllib.error.HTTPError as exc:
            raise SigningError(N_("The remote signing service refused: %(reason)s"), reason=_reason(exc)) from None
        except TimeoutError:
            raise SigningError(N_("The remote signing service did not answer in time; nothing was signed.")) from None
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, TimeoutError):
                raise SigningError(
                    N_("The remote signing service did not answer in time; nothing was signed.")) from None
            raise SigningError(N_("The remote signing service cannot be reached.")) from None
        except (ValueError, UnicodeDecodeError):
            raise SigningError(N_("The remote signing service sent an answer that cannot be read.")) from None

    def certificates(self) -> list[x509.Certificate]:
        info = self._call("credentials/info", {"credentialID": self.credential_id, "certificates": "chain"})
        try:
            return [x509.load_der_x509_certificate(base64.b64decode(c)) for c in info["cert"]["certificates"]]
        except (KeyError, TypeError, ValueError):
            raise SigningError(N_("The remote signing service sent an answer that cannot be read.")) from None

    def sign_digest(self, digest: bytes) -> bytes:
        hashes = [base64.b64encode(digest).decode("ascii")]
        # authorize waits while the signer approves on the phone (implicit or push authorisation)
        sad = self._call("credentials/authorize", {"credentialID": self.credential_id, "numSignatures": 1,
                                                   "hash": hashes}).get("SAD")
        if not sad:
            raise SigningError(N_("The remote signing service refused: %(reason)s"), reason="SAD")
        answer = self._call("signatures/signHash", {"credentialID": self.credential_id, "SAD": sad,
                                                    "hash": hashes, "hashAlgo": SHA256_OID,
                                                    "signAlgo": SHA256_RSA_OID})
        try:
            return base64.b64decode(answer["signatures"][0])
        except (KeyError, IndexError, TypeError, ValueError):
            raise SigningError(N_("The remote signing service sent an answer that cannot be read.")) from None


def _reason(exc: urllib.error.HTTPError) -> str:
    """The CSC error body's description (``error_description``), else the HTTP status."""
    try:
        body = json.loads(exc.read().decode("utf-8"))
        return str(body.get("error_description") or body.get("error") or exc.code)[:200]
    except (ValueError, UnicodeDecodeError, AttributeError, OSError):
        return f"HTTP {exc.code}"


class _Remote:
    """endesive's HSM hook: it hands over the signed attributes, the provider signs their digest."""

    def __init__(self, provider: RemoteProvider, certificate_der: bytes):
        self.provider, self.certificate_der = provider, certificate_der

    def certificate(self):
        return b"remote", self.certificate_der

    def sign(self, keyid, data, mech):
        return self.provider.sign_digest(hashlib.sha256(data).digest())

    def close(self) -> None:
        pass


def open_remote(provider: RemoteProvider) -> Credential:
    """A credential whose key lives at the provider; use it with ``signing.sign_pdf``."""
    from cryptography.hazmat.primitives import serialization

    certs = provider.certificates()
    if not certs:
        raise SigningError(N_("The remote signing service sent an answer that cannot be read."))
    der = certs[0].public_bytes(serialization.Encoding.DER)
    return Credential(certificate=certs[0], chain=certs[1:], hsm=_Remote(provider, der))
