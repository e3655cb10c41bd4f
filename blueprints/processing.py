"""Processing a dossier: the steps the transition table offers, the timeline, the deadline board."""
from __future__ import annotations

import datetime as dt

from flask import Blueprint, Response, abort, current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from peewee import JOIN, fn

from blueprints import dossier_or_404, id_arg, render, row_or_404, translated, wants_fragment
from blueprints.auth import requires
from models import ChecklistItem, Dossier, DossierCheck, Petition, Procedure, StatusEvent, Unit, User, now
from services import (
    accounts,
    checklists,
    deadlines,
    forms,
    history,
    intake,
    petitions,
    register,
    storage,
    transitions,
)
from services import office as office_service
from services.calendar import VN_TZ, parse_day
from services.text import N_, nfc

bp = Blueprint("processing", __name__, url_prefix="/processing")

REASON_LABELS = {
    "refuse": N_("Reason for refusal (cite the rule)"), "request-supplement": N_("Reason"),
    "withdraw": N_("The applicant's request"), "stop": N_("Reason for stopping"),
    "extend": N_("Reason for the delay"),
}
FIELD_LABELS = {
    "items": N_("Every missing or incomplete paper, one per line"),
    "contact": N_("Whom to contact (name, phone)"),
    "remedy": N_("What the office will do about it"),
    "method": N_("Returned"), "recipient": N_("Received by (full name)"),
    "appointment": N_("New appointment"), "at": N_("Done at (leave empty for now)"),
}
DETAIL_LABELS = {"items": N_("Papers to supplement"), "contact": N_("Contact"), "remedy": N_("Remedy"),
                 "method": N_("Returned"), "recipient": N_("Result received by"), "scans": N_("Scans attached")}
FIELD_ERRORS = {
    "reason": N_("Please write the reason."), "items": N_("Please list the missing papers."),
    "remedy": N_("Please write what the office will do."), "method": N_("Choose how the result was returned."),
    "recipient": N_("Please write who received the result."), "appointment": N_("Please give the new appointment."),
    "time": N_("Write the time as day and hour, for example 25/11/2026 09:00."),
}
ROLE_NAMES = {"admin": N_("Administrator"), "leader": N_("Leader"), "intake": N_("Counter officer"),
              "specialist": N_("Specialist"), "trainer": N_("Trainer"), "inspector": N_("Inspector")}
FORMS = {"request-supplement": 2, "refuse": 3, "extend": 4, "stop": 5}
NAV_KINDS = ("overdue", "due_today", "due_next_working_day")  # what the bar shows: counted from an index alone


@bp.app_context_processor
def _globals():
    return {"processing_view": panel_context, "deadline_counts": _nav_counts}


def _nav_counts() -> dict[str, int]:
    """Counts for the navigation bar: one query."""
    if not accounts.can(current_user, "dossier.view"):
        return {}
    return deadlines.counts(office_service.calendar(), now(), kinds=NAV_KINDS)


def _minutes_text(minutes: int) -> str:
    hours, rest = divmod(abs(minutes), 60)
    return _("%(h)s h %(m)s min", h=hours, m=f"{rest:02d}")


def panel_context(dossier: Dossier, open_action: str | None = None, form=None, errors=None) -> dict:
    """Everything processing/_panel.html needs, built in one place."""
    calendar = office_service.calendar()
    events = list(StatusEvent.select(StatusEvent, User).join(User, JOIN.LEFT_OUTER, on=StatusEvent.user)
                  .where(StatusEvent.dossier == dossier).order_by(StatusEvent.at, StatusEvent.id))
    state = history.derive(events)
    progress = history.progress(dossier, state, calendar, now())
    risk = deadlines.kind_of(dossier, calendar, now())
    offered = transitions.allowed(dossier, current_user)
    step = transitions.TRANSITIONS.get(open_action) if open_action else None
    return {
        "dossier": dossier, "state": state, "events": events, "progress": progress,
        "left_text": _minutes_text(progress.left) if progress else "",
        "offered": offered, "step": step, "step_form": form or {}, "step_errors": errors or {},
        "statuses": intake.STATUSES,
        "labels": {"assign": N_("Handed over"), "delay-report": N_("Delay report"), **{t.action: t.label for t in transitions.TRANSITIONS.values()}},
        "can_assign": accounts.can(current_user, "dossier.assign") and state.ended_at is None and state.status != 1,
        "officers": _officers,
        "reason_labels": REASON_LABELS, "field_labels": FIELD_LABELS, "detail_labels": DETAIL_LABELS,
        "return_methods": transitions.RETURN_METHODS,
        "checks": list(DossierCheck.select(DossierCheck, User)
                       .join(User, JOIN.LEFT_OUTER, on=DossierCheck.done_by)
                       .where(DossierCheck.dossier == dossier).order_by(DossierCheck.position)),
        "role_names": ROLE_NAMES, "risk": risk, "rule": deadlines.RULES[risk][1] if risk else "",
        "needs_report": risk == "overdue" and accounts.can(current_user, "dossier.process")
        and deadlines.needs_report(dossier, calendar, now()),
        "can_check": accounts.can(current_user, "dossier.check") and state.ended_at is None,
        "forms": sorted({FORMS[e.action] for e in events if e.action in FORMS} | {6}),
        "form_names": FORM_NAMES,
    }


