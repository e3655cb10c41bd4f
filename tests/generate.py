"""A realistic history of dossiers for benchmarks: `python -m tests.generate --dossiers N --db PATH`.

Three years of working days up to today, the seed procedures weighted as a commune receives them,
Vietnamese names drawn by surname frequency, 12-digit personal numbers with a province code and
century digit, mobile phones, channels, statuses that depend on age (old dossiers ended, recent ones
open, a few stuck past their appointment), fees by the fee rules. Components, fee lines and audit
events are not generated: the dossier list does not read them.

The rows are bulk-inserted with sqlite3 (indexes dropped during the load and rebuilt after, tokens
sorted before they reach their index), so a million dossiers take about a minute.
"""
from __future__ import annotations

import argparse
import datetime as dt
import functools
import random
import sqlite3
import sys
import time
from pathlib import Path
from types import SimpleNamespace

SURNAMES = (("Nguyễn", 38), ("Trần", 11), ("Lê", 9.5), ("Phạm", 7), ("Hoàng", 5), ("Phan", 4.5),
            ("Vũ", 3.9), ("Đặng", 2.1), ("Bùi", 2), ("Đỗ", 1.4), ("Hồ", 1.3), ("Ngô", 1.3),
            ("Dương", 1), ("Lý", 0.5), ("Đinh", 0.8), ("Trịnh", 0.7), ("Đoàn", 0.6), ("Lương", 0.5),
            ("Mai", 0.4), ("Tạ", 0.3), ("Quách", 0.2), ("Khổng", 0.1))
MIDDLE_MALE = ("Văn", "Hữu", "Đức", "Minh", "Quốc", "Thành", "Công", "Xuân", "Đình", "Quang", "Tiến")
MIDDLE_FEMALE = ("Thị", "Ngọc", "Thu", "Thanh", "Minh", "Kim", "Bích", "Mai", "Hồng", "Phương")
GIVEN_MALE = ("An", "Anh", "Bình", "Cường", "Dũng", "Đức", "Hải", "Hiếu", "Hùng", "Huy", "Khánh",
              "Khoa", "Long", "Minh", "Nam", "Nghĩa", "Phong", "Phúc", "Quân", "Sơn", "Tài", "Thắng",
              "Thịnh", "Toàn", "Trung", "Tuấn", "Việt", "Vinh", "Bảo", "Duy", "Khôi", "Lâm")
GIVEN_FEMALE = ("Anh", "Chi", "Dung", "Giang", "Hà", "Hạnh", "Hằng", "Hiền", "Hoa", "Hương", "Hường",
                "Huyền", "Lan", "Liên", "Linh", "Loan", "Mai", "My", "Nga", "Ngọc", "Nhung", "Oanh",
                "Phương", "Quỳnh", "Tâm", "Thảo", "Thủy", "Trang", "Trinh", "Tuyết", "Vân", "Yến", "Khuê")
PROVINCES = ("001", "001", "001", "001", "031", "033", "034", "035", "036", "037", "038", "040",
             "019", "022", "024", "027", "079", "092")
MOBILE = ("090", "091", "093", "094", "096", "097", "098", "086", "088", "089", "032", "033", "034",
          "035", "036", "037", "038", "039", "070", "076", "077", "078", "079", "081", "082", "083",
          "084", "085", "056", "058", "059")
STREETS = ("Quang Trung", "Lê Lợi", "Trần Phú", "Nguyễn Trãi", "Tô Hiệu", "Bà Triệu", "Phùng Hưng",
           "Ngô Quyền", "Lý Thường Kiệt", "Hoàng Diệu", "Chu Văn An", "Vạn Phúc")
# procedure code -> weight (copy certification dominates a commune's counter)
PROCEDURE_WEIGHTS = {"2.000815": 40, "2.000884": 12, "1.001193": 8, "1.004873": 7, "2.000635": 6,
                     "1.000656": 3, "1.000894": 3, "2.001035": 4, "2.001019": 1, "2.000927": 1,
                     "2.000908": 2, "1.004222": 5, "2.001159": 6, "1.001022": 1, "1.001699": 1}
OFFICERS = (("motcua", "Nguyễn Thị Hường"), ("motcua2", "Trần Văn Toàn"), ("motcua3", "Lê Thị Mai"),
            ("motcua4", "Phạm Quốc Huy"), ("motcua5", "Hoàng Thu Trang"))
ENDED = ((10, 86), (9, 7), (3, 3), (7, 2), (8, 2))
VN = dt.timezone(dt.timedelta(hours=7))
CHUNK = 50_000


