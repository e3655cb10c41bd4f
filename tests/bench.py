"""`make bench`: the budgets of DESIGN.md, measured on throw-away and generated databases.

What a browser is actually sent (compressed as it accepts: br, gzip, zstd) for the first load of a
page with htmx and CSS and for htmx fragments; median latency of app routes, each request alternated
with a bare Flask route; the dossier list (first page, a page deep in the history, a search by a name
word and by phone) at 10,000 and at 1,000,000 generated dossiers; receipt render time; memory over
10,000 requests. Exits 1 when a budget is exceeded.

The generated databases are kept in ``instance/bench/`` (a new one is made when the generator or the
migrations change): the million takes a few minutes once, then seconds.
"""
from __future__ import annotations

import gc
import hashlib
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
BUDGET_LIST_RATIO = 1.5
SIZES = (10_000, 1_000_000)
ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "instance" / "bench"
BROWSER = {"Accept-Encoding": "gzip, deflate, br, zstd"}  # what Chromium sends
HX = {**BROWSER, "HX-Request": "true"}


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


def alternated_ms(fn, bare, n: int) -> tuple[float, float]:
    """Medians of ``fn`` and of the bare route, each call of one followed by a call of the other."""
    app_times, bare_times = [], []
    for _ in range(n):
        for f, out in ((fn, app_times), (bare, bare_times)):
            start = time.perf_counter()
            f()
            out.append((time.perf_counter() - start) * 1000)
    return statistics.median(app_times), statistics.median(bare_times)


def sent(client, url: str, headers=BROWSER) -> int:
    """Bytes on the wire for the body, as the app compresses it for a browser."""
    response = client.get(url, headers=headers)
    assert response.status_code == 200, (url, response.status_code)
    return len(response.data)


def first_load(client, url: str) -> tuple[int, int, int]:
    """(total, html, assets) compressed bytes of a first visit: the page and its static files."""
    html = client.get(url, headers=BROWSER)
    text = client.get(url).get_data(as_text=True)
    assets = re.findall(r'(?:href|src)="(/static/[^"]+)"', text)
    asset_bytes = sum(sent(client, a) for a in assets)
    return len(html.data) + asset_bytes, len(html.data), asset_bytes


def bare_client():
    bare = Flask("bare")
    bare.add_url_rule("/", "bare", lambda: "ok")
    client = bare.test_client()
    return lambda: client.get("/")


def login(app, username: str):
    from services import demo
    from tests.conftest import csrf_from

    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    client.post("/login", data={"username": username, "password": demo.DEMO_PASSWORD,
                                "csrf_token": csrf_from(page)})
    return client


def demo_budgets(failures: list[str]) -> None:
    """The counter pages on the demo office: weight, fragments, latency, receipt, memory."""
    from app import create_app
    from models import db
    from services import demo
    from services.database import apply_migrations

    tmp = Path(tempfile.mkdtemp())
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp / 'b.db'}", "DATA_DIR": str(tmp / "data"),
                      "SECRET_KEY": "bench"})
    with app.app_context():
        apply_migrations()
        demo.load(str(tmp / "data"))
        db.close()
    client = login(app, "motcua")

    for url in ("/intake/new", "/dossiers"):
        total, html, assets = first_load(client, url)
        print(f"{url} first load: {total / 1024:.1f} KB as sent (html {html / 1024:.1f} KB + assets "
              f"{assets / 1024:.1f} KB); budget {BUDGET_PAGE_KB} KB")
        if total > BUDGET_PAGE_KB * 1024:
            failures.append(f"page weight {url}")

    for url in ("/intake/procedures?q=chung thuc", "/intake/new?procedure=2.000815",
                "/intake/quote?procedure=2.000815&orig_name_0=A&orig_pages_0=3&orig_copies_0=2", "/intake/today?q=nguyen",
                "/dossiers?q=nguyen", "/dossiers?totals=1"):
        size = sent(client, url, HX)
        print(f"fragment {url}: {size / 1024:.2f} KB as sent; budget {BUDGET_FRAGMENT_KB} KB")
        if size > BUDGET_FRAGMENT_KB * 1024:
            failures.append(f"fragment {url}")

    bare = bare_client()
    for url in ("/intake/today", "/intake/new", "/intake/procedures?q=khai", "/lookup/x", "/dossiers"):
        ms, base = alternated_ms(lambda url=url: client.get(url, headers=BROWSER), bare, 200)
        print(f"{url}: {ms:.2f} ms median ({ms / base:.1f}× the bare route, {base:.2f} ms)")

    code = re.search(r'/intake/([0-9A-Z.]+-\d{6}-\d{4})"',
                     client.get("/intake/today").get_data(as_text=True)).group(1)
    ms = median_ms(lambda: client.get(f"/intake/{code}/receipt.pdf"), 30)
    print(f"receipt PDF (form 01) request: {ms:.1f} ms median over 30")

    gc.collect()
    start = rss_mb()
    urls = ["/intake/today", "/intake/new?procedure=2.000815", "/lookup/" + code, "/api/v1/procedures",
            "/dossiers?q=nguyen"]
    for i in range(10_000):
        client.get(urls[i % len(urls)], headers=BROWSER)
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


