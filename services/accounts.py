"""Accounts, roles, the permission table, logins, sessions and API tokens."""
from __future__ import annotations

import datetime as dt
import functools
import hashlib
import re
import secrets
from typing import NamedTuple

from peewee import JOIN
from werkzeug.security import check_password_hash, generate_password_hash

from models import ApiToken, Unit, User, now
from services import audit, passwords, throttle
from services.database import write_transaction
from services.text import N_, nfc

ROLES = ("admin", "leader", "intake", "specialist", "trainer", "inspector")
ROLE_NAMES = {
    "admin": N_("Administrator"), "leader": N_("Leader (signs)"), "intake": N_("Intake officer"),
    "specialist": N_("Specialist"), "trainer": N_("Trainer"), "inspector": N_("Inspector"),
}

# One permission table: what each role may do. Routes name a permission, never a role.
PERMISSIONS: dict[str, frozenset[str]] = {
    "dossier.receive": frozenset({"admin", "intake"}),
    "dossier.view": frozenset({"admin", "leader", "intake", "specialist", "inspector"}),
    "dossier.export": frozenset({"admin", "leader", "inspector"}),  # personal data in bulk
    "catalog.view": frozenset(ROLES),
    "office.edit": frozenset({"admin"}),
    "audit.view": frozenset({"admin", "inspector"}),
    # processing steps (services.transitions names one of these for each action)
    "dossier.accept": frozenset({"admin", "leader", "intake"}),
    "dossier.process": frozenset({"admin", "leader", "specialist"}),
    "dossier.supplement": frozenset({"admin", "leader", "intake", "specialist"}),
    "dossier.counter": frozenset({"admin", "intake"}),
    "dossier.extend": frozenset({"admin", "leader"}),
    "dossier.assign": frozenset({"admin", "leader", "specialist"}),
    "dossier.check": frozenset({"admin", "leader", "intake", "specialist"}),
    "checklist.edit": frozenset({"admin", "leader"}),
    "petition.answer": frozenset({"admin", "leader"}),
    "fee.collect": frozenset({"admin", "intake"}),  # record cash taken at the counter
    "cash.statement": frozenset({"admin", "leader", "intake"}),  # one's own daily cash statement
    "cash.statement.all": frozenset({"admin", "leader"}),  # every officer's
    "user.manage": frozenset({"admin"}),
    "token.manage": frozenset({"admin"}),
    "document.sign": frozenset({"leader"}),
    "certification.issue": frozenset({"admin", "leader", "intake"}),  # number and endorse at the counter
    "certification.register": frozenset({"admin", "leader", "intake", "inspector"}),  # print the registers
    "rating.tablet": frozenset({"admin", "intake"}),  # the counter tablet and inviting a rating on it
    "notification.view": frozenset({"admin", "leader", "intake", "specialist"}),  # one's own notices
    "outbox.manage": frozenset({"admin", "leader", "intake"}),  # messages to applicants: print, send again
    # training sessions, the support hotline and the FAQ (issue 8)
    "training.manage": frozenset({"admin", "trainer"}),
    "hotline.manage": frozenset({"admin", "trainer"}),
    "hotline.report": frozenset({"admin", "leader", "trainer", "inspector"}),
    "toolkit.use": frozenset(ROLES),  # communication templates and the staff materials library
    "toolkit.edit": frozenset({"admin", "trainer"}),  # the office's wording of the templates
    "material.manage": frozenset({"admin", "trainer"}),  # upload and version materials
    # electronic results (services.results): drafted by those who process, signed by the leader
    "result.prepare": frozenset({"admin", "leader", "specialist"}),
    "result.exempt": frozenset({"leader"}),  # settle without a signed electronic result, with a reason
    "keystore.manage": frozenset({"admin"}),  # install the organisation's certificate on the server
    "keystore.unlock": frozenset({"admin", "leader"}),  # type its passphrase (kept in memory), or lock it
}

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,39}$")
MAX_NAME = 100
TOKEN_TOUCH_EVERY = dt.timedelta(minutes=1)  # last_used_at is written at most this often

