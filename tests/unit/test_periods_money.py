from datetime import UTC, datetime

import pytest

from ruisseau.errors import InvalidInput
from ruisseau.money import format_cents, parse_amount
from ruisseau.periods import Period


def test_period_arithmetic_and_bounds():
    p = Period.parse("2026-11")
    assert str(p) == "2026-11"
    assert str(p + 2) == "2027-01" and str(p - 11) == "2025-12"
    assert p.start == datetime(2026, 11, 1, tzinfo=UTC) and p.end == datetime(2026, 12, 1, tzinfo=UTC)
    assert not p.is_closed(datetime(2026, 11, 30, 23, 59, 59, tzinfo=UTC))
    assert p.is_closed(datetime(2026, 12, 1, tzinfo=UTC))
    assert Period.containing(datetime(2026, 12, 31, 23, 30, tzinfo=UTC)) == Period(2026, 12)


@pytest.mark.parametrize("text", ["2026-13", "2026-00", "26-11", "2026/11", "2026-1", "", "november", "1999-12"])
def test_malformed_periods_are_refused(text):
    with pytest.raises(InvalidInput):
        Period.parse(text)


@pytest.mark.parametrize(("text", "cents"), [("5", 500), ("5.5", 550), ("5,50", 550), ("0.07", 7), ("12,30 €", 1230)])
def test_parse_amount(text, cents):
    assert parse_amount(text) == cents


@pytest.mark.parametrize("text", ["", "-5", "5.555", "1e3", "five", "5.5.5"])
def test_parse_amount_refuses(text):
    with pytest.raises(InvalidInput):
        parse_amount(text)


def test_format_cents():
    assert format_cents(158) == "1.58 €"
    assert format_cents(123456) == "1,234.56 €"  # as the English pages write it
    assert format_cents(-5) == "-0.05 €"