def _setup(db_path: Path) -> None:
    """Migrations, seed catalog, the demo office and the officers, through the app's own services."""
    from app import create_app
    from models import User, db
    from services import accounts, catalog, demo
    from services import office as office_service
    from services.database import apply_migrations

    app = create_app({"DATABASE_URL": f"sqlite:///{db_path}", "DATA_DIR": str(db_path.parent / "data"),
                      "SECRET_KEY": "generate"})
    with app.app_context():
        db.connect(reuse_if_open=True)
        apply_migrations()
        catalog.load_seed()
        office_service.update_settings(demo.DEMO_OFFICE, "generate")
        for username, role, full_name in demo.DEMO_USERS:
            accounts.create_user(username, demo.DEMO_PASSWORD, role, full_name=full_name, actor="generate")
        for username, full_name in OFFICERS[1:]:
            if not User.select().where(User.username == username).exists():
                accounts.create_user(username, demo.DEMO_PASSWORD, "intake", full_name=full_name,
                                     actor="generate")
        db.close()


def _working_days(end: dt.date, years: int = 3) -> list[dt.date]:
    from services.calendar import WorkCalendar

    calendar = WorkCalendar()
    start = end.replace(year=end.year - years)
    days, day = [], start
    while day <= end:
        if calendar.is_working_day(day):
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def _name(rng: random.Random, surnames, weights) -> str:
    female = rng.random() < 0.52
    middle = rng.choice(MIDDLE_FEMALE if female else MIDDLE_MALE)
    given = rng.choice(GIVEN_FEMALE if female else GIVEN_MALE)
    if rng.random() < 0.25:
        given = rng.choice(MIDDLE_FEMALE if female else MIDDLE_MALE) + " " + given
    return f"{rng.choices(surnames, weights)[0]} {middle} {given}"


def _id_number(rng: random.Random, year_now: int) -> str:
    born = rng.randint(year_now - 85, year_now - 16)
    century = (0 if born < 2000 else 2) + rng.randint(0, 1)
    return f"{rng.choice(PROVINCES)}{century}{born % 100:02d}{rng.randint(0, 999_999):06d}"


def _appointment(received: dt.datetime, kind: str, value: int) -> dt.datetime:
    if kind == "hours":
        return received + dt.timedelta(hours=value)
    if kind == "rule_15":
        close = received.replace(hour=17, minute=0, second=0)
        return close if received.hour < 15 else close + dt.timedelta(days=1 if received.weekday() < 4 else 3)
    weeks, days = divmod(value, 5)
    return received + dt.timedelta(weeks=weeks, days=days + (2 if received.weekday() + days > 4 else 0))


