"""The dossier list: search tokens, filters, keyset pages, totals, exports, page and fragment."""
from __future__ import annotations

import csv
import datetime as dt
import io

import pytest

from models import Dossier, DossierToken, User, db
from services import dossiers, intake, office
from services.calendar import VN_TZ
from services.dossiers import Filters

HX = {"HX-Request": "true"}
AT = dt.datetime(2026, 11, 25, 10, 0, tzinfo=VN_TZ)  # "now" for the service tests

# name, id number, phone, procedure, channel, status, received (day, hour), appointment offset (hours)
PEOPLE = [
    ("Nguyễn Thị Hường", "001195012345", "0912345678", "2.000884", 1, 10, (3, 9), 8),
    ("Trần Văn Hùng", "001088004321", "0987654321", "2.001035", 1, 4, (10, 9), 48),
    ("Lê Hương", "079190000111", "0904111222", "2.000884", 3, 2, (20, 14), 3),
    ("NGUYỄN VĂN AN", "001090099999", "0355000111", "1.001193", 1, 9, (24, 8), 9),
    ("Đặng Quốc Khánh", "031085123123", "0977888999", "2.001035", 2, 5, (25, 8), 200),
]


def _receive(name, id_number, phone, procedure, channel, received_at, user=None):
    _, version = intake.procedure_for(procedure, received_at.date())
    data = intake.IntakeData(version=version, channel=channel, received_at=received_at,
                             components=[], **intake.validate_applicant(
                                 {"applicant_type": "1", "applicant_name": name, "id_number": id_number,
                                  "phone": phone, "address": "Hà Đông"}, {}))
    return intake.receive(data, office.calendar(), "000.00.01.H26", "/tmp/unused", "test", user=user)


@pytest.fixture
def people(ctx):
    """Five dossiers of November 2026; statuses and appointments set as processing would leave them."""
    officer = User.get(User.username == "intake")
    made = []
    for name, id_number, phone, procedure, channel, status, (day, hour), hours in PEOPLE:
        received = dt.datetime(2026, 11, day, hour, 0, tzinfo=VN_TZ)
        dossier = _receive(name, id_number, phone, procedure, channel, received,
                           officer if channel == 1 else None)
        Dossier.update(status=status, appointment_at=received + dt.timedelta(hours=hours)).where(
            Dossier.id == dossier.id).execute()
        made.append(Dossier.get_by_id(dossier.id))
    return made


def _names(f: Filters, at=AT) -> list[str]:
    rows, _ = dossiers.page(f, at)
    return [d.applicant_name for d in rows]


def test_tokens_of_a_dossier():
    assert dossiers.tokens_for("000.00.01.H26-261125-0001", "Nguyễn Thị Hường", "001195012345",
                               "0912345678") == {
        "000.00.01.h26-261125-0001", "261125-0001", "nguyen", "thi", "huong", "001195012345", "0912345678"}
    assert {"0101234567001", "0101234567"} <= dossiers.tokens_for("X-1-1", "Công ty", "0101234567-001", "")


@pytest.mark.parametrize("typed,words", [
    ("0912 345 678", [("0912345678", True)]),
    ("+84 912.345.678", [("0912345678", True)]),
    ("NGUYỄN  hường", [("nguyen", False), ("huong", False)]),
    ("0912", [("0912", False)]),
    ("001195012345", [("001195012345", True)]),
    ("Lê, Lê", [("le", False)]),
])
def test_search_words(typed, words):
    assert dossiers.search_words(typed) == words


def test_receive_writes_the_tokens(people):
    tokens = {t.token for t in DossierToken.select().where(DossierToken.dossier == people[0].id)}
    assert {"nguyen", "thi", "huong", "001195012345", "0912345678"} <= tokens


@pytest.mark.parametrize("how", ["tokens", "rows"])
@pytest.mark.parametrize("typed,expected", [
    ("huong", {"Nguyễn Thị Hường", "Lê Hương"}),          # accents and case ignored
    ("HU", {"Nguyễn Thị Hường", "Lê Hương", "Trần Văn Hùng"}),  # a word's beginning
    ("nguyen an", {"NGUYỄN VĂN AN"}),                        # every word must match
    ("dang khanh", {"Đặng Quốc Khánh"}),                     # đ is d
    ("0912 345 678", {"Nguyễn Thị Hường"}),                  # phone with spaces
    ("0912345", {"Nguyễn Thị Hường"}),                       # a short number: its beginning
    ("091234567", set()),                                    # a long number matches whole
    ("079190000111", {"Lê Hương"}),                          # id number
    ("van hung 0987654321", {"Trần Văn Hùng"}),
    ("khanh xyz", set()),
])
def test_search(people, monkeypatch, how, typed, expected):
    if how == "rows":  # pretend every word is common: each row is checked in the token index
        monkeypatch.setattr(dossiers, "COUNT_CAP", 1)
    assert set(_names(Filters(q=typed))) == expected


