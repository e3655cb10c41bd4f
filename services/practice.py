"""Practice mode: the same app on its own SQLite file and data folder, for on-site training.

Everything that decides "this is practice" lives here: the paths, the banner drawn on PDFs, the stamp
put on any PDF that leaves the app, the refusal of outgoing calls and the reset. A practice app never
opens the real database or writes in the real data folder: ``configure`` swaps both before anything
is opened and refuses paths that overlap the real ones.
"""
from __future__ import annotations

import functools
import io
import ipaddress
import math
import shutil
import socket
import sys
from pathlib import Path

from services.text import N_

BANNER = "BẢN THỰC HÀNH — KHÔNG CÓ GIÁ TRỊ"
MARKER_FILE = ".practice"  # in the practice data folder: only a folder carrying it is ever emptied
DEFAULT_PORT = 8001  # the real server keeps 8000 on the same machine
RED = (0.72, 0.0, 0.09)

_active = False


class PracticeError(Exception):
    """A practice setting that could reach the real database or files, or a reset that cannot run."""

    def __init__(self, message: str, **params):
        super().__init__(message)
        self.message, self.params = message, params


class PracticeBlocked(ConnectionRefusedError):
    """An outgoing connection refused because this is the practice server."""


def active() -> bool:
    """True while the bound database is the practice one (set by the app factory)."""
    return _active


def set_active(value: bool) -> None:
    global _active
    _active = bool(value)
    if _active:
        _install_network_guard()


# --- Paths and configuration ------------------------------------------------------------------------

def sqlite_path(url: str) -> Path | None:
    """The file of a sqlite:/// URL, resolved; None for other databases."""
    if not url.startswith("sqlite:///"):
        return None
    return Path(url.removeprefix("sqlite:///")).expanduser().resolve()


def _overlaps(a: Path, b: Path) -> bool:
    return a == b or a in b.parents or b in a.parents


def configure(config: dict, instance: Path) -> None:
    """Point ``config`` (a Flask config, before the database is opened) at the practice database and
    data folder, with their own secret key and cookie names. Raises PracticeError when a practice
    path is, contains or lies inside a real one."""
    real_db, real_data = config["DATABASE_URL"], Path(config["DATA_DIR"]).expanduser().resolve()
    url = config.get("PRACTICE_DATABASE_URL") or f"sqlite:///{instance / 'practice.db'}"
    data = Path(config.get("PRACTICE_DATA_DIR") or instance / "practice-data").expanduser().resolve()
    path, real_path = sqlite_path(url), sqlite_path(real_db)
    if path is None:
        raise PracticeError(N_("The practice database must be a SQLite file (sqlite:///…)."))
    if (url == real_db or path == real_path or _overlaps(data, real_data) or real_data in path.parents
            or (real_path is not None and data in real_path.parents)):
        raise PracticeError(N_("The practice database and folder must be separate from the real ones."))
    config.update(
        DATABASE_URL=f"sqlite:///{path}", DATA_DIR=str(data), PRACTICE=True,
        SECRET_KEY=config.get("PRACTICE_SECRET_KEY") or _secret(data),
        # Cookies ignore the port: a practice login must never be read by the real server, nor replace it
        SESSION_COOKIE_NAME="practice_session", REMEMBER_COOKIE_NAME="practice_remember_token",
    )


def _secret(data: Path) -> str:
    import secrets

    data.mkdir(parents=True, exist_ok=True)
    (data / MARKER_FILE).touch()
    key = data / "secret_key"
    if not key.exists():
        key.write_text(secrets.token_hex(32), encoding="ascii")
    return key.read_text(encoding="ascii").strip()


def prepare(data_dir: str) -> list[tuple[str, str, str]]:
    """Migrate the practice database and fill it with the demo office on first use (idempotent).
    Returns the demo accounts when they were just made. Call inside the practice app's context."""
    from services import catalog, checklists, demo
    from services.database import apply_migrations

    apply_migrations()
    catalog.load_seed()
    checklists.seed_all()
    made = demo.load(data_dir)
    if made:
        _advance_demo_dossiers()
    return made


