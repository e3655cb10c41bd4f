"""`GET /api/v1/procedures` costs the same few queries for 15 procedures as for 55 (prefetched)."""
from __future__ import annotations

import contextlib
import json

from models import db
from services import catalog


@contextlib.contextmanager
def count_queries():
    """Counts the SQL statements the database runs inside the block."""
    database = db.obj
    seen = []
    original = database.execute_sql

    def counting(sql, params=None, *args, **kwargs):
        seen.append(sql)
        return original(sql, params, *args, **kwargs)

    database.execute_sql = counting
    try:
        yield seen
    finally:
        del database.execute_sql


def _more_procedures(tmp_path, n: int) -> None:
    data = {"effective_from": "2025-07-01", "procedures": [
        {"code": f"9.{i:06d}", "name": f"Thủ tục thử {i}", "field": "Thử", "time_limit": ["working_days", 3],
         "result": "Giấy", "components": [["Tờ khai", 1, 0]], "fees": [["Lệ phí", "fixed", 1000 * i],
                                                                       ["Phí", "per_copy", 500]]}
        for i in range(1, n + 1)]}
    path = tmp_path / "more.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    catalog.load_seed(path)


def test_procedure_list_query_count_does_not_grow(app, client, tmp_path):
    client.get("/api/v1/procedures")  # warm up: settings rows and the like
    with app.app_context(), count_queries() as few:
        assert len(client.get("/api/v1/procedures").get_json()) == 15
    with app.app_context():
        db.connect(reuse_if_open=True)
        _more_procedures(tmp_path, 40)
        db.close()
    with app.app_context(), count_queries() as many:
        data = client.get("/api/v1/procedures").get_json()
    assert len(data) == 55 and len(many) == len(few) <= 3, many
    test = next(p for p in data if p["code"] == "9.000007")
    assert test["fees"] == [{"name": "Lệ phí", "kind": "fixed", "amount": 7000},
                            {"name": "Phí", "kind": "per_copy", "amount": 500}]
    assert [p["code"] for p in data] == sorted(p["code"] for p in data)