def test_search_by_code_in_any_case(people):
    code = people[2].code
    assert _names(Filters(q=code.lower())) == ["Lê Hương"]
    assert _names(Filters(q=code.split("-", 1)[1])) == ["Lê Hương"]  # the date and sequence only


def test_newest_first_and_filters(people):
    assert _names(Filters()) == ["Đặng Quốc Khánh", "NGUYỄN VĂN AN", "Lê Hương", "Trần Văn Hùng",
                                 "Nguyễn Thị Hường"]
    assert _names(Filters(status=9)) == ["NGUYỄN VĂN AN"]
    assert _names(Filters(channel=1)) == ["NGUYỄN VĂN AN", "Trần Văn Hùng", "Nguyễn Thị Hường"]
    officer = User.get(User.username == "intake").id
    assert _names(Filters(officer=officer)) == ["NGUYỄN VĂN AN", "Trần Văn Hùng", "Nguyễn Thị Hường"]
    assert _names(Filters(procedure="2.001035")) == ["Đặng Quốc Khánh", "Trần Văn Hùng"]
    # received 10/11 09:00 and 20/11 14:00 fall in 10–20 November; 3/11 and 24/11 do not
    assert _names(Filters(date_from=dt.date(2026, 11, 10), date_to=dt.date(2026, 11, 20))) == [
        "Lê Hương", "Trần Văn Hùng"]
    assert _names(Filters(q="nguyen", channel=1, status=10)) == ["Nguyễn Thị Hường"]


def test_overdue(people):
    # at 25/11 10:00: Hùng (status 4, due 12/11 09:00) and Hương (status 2, due 20/11 17:00) are late;
    # Hường is returned (10) and An settled (9), so not late; Khánh is due on 3/12.
    assert _names(Filters(overdue=True)) == ["Lê Hương", "Trần Văn Hùng"]
    assert _names(Filters(overdue=True), at=dt.datetime(2026, 11, 20, 16, 0, tzinfo=VN_TZ)) == ["Trần Văn Hùng"]


def test_totals_of_the_whole_filtered_set(people):
    # fees: chứng thực chữ ký 10,000 (Hường, Hương); hợp đồng 50,000 (Hùng, Khánh); khai sinh 0 (An)
    totals = dossiers.totals(Filters(), AT)
    assert (totals.count, totals.fees, totals.overdue) == (5, 120_000, 2)
    assert totals.by_status == {2: 1, 4: 1, 5: 1, 9: 1, 10: 1} and not totals.capped
    totals = dossiers.totals(Filters(q="huong"), AT)
    assert (totals.count, totals.fees, totals.overdue) == (2, 20_000, 1)
    assert dossiers.totals(Filters(), AT, cap=3).capped


def test_keyset_pages_are_stable_under_new_arrivals(people):
    first, cursor = dossiers.page(Filters(), AT, size=2)
    assert [d.applicant_name for d in first] == ["Đặng Quốc Khánh", "NGUYỄN VĂN AN"]
    _receive("Bùi Thị Mới", "001199000001", "0911000000", "2.000884", 1,
             dt.datetime(2026, 11, 25, 9, 30, tzinfo=VN_TZ))
    second, cursor = dossiers.page(Filters(before=cursor), AT, size=2)
    assert [d.applicant_name for d in second] == ["Lê Hương", "Trần Văn Hùng"]
    third, cursor = dossiers.page(Filters(before=cursor), AT, size=2)
    assert [d.applicant_name for d in third] == ["Nguyễn Thị Hường"] and cursor is None


def test_same_minute_is_ordered_by_arrival(ctx):
    when = dt.datetime(2026, 11, 24, 9, 0, tzinfo=VN_TZ)
    for name in ("Một", "Hai", "Ba"):
        _receive(f"Lê Văn {name}", "001090000001", "0911000000", "2.000884", 1, when)
    rows, cursor = dossiers.page(Filters(), AT, size=2)
    assert [d.applicant_name for d in rows] == ["Lê Văn Ba", "Lê Văn Hai"]
    rows, cursor = dossiers.page(Filters(before=cursor), AT, size=2)
    assert [d.applicant_name for d in rows] == ["Lê Văn Một"] and cursor is None


# --- through HTTP --------------------------------------------------------------------------

@pytest.fixture
def listed(app, people):
    db.close()
    return people


def test_page_then_fragment_keep_every_filter(login, listed):
    session = login("leader")
    html = session.get("/dossiers?q=nguyen&channel=1").get_data(as_text=True)
    assert "<html" in html and "Nguyễn Thị Hường" in html and "NGUYỄN VĂN AN" in html
    assert "Trần Văn Hùng" not in html
    assert 'value="nguyen"' in html and '<option value="1" selected>' in html
    fragment = session.get("/dossiers?status=4", headers=HX)
    text = fragment.get_data(as_text=True)
    assert fragment.status_code == 200 and "<html" not in text and "Trần Văn Hùng" in text
    assert "Lê Hương" not in text and "HX-Request" in fragment.headers["Vary"]
    assert "/dossiers?status=4&amp;totals=1" in text  # the totals come lazily, same filters


