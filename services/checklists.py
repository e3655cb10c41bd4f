"""Checklists: a template of steps and checks per procedure, copied into each dossier when it is received.

Leaders edit a procedure's template; a running dossier keeps the copy it was received with.
"""
from __future__ import annotations

from dataclasses import dataclass

from models import ChecklistItem, Dossier, DossierCheck, Procedure, now
from services import accounts, audit
from services.database import write_transaction
from services.text import N_, nfc

MAX_ITEMS = 60
BASIS_BY_FIELD = {
    "Hộ tịch": "Luật Hộ tịch 2014; Nghị định 123/2015/NĐ-CP",
    "Chứng thực": "Nghị định 23/2015/NĐ-CP; Thông tư 01/2020/TT-BTP",
    "Đăng ký, quản lý cư trú": "Luật Cư trú 2020; Nghị định 62/2021/NĐ-CP",
    "Bảo trợ xã hội": "Luật Người khuyết tật 2010; Nghị định 28/2012/NĐ-CP",
}


@dataclass
class Row:
    step: str
    role: str
    hours: int
    text: str
    basis: str = ""


class ChecklistError(ValueError):
    pass


def default_rows(procedure: Procedure) -> list[Row]:
    """The seed template of a procedure: receive and check each paper, examine, sign, return."""
    version = procedure.versions.order_by(procedure.versions.model.version.desc()).first()
    basis = BASIS_BY_FIELD.get(procedure.field, "")
    rows = [Row("Tiếp nhận, kiểm tra hồ sơ", "intake", 0,
                f"{c.name}: có đủ, đúng mẫu, thông tin khớp với giấy tờ tùy thân", basis)
            for c in (version.components.order_by(version.components.model.position) if version else [])]
    rows += [Row("Thẩm định, xử lý", "specialist", 0, "Đối chiếu điều kiện giải quyết theo quy định", basis),
             Row("Thẩm định, xử lý", "specialist", 0, "Dự thảo kết quả giải quyết", basis),
             Row("Trình ký", "leader", 0,
                 f"{version.result_name if version and version.result_name else 'Kết quả'}: "
                 "đúng thông tin người yêu cầu, đủ chữ ký và dấu", basis),
             Row("Trả kết quả", "intake", 0, "Thu phí, lệ phí (nếu có) và trả kết quả cho người nộp", "")]
    return rows


def template(procedure: Procedure) -> list[ChecklistItem]:
    """The procedure's template, seeded with the default when it has none yet."""
    items = list(procedure.checklist.order_by(ChecklistItem.position))
    if items:
        return items
    with write_transaction():
        if not procedure.checklist.exists():
            for position, row in enumerate(default_rows(procedure), 1):
                ChecklistItem.create(procedure=procedure, position=position, **row.__dict__)
    return list(procedure.checklist.order_by(ChecklistItem.position))


def seed_all() -> int:
    """Give every procedure without a checklist the default one. Returns how many were seeded."""
    seeded = 0
    for procedure in Procedure.select().where(~Procedure.id.in_(ChecklistItem.select(ChecklistItem.procedure))):
        template(procedure)
        seeded += 1
    return seeded


def copy_to(dossier: Dossier) -> None:
    """Copy the procedure's template into the dossier (inside the caller's transaction)."""
    procedure = dossier.version.procedure
    items = list(procedure.checklist.order_by(ChecklistItem.position))
    if not items:
        for position, row in enumerate(default_rows(procedure), 1):
            items.append(ChecklistItem.create(procedure=procedure, position=position, **row.__dict__))
    DossierCheck.insert_many([
        {"dossier": dossier.id, "position": i.position, "step": i.step, "role": i.role, "hours": i.hours,
         "text": i.text, "basis": i.basis} for i in items]).execute()


def validate(form) -> tuple[list[Row], dict]:
    """The editor's rows (step_N, role_N, hours_N, text_N, basis_N); a row without text is removed."""
    rows, errors = [], {}
    indexes = sorted({int(k.split("_", 1)[1]) for k in form if k.startswith("text_") and k[5:].isdigit()})
    step = ""
    for n in indexes:
        text = nfc(form.get(f"text_{n}"))
        if not text:
            continue
        step = nfc(form.get(f"step_{n}")) or step
        role = form.get(f"role_{n}", "")
        hours_text = (form.get(f"hours_{n}") or "0").strip()
        at = len(rows)  # errors are keyed by the row's place in the returned list
        if not step:
            errors[f"step_{at}"] = N_("Name the step of this check.")
        if role and role not in accounts.ROLES:
            errors[f"role_{at}"] = N_("Choose a role.")
            role = ""
        if not hours_text.isdigit() or int(hours_text) > 2000:
            errors[f"hours_{at}"] = N_("Write the hours as a number from 0 to 2000.")
        rows.append(Row(step[:200], role, int(hours_text) if hours_text.isdigit() else 0, text[:1000],
                        nfc(form.get(f"basis_{n}"))[:250]))
    if not rows:
        errors["form"] = N_("A checklist needs at least one check.")
    if len(rows) > MAX_ITEMS:
        errors["form"] = N_("A checklist has at most 60 checks.")
    return rows, errors


def save(procedure: Procedure, rows: list[Row], actor: str) -> None:
    """Replace the procedure's template; dossiers already received keep their copy."""
    with write_transaction():
        before = [i.text for i in procedure.checklist.order_by(ChecklistItem.position)]
        ChecklistItem.delete().where(ChecklistItem.procedure == procedure).execute()
        for position, row in enumerate(rows, 1):
            ChecklistItem.create(procedure=procedure, position=position, **row.__dict__)
        audit.record(actor, "checklist.save", "procedure", procedure.code, {"items": before},
                     {"items": [r.text for r in rows]})


def tick(check: DossierCheck, done: bool, user) -> DossierCheck:
    """Mark one check of a dossier done (or not), with its audit event."""
    with write_transaction():
        check = DossierCheck.get_by_id(check.id)
        if (check.done_at is not None) == done:
            return check
        check.done_at, check.done_by = (now(), user) if done else (None, None)
        check.save()
        audit.record(user.username, "dossier.check" if done else "dossier.uncheck", "dossier",
                     check.dossier.code, None, {"check": check.position, "text": check.text})
    return check
