import pytest

from services.fees import Original, copy_certification_fee, fee_lines, has_unknown, total


class F:
    def __init__(self, name, kind, amount, online_percent=100):
        self.name, self.kind, self.amount, self.online_percent = name, kind, amount, online_percent


# Circular 226/2016: 2,000 đ for each of pages 1-2, 1,000 đ for each page from 3, cap 200,000 đ.
@pytest.mark.parametrize("pages,expected", [
    (0, 0), (1, 2000), (2, 4000), (3, 5000), (10, 12000),
    (196, 198000),   # 4,000 + 194 × 1,000
    (197, 199000), (198, 200000), (199, 200000), (500, 200000),
])
def test_copy_certification_fee(pages, expected):
    assert copy_certification_fee(pages) == expected


def test_fee_lines_per_kind():
    fees = [F("Chứng thực", "copy_pages", 0), F("Trích lục", "per_copy", 8000), F("Chữ ký", "fixed", 10000)]
    lines = fee_lines(fees, [Original(pages=3, copies=2)], channel=1, copies=2)
    assert [(line.name, line.amount) for line in lines] == [
        ("Chứng thực", 10000),  # 5,000 per copy × 2
        ("Trích lục", 16000),
        ("Chữ ký", 10000),
    ]


def test_copy_certification_sums_every_original():
    # A birth certificate of 1 page × 3 copies, a diploma of 2 pages × 1, a 12-page contract × 2:
    # 2,000 × 3 + 4,000 × 1 + (4,000 + 10 × 1,000) × 2 = 6,000 + 4,000 + 28,000 = 38,000 đ
    originals = [Original(1, 3), Original(2, 1), Original(12, 2)]
    [line] = fee_lines([F("Chứng thực", "copy_pages", 0)], originals, channel=1)
    assert line.amount == 38000


def test_copy_certification_online_is_priced_like_the_counter_unless_discounted():
    originals = [Original(3, 2)]  # 5,000 × 2
    assert fee_lines([F("Chứng thực", "copy_pages", 0)], originals, channel=2)[0].amount == 10000
    assert fee_lines([F("Chứng thực", "copy_pages", 0, 50)], originals, channel=2)[0].amount == 5000
    assert fee_lines([F("Chứng thực", "copy_pages", 0, 50)], originals, channel=1)[0].amount == 10000
    assert fee_lines([F("Chứng thực", "copy_pages", 0, 50)], originals, channel=3)[0].amount == 10000


def test_online_percent_rounds_down_to_whole_dong():
    # 25,000 × 33% = 8,250 đ; 10,001 × 50% = 5,000.5 -> 5,000 đ
    assert fee_lines([F("Lệ phí", "fixed", 25000, 33)], [], channel=2)[0].amount == 8250
    assert fee_lines([F("Lệ phí", "fixed", 10001, 50)], [], channel=2)[0].amount == 5000


def test_unknown_amount_stays_unknown():
    lines = fee_lines([F("Lệ phí khai tử", "fixed", None), F("Phí", "per_copy", None),
                       F("Chữ ký", "fixed", 10000)], [], channel=2, copies=3)
    assert [line.amount for line in lines] == [None, None, 10000]
    assert has_unknown(lines) and total(lines) == 10000


def test_unknown_fee_kind_is_refused():
    with pytest.raises(ValueError):
        fee_lines([F("x", "weird", 1)], [], 1)