# Demo dossiers moved on, so trainees find work at every stage: (procedure, by whom, steps).
SCENARIOS = (
    ("1.001193", "chuyenvien", (("start", "", {}),)),
    ("2.001035", "chuyenvien", (("start", "", {}),
                                ("request-supplement", "Thiếu bản sao hợp đồng có chữ ký của bên thuê.",
                                 {"items": "Bản sao hợp đồng thuê nhà có đủ chữ ký hai bên"}))),
)


def _advance_demo_dossiers() -> None:
    """Start one demo dossier and ask a supplement for another; a step the rules refuse is left out."""
    from models import Dossier, Procedure, ProcedureVersion, User
    from services import office, transitions

    calendar, limit = office.calendar(), office.get_office().max_extensions
    for procedure, username, steps in SCENARIOS:
        dossier = (Dossier.select().join(ProcedureVersion).join(Procedure)
                   .where(Procedure.code == procedure).order_by(Dossier.id).first())
        user = User.get_or_none(User.username == username)
        if dossier is None or user is None:
            continue
        for action, reason, details in steps:
            try:
                transitions.perform(dossier.code, transitions.EventInput(action, reason=reason, details=details),
                                    user, calendar, limit)
            except transitions.TransitionError:
                break


def erase(config: dict) -> None:
    """Delete the practice database and empty the practice data folder (``config`` is a practice app's).
    Refuses a folder that was not made as a practice folder."""
    if not config.get("PRACTICE"):
        raise PracticeError(N_("Only the practice database can be reset."))
    data = Path(config["DATA_DIR"])
    if data.exists() and any(data.iterdir()) and not (data / MARKER_FILE).exists():
        raise PracticeError(N_("The folder %(path)s was not made by practice mode: nothing was deleted."),
                            path=str(data))
    path = sqlite_path(config["DATABASE_URL"])
    try:
        for suffix in ("", "-wal", "-shm", "-journal"):
            path.with_name(path.name + suffix).unlink(missing_ok=True)
        for child in data.iterdir() if data.exists() else ():
            if child.name in (MARKER_FILE, "secret_key"):
                continue  # keep the key: open practice pages stay valid
            shutil.rmtree(child) if child.is_dir() else child.unlink()
    except PermissionError:
        raise PracticeError(N_("The practice files are in use; please stop the practice server and try "
                               "again.")) from None


# --- PDFs ------------------------------------------------------------------------------------------

def draw_banner(canvas, width: float, height: float) -> None:
    """The practice banner on one page: a red band across the top, the words again in faint red across
    the middle, and the mark that tells ``stamp`` this file already carries it."""
    from reportlab.lib.units import mm
    from reportlab.pdfbase.pdfmetrics import stringWidth

    from services.documents import _fonts

    font = f"{_fonts()}-Bold"
    canvas.saveState()
    band = 8 * mm
    canvas.setFillColorRGB(*RED)
    canvas.rect(0, height - band, width, band, stroke=0, fill=1)
    canvas.setFillColorRGB(1, 1, 1)
    canvas.setFont(font, 11)
    canvas.drawCentredString(width / 2, height - band + 2.7 * mm, BANNER)
    canvas.setFillColorRGB(*RED)
    canvas.setFillAlpha(0.14)
    canvas.translate(width / 2, height / 2)
    canvas.rotate(math.degrees(math.atan2(height, width)))  # along the page's diagonal
    size = 0.7 * math.hypot(width, height) / stringWidth(BANNER, font, 1)
    canvas.setFont(font, size)
    canvas.drawCentredString(0, 0, BANNER)
    canvas.restoreState()
    canvas.setKeywords(BANNER)


def page_banner(canvas, doc) -> None:
    """A reportlab onPage callback: the banner on every page while in practice mode."""
    if _active:
        draw_banner(canvas, *doc.pagesize)