def _officers():
    return list(User.select().where(User.active & User.role.in_(transitions.ASSIGNABLE_ROLES))
                .order_by(User.full_name))


def _transition(dossier: Dossier, action: str) -> transitions.Transition:
    transition = transitions.TRANSITIONS.get(action)
    if transition is None:
        abort(404)
    if not accounts.can(current_user, transition.permission):
        abort(403)
    return transition


def _local_time(value: str) -> dt.datetime | None:
    """A datetime-local value ('2026-11-25T09:00') in Vietnam time; ValueError when unreadable."""
    value = (value or "").strip()
    if not value:
        return None
    return dt.datetime.fromisoformat(value).replace(tzinfo=VN_TZ, second=0, microsecond=0)


def _scans(transition: transitions.Transition, errors: dict) -> list[tuple[str, str, int, str]]:
    """Scans uploaded with a step, checked by content and written to disk (before the transaction)."""
    if "scans" not in transition.asks:
        return []
    office = office_service.get_office()
    checked = []
    for upload in request.files.getlist("scans"):
        if not upload or not upload.filename:
            continue
        data = upload.read()
        mime, problem = intake.check_upload(intake.Upload(upload.filename, data), office.max_upload_mb * 1024 * 1024)
        if problem:
            errors["scans"] = _(problem, mb=office.max_upload_mb) + f" ({upload.filename})"
            return []
        if mime:
            checked.append((upload.filename, data, mime))
    return [(name, storage.write_blob(data, current_app.config["DATA_DIR"]), len(data), mime)
            for name, data, mime in checked]


def validate_step(transition: transitions.Transition, form) -> tuple[transitions.EventInput | None, dict]:
    """The step form -> (event input, errors keyed by field)."""
    errors: dict[str, str] = {}
    files = _scans(transition, errors)
    times = {}
    for name in ("at", "appointment"):
        try:
            times[name] = _local_time(form.get(name, ""))
        except ValueError:
            times[name] = None
            errors[name] = FIELD_ERRORS["time"]
    details = {name: nfc(form.get(name, "")) for name in transition.asks if name != "scans"}
    if "items" in details:
        details["items"] = "\n".join(line.strip() for line in details["items"].splitlines() if line.strip())
    if "method" in details and details["method"] and details["method"] not in transitions.RETURN_METHODS:
        details["method"] = ""
    reason = nfc(form.get("reason", ""))
    values = {"reason": reason, "appointment": times["appointment"], **details}
    for name in transition.required + transition.page_requires:
        if not values.get(name) and name not in errors:
            errors[name] = FIELD_ERRORS[name]
    if errors:
        return None, errors
    return transitions.EventInput(transition.action, at=times["at"], reason=reason,
                                  appointment=times["appointment"], details=details, files=files), {}


@bp.get("/<code>/step/<action>")
@requires("dossier.view")
def step_form(code, action):
    dossier = dossier_or_404(code)
    transition = _transition(dossier, action)
    return render("processing/step.html", "processing/_panel.html",
                  p=panel_context(dossier, transition.action))


@bp.post("/<code>/step/<action>")
@requires("dossier.view")
def step(code, action):
    dossier = dossier_or_404(code)
    transition = _transition(dossier, action)
    data, errors = validate_step(transition, request.form)
    if data is not None:
        office = office_service.get_office()
        try:
            dossier, _state = transitions.perform(dossier.code, data, current_user, office_service.calendar(office),
                                                  office.max_extensions)
        except transitions.TransitionError as exc:
            errors = {"form": _(exc.message, **exc.params)}
    if errors:
        context = panel_context(dossier, transition.action, request.form, translated(errors))
        return render("processing/step.html", "processing/_panel.html", 422, p=context)
    message = _("Done: %(step)s.", step=_(transition.label))
    if wants_fragment():
        return render("processing/step.html", "processing/_panel.html", done=message,
                      p=panel_context(intake.find(dossier.code)))
    flash(message, "success")
    return redirect(url_for("intake.show", code=dossier.code) + "#processing")


