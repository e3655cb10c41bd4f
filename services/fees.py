"""Fee arithmetic (DOMAIN §6). Money is whole đồng; an unknown amount is None, never 0."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

COPY_FIRST_PAGES = 2
COPY_FIRST_PAGE_FEE = 2000
COPY_NEXT_PAGE_FEE = 1000
COPY_CAP = 200_000

FEE_KINDS = ("fixed", "per_copy", "copy_pages")
ONLINE = 2  # the channel code of online requests


def copy_certification_fee(pages: int) -> int:
    """Per copy (Circular 226/2016/TT-BTC): 2,000 đ for each of the first two pages, 1,000 đ for
    each page from the third, at most 200,000 đ; pages counted on the original."""
    if pages <= 0:
        return 0
    first = min(pages, COPY_FIRST_PAGES)
    rest = pages - first
    return min(first * COPY_FIRST_PAGE_FEE + rest * COPY_NEXT_PAGE_FEE, COPY_CAP)


@dataclass(frozen=True)
class Original:
    """An original document brought for copy certification: its pages and the copies requested."""

    pages: int
    copies: int
    name: str = ""


@dataclass(frozen=True)
class FeeLine:
    name: str
    amount: int | None  # None: not known yet (set by the provincial council)

    @property
    def known(self) -> bool:
        return self.amount is not None


def _channel_amount(amount: int | None, fee, channel: int) -> int | None:
    """What ``channel`` pays: an online request pays the fee's online percentage (rounded down)."""
    if amount is None or channel != ONLINE:
        return amount
    percent = getattr(fee, "online_percent", 100)
    return amount * percent // 100


def fee_lines(fees: Iterable, components: Iterable, channel: int, copies: int = 1) -> list[FeeLine]:
    """The fee lines of a dossier from its procedure version's fees (rows with name, kind, amount,
    online_percent) and its received components (objects with ``.pages`` and ``.copies``).

    - fixed: the amount, once per dossier;
    - per_copy: the amount × ``copies`` (copies of the result requested, at least 1);
    - copy_pages (copy certification): the sum over the originals of the per-copy fee for that
      original's pages × that original's copies. An electronic copy issued with the paper one is not
      charged again, so ``copies`` counts copy sets whatever the medium.
    """
    components = list(components)
    lines = []
    for fee in fees:
        if fee.kind == "fixed":
            amount = fee.amount
        elif fee.kind == "per_copy":
            amount = None if fee.amount is None else fee.amount * max(copies, 1)
        elif fee.kind == "copy_pages":
            amount = sum(copy_certification_fee(c.pages or 0) * (c.copies or 0) for c in components)
        else:
            raise ValueError(f"unknown fee kind {fee.kind!r}")
        lines.append(FeeLine(fee.name, _channel_amount(amount, fee, channel)))
    return lines


def total(lines: Iterable[FeeLine]) -> int:
    """The sum of the known amounts."""
    return sum(line.amount for line in lines if line.amount is not None)


def has_unknown(lines: Iterable[FeeLine]) -> bool:
    return any(line.amount is None for line in lines)


def per_original(fees: Iterable) -> bool:
    """True when the fee is priced per original (copy certification): the form then asks, for each
    original, its name, pages and copies."""
    return any(fee.kind == "copy_pages" for fee in fees)


def needs_copies(fees: Iterable) -> bool:
    """True when the fee depends on the number of copies of the result requested."""
    return any(fee.kind == "per_copy" for fee in fees)
