"""The ``flask --app app`` commands. Each is idempotent: safe to run twice."""
from __future__ import annotations

import datetime as dt
import json
import sys

import click
from flask_babel import force_locale, gettext

from models import User, now
from services import accounts, audit, catalog, checklists, deadlines, demo, transitions
from services import office as office_service
from services.calendar import VN_TZ
from services.database import apply_migrations


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


def register(app) -> None:
    @app.cli.command("init-db")
    def init_db():
        """Apply pending migrations and load the seed catalog."""
        applied = apply_migrations()
        added = catalog.load_seed()
        seeded = checklists.seed_all()
        click.echo(f"migrations applied: {len(applied)}; procedures added: {added}; checklists seeded: {seeded}")

    @app.cli.command("serve")
    @click.option("--host", default="127.0.0.1", show_default=True)
    @click.option("--port", default=8000, show_default=True, type=int)
    @click.option("--threads", default=8, show_default=True, type=int)
    def serve(host, port, threads):
        """Serve the application with waitress."""
        from waitress import serve as waitress_serve

        click.echo(f"serving on http://{host}:{port}")
        waitress_serve(app, host=host, port=port, threads=threads)

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
        lists = deadlines.codes(office_service.calendar(), _when(at, "--at") or now())
        if as_json:
            click.echo(json.dumps(lists, ensure_ascii=False))
            return
        for kind, found in lists.items():
            click.echo(f"{kind}: {len(found)}" + (f" ({', '.join(found[:20])}{' …' if len(found) > 20 else ''})"
                                                  if found else ""))

    @app.cli.command("audit-verify")
    def audit_verify():
        """Check the audit chain; exit 1 when an event was edited or deleted."""
        result = audit.verify()
        if result.ok:
            click.echo(f"audit chain intact: {result.checked} events")
            return
        click.echo(f"audit chain BROKEN at event {result.broken_at}: {result.reason}", err=True)
        sys.exit(1)
