"""`make bench` (processing): the dossier page and a checklist tick against a bare route, fragment sizes,
the deadline board and `deadline-check` over 10,000 open dossiers in a database of a million.

    python -m tests.bench_processing [--dossiers 1000000] [--open 10000]

The history is the list bench's (``tests.bench.history``: ``dossiers-N-<generator>.db`` in
``instance/bench/``, a few minutes of one core for a million, generated once for both benches) and,
made from it, the history prepared for this bench (``processing-M-dossiers-N-<generator>-<version>.db``): exactly M running dossiers
(the older ones closed; when the history has fewer, the newest ended ones reopened), given their
first status event as migration 0006 gave older dossiers and their 75% moment by `init-db`'s own
fill, one of them received through the intake service (events, checklist): the page that is timed.
Each run works on a copy, so the cache never changes; migrations added later are applied to the copy.
Every query the board and `deadline-check` make is read with EXPLAIN QUERY PLAN: any scan of the
dossier table fails the run. Exits 1 when a budget is exceeded.
"""
from __future__ import annotations

import argparse
import gzip
import json
import logging
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

from tests.bench import BROWSER, CACHE, alternated_ms, bare_client, history, login, median_ms

BUDGET_FRAGMENT_KB = 4
BUDGET_DEADLINE_MS = 1000
PREPARED = 3  # bump when _prepare changes



def _app(path: Path):
    from app import create_app

    return create_app({"DATABASE_URL": f"sqlite:///{path}", "DATA_DIR": str(path.parent / "data"),
                       "SECRET_KEY": "bench"})



def _prepare(path: Path, open_count: int) -> str:
    """Leave ``open_count`` running dossiers (closing the older ones, or reopening the newest ended ones),
    give those their first event and their 75% moment, receive one dossier through the service.
    Returns that dossier's code."""
    from models import Dossier, User, db, now
    from services import checklists, demo, history, intake
    from services import office as office_service
    from services.database import apply_migrations

    app = _app(path)
    with app.app_context():
        db.connect(reuse_if_open=True)
        apply_migrations()
        checklists.seed_all()
        running = Dossier.status.in_(history.OPEN_STATUSES)
        open_count -= 1  # the dossier received below is open too
        with db.atomic():
            newest = (Dossier.select(Dossier.id).where(running).order_by(Dossier.id.desc())
                      .offset(open_count - 1).limit(1).scalar())
            if newest is not None:  # more open than wanted: close the older ones
                changed = (Dossier.update(status=10, end_kind="settled", late=False, ended_at=Dossier.appointment_at)
                           .where(running & (Dossier.id < newest)).execute())
            else:  # fewer: resume the newest paused ones, then reopen the newest ended ones
                missing = open_count - Dossier.select().where(running).count()
                reopened = (Dossier.select(Dossier.id).where(Dossier.status.in_((5, 9, 10)))
                            .order_by(Dossier.status != 5, Dossier.id.desc()).limit(missing))
                changed = (Dossier.update(status=4, end_kind="", late=None, ended_at=None)
                           .where(Dossier.id.in_([d.id for d in reopened])).execute())
            db.execute_sql(  # the first event, as migration 0006 wrote it for dossiers older than itself
                "INSERT INTO status_event (dossier_id, action, status, at, entered_at, actor, note, appointment_at,"
                " paused_minutes) SELECT id, 'receive', status, received_at, created_at, 'migration', '',"
                " appointment_at, 0 FROM dossier WHERE status IN (2, 4, 6)")
        started = time.perf_counter()
        filled = history.fill_warn_at(office_service.calendar())
        print(f"  {changed:,} dossiers closed or reopened to leave {open_count:,} open (+1 below); init-db's fill gave "
              f"{filled:,} of them their 75% moment in {time.perf_counter() - started:.1f} s", flush=True)
        code, applicant, originals = demo.DEMO_DOSSIERS[0]
        _, version = intake.procedure_for(code, now().date())
        first = version.components.order_by(version.components.model.position).first()
        components = [intake.ReceivedComponent(name, 1, copies, first.id, intake.Upload(f"{n}.pdf", demo.SAMPLE_SCAN),
                                               "application/pdf", pages=pages)
                      for n, (name, pages, copies) in enumerate(originals, 1)]
        data = intake.IntakeData(version=version, channel=1, received_at=now(), email="",
                                 components=components, **applicant)
        office = office_service.get_office()
        dossier = intake.receive(data, office_service.calendar(office), office.agency_id, str(path.parent / "data"),
                                 "bench", user=User.get(User.username == "motcua"))
        db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        db.close()
    return dossier.code