def generate(db_path: Path, count: int, seed: int = 2026, today: dt.date | None = None) -> float:
    """Create ``db_path`` with ``count`` dossiers. Returns the seconds it took."""
    from models import Dossier
    from services import dossiers, fees
    from services.text import fold

    started = time.perf_counter()
    folded = functools.lru_cache(maxsize=None)(fold)  # names repeat: fold each once
    name_tokens = functools.lru_cache(maxsize=None)(lambda name: dossiers.tokens_for("", name, "", ""))
    if db_path.exists():
        db_path.unlink()
    _setup(db_path)
    rng = random.Random(seed)
    today = today or dt.datetime.now(VN).date() - dt.timedelta(days=1)  # nothing in the future
    days = _working_days(today)
    con = sqlite3.connect(db_path, isolation_level=None)
    con.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA cache_size=-200000;"
                      "PRAGMA temp_store=MEMORY;")
    agency = con.execute("SELECT agency_id FROM office").fetchone()[0]
    versions = {code: (vid, kind, value) for vid, code, kind, value in con.execute(
        "SELECT v.id, p.code, v.time_limit_kind, v.time_limit_value FROM procedure_version v "
        "JOIN procedure p ON p.id = v.procedure_id")}
    fee_rules: dict[int, list[SimpleNamespace]] = {}
    for vid, name, kind, amount, online_percent in con.execute(
            "SELECT version_id, name, kind, amount, online_percent FROM fee ORDER BY id"):
        fee_rules.setdefault(vid, []).append(SimpleNamespace(name=name, kind=kind, amount=amount,
                                                             online_percent=online_percent))
    officers = [uid for (uid,) in con.execute(
        "SELECT id FROM user WHERE role = 'intake' ORDER BY id")]
    codes = list(PROCEDURE_WEIGHTS)
    proc_weights = list(PROCEDURE_WEIGHTS.values())
    surnames = [s for s, _ in SURNAMES]
    surname_weights = [w for _, w in SURNAMES]
    ended, ended_weights = [s for s, _ in ENDED], [w for _, w in ENDED]

    index_sql = [sql for (sql,) in con.execute(
        "SELECT sql FROM sqlite_master WHERE type='index' AND sql IS NOT NULL "
        "AND tbl_name IN ('dossier', 'dossier_token')")]
    for (name,) in con.execute("SELECT name FROM sqlite_master WHERE type='index' AND sql IS NOT NULL "
                               "AND tbl_name IN ('dossier', 'dossier_token')").fetchall():
        con.execute(f'DROP INDEX "{name}"')
    con.execute("CREATE TEMP TABLE new_token (token TEXT, dossier_id INTEGER)")

    per_day = [0] * len(days)
    for _ in range(count):  # more dossiers on recent days (the service grows), never all on one day
        per_day[min(len(days) - 1, int(len(days) * rng.random() ** 0.8))] += 1
    given = ("id", "code", "version_id", "channel", "status", "received_at", "appointment_at",
             "applicant_type", "applicant_name", "id_number", "phone", "address", "search_key", "pages", "copies",
             "fee_total", "received_by_id", "created_at", "register_book", "register_number")
    # every other column gets the model's default, so new columns need no change here
    defaults = [(f.column_name, f.db_value(f.default)) for f in Dossier._meta.sorted_fields
                if f.column_name not in given and f.default is not None and not callable(f.default)]
    columns = list(given) + [c for c, _ in defaults]
    dossier_sql = f"INSERT INTO dossier ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
    extra = tuple(v for _, v in defaults)
    register: dict[int, int] = {}
    rows, tokens, sequences, next_id = [], [], [], 1
    now = dt.datetime.now(VN)
    con.execute("BEGIN")
    for day, n in zip(days, per_day, strict=True):
        if not n:
            continue
        age = (today - day).days
        times = sorted(dt.datetime.combine(day, dt.time(7, 30), VN)
                       + dt.timedelta(minutes=rng.randint(0, 240) + (300 if rng.random() < 0.45 else 0))
                       for _ in range(n))
        for seq, received in enumerate(times, start=1):
            code = f"{agency}-{day:%y%m%d}-{seq:04d}"
            proc = rng.choices(codes, proc_weights)[0]
            vid, kind, value = versions[proc]
            channel = rng.choices((1, 2, 3), (65, 30, 5))[0]
            appointment = _appointment(received, kind, value)
            if age > 30:
                status = rng.choices(ended, ended_weights)[0] if rng.random() > 0.002 else rng.choice((4, 5))
            elif appointment < now:
                status = rng.choices((10, 9, 4, 5, 6), (70, 15, 8, 5, 2))[0]
            else:
                status = rng.choices((2, 4, 5, 6), (40, 50, 7, 3))[0]
            if channel == 2 and status == 2 and rng.random() < 0.3:
                status = 1
            pages, copies = (rng.randint(1, 6), rng.randint(1, 4)) if proc == "2.000815" else (0, 0)
            fee = fees.total(fees.fee_lines(fee_rules.get(vid, ()), [SimpleNamespace(pages=pages, copies=copies)],
                                            channel, copies or 1))
            name = _name(rng, surnames, surname_weights)
            id_number = _id_number(rng, day.year)
            phone = rng.choice(MOBILE) + f"{rng.randint(0, 9_999_999):07d}"
            address = f"Số {rng.randint(1, 200)} {rng.choice(STREETS)}, Hà Đông"
            received_iso = received.isoformat(timespec="seconds")
            register[day.year] = register.get(day.year, 0) + 1
            rows.append((next_id, code, vid, channel, status, received_iso,
                         None if status == 1 else appointment.isoformat(timespec="seconds"),
                         1, name, id_number, phone, address,
                         f"{code.lower()} {folded(name)} {id_number} {phone}", pages, copies, fee,
                         rng.choice(officers) if channel == 1 else None, received_iso,
                         day.year, register[day.year]) + extra)
            tokens.extend((t, next_id) for t in dossiers.tokens_for(code, "", id_number, phone))
            tokens.extend((t, next_id) for t in name_tokens(name))
            next_id += 1
        sequences.append((agency, day.isoformat(), n))
        if len(rows) >= CHUNK:
            con.executemany(dossier_sql, rows)
            con.executemany("INSERT INTO new_token VALUES (?, ?)", tokens)
            rows, tokens = [], []
    con.executemany(dossier_sql, rows)
    con.executemany("INSERT INTO new_token VALUES (?, ?)", tokens)
    con.executemany("INSERT INTO daily_sequence (agency_id, day, last) VALUES (?, ?, ?)", sequences)
    con.execute("INSERT INTO dossier_token (token, dossier_id) SELECT token, dossier_id FROM new_token "
                "ORDER BY token, dossier_id")
    con.execute("DROP TABLE new_token")
    con.execute("COMMIT")
    for sql in index_sql:
        con.execute(sql)
    con.execute("PRAGMA journal_mode=WAL")
    con.close()
    return time.perf_counter() - started


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=10_000)
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)
    seconds = generate(args.db, args.dossiers, args.seed)
    print(f"{args.dossiers} dossiers in {args.db} ({seconds:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
