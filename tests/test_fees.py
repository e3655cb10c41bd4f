import pytest

from services.fees import copy_certification_fee, fee_lines


class F:
    def __init__(self, name, kind, amount):
        self.name, self.kind, self.amount = name, kind, amount


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
    lines = fee_lines(fees, pages=3, copies=2)
    assert [(line.name, line.amount) for line in lines] == [
        ("Chứng thực", 10000),  # 5,000 per copy × 2
        ("Trích lục", 16000),
        ("Chữ ký", 10000),
    ]


def test_unknown_fee_kind_is_refused():
    with pytest.raises(ValueError):
        fee_lines([F("x", "weird", 1)], 1, 1)
