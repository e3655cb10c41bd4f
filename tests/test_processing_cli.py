"""The contract of `dossier-event` and the API's history, as other tools call them."""
from __future__ import annotations

import datetime as dt
import json

from models import AuditEvent, Dossier, StatusEvent, now
from tests.processing_helpers import at, receive


def _event(runner, *args):
    return runner.invoke(args=["dossier-event", *args])


def test_paper_events_entered_later(ctx, runner):
    d = receive(ctx, "1.004873", "2026-08-27 09:00")
    result = _event(runner, d.code, "start", "--by", "specialist", "--at", "2026-08-27T10:00:00+07:00")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {"code": d.code, "status": 4, "appointment": "2026-09-04T09:00:00+07:00",
                                         "paused_minutes": 0, "late": False}
    _event(runner, d.code, "request-supplement", "--by", "specialist", "--at", "2026-08-28T15:00",
           "--reason", "Thiếu giấy khai sinh")
    result = _event(runner, d.code.lower(), "receive-supplement", "--by", "intake", "--at", "2026-09-03T09:00:00+07:00")
    assert json.loads(result.output) == {"code": d.code, "status": 4, "appointment": "2026-09-04T14:30:00+07:00",
                                         "paused_minutes": 210, "late": False}
    audit = AuditEvent.select().order_by(AuditEvent.id.desc()).first()
    assert audit.after["at"] == "2026-09-03T09:00:00+07:00"
    assert abs((audit.at - now()).total_seconds()) < 60  # entered now
    event = StatusEvent.select().order_by(StatusEvent.id.desc()).first()
    assert event.at == at("2026-09-03 09:00") and event.entered_at == audit.at


def test_extension_from_the_command_line(ctx, runner):
    d = receive(ctx, "1.004873", "2026-11-16 08:00")
    result = _event(runner, d.code, "extend", "--by", "leader", "--at", "2026-11-17T10:00:00+07:00",
                    "--reason", "Chờ xác minh", "--appointment", "2026-11-23T16:00:00+07:00")
    assert json.loads(result.output) == {"code": d.code, "status": 2, "appointment": "2026-11-23T16:00:00+07:00",
                                         "paused_minutes": 0, "late": True}


def _refused(runner, d, *args, message):
    before = (StatusEvent.select().count(), AuditEvent.select().count())
    result = _event(runner, d.code, *args)
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert (StatusEvent.select().count(), AuditEvent.select().count()) == before
    assert Dossier.get_by_id(d.id).status == d.status


def test_refusals_exit_2_in_vietnamese_and_change_nothing(ctx, runner):
    d = receive(ctx, "1.004873", "2026-11-16 08:00")
    _refused(runner, d, "settle", "--by", "intake", message="Vai trò của bạn không được")
    _refused(runner, d, "start", "--by", "nobody", message="Không tìm thấy người dùng")
    _refused(runner, d, "return", "--by", "admin", message="không thực hiện được")
    _refused(runner, d, "stop", "--by", "admin", message="Vui lòng ghi lý do")
    _refused(runner, d, "start", "--by", "admin", "--at", "2026-11-16T07:59:00+07:00",
             message="trước bước cuối cùng")
    future = (now() + dt.timedelta(hours=1)).isoformat()
    _refused(runner, d, "start", "--by", "admin", "--at", future, message="tương lai")
    _refused(runner, d, "start", "--by", "admin", "--at", "hôm qua", message="ISO 8601")
    result = _event(runner, "000.00.01.H26-000000-9999", "start", "--by", "admin")
    assert result.exit_code == 2 and "Không có hồ sơ" in result.output


def test_api_status_adds_appointment_history_and_late(ctx, client, runner):
    d = receive(ctx, "2.001035", "2026-11-20 10:00", channel=2, user=None)
    body = client.get(f"/api/v1/dossiers/{d.code}").get_json()
    assert body["appointment"] is None and "late" not in body
    assert body["history"] == [{"status": 1, "at": "2026-11-20T10:00:00+07:00"}]
    _event(runner, d.code, "accept", "--by", "intake", "--at", "2026-11-20T16:00:00+07:00")
    _event(runner, d.code, "settle", "--by", "specialist", "--at", "2026-11-23T09:00:00+07:00")
    body = client.get(f"/api/v1/dossiers/{d.code}").get_json()
    assert body["appointment"] == "2026-11-25T16:00:00+07:00" and body["late"] is False
    assert body["history"] == [{"status": 1, "at": "2026-11-20T10:00:00+07:00"},
                               {"status": 2, "at": "2026-11-20T16:00:00+07:00"},
                               {"status": 9, "at": "2026-11-23T09:00:00+07:00"}]
    assert "specialist" not in json.dumps(body) and "intake" not in json.dumps(body)
