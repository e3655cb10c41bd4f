"""The password rule, in one place for the pages and the CLI: long enough, not a common one."""
from __future__ import annotations

import functools
from pathlib import Path

from services.text import N_

MIN_LENGTH = 10
MAX_LENGTH = 200  # hashing a megabyte of "password" is a denial of service, not a password
COMMON_FILE = Path(__file__).with_name("common_passwords.txt")

TOO_SHORT = N_("A password needs at least %(min)s characters.")
TOO_LONG = N_("A password may have at most %(max)s characters.")
COMMON = N_("This password is on a list of common passwords. Please choose another one.")
SAME_AS_USERNAME = N_("The password must not contain the username.")


@functools.cache
def common_passwords() -> frozenset[str]:
    lines = COMMON_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line for line in lines if line and not line.startswith("#"))


def problem(password: str, username: str = "") -> str | None:
    """None when the password may be used, else a message id (format it with min= and max=)."""
    if len(password) < MIN_LENGTH:
        return TOO_SHORT
    if len(password) > MAX_LENGTH:
        return TOO_LONG
    if password.lower() in common_passwords():
        return COMMON
    if username and username.lower() in password.lower():
        return SAME_AS_USERNAME
    return None
