"""Every dossier: filters in the query string, keyset pages, lazy totals, CSV and XLSX exports."""
from __future__ import annotations

import csv
import io
import tempfile

from flask import Blueprint, Response, request, send_file, stream_with_context
from flask_babel import gettext as _

from blueprints import render, wants_fragment
from blueprints.auth import requires
from models import Procedure, User, now
from services import accounts, dossiers, intake

bp = Blueprint("dossiers", __name__, url_prefix="/dossiers")


def _filters():
    f, errors = dossiers.parse_filters(request.args, intake.STATUSES, intake.CHANNELS)
    return f, {k: _(v) for k, v in errors.items()}


def _names(codes: dict) -> dict:
    """Translated once per request, not once per row."""
    return {k: _(v) for k, v in codes.items()}


def _context(f: dossiers.Filters, errors: dict, with_totals: bool) -> dict:
    """Everything index.html and its fragments need; built in one place."""
    at = now()
    rows, next_before = dossiers.page(f, at)
    receivers = accounts.PERMISSIONS["dossier.receive"]
    return {
        "filters": f, "errors": errors, "rows": rows, "next_before": next_before, "at": at,
        "totals": dossiers.totals(f, at) if with_totals else None, "totals_max": dossiers.TOTALS_MAX,
        "open_statuses": dossiers.OPEN_STATUSES, "statuses": _names(intake.STATUSES),
        "channels": _names(intake.CHANNELS),
        "procedures": list(Procedure.select(Procedure.code, Procedure.name).order_by(Procedure.name).tuples()),
        "officers": list(User.select(User.id, User.full_name).where(User.role.in_(receivers))
                         .order_by(User.full_name).tuples()),
    }


@bp.get("")
@requires("dossier.view")
def index():
    f, errors = _filters()
    status = 422 if errors else 200
    if request.args.get("totals") and wants_fragment():
        at = now()
        return render("dossiers/index.html", "dossiers/_totals.html", status, filters=f,
                      totals=dossiers.totals(f, at), totals_max=dossiers.TOTALS_MAX,
                      statuses=_names(intake.STATUSES))
    return render("dossiers/index.html", "dossiers/_results.html", status,
                  **_context(f, errors, with_totals=bool(request.args.get("totals"))))


def _row(values: tuple, statuses: dict, channels: dict) -> list:
    """An export row: names instead of codes, times in Vietnam time as text or datetime."""
    code, received, channel, proc_code, proc_name, name, id_number, phone, address, appointment, \
        status, fee, officer = values
    return [code, received, channels.get(channel, ""), proc_code, proc_name, name, id_number,
            phone, address, appointment, statuses.get(status, ""), fee, officer or ""]


def _header() -> list[str]:
    return [_(title) for title in dossiers.EXPORT_COLUMNS]


def _filename(ext: str) -> str:
    return f"ho-so-{now():%Y%m%d-%H%M}.{ext}"


def _csv_cell(value) -> str:
    """Text for CSV; a leading = + - @ is quoted so a spreadsheet never runs it as a formula."""
    if value is None:
        return ""
    if hasattr(value, "strftime"):
        return value.strftime("%d/%m/%Y %H:%M")
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


@bp.get("/export.csv")
@requires("dossier.export")
def export_csv():
    f, _errors = _filters()
    at = now()
    statuses, channels = _names(intake.STATUSES), _names(intake.CHANNELS)

    def lines():
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        buffer.write("\ufeff")  # so that Excel reads the Vietnamese as UTF-8
        writer.writerow(_header())
        for values in dossiers.export_rows(f, at):
            writer.writerow([_csv_cell(v) for v in _row(values, statuses, channels)])
            if buffer.tell() > 64 * 1024:
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
        yield buffer.getvalue()

    return Response(stream_with_context(lines()), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="{_filename("csv")}"'})


@bp.get("/export.xlsx")
@requires("dossier.export")
def export_xlsx():
    from openpyxl import Workbook

    f, _errors = _filters()
    at = now()
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Dossiers"))
    for letter, width in zip("ABCDEFGHIJKLM", (28, 17, 14, 11, 40, 26, 16, 13, 36, 17, 22, 11, 22), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.append(_header())
    statuses, channels = _names(intake.STATUSES), _names(intake.CHANNELS)
    count = 0
    for values in dossiers.export_rows(f, at, limit=dossiers.XLSX_MAX_ROWS + 1):
        count += 1
        if count > dossiers.XLSX_MAX_ROWS:
            sheet.append([_("Only the newest %(n)s dossiers are in this file: narrow the filters.",
                            n=dossiers.XLSX_MAX_ROWS)])
            break
        row = _row(values, statuses, channels)
        row[1] = row[1].replace(tzinfo=None)  # Excel has no time zones: Vietnam time
        row[9] = row[9].replace(tzinfo=None) if row[9] else None
        sheet.append(row)
    out = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)
    book.save(out)
    out.seek(0)
    return send_file(out, download_name=_filename("xlsx"), as_attachment=True,
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