def prepared(count: int, open_count: int) -> tuple[Path, str]:
    """The cached prepared history and the code of its timed dossier."""
    raw = history(count)  # the same generated history as the list bench, made once for both
    path = CACHE / f"processing-{open_count}-{raw.stem}-{PREPARED}.db"
    code_file = path.with_suffix(".code")
    if not path.exists() or not code_file.exists():
        for old in CACHE.glob(f"processing-{open_count}-dossiers-{count}-*"):
            old.unlink()
        print(f"preparing {path.name} from {raw.name} …", flush=True)
        tmp = path.with_suffix(".tmp")
        shutil.copyfile(raw, tmp)
        code_file.write_text(_prepare(tmp, open_count))
        tmp.rename(path)
    return path, code_file.read_text().strip()


class Queries(logging.Handler):
    """Collects the SQL peewee runs (its debug log) while switched on."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.seen: list[tuple[str, tuple]] = []

    def emit(self, record):
        if isinstance(record.msg, tuple) and len(record.msg) == 2:
            self.seen.append(record.msg)

    def __enter__(self):
        self.seen = []
        logger = logging.getLogger("peewee")
        logger.addHandler(self)
        self.level_before = logger.level
        logger.setLevel(logging.DEBUG)
        return self

    def __exit__(self, *exc):
        logger = logging.getLogger("peewee")
        logger.removeHandler(self)
        logger.setLevel(self.level_before)


def dossier_scans(queries: list[tuple[str, tuple]]) -> tuple[int, list[str]]:
    """(queries reading the dossier table, plan lines that scan it), for SELECTs and INSERT … SELECTs.
    A scan of an index counts too."""
    from models import db

    checked, scans = 0, []
    for sql, params in queries:
        if not sql.lstrip().upper().startswith(("SELECT", "INSERT")) or '"dossier"' not in sql:
            continue
        checked += 1
        aliases = {"dossier"} | set(re.findall(r'"dossier" AS "(\w+)"', sql))
        for row in db.execute_sql("EXPLAIN QUERY PLAN " + sql, params).fetchall():
            line = row[-1]
            if (m := re.match(r"SCAN (\w+)", line)) and m.group(1) in aliases:
                scans.append(f"{line}  <-  {sql[:160]}")
    return checked, scans


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=1_000_000)
    parser.add_argument("--open", type=int, default=10_000)
    args = parser.parse_args()

    from blueprints.processing import NAV_KINDS
    from models import Dossier, DossierCheck, db, now
    from services import deadlines
    from services import office as office_service
    from services.history import OPEN_STATUSES
    from tests.conftest import csrf_from

    source, code = prepared(args.dossiers, args.open)
    tmp = Path(tempfile.mkdtemp(prefix="bench-processing-"))
    failures: list[str] = []
    try:
        started = time.perf_counter()
        path = tmp / "b.db"
        shutil.copyfile(source, path)
        (tmp / "data").symlink_to(source.parent / "data")
        app = _app(path)
        with app.app_context():
            db.connect(reuse_if_open=True)
            from services.database import apply_migrations

            apply_migrations()
            total = Dossier.select().count()
            running = Dossier.select().where(Dossier.status.in_(OPEN_STATUSES)).count()
            db.close()
        print(f"{total:,} dossiers, {running:,} open (accepted, processing, fee requested); copied and opened "
              f"in {time.perf_counter() - started:.0f} s", flush=True)

        runner = app.test_cli_runner()
        result = runner.invoke(args=["deadline-check", "--json"])
        assert result.exit_code == 0, result.output
        found = json.loads(result.output)
        check_ms = median_ms(lambda: runner.invoke(args=["deadline-check", "--json"]), 5)
        with app.app_context():
            db.connect(reuse_if_open=True)
            calendar = office_service.calendar()
            count_ms = median_ms(lambda: deadlines.counts(calendar, now()), 20)
            nav_ms = median_ms(lambda: deadlines.counts(calendar, now(), kinds=NAV_KINDS), 20)
            db.close()
        print(f"deadline-check --json over {running:,} open in {total:,}: {check_ms:.0f} ms median of 5 "
              f"({', '.join(f'{k} {len(v):,}' for k, v in found.items())}); budget {BUDGET_DEADLINE_MS} ms; "
              f"counts of the four lists {count_ms:.1f} ms, of the navigation bar's three {nav_ms:.1f} ms", flush=True)
        if check_ms > BUDGET_DEADLINE_MS:
            failures.append("deadline-check time")

        client = login(app, "chuyenvien")
        leader = login(app, "lanhdao")  # the board with its delay reports
        bare = bare_client()
        for who, url in ((client, f"/intake/{code}"), (leader, "/processing/board")):
            response = who.get(url, headers=BROWSER)
            if response.status_code != 200:
                print(f"{url} answered {response.status_code}")
                return 1
        with Queries() as board_queries:
            leader.get("/processing/board")
        with Queries() as check_queries:
            runner.invoke(args=["deadline-check", "--json"])
        with app.app_context():
            db.connect(reuse_if_open=True)
            checked, scans = dossier_scans(board_queries.seen + check_queries.seen)
            check_id = (DossierCheck.select(DossierCheck.id).join(Dossier).where(Dossier.code == code)
                        .order_by(DossierCheck.position).first().id)
            db.close()
        print(f"query plans: {checked} queries on the dossier table by the board and deadline-check, "
              f"{len(scans)} scanning it" + "".join(f"\n  {s}" for s in scans))
        if scans:
            failures.append("a board or deadline-check query scans the dossier table")

        page_ms, page_bare = alternated_ms(lambda: client.get(f"/intake/{code}", headers=BROWSER), bare, 50)
        board_ms, board_bare = alternated_ms(lambda: leader.get("/processing/board", headers=BROWSER), bare, 10)
        html = client.get(f"/intake/{code}").data
        sent = len(client.get(f"/intake/{code}", headers=BROWSER).data)
        print(f"dossier page: {page_ms:.1f} ms median of 50, bare route {page_bare:.2f} ms (alternated), "
              f"{page_ms / page_bare:.0f}× the bare route; {len(html) / 1024:.1f} KB, "
              f"{len(gzip.compress(html)) / 1024:.1f} KB gzipped, {sent / 1024:.1f} KB as sent")
        print(f"deadline board: {board_ms:.0f} ms median of 10 (bare {board_bare:.2f} ms)")

        hx = {**BROWSER, "HX-Request": "true", "X-CSRFToken": csrf_from(html.decode())}
        states = iter(["1", "0"] * 100)
        tick_ms, tick_bare = alternated_ms(
            lambda: client.post(f"/processing/{code}/check/{check_id}", data={"done": next(states)}, headers=hx),
            bare, 20)
        plain = {k: v for k, v in hx.items() if k != "Accept-Encoding"}
        tick = client.post(f"/processing/{code}/check/{check_id}", data={"done": "1"}, headers=plain).data
        tick_sent = len(client.post(f"/processing/{code}/check/{check_id}", data={"done": "0"}, headers=hx).data)
        panel = client.post(f"/processing/{code}/step/start", headers=plain)
        assert panel.status_code == 200, panel.status_code
        print(f"checklist tick: {tick_ms:.1f} ms median of 20 (bare {tick_bare:.2f} ms); fragment {len(tick)} B raw, "
              f"{len(gzip.compress(tick))} B gzipped, {tick_sent} B as sent")
        print(f"step panel after 'start processing': {len(panel.data) / 1024:.1f} KB raw, "
              f"{len(gzip.compress(panel.data)) / 1024:.1f} KB gzipped; budget {BUDGET_FRAGMENT_KB} KB")
        if max(len(gzip.compress(tick)), len(gzip.compress(panel.data))) > BUDGET_FRAGMENT_KB * 1024:
            failures.append("fragment size")
        if b"<html" in tick or b"<html" in panel.data:
            failures.append("a fragment re-renders the whole page")
    finally:
        if not db.is_closed():
            db.close()
        shutil.rmtree(tmp, ignore_errors=True)
    print("budgets:", "all met" if not failures else "EXCEEDED: " + ", ".join(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