def history(count: int) -> Path:
    """A generated database of ``count`` dossiers, from the cache when the generator is unchanged."""
    from tests.generate import generate

    key = hashlib.sha256((ROOT / "tests" / "generate.py").read_bytes()
                         + "".join(sorted(p.name for p in (ROOT / "migrations").glob("*.py"))).encode()
                         ).hexdigest()[:10]
    path = CACHE / f"dossiers-{count}-{key}.db"
    if not path.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        for old in CACHE.glob(f"dossiers-{count}-*.db*"):
            old.unlink()
        print(f"generating {count:,} dossiers into {path} …", flush=True)
        seconds = generate(path.with_suffix(".tmp"), count)
        path.with_suffix(".tmp").rename(path)
        print(f"  done in {seconds:.0f} s", flush=True)
    return path


def list_at(count: int, failures: list[str]) -> dict[str, tuple[float, float]]:
    """Median ms of the list's pages at ``count`` dossiers, each alternated with the bare route."""
    from app import create_app
    from models import Dossier, db

    path = history(count)
    app = create_app({"DATABASE_URL": f"sqlite:///{path}", "DATA_DIR": str(CACHE / "data"),
                      "SECRET_KEY": "bench"})
    with app.app_context():
        db.connect(reuse_if_open=True)
        ids = Dossier.select(Dossier.id).order_by(Dossier.id.desc())
        deep = ids.offset(count * 9 // 10).scalar()  # nine tenths back: two and a half years ago
        phone = Dossier.get_by_id(ids.offset(count // 2).scalar()).phone
        db.close()
    client = login(app, "lanhdao")
    bare = bare_client()
    pages = {
        "list, first page": "/dossiers",
        "list, deep page": f"/dossiers?before={deep}",
        "name word, first page": "/dossiers?q=huong",
        "name word, deep page": f"/dossiers?q=huong&before={deep}",
        "phone": f"/dossiers?q={phone}",
    }
    total, html, assets = first_load(client, "/dossiers")
    print(f"  {count:>9,} dossiers, /dossiers first load: {total / 1024:.1f} KB as sent (html "
          f"{html / 1024:.1f} KB with 50 rows + assets {assets / 1024:.1f} KB); budget {BUDGET_PAGE_KB} KB")
    if total > BUDGET_PAGE_KB * 1024:
        failures.append(f"page weight /dossiers at {count:,}")
    out = {}
    for name, url in pages.items():
        client.get(url, headers=BROWSER)  # warm the page cache
        ms, base = alternated_ms(lambda url=url: client.get(url, headers=BROWSER), bare, 60)
        fragment = sent(client, url, HX)
        out[name] = (ms, base)
        print(f"  {count:>9,} dossiers, {name:<22} {ms:6.2f} ms (bare {base:.2f} ms); "
              f"fragment {fragment / 1024:.2f} KB as sent", flush=True)
        if fragment > BUDGET_FRAGMENT_KB * 1024:
            failures.append(f"fragment {name} at {count:,}")
    for name, url in (("totals, no filter", "/dossiers?totals=1"),
                      ("totals, name word", "/dossiers?q=huong&totals=1")):
        ms, base = alternated_ms(lambda url=url: client.get(url, headers=HX), bare, 10)
        print(f"  {count:>9,} dossiers, {name:<22} {ms:6.2f} ms (lazy fragment, not in the ratio)")
    return out


def list_budgets(failures: list[str]) -> None:
    print("dossier list (full pages as sent; medians, each request alternated with the bare route):")
    small, large = (list_at(n, failures) for n in SIZES)
    for name in small:
        ratio = (large[name][0] / large[name][1]) / (small[name][0] / small[name][1])
        print(f"  {name:<22} {small[name][0]:6.2f} ms at 10k, {large[name][0]:6.2f} ms at 1M: "
              f"{ratio:.2f}× (each against its bare route); budget {BUDGET_LIST_RATIO}×")
        if ratio > BUDGET_LIST_RATIO:
            failures.append(f"list at 1M: {name}")


def main() -> int:
    failures: list[str] = []
    demo_budgets(failures)
    list_budgets(failures)
    print("budgets:", "all met" if not failures else "EXCEEDED: " + ", ".join(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
