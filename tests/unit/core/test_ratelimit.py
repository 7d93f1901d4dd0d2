import pytest
from django.core.cache import cache

from ruisseau import ratelimit


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()


def test_counts_up_to_the_limit_then_refuses():
    decisions = [ratelimit.hit("t", "u1", limit=3, window_seconds=60, now=1_000_000) for _ in range(4)]
    assert [d.allowed for d in decisions] == [True, True, True, False]
    assert [d.remaining for d in decisions] == [2, 1, 0, 0]
    assert decisions[0].reset_at == 1_000_020  # windows are aligned on multiples of 60 s


def test_windows_and_callers_are_counted_apart():
    assert ratelimit.hit("t", "u1", limit=1, window_seconds=60, now=1_000_000).allowed
    assert not ratelimit.hit("t", "u1", limit=1, window_seconds=60, now=1_000_010).allowed
    assert ratelimit.hit("t", "u2", limit=1, window_seconds=60, now=1_000_010).allowed
    assert ratelimit.hit("other", "u1", limit=1, window_seconds=60, now=1_000_010).allowed
    assert ratelimit.hit("t", "u1", limit=1, window_seconds=60, now=1_000_020).allowed


def test_rejects_a_meaningless_limit():
    with pytest.raises(ValueError):
        ratelimit.hit("t", "u", limit=0, window_seconds=60)


def test_peeking_reads_the_current_window_without_counting(monkeypatch):
    monkeypatch.setattr(ratelimit, "clock", lambda: 1_000_030.0)
    assert ratelimit.peek("t", "u1", limit=2, window_seconds=60).current == 0
    ratelimit.hit("t", "u1", limit=2, window_seconds=60)
    ratelimit.hit("t", "u1", limit=2, window_seconds=60)
    state = ratelimit.peek("t", "u1", limit=2, window_seconds=60)
    assert (state.current, state.remaining, state.allowed, state.reset_at) == (2, 0, False, 1_000_080)
    assert ratelimit.peek("t", "u1", limit=2, window_seconds=60).current == 2  # peeking counted nothing
    monkeypatch.setattr(ratelimit, "clock", lambda: 1_000_080.0)  # the next window starts empty
    assert ratelimit.peek("t", "u1", limit=2, window_seconds=60).current == 0
