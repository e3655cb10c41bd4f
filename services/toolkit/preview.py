"""Preview images of the templates, rendered on the server from the PDF (PDFium) and kept on disk
under a key of everything that shapes the page, so a page load never renders twice."""
from __future__ import annotations

import hashlib
import io
import json
import os
import tempfile
from dataclasses import asdict
from pathlib import Path

import pypdfium2

from services.toolkit.content import Template, Texts
from services.toolkit.render import OfficeInfo

LAYOUT_VERSION = "2"  # bump when render.py changes what a page looks like
WIDTH_PX = 180
COLOURS = 16  # a palette image: a few kilobytes each


def key(template: Template, texts: Texts, office: OfficeInfo) -> str:
    content = json.dumps([LAYOUT_VERSION, template.slug, asdict(texts), asdict(office)], ensure_ascii=False)
    return hashlib.sha256(content.encode("utf-8")).hexdigest()[:24]


def png_from_pdf(pdf: bytes, width_px: int = WIDTH_PX) -> bytes:
    document = pypdfium2.PdfDocument(pdf)
    try:
        page = document[0]
        scale = width_px / page.get_width()
        image = page.render(scale=scale).to_pil().convert("RGB")
    finally:
        document.close()
    out = io.BytesIO()
    image.quantize(COLOURS).save(out, format="PNG", optimize=True)
    return out.getvalue()


def cached(data_dir: str | Path, preview_key: str, make_pdf) -> bytes:
    """The preview under this key, rendered from make_pdf() the first time."""
    path = Path(data_dir) / "previews" / f"{preview_key}.png"
    if path.is_file():
        return path.read_bytes()
    data = png_from_pdf(make_pdf())
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(suffix=".part", dir=path.parent)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    os.replace(tmp, path)
    return data
