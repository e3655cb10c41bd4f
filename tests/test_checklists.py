"""Checklists: the template copied into each dossier, ticks with and without htmx, the leader's editor."""
from __future__ import annotations

from models import AuditEvent, ChecklistItem, DossierCheck, Procedure
from services import checklists
from tests.conftest import Session
from tests.processing_helpers import receive, step, using


def _as(app, role):
    return Session(app.test_client(), role)


def test_each_dossier_keeps_the_checklist_it_was_received_with(ctx):
    first = receive(ctx, "1.004873", "2026-11-16 08:00")
    checks = list(DossierCheck.select().where(DossierCheck.dossier == first).order_by(DossierCheck.position))
    # 1.004873 has 2 components: two counter checks, then examine (2), sign, return
    assert [c.step for c in checks] == ["Tiếp nhận, kiểm tra hồ sơ"] * 2 + ["Thẩm định, xử lý"] * 2 + [
        "Trình ký", "Trả kết quả"]
    assert checks[0].text.startswith("Tờ khai cấp Giấy xác nhận tình trạng hôn nhân: có đủ")
    assert checks[2].basis == "Luật Hộ tịch 2014; Nghị định 123/2015/NĐ-CP"
    procedure = Procedure.get(Procedure.code == "1.004873")
    checklists.save(procedure, [checklists.Row("Kiểm tra", "intake", 2, "Một việc duy nhất")], "leader")
    assert DossierCheck.select().where(DossierCheck.dossier == first).count() == 6  # unchanged
    second = receive(ctx, "1.004873", "2026-11-16 09:00")
    assert [c.text for c in second.checks] == ["Một việc duy nhất"]


def test_ticking_with_and_without_htmx(app):
    with using(app):
        code = receive(app, "1.004873", "2026-11-23 08:00").code
        first, second = [c.id for c in DossierCheck.select().order_by(DossierCheck.position).limit(2)]
    s = _as(app, "intake")
    page = s.get(f"/intake/{code}").get_data(as_text=True)
    assert "Danh mục kiểm tra" in page and "đã xong 0/6" in page
    response = s.post(f"/processing/{code}/check/{first}", data={"done": "1"})
    assert response.status_code == 302 and response.headers["Location"].endswith("#checklist")
    fragment = s.post(f"/processing/{code}/check/{second}", data={"done": "1"}, headers={"HX-Request": "true"})
    body = fragment.get_data(as_text=True)
    assert fragment.status_code == 200
    assert f'id="check-{second}"' in body and "☑" in body and "<html" not in body
    assert len(fragment.data) < 2048  # a tick re-renders one line, not the page
    with using(app):
        done = [c.done_by.username for c in DossierCheck.select().where(DossierCheck.done_at.is_null(False))]
        assert done == ["intake", "intake"]
        assert AuditEvent.select().where(AuditEvent.action == "dossier.check").count() == 2
    s.post(f"/processing/{code}/check/{first}", data={"done": "0"})
    with using(app):
        assert DossierCheck.get_by_id(first).done_at is None
    assert _as(app, "inspector").post(f"/processing/{code}/check/{first}", data={"done": "1"}).status_code == 403
    assert s.post(f"/processing/{code}/check/999999", data={"done": "1"}).status_code == 404
    with using(app):
        step(code, "settle", "2026-11-23 09:00")
    assert s.post(f"/processing/{code}/check/{first}", data={"done": "1"}).status_code == 409


def test_leader_edits_a_checklist(app):
    leader = _as(app, "leader")
    index = leader.get("/processing/checklists").get_data(as_text=True)
    assert "2.000815" in index
    page = leader.get("/processing/checklists/2.000815").get_data(as_text=True)
    assert "Bản chính giấy tờ cần chứng thực" in page or "Tiếp nhận, kiểm tra hồ sơ" in page
    response = leader.post("/processing/checklists/2.000815", data={
        "step_0": "Kiểm tra bản chính", "role_0": "intake", "hours_0": "1", "text_0": "Bản chính không bị tẩy xóa",
        "basis_0": "Điều 22 Nghị định 23/2015/NĐ-CP",
        "step_1": "", "role_1": "intake", "hours_1": "x", "text_1": "Không thuộc danh mục mật"})
    assert response.status_code == 422 and "từ 0 đến 2000" in response.get_data(as_text=True)
    assert "Bản chính không bị tẩy xóa" in response.get_data(as_text=True)
    response = leader.post("/processing/checklists/2.000815", data={
        "step_0": "Kiểm tra bản chính", "role_0": "intake", "hours_0": "1", "text_0": "Bản chính không bị tẩy xóa",
        "basis_0": "Điều 22 Nghị định 23/2015/NĐ-CP",
        "step_1": "", "role_1": "intake", "hours_1": "0", "text_1": "Không thuộc danh mục mật",
        "step_2": "Bỏ", "text_2": ""})
    assert response.status_code == 302
    with using(app):
        items = list(ChecklistItem.select().join(Procedure).where(Procedure.code == "2.000815")
                     .order_by(ChecklistItem.position))
        assert [(i.step, i.text) for i in items] == [("Kiểm tra bản chính", "Bản chính không bị tẩy xóa"),
                                                      ("Kiểm tra bản chính", "Không thuộc danh mục mật")]
    assert _as(app, "specialist").get("/processing/checklists/2.000815").status_code == 403
    assert leader.post("/processing/checklists/2.000815", data={"text_0": ""}).status_code == 422


def test_init_db_seeds_a_checklist_for_every_procedure(runner, ctx):
    result = runner.invoke(args=["init-db"])
    assert "checklists seeded: 15" in result.output
    assert "checklists seeded: 0" in runner.invoke(args=["init-db"]).output


def test_a_check_id_past_the_database_integers_is_not_found(app):
    with using(app):
        code = receive(app, "1.004873", "2026-11-23 08:00").code
    assert _as(app, "intake").post(f"/processing/{code}/check/{2 ** 63}", data={"done": "1"}).status_code == 404
