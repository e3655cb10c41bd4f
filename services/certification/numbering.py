"""Certification numbers (DOMAIN §8): per agency, type code and year, gap-free, restarting at 1 on
1 January, in volumes (quyển) of a set size."""
from __future__ import annotations

from dataclasses import dataclass

from models import CertificationSequence, CertificationSetting
from services.database import write_transaction
from services.text import N_, nfc

COPY = "SCT/BS"
ELECTRONIC_COPY = "SCTĐT/BS"
SIGNATURE = "SCT/CK,ĐC"
CONTRACT = "SCT/HĐ,GD"
SERIES = (COPY, ELECTRONIC_COPY, SIGNATURE, CONTRACT)
MAX_VOLUME_SIZE = 100_000


@dataclass(frozen=True)
class Number:
    series: str
    year: int
    number: int
    volume: int

    @property
    def volume_label(self) -> str:
        """'01/2026-SCT/BS': the volume over the year, then the type code (Circular 01/2020)."""
        return f"{self.volume:02d}/{self.year}-{self.series}"

    @property
    def text(self) -> str:
        return f"Số chứng thực: {self.number:02d}, quyển số: {self.volume_label}"


def settings() -> CertificationSetting:
    """The settings row, made with the defaults on first use."""
    row = CertificationSetting.select().order_by(CertificationSetting.id).first()
    return row if row is not None else CertificationSetting.create()


def electronic_series() -> str:
    """The type code of electronic certified copies: their own (SCTĐT/BS) or the paper one."""
    return nfc(settings().electronic_series) or COPY


def next_number(agency_id: str, series: str, year: int, volume_size: int) -> Number:
    """Take the next number of ``series`` in ``year``. Call inside the write transaction that saves
    the register entry: the UPDATE locks the sequence row on PostgreSQL as on SQLite, so two counters
    never get the same number and a failed entry gives its number back."""
    row, _ = CertificationSequence.get_or_create(agency_id=agency_id, series=series, year=year)
    (CertificationSequence.update(last=CertificationSequence.last + 1)
     .where(CertificationSequence.id == row.id).execute())
    row = CertificationSequence.get_by_id(row.id)
    if row.last - row.volume_first >= max(volume_size, 1):  # the volume is full: open the next one
        row.volume, row.volume_first = row.volume + 1, row.last
        row.save()
    return Number(series, year, row.last, row.volume)


def validate_settings(form) -> tuple[dict, dict]:
    """(data, errors) for the settings form."""
    errors: dict[str, str] = {}
    raw = str(form.get("volume_size") or "").strip()
    size = int(raw) if raw.isdigit() else 0
    if not 1 <= size <= MAX_VOLUME_SIZE:
        errors["volume_size"] = N_("Enter how many numbers a volume holds (1 to 100,000).")
    separate = form.get("electronic_series") == "separate"
    return {"volume_size": size, "electronic_series": ELECTRONIC_COPY if separate else ""}, errors


def save_settings(data: dict, actor: str) -> CertificationSetting:
    from services import audit

    with write_transaction():
        row = settings()
        before = {"volume_size": row.volume_size, "electronic_series": row.electronic_series}
        row.volume_size, row.electronic_series = data["volume_size"], data["electronic_series"]
        row.save()
        audit.record(actor, "certification.settings", "certification_setting", row.id, before,
                     {"volume_size": row.volume_size, "electronic_series": row.electronic_series})
    return row
