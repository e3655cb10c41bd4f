"""The citizen's side: the secret link printed on the receipt, and the satisfaction rating."""
from __future__ import annotations

import hmac

from peewee import IntegrityError

from models import Dossier, Rating
from services import audit
from services.database import write_transaction
from services.text import N_, nfc

LEVELS = {1: N_("Satisfied"), 2: N_("Normal"), 3: N_("Unsatisfied")}
RATEABLE = (9, 10)  # settled or returned
MAX_COMMENT = 1000


class RatingError(ValueError):
    pass


def with_secret(code: str, secret: str) -> Dossier | None:
    """The dossier when the secret matches (compared in constant time), else None."""
    dossier = Dossier.get_or_none(Dossier.code == (code or "").strip().upper())
    if dossier is None or not dossier.secret or not hmac.compare_digest(dossier.secret, secret or ""):
        return None
    return dossier


def rating_of(dossier: Dossier) -> Rating | None:
    return Rating.get_or_none(Rating.dossier == dossier)


def rate(dossier: Dossier, level, comment: str) -> Rating:
    """Record the one rating of a settled dossier. Raises RatingError with a message id."""
    try:
        level = int(level)
    except (TypeError, ValueError):
        level = 0
    if level not in LEVELS:
        raise RatingError(N_("Choose how satisfied you are."))
    if dossier.status not in RATEABLE:
        raise RatingError(N_("A dossier can be rated once its result is ready."))
    try:
        with write_transaction():
            rating = Rating.create(dossier=dossier, level=level, comment=nfc(comment)[:MAX_COMMENT])
            audit.record("citizen", "dossier.rate", "dossier", dossier.code, None, {"level": level})
    except IntegrityError:
        raise RatingError(N_("This dossier has already been rated. Thank you.")) from None
    return rating