@bp.get("/board")
@requires("dossier.view")
def board():
    unit_id, officer_id = id_arg("unit"), id_arg("officer")
    calendar, at = office_service.calendar(), now()
    lists = deadlines.board(calendar, at, unit_id, officer_id)
    return render("processing/board.html", "processing/_board.html", lists=lists,
                  counts=deadlines.counts(calendar, at, unit_id, officer_id),
                  units=list(Unit.select().order_by(Unit.name)),
                  officers=list(User.select().where(User.role.in_(("specialist", "leader", "intake", "admin")))
                                .order_by(User.full_name)),
                  unit_id=unit_id, officer_id=officer_id, at=at, statuses=intake.STATUSES,
                  titles=BOARD_TITLES, rules=deadlines.RULES,
                  reports=list(deadlines.delay_reports()) if accounts.can(current_user, "dossier.extend") else [])


BOARD_TITLES = {
    "overdue": N_("Overdue"), "due_today": N_("Due today"),
    "due_next_working_day": N_("Due by the end of the next working day"),
    "over_75_percent": N_("More than 75%% of the time used"),
}


FORM_NAMES = {2: N_("Supplement request (form 02)"), 3: N_("Refusal (form 03)"),
              4: N_("Apology and new appointment (form 04)"), 5: N_("Notice of stopped processing (form 05)"),
              6: N_("Process control slip (form 06)")}


def _pdf(data: bytes, filename: str, mimetype: str = "application/pdf") -> Response:
    return Response(data, mimetype=mimetype, headers={"Content-Disposition": f'inline; filename="{filename}"'})


@bp.get("/<code>/form/<int:number>.pdf")
@requires("dossier.view")
def form_pdf(code, number):
    dossier = dossier_or_404(code)
    office = office_service.get_office()
    try:
        if number == 6:
            data = forms.control_slip_pdf(dossier, office)
        elif number in forms.ACTION_OF_FORM:
            data = forms.notice_pdf(number, dossier, office)
        else:
            abort(404)
    except forms.FormUnavailable:
        abort(404)
    return _pdf(data, f"{dossier.code}-mau-{number:02d}.pdf")


def _register_range(args) -> tuple[dt.date | None, dt.date | None, str]:
    """(start, end, error) from ?from=YYYY-MM-DD&to=YYYY-MM-DD; today by default."""
    today = now().date()
    try:
        start = parse_day(args.get("from") or today.isoformat())
        end = parse_day(args.get("to") or start.isoformat())
    except ValueError:
        return None, None, _("Enter valid dates.")
    if end < start:
        return None, None, _("The end date must not be before the start date.")
    if (end - start).days >= register.MAX_DAYS:
        return None, None, _("Choose at most one year.")
    return start, end, ""


@bp.get("/register")
@requires("dossier.view")
def register_page():
    start, end, error = _register_range(request.args)
    return render("processing/register.html", "processing/register.html", 422 if error else 200,
                  start=start, end=end, error=error, form=request.args)


