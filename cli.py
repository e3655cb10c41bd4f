"""The ``flask --app app`` commands. Each is idempotent: safe to run twice."""
from __future__ import annotations

import datetime as dt
import json
import sys

import click
from flask_babel import force_locale, gettext

from models import User, now
from services import (
    accounts,
    audit,
    catalog,
    checklists,
    deadlines,
    demo,
    history,
    notifications,
    outbox,
    transitions,
)
from services import office as office_service
from services import practice as practice_service
from services.calendar import VN_TZ
from services.database import apply_migrations
from services.text import N_

EXIT_REFUSED = 2  # bad input the user can fix: nothing was written


def _refuse(message: str, **params):
    """Print a Vietnamese message on stderr and exit with status 2."""
    from flask_babel import force_locale, gettext

    with force_locale("vi"):
        click.echo(gettext(message, **params), err=True)
    sys.exit(EXIT_REFUSED)


def _write_atomically(path: str, data: bytes) -> None:
    import os
    from pathlib import Path

    target = Path(path)
    temporary = target.with_name(f".{target.name}.part")
    temporary.write_bytes(data)
    os.replace(temporary, target)


def _when(value: str | None, name: str) -> dt.datetime | None:
    """An ISO 8601 option; without an offset it is Vietnam time. Exit 2 when unreadable."""
    if not value:
        return None
    try:
        parsed = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        _fail(f"{name}: thời gian phải viết theo ISO 8601, ví dụ 2026-11-25T09:00:00+07:00.")
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=VN_TZ)).astimezone(VN_TZ)


def _fail(message: str):
    click.echo(message, err=True)
    sys.exit(2)
def _vietnamese(message: str, **params) -> str:
    """An error for the office staff at the console: in Vietnamese, like the pages."""
    from flask_babel import force_locale, gettext

    with force_locale("vi"):
        return gettext(message, **params)


def _practice_app(app, fill: bool = True):
    """A second app on the practice database and folder (exit 2 when they overlap the real ones)."""
    from app import create_app

    if app.config.get("PRACTICE"):
        practice = app
    else:
        try:
            practice = create_app({**app.config, "PRACTICE": True})
        except practice_service.PracticeError as exc:
            _refuse(exc.message, **exc.params)
    if fill:
        _fill_practice(practice)
    return practice


def _fill_practice(practice) -> None:
    from models import db

    with practice.app_context():
        db.connect(reuse_if_open=True)
        try:
            made = practice_service.prepare(practice.config["DATA_DIR"])
        finally:
            db.close()
    if made:
        click.echo("practice accounts (username / password / role):")
        for username, password, role in made:
            click.echo(f"  {username} / {password} / {role}")