def test_pager_link_keeps_the_filters(login, listed, monkeypatch):
    monkeypatch.setattr(dossiers, "PAGE_SIZE", 2)
    session = login("intake")
    html = session.get("/dossiers?channel=1").get_data(as_text=True)
    older = html.split("Cũ hơn")[0].rsplit('href="', 1)[1].split('"')[0].replace("&amp;", "&")
    assert "channel=1" in older and "before=" in older
    page2 = session.get(older).get_data(as_text=True)
    assert "Nguyễn Thị Hường" in page2 and "NGUYỄN VĂN AN" not in page2


def test_totals_lazily_and_without_javascript(login, listed):
    session = login("leader")
    fragment = session.get("/dossiers?q=huong&totals=1", headers=HX).get_data(as_text=True)
    assert "<html" not in fragment and "Số hồ sơ: 2" in fragment and "20.000 đ" in fragment
    assert "1 quá hạn" in fragment
    page = session.get("/dossiers?totals=1").get_data(as_text=True)  # the link for JavaScript off
    assert "<html" in page and "Số hồ sơ: 5" in page and "120.000 đ" in page


def test_bad_filters_get_a_message(login, listed):
    response = login("leader").get("/dossiers?from=31/02/2026&status=42&officer=abc&procedure=9.9")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Vui lòng nhập ngày" in html and "Vui lòng chọn trạng thái" in html
    assert "Traceback" not in html and "Đặng Quốc Khánh" in html  # the rest still lists


def test_csv_export_of_the_filtered_set(login, listed):
    response = login("leader").get("/dossiers/export.csv?procedure=2.000884&before=1")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:])))
    assert rows[0][:3] == ["Mã hồ sơ", "Ngày tiếp nhận", "Hình thức nộp"]
    assert [r[5] for r in rows[1:]] == ["Lê Hương", "Nguyễn Thị Hường"]  # the cursor is ignored
    assert rows[2][6] == "001195012345" and rows[2][10] == "Đã trả kết quả" and rows[2][11] == "10000"


def test_csv_never_starts_a_cell_with_a_formula(ctx):
    from blueprints.dossiers import _csv_cell

    assert _csv_cell("=HYPERLINK(1)") == "'=HYPERLINK(1)" and _csv_cell("Lê") == "Lê"


def test_xlsx_export(login, listed):
    from openpyxl import load_workbook

    response = login("inspector").get("/dossiers/export.xlsx?q=huong")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Mã hồ sơ" and [r[5] for r in rows[1:]] == ["Lê Hương", "Nguyễn Thị Hường"]
    assert rows[2][1] == dt.datetime(2026, 11, 3, 9, 0) and rows[2][6] == "001195012345"


@pytest.mark.parametrize("role,page,export", [
    ("admin", 200, 200), ("leader", 200, 200), ("inspector", 200, 200), ("intake", 200, 403),
    ("specialist", 200, 403), ("trainer", 403, 403)])
def test_who_may_list_and_export(login, listed, role, page, export):
    session = login(role)
    assert session.get("/dossiers").status_code == page
    assert session.get("/dossiers/export.csv").status_code == export
    assert session.get("/dossiers/export.xlsx").status_code == export


def test_code_in_any_case_and_with_spaces(client, listed):
    code = listed[0].code
    assert client.get(f"/lookup/{code.lower()}").status_code == 200
    assert client.get(f"/lookup/%20{code.lower()}%20").status_code == 200
    assert client.get(f"/api/v1/dossiers/{code.lower()}").get_json()["code"] == code


def test_an_online_dossier_awaiting_acceptance_is_listed_never_overdue(login, app):
    with app.app_context():
        db.connect(reuse_if_open=True)
        online = _receive("Phan Thị Mai", "001196000222", "0988000111", "2.000884", 2,
                          dt.datetime(2026, 11, 2, 9, 0, tzinfo=VN_TZ))
        assert online.status == 1 and online.appointment_at is None
        assert _names(Filters(overdue=True)) == []
        assert _names(Filters(status=1)) == ["Phan Thị Mai"]
        totals = dossiers.totals(Filters(), AT)
        assert (totals.count, totals.overdue) == (1, 0)
        db.close()
    html = login("leader").get("/dossiers").get_data(as_text=True)
    row = html.split("Phan Thị Mai")[0].rsplit("<tr>", 1)[1] + html.split("Phan Thị Mai")[1].split("</tr>")[0]
    assert "—" in row and "Mới đăng ký" in row and "Quá hạn" not in row
