"""`make bench` (processing): the dossier page and a checklist tick against a bare route, fragment sizes,
the deadline board and `deadline-check` over 10,000 open dossiers in a database of many.

    python -m tests.bench_processing [--dossiers 1000000] [--open 10000]

Dossiers are inserted directly (settled history plus the open ones), with their events and checks
only for the dossier whose page is timed. Exits 1 when a budget is exceeded.
"""
from __future__ import annotations

import argparse
import datetime as dt
import gzip
import statistics
import sys
import tempfile
import time
from pathlib import Path

from flask import Flask

BUDGET_FRAGMENT_KB = 4
BUDGET_DEADLINE_MS = 1000


def median_ms(fn, n: int) -> float:
    times = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def _generate(total: int, open_count: int) -> None:
    """`total` dossiers over three years, the last `open_count` of them still open."""
    from models import Dossier, ProcedureVersion, db
    from services.calendar import VN_TZ

    version = ProcedureVersion.select().order_by(ProcedureVersion.id).first()
    start = dt.datetime(2024, 1, 1, 8, 0, tzinfo=VN_TZ)
    rows = []
    for i in range(total):
        received = start + dt.timedelta(minutes=i * 3 * 365 * 24 * 60 // max(total, 1))
        is_open = i >= total - open_count
        appointment = received + dt.timedelta(days=3 if not is_open else (i % 20) - 10)
        rows.append({
            "code": f"000.00.01.H26-{received:%y%m%d}-{i:07d}", "version": version.id, "channel": 1,
            "status": (2, 4, 6)[i % 3] if is_open else 10, "received_at": received.isoformat(),
            "appointment_at": appointment.isoformat(), "original_appointment_at": appointment.isoformat(),
            "warn_at": (appointment - dt.timedelta(days=2)).isoformat(),
            "ended_at": None if is_open else (received + dt.timedelta(days=2)).isoformat(),
            "late": None if is_open else False, "applicant_type": 1, "applicant_name": f"Nguyễn Văn {i}",
            "id_number": f"{1000000000 + i:012d}", "phone": "0912345678", "address": "Hà Đông",
            "search_key": f"nguyen van {i}", "created_at": received.isoformat(),
        })
        if len(rows) == 2000:
            with db.atomic():
                Dossier.insert_many(rows).execute()
            rows = []
    if rows:
        with db.atomic():
            Dossier.insert_many(rows).execute()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dossiers", type=int, default=1_000_000)
    parser.add_argument("--open", type=int, default=10_000)
    args = parser.parse_args()

    from app import create_app
    from models import Dossier, db
    from services import catalog, deadlines, demo
    from services import office as office_service
    from services.database import apply_migrations
    from tests.conftest import csrf_from

    tmp = Path(tempfile.mkdtemp())
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp / 'b.db'}", "DATA_DIR": str(tmp / "data"),
                      "SECRET_KEY": "bench"})
    with app.app_context():
        apply_migrations()
        catalog.load_seed()
        demo.load(str(tmp / "data"))  # three dossiers received through the service, with events and checks
        code = Dossier.select(Dossier.code).order_by(Dossier.id).first().code
        started = time.perf_counter()
        _generate(args.dossiers, args.open)
        print(f"generated {args.dossiers:,} dossiers ({args.open:,} open) in {time.perf_counter() - started:.0f} s")
        calendar, at = office_service.calendar(), dt.datetime.now(dt.timezone(dt.timedelta(hours=7)))
        check_ms = median_ms(lambda: deadlines.codes(calendar, at), 5)
        found = deadlines.codes(calendar, at)
        count_ms = median_ms(lambda: deadlines.counts(calendar, at), 20)
        plans = [" ".join(str(r[-1]) for r in db.execute_sql("EXPLAIN QUERY PLAN " + q.sql()[0], q.sql()[1]))
                 for q in (Dossier.select(Dossier.code).where(cond) for cond in
                           deadlines.conditions(deadlines.bounds(calendar, at)).values())]
        db.close()
    print(f"deadline-check over {args.open:,} open in {args.dossiers:,}: median {check_ms:.0f} ms "
          f"({', '.join(f'{k} {len(v)}' for k, v in found.items())}); navigation counts {count_ms:.1f} ms")
    failures = []
    if any("SCAN dossier" in p and "INDEX" not in p for p in plans):
        failures.append("deadline query scans the dossier table")
    print("query plans: " + " | ".join(plans))
    if check_ms > BUDGET_DEADLINE_MS:
        failures.append("deadline-check time")

    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    client.post("/login", data={"username": "chuyenvien", "password": demo.DEMO_PASSWORD,
                                "csrf_token": csrf_from(page)})
    bare = Flask("bare")
    bare.add_url_rule("/", "bare", lambda: "ok")
    bare_client = bare.test_client()
    bare_ms = median_ms(lambda: bare_client.get("/"), 200)
    for url in (f"/intake/{code}", "/processing/board"):
        status = client.get(url).status_code
        if status != 200:
            print(f"{url} answered {status}")
            return 1
    page_ms = median_ms(lambda: client.get(f"/intake/{code}"), 50)
    board_ms = median_ms(lambda: client.get("/processing/board"), 10)
    html = client.get(f"/intake/{code}").data
    token = csrf_from(html.decode())
    with app.app_context():
        from models import DossierCheck

        check_id = DossierCheck.select(DossierCheck.id).join(Dossier).where(Dossier.code == code).first().id
        db.close()
    hx = {"HX-Request": "true", "X-CSRFToken": token}
    states = iter(["1", "0"] * 100)
    tick_ms = median_ms(lambda: client.post(f"/processing/{code}/check/{check_id}",
                                            data={"done": next(states)}, headers=hx), 20)
    tick = client.post(f"/processing/{code}/check/{check_id}", data={"done": "1"}, headers=hx).data
    panel = client.post(f"/processing/{code}/step/start", headers=hx).data
    print(f"bare route {bare_ms:.2f} ms; dossier page {page_ms:.1f} ms ({len(gzip.compress(html)) / 1024:.1f} KB "
          f"gzipped); deadline board {board_ms:.0f} ms; checklist tick {tick_ms:.1f} ms, fragment "
          f"{len(tick)} B ({len(gzip.compress(tick))} B gzipped); step panel fragment "
          f"{len(gzip.compress(panel)) / 1024:.1f} KB gzipped")
    if len(gzip.compress(tick)) > BUDGET_FRAGMENT_KB * 1024 or len(gzip.compress(panel)) > BUDGET_FRAGMENT_KB * 1024:
        failures.append("fragment size")
    if failures:
        print("OVER BUDGET: " + ", ".join(failures))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
