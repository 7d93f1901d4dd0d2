import pytest

from ruisseau.payments.fees import card_fee_cents, suggestions


@pytest.mark.parametrize(("amount", "fee"), [(100, 27), (500, 33), (1_000, 40), (1_033, 40), (1_034, 41), (100_000, 1_525)])
def test_card_fee_is_the_percentage_rounded_half_up_plus_the_fixed_part(amount, fee):
    assert card_fee_cents(amount) == fee


def test_fee_settings_are_used(settings):
    settings.CARD_FEE_BPS, settings.CARD_FEE_FIXED_CENTS = 290, 30
    assert card_fee_cents(1_000) == 29 + 30


def test_suggestions_cover_months_and_cost_less_in_share_as_they_grow():
    rows = suggestions(500)
    assert [(s.months, s.amount_cents, s.fee_cents, s.total_cents) for s in rows] == [
        (1, 500, 33, 533), (3, 1_500, 48, 1_548), (6, 3_000, 70, 3_070), (12, 6_000, 115, 6_115)]
    assert [s.fee_percent for s in rows] == ["6.6", "3.2", "2.3", "1.9"]


def test_suggestions_stay_within_the_top_up_limit(settings):
    settings.MAX_TOPUP_CENTS = 20_000
    assert [s.months for s in suggestions(10_000)] == [1]
    assert suggestions(50)[0].amount_cents == 100  # never below the smallest top-up