BAD_USERNAME = N_("A username has 2 to 40 letters a-z, digits, dots, dashes or underscores, no accents.")
TAKEN_USERNAME = N_("This username is already taken.")
BAD_ROLE = N_("Choose a role from the list.")
TOO_LONG = N_("At most %(max)s characters.")
MISMATCH = N_("The two passwords are not the same.")
WRONG_OLD = N_("The current password is not correct.")
LAST_ADMIN = N_("This is the last active administrator: the office would have nobody to manage accounts.")
REQUIRED = N_("This field is required.")
TOKEN_TAKEN = N_("A token with this name exists. Revoke it first or choose another name.")
UNKNOWN_TOKEN = N_("There is no API token named %(name)s.")


class AccountError(ValueError):
    """A refused change; ``message`` is a msgid, ``field`` the form field it belongs to."""

    def __init__(self, message: str, field: str = "", **params):
        super().__init__(message % params if params else message)
        self.message, self.field, self.params = message, field, params


def can(user, permission: str) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.role in PERMISSIONS[permission]


def _params() -> dict:
    return {"min": passwords.MIN_LENGTH, "max": passwords.MAX_LENGTH}


def check_password(password: str, username: str = "", field: str = "password") -> None:
    """The one password rule (pages and CLI): raises AccountError with a message id."""
    problem = passwords.problem(password, username)
    if problem:
        raise AccountError(problem, field, **{k: v for k, v in _params().items() if f"%({k})" in problem})


# --- Users ----------------------------------------------------------------------------------

def validate_user(form, creating: bool) -> tuple[dict, dict]:
    """(data, errors) for the account form; errors map field -> (message id, params)."""
    data = {
        "username": nfc(form.get("username", "")).lower(),
        "full_name": nfc(form.get("full_name", "")),
        "role": form.get("role", ""),
        "unit": nfc(form.get("unit", "")),
    }
    errors: dict[str, tuple[str, dict]] = {}
    if creating:
        if not USERNAME.match(data["username"]):
            errors["username"] = (BAD_USERNAME, {})
        elif User.select().where(User.username == data["username"]).exists():
            errors["username"] = (TAKEN_USERNAME, {})
        data["password"] = form.get("password", "")
        _check_new_password(data["password"], form.get("password2", ""), data["username"], errors)
    if not data["full_name"]:
        errors["full_name"] = (REQUIRED, {})
    for field in ("full_name", "unit"):
        if len(data[field]) > MAX_NAME:
            errors[field] = (TOO_LONG, {"max": MAX_NAME})
    if data["role"] not in ROLES:
        errors["role"] = (BAD_ROLE, {})
    return data, errors


def _check_new_password(password: str, again: str, username: str, errors: dict,
                        field: str = "password") -> None:
    try:
        check_password(password, username, field)
    except AccountError as exc:
        errors[field] = (exc.message, exc.params)
        return
    if password != again:
        errors[field + "2"] = (MISMATCH, {})


def validate_password_form(form, username: str, field: str = "password") -> tuple[str, dict]:
    """(new password, errors) for a form with ``password`` and ``password2``."""
    errors: dict[str, tuple[str, dict]] = {}
    password = form.get(field, "")
    _check_new_password(password, form.get(field + "2", ""), username, errors, field)
    return password, errors


def _unit(name: str | None) -> Unit | None:
    return Unit.get_or_create(name=name.strip())[0] if name and name.strip() else None


def _snapshot(user: User) -> dict:
    return {"username": user.username, "full_name": user.full_name, "role": user.role,
            "unit": user.unit.name if user.unit_id else None, "active": user.active}


def create_user(username: str, password: str, role: str, unit_name: str | None = None,
                full_name: str = "", actor: str = "system") -> tuple[User, bool]:
    """Create the user, or update role/unit/password of an existing one (the CLI). Returns (user, created)."""
    username = username.strip().lower()
    if role not in ROLES:
        raise AccountError(BAD_ROLE, "role")
    if not USERNAME.match(username):
        raise AccountError(BAD_USERNAME, "username")
    check_password(password, username)
    with write_transaction():
        user = User.get_or_none(User.username == username)
        created = user is None
        before = None if created else _snapshot(user)
        if created:
            user = User(username=username)
        user.role = role
        user.unit = _unit(unit_name)
        user.full_name = nfc(full_name) or user.full_name or username
        user.password_hash = generate_password_hash(password)
        if not created:
            user.session_version += 1
        user.save()
        throttle.unlock(username)
        audit.record(actor, "user.create" if created else "user.update", "user", user.id,
                     before, _snapshot(user))
    return user, created


