"""`python -m tests.bench_toolkit`: time to render each communication template (PDF, DOCX, preview
image), and the first-load weight of the templates page (gzipped, and as a browser is sent it)."""
from __future__ import annotations

import re
import statistics
import tempfile
import time
from pathlib import Path

from tests.bench import BROWSER, login, sent

GZIP = {"Accept-Encoding": "gzip"}
RUNS = 5


def _median_ms(fn) -> float:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def _weight(client, url: str, headers: dict) -> tuple[int, int, int]:
    """(page, static files, preview images) bytes of a first visit with these request headers. Static
    files are streamed, and the app compresses streams with br, zstd or deflate only: a gzip-only
    client gets them uncompressed."""
    page = client.get(url, headers=headers)
    html = client.get(url).get_data(as_text=True)
    assets = re.findall(r'(?:href|src)="(/static/[^"]+)"', html)
    previews = [p.replace("&amp;", "&") for p in re.findall(r'src="(/toolkit/templates/[^"]+\.png[^"]*)"', html)]
    return (len(page.data), sum(sent(client, a, headers) for a in assets),
            sum(sent(client, p, headers) for p in previews))


def main() -> int:
    from app import create_app
    from models import db
    from services import demo
    from services.database import apply_migrations
    from services.toolkit import preview
    from services.toolkit import templates as kit

    tmp = Path(tempfile.mkdtemp())
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp / 'b.db'}", "DATA_DIR": str(tmp / "data"),
                      "SECRET_KEY": "bench", "SERVER_NAME": "office.test"})
    with app.app_context():
        apply_migrations()
        demo.load(str(tmp / "data"))
        info = kit.office_info(__import__("services.office", fromlist=["get_office"]).get_office(),
                               "https://motcua.example/lookup")
        kit.pdf(kit.prepare("leaflet", info))  # fonts registered once, as in a running server
        print(f"{'template':<15}{'PDF ms':>8}{'DOCX ms':>9}{'preview ms':>12}{'PDF KB':>8}")
        for prepared in kit.all_prepared(info):
            pdf_ms = _median_ms(lambda p=prepared: kit.pdf(p))
            docx_ms = _median_ms(lambda p=prepared: kit.docx(p))
            data = kit.pdf(prepared)
            png_ms = _median_ms(lambda d=data: preview.png_from_pdf(d))
            print(f"{prepared.template.slug:<15}{pdf_ms:>8.0f}{docx_ms:>9.0f}{png_ms:>12.0f}{len(data) / 1024:>8.0f}")
        db.close()
    client = login(app, "motcua")
    client.get("/toolkit/templates")  # previews rendered once and kept, as after the first visit
    for name, headers in (("gzip", GZIP), ("as sent (br)", BROWSER)):
        page, assets, previews = _weight(client, "/toolkit/templates", headers)
        print(f"/toolkit/templates first load, {name}: {(page + assets) / 1024:.1f} KB (page {page / 1024:.1f} KB "
              f"+ CSS and JS {assets / 1024:.1f} KB) + 7 preview images {previews / 1024:.1f} KB "
              f"= {(page + assets + previews) / 1024:.1f} KB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
