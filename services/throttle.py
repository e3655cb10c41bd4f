"""Login throttling by user name AND address: growing delays, never a lock anyone on the LAN can set.

Failures are counted per (user name as typed, address). The first FREE_FAILURES - 1 cost nothing;
the FREE_FAILURES-th makes that address wait 1 minute for that name, each further one doubles the
wait up to MAX_DELAY. Another computer is never slowed down, a good login clears the count for its
address, an admin can clear every address of a name, and counts older than FORGET_AFTER start over.
"""
from __future__ import annotations

import datetime as dt

from models import LoginThrottle

FREE_FAILURES = 5
FIRST_DELAY = dt.timedelta(minutes=1)
MAX_DELAY = dt.timedelta(minutes=30)
FORGET_AFTER = dt.timedelta(hours=24)


def delay_after(failures: int) -> dt.timedelta | None:
    """How long to wait after this many failures in a row (None: no wait)."""
    if failures < FREE_FAILURES:
        return None
    return min(FIRST_DELAY * 2 ** min(failures - FREE_FAILURES, 16), MAX_DELAY)


def _row(username: str, address: str) -> LoginThrottle | None:
    return LoginThrottle.get_or_none((LoginThrottle.username == username) & (LoginThrottle.address == address))


def blocked_until(username: str, address: str, at: dt.datetime) -> dt.datetime | None:
    row = _row(username, address)
    if row is not None and row.blocked_until and row.blocked_until > at:
        return row.blocked_until
    return None


def record_failure(username: str, address: str, at: dt.datetime) -> dt.datetime | None:
    """Count one failure (inside the caller's write transaction); returns the wait it starts, if any."""
    # counts older than FORGET_AFTER are never read again (their waits are long over): drop them
    LoginThrottle.delete().where(LoginThrottle.last_failure_at < at - FORGET_AFTER).execute()
    row = _row(username, address)
    if row is None:
        row = LoginThrottle(username=username, address=address, failures=0)
    elif at - row.last_failure_at > FORGET_AFTER:
        row.failures = 0
    row.failures += 1
    row.last_failure_at = at
    delay = delay_after(row.failures)
    row.blocked_until = at + delay if delay else None
    row.save()
    return row.blocked_until


def reset(username: str, address: str) -> None:
    """A good login from this address: its count starts over (other addresses keep theirs)."""
    LoginThrottle.delete().where((LoginThrottle.username == username)
                                 & (LoginThrottle.address == address)).execute()


def has_failures(username: str, address: str) -> bool:
    return _row(username, address) is not None


def unlock(username: str) -> int:
    """Clear the count of every address for this name; returns how many addresses were cleared."""
    return LoginThrottle.delete().where(LoginThrottle.username == username).execute()


def slowed(at: dt.datetime) -> dict[str, dt.datetime]:
    """User name -> the latest time until which some address must wait, for names waiting now."""
    out: dict[str, dt.datetime] = {}
    for row in LoginThrottle.select().where(LoginThrottle.blocked_until > at):
        if row.username not in out or row.blocked_until > out[row.username]:
            out[row.username] = row.blocked_until
    return out
