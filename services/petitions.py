"""Petitions (phản ánh, kiến nghị) about a dossier: filed from the citizen's page, answered by staff
within their own time limit."""
from __future__ import annotations

import datetime as dt

from models import Dossier, Petition, User, now
from services import audit
from services.calendar import WorkCalendar
from services.database import write_transaction
from services.text import N_, nfc

ANSWER_DAYS = 10  # working days to answer a petition [decided; the office may shorten it in practice]
MAX_TEXT = 2000
MAX_OPEN_PER_DOSSIER = 3


class PetitionError(ValueError):
    pass


def file(dossier: Dossier, text: str, calendar: WorkCalendar, at: dt.datetime | None = None) -> Petition:
    """Record a citizen's petition about the dossier; due in ANSWER_DAYS working days."""
    text = nfc(text)
    if not text:
        raise PetitionError(N_("Please write what you want to report or propose."))
    if len(text) > MAX_TEXT:
        raise PetitionError(N_("Please keep it under 2000 characters."))
    at = at or now()
    with write_transaction():
        if (Petition.select().where((Petition.dossier == dossier) & Petition.answered_at.is_null())
                .count() >= MAX_OPEN_PER_DOSSIER):
            raise PetitionError(N_("This dossier already has petitions waiting for an answer."))
        due = calendar.appointment(at, "working_days", ANSWER_DAYS)
        petition = Petition.create(dossier=dossier, text=text, submitted_at=at, due_at=due)
        audit.record("citizen", "petition.file", "dossier", dossier.code, None,
                     {"petition": petition.id, "due_at": due.isoformat()})
    return petition


def answer(petition_id: int, text: str, user: User) -> Petition:
    text = nfc(text)
    if not text:
        raise PetitionError(N_("Please write the answer."))
    with write_transaction():
        petition = Petition.get_or_none(Petition.id == petition_id)
        if petition is None:
            raise PetitionError(N_("This petition does not exist."))
        if petition.answered_at is not None:
            raise PetitionError(N_("This petition has already been answered."))
        petition.answer, petition.answered_at, petition.answered_by = text[:MAX_TEXT], now(), user
        petition.save()
        audit.record(user.username, "petition.answer", "dossier", petition.dossier.code, None,
                     {"petition": petition.id, "on_time": petition.answered_at <= petition.due_at})
    return petition


def waiting():
    """Open petitions, the most urgent first (an un-executed query)."""
    return (Petition.select(Petition, Dossier).join(Dossier)
            .where(Petition.answered_at.is_null()).order_by(Petition.due_at, Petition.id))


def answered(limit: int = 50):
    return (Petition.select(Petition, Dossier).join(Dossier).where(Petition.answered_at.is_null(False))
            .order_by(Petition.answered_at.desc()).limit(limit))
