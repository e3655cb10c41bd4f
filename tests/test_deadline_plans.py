"""The deadline board (with and without its filters), `deadline-check` and the navigation bar's counts
are answered from indexes: EXPLAIN QUERY PLAN of every query they make, on a generated history."""
from __future__ import annotations

import pytest

from app import create_app
from models import User, db
from tests.bench import login
from tests.bench_processing import Queries, dossier_scans
from tests.generate import generate


@pytest.fixture(scope="module")
def history(tmp_path_factory):
    folder = tmp_path_factory.mktemp("history")
    path = folder / "history.db"
    generate(path, 3000, seed=11)
    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{path}", "DATA_DIR": str(folder / "data"),
                      "SECRET_KEY": "test"})
    yield app
    if not db.is_closed():
        db.close()


def test_board_and_deadline_check_never_scan_the_dossier_table(history):
    with history.app_context():
        db.connect(reuse_if_open=True)
        officer = User.get(User.username == "motcua").id
        db.close()
    client = login(history, "lanhdao")  # a leader also sees the delay reports
    with Queries() as seen:
        for url in ("/processing/board", f"/processing/board?officer={officer}", "/processing/board?unit=1"):
            assert client.get(url).status_code == 200, url
        result = history.test_cli_runner().invoke(args=["deadline-check", "--json"])
        assert result.exit_code == 0, result.output
    with history.app_context():
        db.connect(reuse_if_open=True)
        checked, scans = dossier_scans(seen.seen)
        db.close()
    assert checked >= 3 * (4 + 2) + 4 and scans == []  # per board: four lists, its counts, the bar's


def test_the_navigation_counts_read_one_index_only(history):
    from blueprints.processing import NAV_KINDS
    from models import now
    from services import deadlines, office

    with history.app_context():
        db.connect(reuse_if_open=True)
        with Queries() as seen:
            deadlines.counts(office.calendar(), now(), kinds=NAV_KINDS)
        (sql, params), = [q for q in seen.seen if '"dossier"' in q[0]]
        plan = [row[-1] for row in db.execute_sql("EXPLAIN QUERY PLAN " + sql, params)]
        db.close()
    searches = [line for line in plan if "t1" in line or "dossier" in line]
    assert len(searches) == 3 and all("COVERING INDEX dossier_status_appointment_at" in s for s in searches), plan