def register(app) -> None:
    @app.cli.command("init-db")
    def init_db():
        """Apply pending migrations and load the seed catalog."""
        applied = apply_migrations()
        added = catalog.load_seed()
        seeded = checklists.seed_all()
        filled = history.fill_warn_at(office_service.calendar())
        click.echo(f"migrations applied: {len(applied)}; procedures added: {added}; checklists seeded: {seeded}"
                   + (f"; 75% moments filled: {filled}" if filled else ""))

    @app.cli.command("serve")
    @click.option("--host", default="127.0.0.1", show_default=True)
    @click.option("--port", default=None, type=int, help="Default 8000; 8001 with --practice.")
    @click.option("--threads", default=8, show_default=True, type=int)
    @click.option("--practice", is_flag=True,
                  help="Serve the practice copy (instance/practice.db, filled with demo data) for training.")
    def serve(host, port, threads, practice):
        """Serve the application with waitress."""
        from waitress import serve as waitress_serve

        practice = practice or bool(app.config.get("PRACTICE"))
        served = _practice_app(app) if practice else app
        port = port or (practice_service.DEFAULT_PORT if practice else 8000)
        if practice:
            click.echo(f"{practice_service.BANNER}: {served.config['DATABASE_URL']}, {served.config['DATA_DIR']}")
        click.echo(f"serving on http://{host}:{port}")
        waitress_serve(served, host=host, port=port, threads=threads)

    @app.cli.command("practice-reset")
    def practice_reset():
        """Put the practice copy back to the demo data (the real database and files are never touched)."""
        practice = _practice_app(app, fill=False)
        try:
            practice_service.erase(practice.config)
        except practice_service.PracticeError as exc:
            _refuse(exc.message, **exc.params)
        _fill_practice(practice)

    @app.cli.command("create-user")
    @click.argument("username")
    @click.option("--role", required=True, type=click.Choice(accounts.ROLES))
    @click.option("--unit", default=None)
    @click.option("--name", "full_name", default="")
    @click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
    def create_user(username, role, unit, full_name, password_stdin):
        """Create a user, or update the role, unit and password of an existing one."""
        if not password_stdin:
            raise click.UsageError("give --password-stdin and pipe the password in")
        password = sys.stdin.readline().rstrip("\r\n")
        try:
            user, created = accounts.create_user(username, password, role, unit, full_name)
        except accounts.AccountError as exc:
            raise click.ClickException(_vietnamese(exc.message, **exc.params)) from exc
        click.echo(f"{'created' if created else 'updated'} {user.username} ({user.role})")

    @app.cli.command("create-token")
    @click.argument("name")
    def create_token(name):
        """Create or replace the API token NAME; the token is the last line printed."""
        try:
            secret = accounts.create_token(name)
        except accounts.AccountError as exc:
            raise click.ClickException(_vietnamese(exc.message, **exc.params)) from exc
        click.echo(f"API token {name} (shown once):")
        click.echo(secret)

    @app.cli.command("revoke-token")
    @click.argument("name")
    def revoke_token(name):
        """Revoke the API token NAME; exit 2 when there is no token of that name."""
        try:
            revoked = accounts.revoke_token(name)
        except accounts.AccountError as exc:
            click.echo(_vietnamese(exc.message, **exc.params), err=True)
            sys.exit(2)
        click.echo(f"API token {name} revoked" if revoked else f"API token {name} was already revoked")

    @app.cli.command("demo-data")
    def demo_data():
        """Load the demo office and accounts when the database has no users yet."""
        accounts_made = demo.load(app.config["DATA_DIR"])
        if not accounts_made:
            click.echo("the database already has users: no demo data added")
            return
        click.echo("demo accounts (username / password / role):")
        for username, password, role in accounts_made:
            click.echo(f"  {username} / {password} / {role}")

    @app.cli.command("dossier-event")
    @click.argument("code")
    @click.argument("action", type=click.Choice(transitions.ACTIONS))
    @click.option("--by", "username", required=True, help="The officer who did it.")
    @click.option("--at", "at", default=None, help="When it happened (ISO 8601); default now.")
    @click.option("--reason", default="", help="Reason or note.")
    @click.option("--appointment", default=None, help="The new appointment of an extension (ISO 8601).")
    def dossier_event(code, action, username, at, reason, appointment):
        """Record a processing step that happened on paper, at the time it happened."""
        user = User.get_or_none(User.username == username.strip().lower())
        data = transitions.EventInput(action, at=_when(at, "--at"), reason=reason,
                                      appointment=_when(appointment, "--appointment"))
        office = office_service.get_office()
        try:
            dossier, state = transitions.perform(code.strip().upper(), data, user,
                                                 office_service.calendar(office), office.max_extensions)
        except transitions.TransitionError as exc:
            with force_locale("vi"):
                _fail(gettext(exc.message, **exc.params))
        click.echo(json.dumps({
            "code": dossier.code, "status": state.status,
            "appointment": state.appointment.isoformat() if state.appointment else None,
            "paused_minutes": state.paused_minutes, "late": state.late_so_far(data.at)}, ensure_ascii=False))

    @app.cli.command("deadline-check")
    @click.option("--at", "at", default=None, help="The clock to check at (ISO 8601); default now.")
    @click.option("--json", "as_json", is_flag=True, help="Print one JSON object of dossier codes.")
    def deadline_check(at, as_json):
        """Open dossiers overdue, due today, due by the next working day, or past 75% of their time."""
        clock = _when(at, "--at") or now()
        lists = deadlines.codes(office_service.calendar(), clock)
        notifications.warn_deadlines(office_service.calendar(), clock)
        if as_json:
            click.echo(json.dumps(lists, ensure_ascii=False))
            return
        for kind, found in lists.items():
            click.echo(f"{kind}: {len(found)}" + (f" ({', '.join(found[:20])}{' …' if len(found) > 20 else ''})"
                                                  if found else ""))

    @app.cli.command("send-messages")
    @click.option("--limit", default=200, show_default=True, type=int, help="At most this many messages per run.")
    def send_messages(limit):
        """Send the applicant messages that are due (cron: safe to run twice, even at the same time)."""
        done = outbox.send_due(limit=limit)
        click.echo(json.dumps({"sent": done["sent"], "retry": done["retry"], "print": done["print"]}))

    @app.cli.command("audit-verify")
    def audit_verify():
        """Check the audit chain; exit 1 when an event was edited or deleted."""
        result = audit.verify()
        if result.ok:
            click.echo(f"audit chain intact: {result.checked} events")
            return
        click.echo(f"audit chain BROKEN at event {result.broken_at}: {result.reason}", err=True)
        sys.exit(1)

    @app.cli.command("sign-pdf")
    @click.argument("source", type=click.Path(dir_okay=False))
    @click.argument("target", type=click.Path(dir_okay=False))
    @click.option("--p12", "p12", type=click.Path(dir_okay=False), help="PKCS#12 file (.p12/.pfx).")
    @click.option("--pkcs11", "library", help="PKCS#11 driver of a token, instead of --p12.")
    @click.option("--key-id", default="", help="CKA_ID (hex) of the key on the token.")
    @click.option("--token-serial", default="", help="Serial of the token when several are plugged in.")
    @click.option("--csc", "csc_url", help="Remote signing: the CSC API service URL (the access token on stdin).")
    @click.option("--csc-credential", default="", help="Remote signing: the signer's credential id at the service.")
    @click.option("--passphrase-stdin", is_flag=True, help="Read the passphrase (or token PIN) from stdin.")
    @click.option("--name", default="", help="Signer shown in the appearance (default: the certificate's name).")
    @click.option("--title", default="", help="Signer's title, e.g. Chủ tịch.")
    @click.option("--agency", default="", help="Agency shown (default: the certificate's organisation).")
    @click.option("--reason", default="", help="Reason recorded in the signature.")
    @click.option("--seal", type=click.Path(exists=True, dir_okay=False), help="Seal image (PNG) drawn in the appearance.")
    def sign_pdf_command(source, target, p12, library, key_id, token_serial, csc_url, csc_credential,
                         passphrase_stdin, name, title, agency, reason, seal):
        """Sign SOURCE with the app's pipeline, validate it and write TARGET (exit 2 on bad input)."""
        from pathlib import Path

        from services import signing
        from services.verification import NotAPdf, open_pdf

        if not passphrase_stdin:
            raise click.UsageError("give --passphrase-stdin and pipe the passphrase (or PIN) in")
        if sum(map(bool, (p12, library, csc_url))) != 1 or (library and not key_id) or (csc_url and not csc_credential):
            raise click.UsageError("give one of --p12 FILE, --pkcs11 DRIVER --key-id HEX, --csc URL --csc-credential ID")
        secret = sys.stdin.readline().rstrip("\r\n")
        try:
            pdf = Path(source).read_bytes()
            open_pdf(pdf)
        except OSError:
            _refuse(N_("The file %(path)s cannot be read."), path=source)
        except NotAPdf:
            _refuse(N_("The file is not a PDF document."))
        credential = None
        try:
            if p12:
                try:
                    data = Path(p12).read_bytes()
                except OSError:
                    _refuse(N_("The file %(path)s cannot be read."), path=p12)
                credential = signing.load_pkcs12(data, secret)
            elif library:
                credential = signing.open_token(library, secret, key_id, token_serial)
            else:
                from services.remote_signing import CscProvider, open_remote

                click.echo("waiting for the signer to approve on the phone…", err=True)
                credential = open_remote(CscProvider(csc_url, csc_credential, access_token=secret))
            del secret
            cert = credential.certificate
            appearance = signing.Appearance(
                signer=name or credential.name, title=title, agency=agency or signing.organisation(cert),
                seal_png=Path(seal).read_bytes() if seal else None)
            signed = signing.sign_pdf(pdf, credential, appearance, reason=reason)
        except signing.SigningError as exc:
            _refuse(exc.message, **exc.params)
        finally:
            if credential is not None:
                credential.close()
        _write_atomically(target, signed)
        click.echo(f"signed by {credential.name}: {target}")

    @app.cli.command("trust-add")
    @click.argument("cert", type=click.Path(dir_okay=False))
    def trust_add(cert):
        """Install CERT (PEM or DER) as a trust root for signature validation."""
        from pathlib import Path

        from services import verification

        try:
            data = Path(cert).read_bytes()
        except OSError:
            _refuse(N_("The file %(path)s cannot be read."), path=cert)
        try:
            root, added = verification.add_trust_root(data, "cli")
        except verification.TrustRootError as exc:
            _refuse(exc.message)
        state = "added" if added else "already installed"
        click.echo(f"trust root {state}: {root.subject} (SHA-256 {root.fingerprint})")

    @app.cli.command("signer-add")
    @click.argument("username")
    @click.argument("cert", type=click.Path(dir_okay=False))
    def signer_add(username, cert):
        """Register CERT (PEM or DER) as USERNAME's signing certificate for documents signed on their own PC."""
        from pathlib import Path

        from models import User
        from services import offline_signing, verification

        user = User.get_or_none(User.username == username.strip().lower())
        if user is None:
            raise click.ClickException(f"no user {username!r}")
        try:
            data = Path(cert).read_bytes()
        except OSError:
            _refuse(N_("The file %(path)s cannot be read."), path=cert)
        try:
            row, added = offline_signing.register_certificate(user, data, "cli")
        except verification.TrustRootError as exc:
            _refuse(exc.message)
        state = "registered" if added else "already registered"
        click.echo(f"{state} for {user.username}: {row.subject} (SHA-256 {row.fingerprint})")
