"""Every list query the pages can make is answered from an index, never by scanning the dossiers.

The plans are read with EXPLAIN QUERY PLAN on a generated history (tests/generate.py), for every
combination of the list's filters, with and without each kind of search, on the first page and on a
later one, for the page, its totals and its export, and for today's list.
"""
from __future__ import annotations

import datetime as dt
import itertools
import re

import pytest

from app import create_app
from models import Dossier, User, db, now
from services import dossiers, intake
from services.dossiers import Filters
from tests.generate import generate

SEARCHES = ["", "nguyen", "khue", "nguyen thi", "0912345678"]


@pytest.fixture(scope="module")
def history(tmp_path_factory):
    folder = tmp_path_factory.mktemp("history")
    path = folder / "history.db"
    generate(path, 3000, seed=7)
    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{path}", "DATA_DIR": str(folder / "data"),
                      "SECRET_KEY": "test"})
    with app.app_context():
        db.connect(reuse_if_open=True)
        yield app
        db.close()


def _scans(query) -> list[str]:
    """Plan lines that read the dossier or token table without an index."""
    sql, params = query.sql()
    aliases = {"dossier", "dossier_token"} | set(re.findall(r'"(?:dossier|dossier_token)" AS "(\w+)"', sql))
    plan = [row[-1] for row in db.execute_sql("EXPLAIN QUERY PLAN " + sql, params).fetchall()]
    return [line for line in plan
            if (m := re.fullmatch(r"SCAN (\w+)(.*)", line)) and m.group(1) in aliases and "USING" not in m.group(2)]


def _plan(query) -> list[str]:
    sql, params = query.sql()
    return [row[-1] for row in db.execute_sql("EXPLAIN QUERY PLAN " + sql, params).fetchall()]


def _all_filters():
    officer = User.select(User.id).where(User.role == "intake").scalar()
    middle = Dossier.select(Dossier.id).order_by(Dossier.id).offset(1500).scalar()
    switches = {
        "date_from": dt.date.today() - dt.timedelta(days=400), "date_to": dt.date.today() - dt.timedelta(days=30),
        "status": 10, "procedure": "2.000815", "channel": 1, "officer": officer, "overdue": True,
    }
    for picked in itertools.product((False, True), repeat=len(switches)):
        chosen = {k: v for (k, v), on in zip(switches.items(), picked, strict=True) if on}
        for q in SEARCHES:
            yield Filters(q=q, **chosen), middle


@pytest.mark.parametrize("drive", ["as chosen", "rows checked one by one"])
def test_no_list_query_scans_the_dossiers(history, monkeypatch, drive):
    if drive != "as chosen":
        monkeypatch.setattr(dossiers, "COUNT_CAP", 1)  # every word counts as common
    at = now()
    checked, bad = 0, []
    for f, middle in _all_filters():
        later = Filters(**{**f.__dict__, "before": middle})
        for name, query in (("page", dossiers.listing(f, at)), ("later page", dossiers.listing(later, at)),
                            ("totals", dossiers.totals_query(f, at, dossiers.TOTALS_MAX)),
                            ("export", dossiers.export_query(f, at))):
            if scans := _scans(query):
                bad.append((name, f.args(), scans))
            checked += 1
    assert checked == 2 ** 7 * len(SEARCHES) * 4
    assert not bad, bad[:5]


@pytest.mark.parametrize("f", [Filters(), Filters(status=9), Filters(channel=2), Filters(officer=7),
                               Filters(procedure="2.000815"), Filters(date_from=dt.date(2025, 1, 1)),
                               Filters(before=100), Filters(status=10, date_to=dt.date(2025, 6, 30))],
                         ids=lambda f: str(f.args()) or "none")
def test_one_filter_pages_come_in_index_order(history, f):
    """No sort of the matching rows before the first 50 are returned: the index gives the order."""
    plan = _plan(dossiers.listing(f, now()))
    assert not any("TEMP B-TREE" in line for line in plan), plan


def test_today_list_is_read_in_index_order(history):
    query = dossiers.after(intake.received_on(now().date()), 5).limit(51)
    plan = _plan(query)
    assert not any("TEMP B-TREE" in line for line in plan) and not _scans(query), plan


def test_a_common_word_is_checked_along_the_list_a_rare_one_is_looked_up(history):
    common = " ".join(_plan(dossiers.listing(Filters(q="nguyen"), now())))
    rare = " ".join(_plan(dossiers.listing(Filters(q="0912345678"), now())))
    assert "CORRELATED" in common and "LIST SUBQUERY" not in common
    assert "LIST SUBQUERY" in rare and "(token=?)" in rare


def test_the_generated_history_looks_like_an_office(history):
    from models import DailySequence, DossierToken
    from services.calendar import WorkCalendar

    rows = list(Dossier.select(Dossier.code, Dossier.received_at, Dossier.status, Dossier.channel,
                               Dossier.received_by, Dossier.id_number, Dossier.phone).tuples())
    assert len(rows) == 3000 and len({r[0] for r in rows}) == 3000
    days = {r[1].date() for r in rows}
    today = now().date()  # in Vietnam
    assert min(days) >= today - dt.timedelta(days=3 * 366) and max(days) < today
    assert max(days) - min(days) > dt.timedelta(days=2 * 365)  # spread over the three years
    calendar = WorkCalendar()
    assert all(calendar.is_working_day(day) for day in days)
    assert all(dt.time(7, 30) <= r[1].time() <= dt.time(17, 0) for r in rows)
    assert all(len(r[5]) == 12 and r[5].isdigit() and len(r[6]) == 10 and r[6][0] == "0" for r in rows)
    assert all((r[3] == 1) == (r[4] is not None) for r in rows)  # an officer receives at the counter
    ended = sum(r[2] in (3, 7, 8, 9, 10) for r in rows)
    assert 0.8 * len(rows) < ended < len(rows)  # most of three years is done, not all of it
    assert DailySequence.select().count() == len(days)
    last = DailySequence.select().order_by(DailySequence.day.desc()).get()
    assert last.last == sum(r[1].date() == last.day for r in rows)
    assert DossierToken.select().count() > 6 * len(rows)