def add_user(data: dict, actor: str) -> User:
    """A new account from the admin page (``data`` from validate_user)."""
    with write_transaction():
        if User.select().where(User.username == data["username"]).exists():
            raise AccountError(TAKEN_USERNAME, "username")
        user = User.create(username=data["username"], full_name=data["full_name"], role=data["role"],
                           unit=_unit(data["unit"]), password_hash=generate_password_hash(data["password"]))
        audit.record(actor, "user.create", "user", user.id, None, _snapshot(user))
    return user


def _other_active_admins(user: User) -> bool:
    return User.select().where((User.role == "admin") & User.active & (User.id != user.id)).exists()


def update_user(user: User, data: dict, actor: str) -> User:
    """Change full name, role and unit. The last active admin keeps the admin role."""
    with write_transaction():
        user = User.get_by_id(user.id)
        if user.role == "admin" and data["role"] != "admin" and user.active and not _other_active_admins(user):
            raise AccountError(LAST_ADMIN, "role")
        before = _snapshot(user)
        user.full_name, user.role, user.unit = data["full_name"], data["role"], _unit(data["unit"])
        user.save()
        after = _snapshot(user)
        if after != before:
            audit.record(actor, "user.update", "user", user.id, before, after)
    return user


def _bump(user: User) -> None:
    User.update(session_version=User.session_version + 1).where(User.id == user.id).execute()
    user.session_version = User.get_by_id(user.id).session_version


def set_password(user: User, password: str, actor: str) -> None:
    """An admin sets a new password: every session of the user ends, any login wait is cleared."""
    check_password(password, user.username)
    with write_transaction():
        User.update(password_hash=generate_password_hash(password)).where(User.id == user.id).execute()
        _bump(user)
        throttle.unlock(user.username)
        audit.record(actor, "user.password_reset", "user", user.id, None, {"sessions_ended": True})


def change_own_password(user: User, old: str, new: str) -> None:
    """The user changes their own password; the old one is required. Ends every session."""
    if not check_password_hash(user.password_hash, old or ""):
        raise AccountError(WRONG_OLD, "old_password")
    check_password(new, user.username)
    with write_transaction():
        user.password_hash = generate_password_hash(new)
        User.update(password_hash=user.password_hash).where(User.id == user.id).execute()
        _bump(user)
        audit.record(user.username, "user.password_change", "user", user.id, None, {"sessions_ended": True})


def set_active(user: User, active: bool, actor: str) -> None:
    """Deactivate (ends every session at once) or reactivate an account."""
    with write_transaction():
        user = User.get_by_id(user.id)
        if user.active == active:
            return
        if not active and user.role == "admin" and not _other_active_admins(user):
            raise AccountError(LAST_ADMIN, "active")
        User.update(active=active).where(User.id == user.id).execute()
        _bump(user)
        audit.record(actor, "user.activate" if active else "user.deactivate", "user", user.id,
                     {"active": not active}, {"active": active})


def end_sessions(user: User, actor: str) -> None:
    """Logging out ends every session of the user, on every computer."""
    with write_transaction():
        _bump(user)
        audit.record(actor, "user.logout", "user", user.id, None, {"sessions_ended": True})


def user_for_session(session_id: str) -> User | None:
    """Flask-Login's user loader: "<id>.<session version>" of an active user, else nobody."""
    user_id, _, version = (session_id or "").partition(".")
    if not (user_id.isdigit() and version.isdigit()):
        return None
    user = User.get_or_none(User.id == int(user_id))
    if user is None or not user.active or user.session_version != int(version):
        return None
    return user


def unlock(user: User, actor: str) -> int:
    """Clear the login waits of every address for this user."""
    with write_transaction():
        cleared = throttle.unlock(user.username)
        if cleared:
            audit.record(actor, "user.unlock", "user", user.id, None, {"addresses": cleared})
    return cleared


