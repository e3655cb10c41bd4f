"""The counter tablet: the officer invites the applicant to rate a returned dossier on a tablet at the
counter, so nobody types a code.

A tablet is a browser logged in with an account that may use it (the officer's own, or an account
made for the device) and left open on the tablet page. An invitation is addressed to that account and
lives for a few minutes in the serving process (one waitress process serves an office): nothing of the
dossier changes until the applicant rates, through services.ratings like the receipt's QR page. The
invitation itself is written to the audit log.
"""
from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass

from models import Dossier, Rating, User
from services import audit, ratings
from services.database import write_transaction
from services.text import N_

INVITE_FOR = dt.timedelta(minutes=15)  # an invitation nobody answered is dropped after this
SEEN_FOR = dt.timedelta(minutes=2)  # a tablet that asked for its screen this recently is "open"


class TabletError(ValueError):
    pass


@dataclass(frozen=True)
class Invitation:
    dossier_id: int
    by: str  # the officer's username
    at: dt.datetime


class Invitations:
    """Pending invitations and open tablets of one serving process, by the tablet's user id."""

    def __init__(self):
        self._lock = threading.Lock()
        self._pending: dict[int, Invitation] = {}
        self._seen: dict[int, dt.datetime] = {}

    def put(self, tablet_id: int, invitation: Invitation) -> None:
        with self._lock:
            self._pending[tablet_id] = invitation

    def get(self, tablet_id: int, at: dt.datetime) -> Invitation | None:
        with self._lock:
            invitation = self._pending.get(tablet_id)
            if invitation is not None and at - invitation.at > INVITE_FOR:
                del self._pending[tablet_id]
                return None
            return invitation

    def drop(self, tablet_id: int, dossier_id: int) -> None:
        with self._lock:
            if (invitation := self._pending.get(tablet_id)) and invitation.dossier_id == dossier_id:
                del self._pending[tablet_id]

    def pending_for(self, dossier_id: int, at: dt.datetime) -> list[int]:
        """The tablets showing this dossier now."""
        with self._lock:
            return [t for t, i in self._pending.items() if i.dossier_id == dossier_id and at - i.at <= INVITE_FOR]

    def saw(self, tablet_id: int, at: dt.datetime) -> None:
        with self._lock:
            self._seen[tablet_id] = at

    def open_tablets(self, at: dt.datetime) -> list[int]:
        with self._lock:
            return [t for t, seen in self._seen.items() if at - seen <= SEEN_FOR]


def can_invite(dossier: Dossier) -> bool:
    return dossier.status in ratings.RATEABLE and not Rating.select().where(Rating.dossier == dossier).exists()


def tablets(registry: Invitations, officer: User, at: dt.datetime) -> list[User]:
    """Where the officer may send an invitation: their own account first, then the other accounts
    with a tablet page open (one query)."""
    others = [t for t in registry.open_tablets(at) if t != officer.id]
    found = list(User.select().where(User.id.in_(others) & User.active).order_by(User.username)) if others else []
    return [officer, *found]


def invite(registry: Invitations, dossier: Dossier, officer: User, tablet: User, at: dt.datetime) -> None:
    """Show the dossier's rating on the tablet logged in as ``tablet``. Raises TabletError."""
    if dossier.status not in ratings.RATEABLE:
        raise TabletError(N_("A dossier can be rated once its result is ready."))
    if Rating.select().where(Rating.dossier == dossier).exists():
        raise TabletError(N_("This dossier has already been rated. Thank you."))
    if tablet.id != officer.id and tablet.id not in registry.open_tablets(at):
        raise TabletError(N_("That tablet is not open any more. Choose another one."))
    with write_transaction():
        audit.record(officer.username, "dossier.rating-invite", "dossier", dossier.code, None,
                     {"tablet": tablet.username})
    registry.put(tablet.id, Invitation(dossier.id, officer.username, at))


def showing(registry: Invitations, tablet: User, at: dt.datetime) -> Dossier | None:
    """The dossier the tablet asks the applicant to rate now, if any (noting that the tablet is open)."""
    registry.saw(tablet.id, at)
    invitation = registry.get(tablet.id, at)
    if invitation is None:
        return None
    dossier = Dossier.get_or_none(Dossier.id == invitation.dossier_id)
    if dossier is None or not can_invite(dossier):  # rated meanwhile, e.g. from the receipt's QR page
        registry.drop(tablet.id, invitation.dossier_id)
        return None
    return dossier


def rate(registry: Invitations, tablet: User, code: str, level, comment: str, at: dt.datetime) -> Rating:
    """The applicant's answer on the tablet: only for the dossier the tablet was asked to show.
    Raises TabletError or ratings.RatingError."""
    dossier = showing(registry, tablet, at)
    if dossier is None or dossier.code != (code or "").strip().upper():
        raise TabletError(N_("This invitation has ended. Please ask the officer again."))
    rating = ratings.rate(dossier, level, comment)
    registry.drop(tablet.id, dossier.id)
    return rating