def is_stamped(pdf: bytes) -> bool:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        info = PdfReader(io.BytesIO(pdf)).metadata or {}
    except (PdfReadError, ValueError, KeyError, OSError):
        return False
    return BANNER in str(info.get("/Keywords", ""))


@functools.lru_cache(maxsize=16)
def _overlay_pdf(width: float, height: float) -> bytes:
    """A one-page PDF holding only the banner, for a page of this size (made once per size)."""
    from reportlab.pdfgen.canvas import Canvas

    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(width, height), invariant=1)
    draw_banner(canvas, width, height)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _overlay(width: float, height: float):
    from pypdf import PdfReader

    return PdfReader(io.BytesIO(_overlay_pdf(width, height))).pages[0]


def stamp(pdf: bytes) -> bytes:
    """The same PDF with the banner on every page, added as an incremental update (the original bytes,
    and any signature over them, are kept); rewritten whole when pypdf cannot update it (a file locked
    with an empty password). Unchanged when it already carries the banner or cannot be read at all."""
    if is_stamped(pdf):
        return pdf
    for incremental in (True, False):
        try:
            return _stamped(pdf, incremental)
        except Exception:  # noqa: BLE001, S112 - damaged or locked: try the next way, else leave it as it came
            continue
    return pdf


def _stamped(pdf: bytes, incremental: bool) -> bytes:
    from pypdf import PdfReader, PdfWriter, Transformation

    reader = PdfReader(io.BytesIO(pdf))
    if incremental:
        writer = PdfWriter(reader, incremental=True)
    else:
        if reader.is_encrypted:
            reader.decrypt("")
        writer = PdfWriter(clone_from=reader)
    for page in writer.pages:
        box = page.mediabox
        overlay = _overlay(float(box.width), float(box.height))
        page.merge_transformed_page(overlay, Transformation().translate(float(box.left), float(box.bottom)))
    writer.add_metadata({"/Keywords": BANNER})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def mark(pdf: bytes) -> bytes:
    """``stamp`` in practice mode; the PDF untouched otherwise."""
    return stamp(pdf) if _active else pdf


# --- Outgoing calls ----------------------------------------------------------------------------------

OUTGOING_REFUSED = N_("This is the practice server: nothing is sent outside.")


def refuse_outgoing() -> None:
    """Call before any message or remote call leaves the office: raises PracticeBlocked in practice."""
    if _active:
        raise PracticeBlocked(OUTGOING_REFUSED)


_guard_installed = False


def _loopback(host: object) -> bool:
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    if not isinstance(host, str):
        return False
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return host.lower() == "localhost"


def _numeric(host: object) -> bool:
    """A host that needs no name lookup (binding a server calls getaddrinfo with these)."""
    if host is None:
        return True
    try:
        ipaddress.ip_address((host.decode("ascii") if isinstance(host, bytes) else str(host)).split("%")[0])
    except (ValueError, UnicodeDecodeError):
        return False
    return True


def _this_machine(host: object) -> bool:
    """This computer's own name (``serve --host <name>`` looks it up to listen on the LAN)."""
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    return isinstance(host, str) and host.lower().rstrip(".") == socket.gethostname().lower()


def _network_hook(event: str, args: tuple) -> None:
    """An audit hook: while in practice mode, no connection and no name lookup leaves this machine."""
    if not _active:
        return
    if event == "socket.connect":
        sock, address = args
        if sock.family in (socket.AF_INET, socket.AF_INET6) and not _loopback(address[0]):
            raise PracticeBlocked(OUTGOING_REFUSED)
    elif event == "socket.getaddrinfo" and not (_loopback(args[0]) or _numeric(args[0]) or _this_machine(args[0])):
        raise PracticeBlocked(OUTGOING_REFUSED)


def _install_network_guard() -> None:
    """Install the audit hook once per process (hooks cannot be removed; it does nothing outside
    practice mode)."""
    global _guard_installed
    if not _guard_installed:
        sys.addaudithook(_network_hook)
        _guard_installed = True
