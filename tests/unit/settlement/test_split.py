from hypothesis import given, settings, strategies as st

from ruisseau.settlement.split import (
    GiverSplit,
    fee_cents,
    flattr_shares,
    split_among_owners,
    split_giver,
)

spends = st.integers(min_value=0, max_value=1_000_000)
fees = st.integers(min_value=0, max_value=9_999)
counts = st.integers(min_value=1, max_value=10_000)


def test_worked_example_from_the_docs():
    split = split_giver(budget_cents=500, funds_cents=2_000, payable_count=3, fee_bps=500)
    assert split == GiverSplit(spend_cents=500, fee_cents=25, share_cents=158, extra_count=1)
    assert flattr_shares(split, 3) == [159, 158, 158]


def test_spend_is_capped_by_funds_and_zero_without_payable_flattrs():
    assert split_giver(500, 300, 2, 500).spend_cents == 300
    assert split_giver(500, 0, 2, 500).spend_cents == 0
    assert split_giver(500, 2_000, 0, 500) == GiverSplit(0, 0, 0, 0)


@settings(max_examples=300)
@given(spend=spends, fee_bps=fees, n=counts)
def test_shares_plus_fee_equal_the_spend_exactly(spend, fee_bps, n):
    split = split_giver(budget_cents=spend, funds_cents=spend, payable_count=n, fee_bps=fee_bps)
    shares = flattr_shares(split, n)
    assert sum(shares) + split.fee_cents == spend
    assert split.fee_cents == fee_cents(spend, fee_bps) == spend * fee_bps // 10_000
    floor = (spend - split.fee_cents) // n
    assert set(shares) <= {floor, floor + 1}
    # The extra cents go to the earliest flattrs: the list never increases.
    assert shares == sorted(shares, reverse=True)


@settings(max_examples=300)
@given(spend=spends, fee_bps=fees, n=counts)
def test_split_is_deterministic(spend, fee_bps, n):
    assert split_giver(spend, spend, n, fee_bps) == split_giver(spend, spend, n, fee_bps)


owner_weights = st.lists(st.integers(min_value=1, max_value=10_000), min_size=1, max_size=6)


@settings(max_examples=300)
@given(amount=st.integers(min_value=0, max_value=100_000), weights=owner_weights)
def test_owner_split_is_exact_and_proportional(amount, weights):
    owners = [(owner_id, w) for owner_id, w in zip(range(10, 10 + len(weights)), weights, strict=True)]
    result = split_among_owners(amount, owners)
    assert sum(result.values()) == amount
    total = sum(weights)
    for owner_id, w in owners:
        exact_floor = amount * w // total
        assert result[owner_id] in (exact_floor, exact_floor + 1)
    assert split_among_owners(amount, list(reversed(owners))) == result


def test_owner_split_largest_remainder_then_lowest_id():
    # 100 cents, 3 equal owners: 33 each, 1 left; equal remainders → lowest id wins.
    assert split_among_owners(100, [(7, 1), (3, 1), (5, 1)]) == {3: 34, 5: 33, 7: 33}
    # 7000/3000 of 101: 70.7 and 30.3 → the larger remainder (0.7) gets the cent.
    assert split_among_owners(101, [(1, 7_000), (2, 3_000)]) == {1: 71, 2: 30}


def test_owner_split_rejects_nonsense():
    import pytest

    with pytest.raises(ValueError):
        split_among_owners(10, [])
    with pytest.raises(ValueError):
        split_among_owners(10, [(1, 0)])