def users():
    return User.select(User, Unit).join(Unit, JOIN.LEFT_OUTER).order_by(User.username)


def units() -> list[str]:
    return [u.name for u in Unit.select(Unit.name).order_by(Unit.name)]


def set_language(user: User, language: str) -> None:
    if language not in ("vi", "en") or user.language == language:
        return
    with write_transaction():
        before = user.language
        user.language = language
        user.save()
        audit.record(user.username, "user.language", "user", user.id, {"language": before},
                     {"language": language})


# --- Logging in -----------------------------------------------------------------------------

class Login(NamedTuple):
    user: User | None
    reason: str  # "" | "invalid" | "throttled"
    wait_until: dt.datetime | None = None


@functools.cache
def _dummy_hash() -> str:
    """Checked for an unknown user name, so it takes as long as a wrong password."""
    return generate_password_hash(secrets.token_hex(16))


def authenticate(username: str, password: str, address: str = "", at: dt.datetime | None = None) -> Login:
    """Check a login from ``address``; see services.throttle for the waits after failures."""
    at = at or now()
    name = nfc(username).lower()[:150]
    address = (address or "")[:64]
    until = throttle.blocked_until(name, address, at)
    if until:
        return Login(None, "throttled", until)
    user = User.get_or_none(User.username == name)
    good = check_password_hash(user.password_hash if user else _dummy_hash(), password or "")
    if good and user.active:
        if throttle.has_failures(name, address):
            with write_transaction():
                throttle.reset(name, address)
        return Login(user, "")
    with write_transaction():
        until = throttle.record_failure(name, address, at)
        if until:
            audit.record(name, "login.slowed", "login", name, None,
                         {"address": address, "until": until.isoformat()})
    return Login(None, "throttled" if until else "invalid", until)


# --- API tokens -----------------------------------------------------------------------------

def _token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(name: str, actor: str = "system", replace: bool = True) -> str:
    """Create (or, with ``replace``, replace) the API token ``name``; returns the secret, shown once."""
    name = nfc(name)
    if not name:
        raise AccountError(REQUIRED, "name")
    if len(name) > 60:
        raise AccountError(TOO_LONG, "name", max=60)
    secret = secrets.token_urlsafe(32)
    with write_transaction():
        token = ApiToken.get_or_none(ApiToken.name == name)
        replaced = token is not None
        if replaced and not replace and not token.revoked:
            raise AccountError(TOKEN_TAKEN, "name")
        if token is None:
            token = ApiToken(name=name)
        token.token_hash = _token_digest(secret)
        token.revoked = False
        token.created_at = now()
        token.last_used_at = None
        token.save()
        audit.record(actor, "token.replace" if replaced else "token.create", "api_token",
                     token.id, None, {"name": name})
    return secret


def revoke_token(name: str, actor: str = "system") -> bool:
    """Revoke the token ``name``; False when it was already revoked. Unknown: AccountError."""
    with write_transaction():
        token = ApiToken.get_or_none(ApiToken.name == nfc(name))
        if token is None:
            raise AccountError(UNKNOWN_TOKEN, "name", name=nfc(name))
        if token.revoked:
            return False
        token.revoked = True
        token.save()
        audit.record(actor, "token.revoke", "api_token", token.id, {"revoked": False}, {"revoked": True})
    return True


def tokens():
    return ApiToken.select().order_by(ApiToken.revoked, ApiToken.name)


def token_for(secret: str) -> ApiToken | None:
    """The live token with this secret; notes when it was used (at most once a minute, one UPDATE)."""
    if not secret:
        return None
    token = ApiToken.get_or_none((ApiToken.token_hash == _token_digest(secret)) & (~ApiToken.revoked))
    if token is not None:
        stamp = now()
        if token.last_used_at is None or stamp - token.last_used_at >= TOKEN_TOUCH_EVERY:
            ApiToken.update(last_used_at=stamp).where(
                (ApiToken.id == token.id)
                & (ApiToken.last_used_at.is_null() | (ApiToken.last_used_at <= stamp - TOKEN_TOUCH_EVERY))
            ).execute()
            token.last_used_at = stamp
    return token
