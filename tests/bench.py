"""`make bench`: the budgets of DESIGN.md, measured on a throw-away database.

Page weight (gzip) of the intake page with htmx and CSS, fragment sizes, median latency of app
routes against a bare Flask route, median receipt render time, and memory over 10,000 requests.
Exits 1 when a budget is exceeded.
"""
from __future__ import annotations

import gc
import gzip
import re
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

from flask import Flask

BUDGET_PAGE_KB = 30
BUDGET_FRAGMENT_KB = 4
BUDGET_RSS_MB = 80


def gz(data: bytes) -> int:
    return len(gzip.compress(data, 6))


def rss_mb() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def median_ms(fn, n: int) -> float:
    times = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> int:
    from app import create_app
    from models import db
    from services import demo
    from services.database import apply_migrations
    from tests.conftest import csrf_from

    tmp = Path(tempfile.mkdtemp())
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp / 'b.db'}", "DATA_DIR": str(tmp / "data"),
                      "SECRET_KEY": "bench"})
    with app.app_context():
        apply_migrations()
        demo.load(str(tmp / "data"))
        db.close()
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    client.post("/login", data={"username": "motcua", "password": demo.DEMO_PASSWORD,
                                "csrf_token": csrf_from(page)})
    failures = []

    html = client.get("/intake/new").data
    assets = re.findall(r'(?:href|src)="(/static/[^"]+)"', html.decode())
    asset_bytes = [client.get(a).data for a in assets]
    total = gz(html) + sum(gz(b) for b in asset_bytes)
    print(f"intake page first load: {total / 1024:.1f} KB gzipped "
          f"(html {gz(html) / 1024:.1f} KB + {len(assets)} assets "
          f"{sum(gz(b) for b in asset_bytes) / 1024:.1f} KB); budget {BUDGET_PAGE_KB} KB")
    if total > BUDGET_PAGE_KB * 1024:
        failures.append("page weight")

    hx = {"HX-Request": "true"}
    for url in ("/intake/procedures?q=chung thuc", "/intake/new?procedure=2.000815",
                "/intake/quote?procedure=2.000815&pages=3&copies=2", "/intake/today?q=nguyen"):
        size = gz(client.get(url, headers=hx).data)
        print(f"fragment {url}: {size / 1024:.2f} KB gzipped; budget {BUDGET_FRAGMENT_KB} KB")
        if size > BUDGET_FRAGMENT_KB * 1024:
            failures.append(f"fragment {url}")

    bare = Flask("bare")
    bare.add_url_rule("/", "bare", lambda: "ok")
    bare_client = bare.test_client()
    base = median_ms(lambda: bare_client.get("/"), 300)
    print(f"bare Flask route: {base:.2f} ms median")
    for url in ("/intake/today", "/intake/new", "/intake/procedures?q=khai", "/lookup/x"):
        ms = median_ms(lambda url=url: client.get(url), 200)
        print(f"{url}: {ms:.2f} ms median ({ms / base:.1f}× the bare route)")

    code = re.search(r'/intake/([0-9A-Z.]+-\d{6}-\d{4})"', client.get("/intake/today").get_data(as_text=True)).group(1)
    ms = median_ms(lambda: client.get(f"/intake/{code}/receipt.pdf"), 30)
    print(f"receipt PDF (form 01) request: {ms:.1f} ms median over 30")

    gc.collect()
    start = rss_mb()
    urls = ["/intake/today", "/intake/new?procedure=2.000815", "/lookup/" + code, "/api/v1/procedures"]
    for i in range(10_000):
        client.get(urls[i % len(urls)])
        if i == 999:
            gc.collect()
            warm = rss_mb()
    gc.collect()
    end = rss_mb()
    print(f"memory: {start:.1f} MB at start, {warm:.1f} MB after 1,000 requests, {end:.1f} MB after 10,000 "
          f"(growth after warm-up {end - warm:+.1f} MB); budget {BUDGET_RSS_MB} MB")
    if end > BUDGET_RSS_MB:
        failures.append("memory")
    if end - warm > 5:
        failures.append("memory growth")

    print("budgets:", "all met" if not failures else "EXCEEDED: " + ", ".join(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
