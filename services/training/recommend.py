"""Which units to train first: the units with the weakest intake figures, and the topics that address them.

Until the service index lands, the figures are the intake's own, over the dossiers a unit handles
(``Dossier.unit``) received in the period, each computed in SQL in one grouped query:
- online submission: dossiers received online (channel 2) ÷ dossiers received;
- scanned at intake: dossiers whose every component has a file ÷ dossiers received;
- paid online: dossiers with a fee paid through the portal (code 1) or the gateway (code 2)
  ÷ dossiers with a non-zero fee (DOMAIN §9).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from peewee import Case, fn

from models import Dossier, DossierComponent, DossierFee, Unit
from services.payments import ONLINE_METHODS
from services.text import N_

# figure -> (label, target in percent, the topic that addresses it). Targets are the points where the
# index gives full marks (online 50%, digitised 80%); online payment scores linearly, so every dossier counts.
FIGURES = {
    "online": (N_("Submitted online"), 50, "online_submission"),
    "scanned": (N_("Scanned at intake"), 80, "digitisation"),
    "paid_online": (N_("Fees paid online"), 100, "online_payment"),
}
MIN_DOSSIERS = 5  # fewer dossiers than this in the period say too little about a unit


@dataclass
class UnitFigures:
    unit_id: int
    unit: str
    dossiers: int
    shares: dict[str, float | None]  # figure -> percent, None when nothing to measure
    weak: list[str] = field(default_factory=list)  # figures below their target, weakest first
    shortfall: float = 0.0  # sum of (target - share) / target over the weak figures

    @property
    def topics(self) -> list[str]:
        return [FIGURES[f][2] for f in self.weak]


def _percent(part: int | None, whole: int | None) -> float | None:
    return round(100 * (part or 0) / whole, 1) if whole else None


def query(since: dt.datetime, until: dt.datetime):
    """Per unit: dossiers, online, scanned, with a fee, paid online, over [since, until) (un-executed)."""
    missing_scan = DossierComponent.select(DossierComponent.id).where(
        (DossierComponent.dossier == Dossier.id) & DossierComponent.file.is_null())
    any_component = DossierComponent.select(DossierComponent.id).where(DossierComponent.dossier == Dossier.id)
    paid_online = DossierFee.select(DossierFee.id).where(
        (DossierFee.dossier == Dossier.id) & DossierFee.paid_at.is_null(False)
        & DossierFee.payment_method.in_(sorted(ONLINE_METHODS)))
    charged = Dossier.fee_total > 0

    def count_if(condition):
        return fn.SUM(Case(None, [(condition, 1)], 0))

    return (Dossier.select(Unit.id, Unit.name, fn.COUNT(Dossier.id),
                           count_if(Dossier.channel == 2),
                           count_if(fn.EXISTS(any_component) & ~fn.EXISTS(missing_scan)),
                           count_if(charged), count_if(charged & fn.EXISTS(paid_online)))
            .join(Unit, on=(Dossier.unit == Unit.id))
            .where((Dossier.received_at >= since) & (Dossier.received_at < until))
            .group_by(Unit.id, Unit.name).tuples())


def figures(since: dt.datetime, until: dt.datetime, min_dossiers: int = MIN_DOSSIERS) -> list[UnitFigures]:
    """Every unit with at least ``min_dossiers`` dossiers received in [since, until), weakest first."""
    out = []
    for unit_id, name, total, online, scanned, with_fee, paid in query(since, until):
        if total < min_dossiers:
            continue
        shares = {"online": _percent(online, total), "scanned": _percent(scanned, total),
                  "paid_online": _percent(paid, with_fee)}
        gaps = {f: (FIGURES[f][1] - s) / FIGURES[f][1] for f, s in shares.items()
                if s is not None and s < FIGURES[f][1]}
        weak = sorted(gaps, key=lambda f: -gaps[f])
        out.append(UnitFigures(unit_id, name, total, shares, weak, round(sum(gaps.values()), 4)))
    return sorted(out, key=lambda u: (-u.shortfall, u.unit))
