"""The ``flask --app app`` commands. Each is idempotent: safe to run twice."""
from __future__ import annotations

import sys

import click

from services import accounts, audit, catalog, demo
from services.database import apply_migrations


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
        click.echo(f"migrations applied: {len(applied)}; procedures added: {added}")

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

    @app.cli.command("audit-verify")
    def audit_verify():
        """Check the audit chain; exit 1 when an event was edited or deleted."""
        result = audit.verify()
        if result.ok:
            click.echo(f"audit chain intact: {result.checked} events")
            return
        click.echo(f"audit chain BROKEN at event {result.broken_at}: {result.reason}", err=True)
        sys.exit(1)
