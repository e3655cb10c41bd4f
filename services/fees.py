"""Fee arithmetic (DOMAIN §6). Money is whole đồng."""
from __future__ import annotations

from dataclasses import dataclass

COPY_FIRST_PAGES = 2
COPY_FIRST_PAGE_FEE = 2000
COPY_NEXT_PAGE_FEE = 1000
COPY_CAP = 200_000

FEE_KINDS = ("fixed", "per_copy", "copy_pages")


def copy_certification_fee(pages: int) -> int:
    """Per copy (Circular 226/2016/TT-BTC): 2,000 đ for each of the first two pages, 1,000 đ for
    each page from the third, at most 200,000 đ; pages counted on the original."""
    if pages <= 0:
        return 0
    first = min(pages, COPY_FIRST_PAGES)
    rest = pages - first
    return min(first * COPY_FIRST_PAGE_FEE + rest * COPY_NEXT_PAGE_FEE, COPY_CAP)


@dataclass(frozen=True)
class FeeLine:
    name: str
    amount: int


def fee_lines(fees, pages: int, copies: int) -> list[FeeLine]:
    """The fee lines of a dossier from its procedure version's fees (rows with name, kind, amount).
    An electronic copy issued with the paper one is not charged again: ``copies`` counts originals
    certified per copy set, whatever the medium."""
    lines = []
    for fee in fees:
        if fee.kind == "fixed":
            amount = fee.amount
        elif fee.kind == "per_copy":
            amount = fee.amount * max(copies, 1)
        elif fee.kind == "copy_pages":
            amount = copy_certification_fee(pages) * max(copies, 1)
        else:
            raise ValueError(f"unknown fee kind {fee.kind!r}")
        lines.append(FeeLine(fee.name, amount))
    return lines


def needs_counts(fees) -> tuple[bool, bool]:
    """(needs a page count, needs a copy count) for these fees: the intake form asks only then."""
    kinds = {fee.kind for fee in fees}
    return "copy_pages" in kinds, bool(kinds & {"per_copy", "copy_pages"})
