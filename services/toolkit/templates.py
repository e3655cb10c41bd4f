"""One entry point for the pages: a template for this office as PDF, DOCX or preview image."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from models import Office
from services.toolkit import content, preview
from services.toolkit.content import TEMPLATES, Template, Texts
from services.toolkit.render import OfficeInfo, hours_line, render_pdf
from services.toolkit.word import render_docx


def office_info(office: Office, lookup_url: str, portal_url: str = content.PORTAL) -> OfficeInfo:
    """The office as the templates print it; ``lookup_url`` is the public lookup page of this office."""
    return OfficeInfo(name=office.name, parent_body=office.parent_body, address=office.address,
                      hotline=office.hotline,
                      hours=hours_line(office.morning_start, office.morning_end, office.afternoon_start,
                                       office.afternoon_end),
                      lookup_url=lookup_url, portal_url=portal_url)


@dataclass(frozen=True)
class Prepared:
    template: Template
    texts: Texts
    office: OfficeInfo
    customised: bool

    @property
    def preview_key(self) -> str:
        return preview.key(self.template, self.texts, self.office)


def prepare(slug: str, office: OfficeInfo, changed: dict[str, dict[str, str]] | None = None) -> Prepared | None:
    """The template ``slug`` with the office's wording, or None for an unknown slug."""
    template = TEMPLATES.get(slug)
    if template is None:
        return None
    if changed is None:
        changed = content.overrides(slug)
    mine = changed.get(slug, {})
    return Prepared(template, content.as_texts(content.texts(slug, mine)), office, bool(mine))


def all_prepared(office: OfficeInfo) -> list[Prepared]:
    changed = content.overrides()
    return [prepare(slug, office, changed) for slug in TEMPLATES]


def pdf(prepared: Prepared) -> bytes:
    return render_pdf(prepared.template, prepared.texts, prepared.office)


def docx(prepared: Prepared) -> bytes:
    return render_docx(prepared.template, prepared.texts, prepared.office)


def preview_png(prepared: Prepared, data_dir: str | Path) -> bytes:
    return preview.cached(data_dir, prepared.preview_key, lambda: pdf(prepared))
