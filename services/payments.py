"""Payment of a dossier's fee lines (DOMAIN §6): when, how, the receipt (biên lai) number, who collected.

Cash is recorded at the counter by the officer who takes it; online payments (the national portal's
platform, code 1; the province's gateway, code 2) and bank transfers arrive through the API.
"""
from __future__ import annotations

import datetime as dt

from peewee import JOIN

from models import Dossier, DossierFee, User
from services import audit
from services.database import write_transaction
from services.text import N_, nfc

METHODS = {
    "cash": N_("Cash at the counter"),
    "portal": N_("National public service portal (code 1)"),
    "gateway": N_("Province payment gateway (code 2)"),
    "transfer": N_("Bank transfer"),
}
ONLINE_METHODS = frozenset({"portal", "gateway"})  # only these count as online payment (DOMAIN §9)
METHOD_CODES = {1: "portal", 2: "gateway"}  # the national codes
MAX_RECEIPT_NO = 50


class PaymentError(ValueError):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def lines_of(dossier: Dossier) -> list[DossierFee]:
    """The dossier's fee lines with whoever collected them, in one query."""
    return list(DossierFee.select(DossierFee, User).join(User, JOIN.LEFT_OUTER)
                .where(DossierFee.dossier == dossier).order_by(DossierFee.id))


def unpaid(lines: list[DossierFee]) -> list[DossierFee]:
    """The lines still to pay: a line of 0 đ is never paid, nor one whose amount is not known yet."""
    return [line for line in lines if (line.amount or 0) > 0 and line.paid_at is None]


def clean_receipt_no(value) -> str:
    receipt_no = nfc(value if isinstance(value, str) else "")
    if not receipt_no:
        raise PaymentError(N_("Enter the receipt (biên lai) number."))
    if len(receipt_no) > MAX_RECEIPT_NO or not receipt_no.isprintable():
        raise PaymentError(N_("The receipt number has at most 50 characters."))
    return receipt_no


def pay(dossier: Dossier, line_ids: list[int] | None, method: str, receipt_no: str,
        paid_at: dt.datetime, actor: str, user: User | None = None,
        amount: int | None = None) -> list[DossierFee]:
    """Mark fee lines paid (all unpaid lines when ``line_ids`` is None), with the audit event.
    ``amount``, when given, must equal what is paid: a payer's system never pays a guess."""
    if method not in METHODS:
        raise PaymentError(N_("Choose how the fee was paid."))
    receipt_no = clean_receipt_no(receipt_no)
    if paid_at.tzinfo is None:
        raise ValueError("paid_at must be timezone-aware")
    with write_transaction():
        lines = lines_of(dossier)
        if line_ids is None:
            chosen = unpaid(lines)
        else:
            wanted = set(line_ids)
            chosen = [line for line in lines if line.id in wanted]
            if len(chosen) != len(wanted):
                raise PaymentError(N_("This dossier has no such fee line."))
            chosen = [line for line in chosen if (line.amount or 0) > 0]
        if not chosen:
            raise PaymentError(N_("Nothing is left to pay on this dossier."))
        total = sum(line.amount for line in chosen)
        if amount is not None and amount != total:
            raise PaymentError(N_("The amount paid differs from the fees due."))
        ids = [line.id for line in chosen]
        updated = (DossierFee.update(paid_at=paid_at, payment_method=method, receipt_no=receipt_no,
                                     collected_by=user)
                   .where(DossierFee.id.in_(ids) & DossierFee.paid_at.is_null()).execute())
        if updated != len(ids):  # already paid (perhaps by someone else a moment ago): undo it all
            raise PaymentError(N_("This fee is already paid."))
        audit.record(actor, "fee.pay", "dossier", dossier.code, None, {
            "fee_lines": ids, "amount": total, "method": method, "receipt_no": receipt_no,
            "paid_at": paid_at.isoformat(), "collected_by": user.id if user else None})
    return list(DossierFee.select().where(DossierFee.id.in_(ids)).order_by(DossierFee.id))


def collect_cash(dossier: Dossier, line_ids: list[int] | None, receipt_no: str, at: dt.datetime,
                 officer: User) -> list[DossierFee]:
    """Cash taken at the counter by ``officer`` now."""
    return pay(dossier, line_ids, "cash", receipt_no, at, officer.username, user=officer)
