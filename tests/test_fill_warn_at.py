"""Open dossiers received before processing existed get their 75% moment from `init-db`.

Times worked out by hand (as in test_deadlines): 1.004222, 7 working days, received Mon 9 Nov 2026
08:00 -> appointment Wed 18 Nov 08:00; 75% of the 3150 allotted working minutes (2362) is reached
Mon 16 Nov 09:52. Paused Mon 9 08:00-13:30 (210 minutes): 09:52 + 210 working minutes -> 15:22.
"""
from __future__ import annotations

from models import Dossier
from services import deadlines, history, office
from tests.processing_helpers import at, receive, step


def _forget_warn_at(*codes):
    Dossier.update(warn_at=None).where(Dossier.code.in_(codes)).execute()


def test_init_db_fills_the_75_percent_moment_of_open_dossiers_only(ctx, runner):
    a = receive(ctx, "1.004222", "2026-11-09 08:00")
    b = receive(ctx, "1.004222", "2026-11-09 08:00")
    step(b.code, "request-supplement", "2026-11-09 08:00", reason="Thiếu")
    step(b.code, "receive-supplement", "2026-11-09 13:30")
    done = receive(ctx, "1.004222", "2026-11-09 08:00")
    step(done.code, "settle", "2026-11-10 08:00")
    _forget_warn_at(a.code, b.code, done.code)
    assert deadlines.codes(office.calendar(), at("2026-11-16 15:23"))["over_75_percent"] == []

    first = runner.invoke(args=["init-db"])
    assert first.exit_code == 0, first.output
    assert "75% moments filled: 2" in first.output
    warn = {d.code: d.warn_at for d in Dossier.select()}
    assert (warn[a.code], warn[b.code], warn[done.code]) == (at("2026-11-16 09:52"), at("2026-11-16 15:22"), None)
    lists = deadlines.codes(office.calendar(), at("2026-11-16 15:23"))
    assert lists["over_75_percent"] == [a.code, b.code]
    second = runner.invoke(args=["init-db"])
    assert second.exit_code == 0 and "75% moments" not in second.output


def test_fill_works_in_batches_and_skips_dossiers_without_an_appointment(ctx):
    made = [receive(ctx, "1.004222", "2026-11-09 08:00") for _ in range(5)]
    online = receive(ctx, "1.004222", "2026-11-09 08:00", channel=2, user=None)  # not accepted: no clock
    _forget_warn_at(*[d.code for d in made], online.code)
    assert history.fill_warn_at(office.calendar(), batch=2) == 5
    assert {d.warn_at for d in Dossier.select().where(Dossier.code.in_([d.code for d in made]))} == {
        at("2026-11-16 09:52")}
    assert Dossier.get(Dossier.code == online.code).warn_at is None
    assert history.fill_warn_at(office.calendar(), batch=2) == 0
