"""Signing a result remotely (ký số từ xa): the office's remote-signing provider and each leader's
credential there; a signature runs in a background thread (a few at a time) while the leader approves
it on the phone, and the page asks for its state until it is signed, refused or out of time. The
access token the leader types is used by that thread only, never stored."""
from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass, field

from models import RemoteCredential, RemoteSigningService, ResultDocument, User, db, now
from services import audit, remote_signing, results
from services.database import write_transaction
from services.signing import SigningError
from services.text import N_, nfc

MAX_RUNNING = 4  # remote signatures waiting for a phone at the same time
KEEP_SECONDS = 600  # a finished job's state is forgotten after this

PENDING, SIGNED, FAILED = "pending", "signed", "failed"


@dataclass
class Job:
    id: str
    user_id: int
    code: str
    document_id: int
    state: str = PENDING
    message: str = ""
    params: dict = field(default_factory=dict)
    started: float = field(default_factory=time.monotonic)


_jobs: dict[str, Job] = {}
_guard = threading.Lock()
_slots = threading.BoundedSemaphore(MAX_RUNNING)


# --- settings --------------------------------------------------------------------------------

def service() -> RemoteSigningService | None:
    return RemoteSigningService.select().order_by(RemoteSigningService.id.desc()).first()


def base_url() -> str:
    row = service()
    return row.base_url if row else ""


def credential_of(user: User) -> str:
    row = RemoteCredential.get_or_none(RemoteCredential.user == user)
    return row.credential_id if row else ""


def credentials() -> dict[int, str]:
    return {row.user_id: row.credential_id for row in RemoteCredential.select()}


def save_settings(url: str, per_user: dict[User, str], actor: str) -> None:
    """Keep the provider's address (http or https, empty to turn remote signing off) and the leaders'
    credential ids (empty removes one)."""
    url = nfc(url).strip()[:255]
    if url and not url.startswith(("http://", "https://")):
        raise results.ResultError(N_("The address of the remote signing service must start with http:// or https://."),
                                  "base_url")
    with write_transaction():
        row = service() or RemoteSigningService()
        row.base_url, row.updated_at, row.updated_by = url, now(), actor
        row.save()
        for user, credential_id in per_user.items():
            credential_id = nfc(credential_id).strip()[:255]
            RemoteCredential.delete().where(RemoteCredential.user == user).execute()
            if credential_id:
                RemoteCredential.create(user=user, credential_id=credential_id)
        audit.record(actor, "remote_signing.settings", "remote_signing_service", row.id, None,
                     {"base_url": url, "credentials": {u.username: nfc(c).strip() for u, c in per_user.items()}})


# --- one signature ---------------------------------------------------------------------------

def start(app, document: ResultDocument, access_token: str, title: str, user: User, timeout: float) -> Job:
    """Check what can be checked now, then sign in a background thread; ResultError when refused."""
    results._ready(document, app.config["DATA_DIR"])
    url, credential_id = base_url(), credential_of(user)
    if not url:
        raise results.ResultError(N_("Remote signing is not set up yet. Please ask the administrator."))
    if not credential_id:
        raise results.ResultError(N_("No remote signing account is registered for your account yet. "
                                     "Please ask the administrator."))
    if not access_token.strip():
        raise results.ResultError(N_("Please type the access code of your remote signing service."), "access_token")
    if not _slots.acquire(blocking=False):
        raise results.ResultError(N_("Too many remote signatures are waiting right now. Please try again in a "
                                     "minute."))
    job = Job(secrets.token_urlsafe(12), user.id, document.dossier.code, document.id)
    _forget_old()
    with _guard:
        _jobs[job.id] = job
    provider = remote_signing.CscProvider(url, credential_id, access_token.strip(), timeout=timeout)
    threading.Thread(target=_run, args=(app, job, provider, title), daemon=True,
                     name=f"remote-sign-{job.id}").start()
    return job


def _run(app, job: Job, provider, title: str) -> None:
    try:
        with app.app_context():
            from services import office as office_service

            db.connect(reuse_if_open=True)
            document = ResultDocument.get_by_id(job.document_id)
            user = User.get_by_id(job.user_id)
            credential = remote_signing.open_remote(provider)
            results.sign_with_credential(document, credential, title, user, office_service.get_office(),
                                         app.config["DATA_DIR"], "remote")
            job.state = SIGNED
    except (SigningError, results.ResultError) as exc:
        job.message, job.params, job.state = exc.message, exc.params, FAILED
    except Exception:  # noqa: BLE001 - the page must say something, never wait forever
        app.logger.exception("remote signature failed")
        job.message, job.state = N_("The remote signature could not be made; nothing was signed."), FAILED
    finally:
        if not db.is_closed():
            db.close()
        _slots.release()


def job_for(job_id: str, user: User) -> Job | None:
    """The job, only for the leader who started it."""
    with _guard:
        job = _jobs.get(job_id)
    return job if job is not None and job.user_id == user.id else None


def _forget_old() -> None:
    limit = time.monotonic() - KEEP_SECONDS
    with _guard:
        for key in [k for k, j in _jobs.items() if j.state != PENDING and j.started < limit]:
            del _jobs[key]
