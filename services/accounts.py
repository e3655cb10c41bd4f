"""Accounts, roles, the permission table, login lock-out and API tokens."""
from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from werkzeug.security import check_password_hash, generate_password_hash

from models import ApiToken, Unit, User, now
from services import audit
from services.database import write_transaction

ROLES = ("admin", "leader", "intake", "specialist", "trainer", "inspector")

# One permission table: what each role may do. Routes name a permission, never a role.
PERMISSIONS: dict[str, frozenset[str]] = {
    "dossier.receive": frozenset({"admin", "intake"}),
    "dossier.view": frozenset({"admin", "leader", "intake", "specialist", "inspector"}),
    "dossier.export": frozenset({"admin", "leader", "inspector"}),  # personal data in bulk
    "catalog.view": frozenset(ROLES),
    "office.edit": frozenset({"admin"}),
    "audit.view": frozenset({"admin", "inspector"}),
    "fee.collect": frozenset({"admin", "intake"}),  # record cash taken at the counter
    "cash.statement": frozenset({"admin", "leader", "intake"}),  # one's own daily cash statement
    "cash.statement.all": frozenset({"admin", "leader"}),  # every officer's
}

MAX_FAILED_LOGINS = 5
LOCK_MINUTES = 15
MIN_PASSWORD_LENGTH = 8


class AccountError(ValueError):
    pass


def can(user, permission: str) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.role in PERMISSIONS[permission]


def create_user(username: str, password: str, role: str, unit_name: str | None = None,
                full_name: str = "", actor: str = "system") -> tuple[User, bool]:
    """Create the user, or update role/unit/password of an existing one. Returns (user, created)."""
    username = username.strip().lower()
    if role not in ROLES:
        raise AccountError(f"unknown role {role!r}; choose one of {', '.join(ROLES)}")
    if not username:
        raise AccountError("username must not be empty")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"password must have at least {MIN_PASSWORD_LENGTH} characters")
    with write_transaction():
        unit = Unit.get_or_create(name=unit_name.strip())[0] if unit_name else None
        user = User.get_or_none(User.username == username)
        created = user is None
        before = None if created else {"role": user.role, "unit": user.unit_id}
        if created:
            user = User(username=username)
        user.role = role
        user.unit = unit
        user.full_name = full_name or user.full_name or username
        user.password_hash = generate_password_hash(password)
        user.failed_logins = 0
        user.locked_until = None
        user.save()
        audit.record(actor, "user.create" if created else "user.update", "user", user.id,
                     before, {"username": username, "role": role, "unit": user.unit_id})
    return user, created


def authenticate(username: str, password: str, at: dt.datetime | None = None) -> tuple[User | None, str]:
    """Check a login. Returns (user, "") or (None, reason) with reason in {"invalid", "locked"}."""
    at = at or now()
    with write_transaction():
        user = User.get_or_none(User.username == (username or "").strip().lower())
        if user is None or not user.active:
            return None, "invalid"
        if user.locked_until and user.locked_until > at:
            return None, "locked"
        if check_password_hash(user.password_hash, password or ""):
            if user.failed_logins:
                user.failed_logins = 0
                user.locked_until = None
                user.save()
            return user, ""
        user.failed_logins += 1
        locked = user.failed_logins >= MAX_FAILED_LOGINS
        if locked:
            user.failed_logins = 0
            user.locked_until = at + dt.timedelta(minutes=LOCK_MINUTES)
            audit.record(user.username, "user.locked", "user", user.id, None,
                         {"locked_until": user.locked_until.isoformat()})
        user.save()
        return None, "locked" if locked else "invalid"


def set_language(user: User, language: str) -> None:
    if language not in ("vi", "en") or user.language == language:
        return
    with write_transaction():
        before = user.language
        user.language = language
        user.save()
        audit.record(user.username, "user.language", "user", user.id, {"language": before},
                     {"language": language})


def _token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(name: str, actor: str = "system") -> str:
    """Create (or replace) the API token called ``name``; returns the secret, shown only once."""
    name = name.strip()
    if not name:
        raise AccountError("token name must not be empty")
    secret = secrets.token_urlsafe(32)
    with write_transaction():
        token = ApiToken.get_or_none(ApiToken.name == name)
        replaced = token is not None
        if token is None:
            token = ApiToken(name=name)
        token.token_hash = _token_digest(secret)
        token.revoked = False
        token.created_at = now()
        token.save()
        audit.record(actor, "token.replace" if replaced else "token.create", "api_token",
                     token.id, None, {"name": name})
    return secret


def token_for(secret: str) -> ApiToken | None:
    if not secret:
        return None
    return ApiToken.get_or_none((ApiToken.token_hash == _token_digest(secret)) & (~ApiToken.revoked))