@bp.get("/register.<fmt>")
@requires("dossier.view")
def register_file(fmt):
    if fmt not in ("pdf", "xlsx"):
        abort(404)
    start, end, error = _register_range(request.args)
    if error:
        return render("processing/register.html", "processing/register.html", 422,
                      start=start, end=end, error=error, form=request.args)
    office = office_service.get_office()
    rows = register.rows(start, end, id_arg("unit"))
    name = f"so-theo-doi-ho-so-{start:%Y%m%d}-{end:%Y%m%d}.{fmt}"
    if fmt == "pdf":
        return _pdf(forms.register_pdf(office, start, end, rows), name)
    response = _pdf(forms.register_xlsx(office, start, end, rows), name,
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# --- Checklists ------------------------------------------------------------------------------

@bp.post("/<code>/check/<int:check_id>")
@requires("dossier.check")
def check(code, check_id):
    dossier = dossier_or_404(code)
    item = row_or_404(DossierCheck, check_id)
    if item.dossier_id != dossier.id:
        abort(404)
    if dossier.ended_at is not None:
        abort(409)
    item = checklists.tick(item, request.form.get("done") == "1", current_user)
    if wants_fragment():
        return render("processing/step.html", "processing/_check.html", c=item, dossier=dossier, can_check=True)
    return redirect(url_for("intake.show", code=dossier.code) + "#checklist")


@bp.get("/checklists")
@requires("checklist.edit")
def checklist_index():
    procedures = list(Procedure.select().order_by(Procedure.code))
    counts = dict(ChecklistItem.select(ChecklistItem.procedure, fn.COUNT(ChecklistItem.id))
                  .group_by(ChecklistItem.procedure).tuples())
    return render("processing/checklists.html", "processing/checklists.html", procedures=procedures,
                  counts=counts)


def _editor(procedure, rows, errors=None, status=200):
    blank = [checklists.Row("", "", 0, "", "") for _ in range(3)]
    return render("processing/checklist_edit.html", "processing/checklist_edit.html", status,
                  procedure=procedure, rows=[*rows, *blank], errors=translated(errors or {}),
                  roles=accounts.ROLES, role_names=ROLE_NAMES)


@bp.get("/checklists/<code>")
@requires("checklist.edit")
def checklist_edit(code):
    procedure = Procedure.get_or_none(Procedure.code == code) or abort(404)
    return _editor(procedure, [checklists.Row(i.step, i.role, i.hours, i.text, i.basis)
                               for i in checklists.template(procedure)])


@bp.post("/checklists/<code>")
@requires("checklist.edit")
def checklist_save(code):
    procedure = Procedure.get_or_none(Procedure.code == code) or abort(404)
    rows, errors = checklists.validate(request.form)
    if errors:
        return _editor(procedure, rows, errors, 422)
    checklists.save(procedure, rows, current_user.username)
    flash(_("Checklist saved. Dossiers already received keep the checklist they were received with."), "success")
    return redirect(url_for("processing.checklist_edit", code=procedure.code))


@bp.post("/<code>/assign")
@requires("dossier.assign")
def assign(code):
    dossier = dossier_or_404(code)
    officer_id = id_arg("officer", request.form)
    officer = User.get_or_none(User.id == officer_id) if officer_id else None
    try:
        dossier = transitions.assign(dossier.code, officer, current_user, note=request.form.get("note", ""))
        message, status = _("Handed over to %(name)s.", name=officer.full_name or officer.username), 200
    except transitions.TransitionError as exc:
        message, status = _(exc.message, **exc.params), 422
    if wants_fragment():
        context = panel_context(intake.find(dossier.code))
        return render("processing/step.html", "processing/_panel.html", status,
                      done=message if status == 200 else None, assign_error=message if status == 422 else None,
                      p=context)
    flash(message, "success" if status == 200 else "error")
    return redirect(url_for("intake.show", code=dossier.code) + "#processing")


# --- Petitions -------------------------------------------------------------------------------

def _petitions_page(status=200, errors=None, form=None):
    return render("processing/petitions.html", "processing/petitions.html", status,
                  waiting=list(petitions.waiting()), answered=list(petitions.answered()), at=now(),
                  errors=errors or {}, form=form or {})


@bp.get("/petitions")
@requires("petition.answer")
def petition_list():
    return _petitions_page()


@bp.post("/petitions/<int:petition_id>")
@requires("petition.answer")
def petition_answer(petition_id):
    row_or_404(Petition, petition_id)
    try:
        petitions.answer(petition_id, request.form.get("answer", ""), current_user)
    except petitions.PetitionError as exc:
        return _petitions_page(422, {petition_id: _(str(exc))}, {petition_id: request.form.get("answer", "")})
    flash(_("Answer saved."), "success")
    return redirect(url_for("processing.petition_list"))


@bp.post("/<code>/delay-report")
@requires("dossier.process")
def delay_report(code):
    dossier = dossier_or_404(code)
    try:
        deadlines.report_delay(dossier.code, request.form.get("cause", ""), request.form.get("remedy", ""),
                               current_user)
    except deadlines.DelayReportError as exc:
        return render("processing/step.html", "processing/_panel.html", 422, report_error=_(str(exc)),
                      report_form=request.form, p=panel_context(dossier))
    message = _("The delay report was sent to the leader.")
    if wants_fragment():
        return render("processing/step.html", "processing/_panel.html", done=message,
                      p=panel_context(intake.find(dossier.code)))
    flash(message, "success")
    return redirect(url_for("intake.show", code=dossier.code) + "#processing")
