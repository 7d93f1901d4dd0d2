"""The giver's dashboard: budget, values after the fee, taking back, subscriptions, past months."""

from __future__ import annotations

import pytest

from ruisseau.flattrs import services as flattrs, subscriptions
from ruisseau.flattrs.models import Flattr, Subscription
from ruisseau.ledger.models import Account, AccountKind
from ruisseau.settlement import run as settlement
from tests import factories
from tests.factories import PERIOD, at

pytestmark = pytest.mark.django_db


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get("/dashboard/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_each_flattr_shows_its_value_after_the_fee(signed_in, things, giver):
    for thing in things:
        flattrs.flattr_thing(giver.id, thing.id)
    page = signed_in.get("/dashboard/").content.decode()
    assert page.count('<td class="num amount" data-flattr-value>1.58\u00a0€</td>') == 2
    earliest = page.split('">Article 1</a>', 1)[1].split("</tr>", 1)[0]
    assert 'data-flattr-value>1.59\u00a0€</td>' in earliest  # the leftover cent, as the settlement gives it
    assert "5.00\u00a0€ would be given and each of your 3 paid flattrs would be worth 1.58\u00a0€ after the fee" in page
    assert "The value falls as you flattr more things" in page
    assert "The 1 leftover cent goes to your earliest flattr." in page


def test_taking_a_flattr_back_raises_the_others(signed_in, things, giver):
    made = [flattrs.flattr_thing(giver.id, t.id) for t in things]
    response = signed_in.post(f"/dashboard/flattrs/{made[1].id}/take-back/", follow=True)
    page = response.content.decode()
    assert "Flattr taken back" in page and page.count("data-flattr-value>2.37\u00a0€") == 1
    assert page.count("data-flattr-value>2.38\u00a0€") == 1  # 4.75\u00a0€ over two: the earlier gets the odd cent
    assert not Flattr.objects.filter(id=made[1].id).exists()


def test_other_peoples_flattrs_and_subscriptions_are_404(signed_in, things, creator):
    other = factories.user("other")
    theirs = flattrs.flattr_thing(other.id, things[0].id)
    sub = subscriptions.subscribe(other.id, things[0].id, 3)
    assert signed_in.post(f"/dashboard/flattrs/{theirs.id}/take-back/").status_code == 404
    assert signed_in.post(f"/dashboard/subscriptions/{sub.id}/pause/").status_code == 404
    assert signed_in.post(f"/dashboard/subscriptions/{sub.id}/cancel/").status_code == 404
    assert Flattr.objects.filter(id=theirs.id).exists()
    assert Subscription.objects.get(id=sub.id).active


def test_a_closed_periods_flattr_cannot_be_taken_back(signed_in, things, giver):
    old = flattrs.flattr_thing(giver.id, things[0].id, now=at(PERIOD))
    page = signed_in.post(f"/dashboard/flattrs/{old.id}/take-back/", follow=True).content.decode()
    assert "month has closed" in page and Flattr.objects.filter(id=old.id).exists()


@pytest.mark.parametrize("typed, cents", [("7", 700), ("7,50", 750), ("12.5\u00a0€", 1250)])
def test_budget_changes(signed_in, giver, typed, cents):
    response = signed_in.post("/dashboard/budget/", {"budget": typed}, follow=True)
    assert "Your monthly budget is changed." in response.content.decode()
    giver.refresh_from_db()
    assert giver.budget_cents == cents


@pytest.mark.parametrize(
    "typed, words",
    [
        ("1", "The monthly budget must be between 2.00\u00a0€ and 100.00\u00a0€."),
        ("100000", "The monthly budget must be between 2.00\u00a0€ and 100.00\u00a0€."),
        ("five", "Write an amount in euros and cents"),
        ("-3", "Write an amount in euros and cents"),
        ("", "This field is required."),
    ],
)
def test_wrong_budgets_are_explained_and_change_nothing(signed_in, giver, typed, words):
    response = signed_in.post("/dashboard/budget/", {"budget": typed})
    assert response.status_code == 400 and words in response.content.decode()
    giver.refresh_from_db()
    assert giver.budget_cents == 500


def test_subscriptions_pause_resume_and_cancel(signed_in, things, giver):
    flattrs.flattr_thing(giver.id, things[0].id)
    sub = subscriptions.subscribe(giver.id, things[0].id, 12)
    assert "running" in signed_in.get("/dashboard/").content.decode()
    assert "Subscription paused." in signed_in.post(f"/dashboard/subscriptions/{sub.id}/pause/", follow=True).content.decode()
    sub.refresh_from_db()
    assert sub.paused
    assert "Subscription resumed." in signed_in.post(f"/dashboard/subscriptions/{sub.id}/pause/", follow=True).content.decode()
    signed_in.post(f"/dashboard/subscriptions/{sub.id}/cancel/")
    sub.refresh_from_db()
    assert sub.cancelled_at is not None
    assert "No subscriptions." in signed_in.get("/dashboard/").content.decode()


def test_a_flattr_on_an_unproven_thing_takes_no_share(signed_in, things, giver, creator):
    flattrs.flattr_thing(giver.id, things[0].id)
    flattrs.flattr_thing(giver.id, factories.thing(creator, verified=False, title="Unproven").id)
    page = signed_in.get("/dashboard/").content.decode()
    assert "your flattr would be worth 4.75\u00a0€ after the fee" in page  # the budget after the fee, all of it
    unproven = page.split('">Unproven</a>', 1)[1].split("</tr>", 1)[0]
    assert "will wait as a pledge" in unproven and "data-flattr-value>—</td>" in unproven
    assert "1 flattr is on a thing with no verified owner yet: it would wait as a pledge" in page


def test_funds_below_the_budget_are_what_is_shared(signed_in, things, giver):
    flattrs.flattr_thing(giver.id, things[0].id)
    giver.budget_cents = 5_000  # raised after flattring; the funds hold 10\u00a0€
    giver.save(update_fields=["budget_cents"])
    page = signed_in.get("/dashboard/").content.decode()
    assert "10.00\u00a0€ would be given and your flattr would be worth 9.50\u00a0€ after the fee" in page
    assert "Your funds (10.00\u00a0€) do not cover your budget (50.00\u00a0€)" in page


def test_the_estimate_is_what_the_settlement_pays(giver, creator, monkeypatch):
    """The dashboard's figures for a month, read just before it closes, are the cents the
    settlement then gives each flattr: pledges carried in first, leftover cents, unproven things."""
    from ruisseau.pages import giver_reads
    from ruisseau.settlement.models import GiverStatement
    from ruisseau.settlement.statements import giver_period

    creator_flattr = factories.thing(factories.user("third"))
    flattrs.flattr_thing(creator.id, creator_flattr.id, now=at(PERIOD))  # the creator gives too
    late = factories.thing(creator, verified=False, title="Proven later")
    flattrs.flattr_thing(giver.id, late.id, now=at(PERIOD - 1))
    settlement.settle_period(PERIOD - 1, now=at(PERIOD, hour=2))  # a pledge now, carried into PERIOD
    late.owners.update(verified=True, verification="operator")
    made = [flattrs.flattr_thing(giver.id, factories.thing(creator, title=f"Piece {i}").id, now=at(PERIOD, minute=i))
            for i in range(6)]
    unproven = flattrs.flattr_thing(giver.id, factories.thing(creator, verified=False).id, now=at(PERIOD, minute=9))
    monkeypatch.setattr(giver_reads, "FLATTRS_PER_PAGE", 3)  # the leftover cents across pages
    boards = [giver_reads.dashboard(giver, PERIOD, page=number) for number in (1, 2, 3)]
    board = boards[0]
    assert board.paid_count == 7 and board.waiting_count == 1
    shown = {row.id: board.split.share_cents + row.extra_cent
             for page in boards for row in page.flattrs if row.has_verified_owner}
    settlement.settle_period(PERIOD, now=at(PERIOD + 1, hour=2))
    statement = GiverStatement.objects.get(user=giver, period=PERIOD.first_day)
    assert (statement.spend_cents, statement.payable_count) == (board.split.spend_cents, board.paid_count)
    paid = giver_period(giver.id, PERIOD).paid
    assert shown == {line.flattr_id: line.cents for line in paid if line.made_in == PERIOD}
    assert len(shown) == len(made) and unproven.id not in shown
    assert board.split.extra_count == 475 % 7 and paid[0].cents == board.split.share_cents + 1  # the pledge first


def test_pledges_say_what_they_wait_for(signed_in, giver, creator):
    unverified = factories.thing(creator, verified=False, title="Unproven")
    flattrs.flattr_thing(giver.id, unverified.id, now=at(PERIOD))
    settlement.settle_period(PERIOD, now=at(PERIOD + 1, hour=2))
    page = signed_in.get("/dashboard/").content.decode()
    assert "Unproven" in page and "its creator to claim it and prove it is theirs" in page
    pledges = page.split('id="pledges"', 1)[1].split('id="subscriptions"', 1)[0]
    lapses = (PERIOD + 5).first_day
    assert f"<td>{lapses:%B %Y}</td>" in pledges  # lapses after six chances, the month written out


def test_past_month_shows_where_the_money_went_to_the_cent(signed_in, things, giver, creator):
    # the creator gives too, so they are eligible to receive
    flattrs.flattr_thing(creator.id, factories.thing(factories.user("third")).id, now=at(PERIOD))
    for thing in things:
        flattrs.flattr_thing(giver.id, thing.id, now=at(PERIOD, day=2))
    settlement.settle_period(PERIOD, now=at(PERIOD + 1, hour=2))
    board = signed_in.get("/dashboard/").content.decode()
    assert f'href="/dashboard/periods/{PERIOD.year}-{PERIOD.month}/"' in board
    page = signed_in.get(f"/dashboard/periods/{PERIOD.year}-{PERIOD.month}/").content.decode()
    assert page.count("1.59\u00a0€") == 1 and page.count("1.58\u00a0€") == 2  # 475 = 159 + 158 + 158
    assert "0.25\u00a0€" in page and "5.00\u00a0€" in page
    assert signed_in.get(f"/dashboard/periods/{(PERIOD + 1).year}-{(PERIOD + 1).month}/").status_code == 404
    assert signed_in.get("/dashboard/periods/2026-13/").status_code == 404


def test_the_dashboard_table_takes_back_the_pressed_flattr_only_if_it_is_mine(signed_in, things, giver):
    mine = flattrs.flattr_thing(giver.id, things[0].id)
    theirs = flattrs.flattr_thing(factories.user("other").id, things[1].id)
    assert signed_in.post("/dashboard/take-back/", {"flattr": "abc"}).status_code == 404
    assert signed_in.post("/dashboard/take-back/", {"flattr": str(theirs.id)}).status_code == 404
    assert signed_in.post("/dashboard/take-back/", {"flattr": str(mine.id)}).status_code == 302
    assert list(Flattr.objects.values_list("id", flat=True)) == [theirs.id]


def test_titles_are_escaped_in_the_table(signed_in, giver, creator):
    thing = factories.thing(creator, title="<script>alert(1)</script>")
    flattrs.flattr_thing(giver.id, thing.id)
    page = signed_in.get("/dashboard/").content.decode()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_every_list_at_once_in_its_order(signed_in, things, giver, creator):
    """Balances, pledges, subscriptions and past months come from one statement (giver_reads.py)."""
    first, second = factories.thing(creator, verified=False, title="Unproven one"), factories.thing(
        creator, verified=False, title="Unproven two")
    flattrs.flattr_thing(creator.id, factories.thing(factories.user("third")).id, now=at(PERIOD))
    flattrs.flattr_thing(giver.id, second.id, now=at(PERIOD, day=3))
    flattrs.flattr_thing(giver.id, things[0].id, now=at(PERIOD, day=3))
    settlement.settle_period(PERIOD, now=at(PERIOD + 1, hour=2))
    flattrs.flattr_thing(giver.id, first.id, now=at(PERIOD + 1, day=2))
    flattrs.flattr_thing(giver.id, things[1].id, now=at(PERIOD + 1, day=2))
    settlement.settle_period(PERIOD + 1, now=at(PERIOD + 2, hour=2))
    subscriptions.subscribe(giver.id, things[1].id, 3)
    subscriptions.subscribe(giver.id, things[0].id, None)
    page = signed_in.get("/dashboard/").content.decode()
    pledges = page.split('id="pledges"', 1)[1].split('id="subscriptions"', 1)[0]
    assert pledges.index("Unproven two") < pledges.index("Unproven one")  # by the month they were made
    subscribed = page.split('id="subscriptions"', 1)[1].split('id="history"', 1)[0]
    assert subscribed.index("Article 2") < subscribed.index("Article 1")  # in the order they were taken
    assert "until cancelled" in subscribed
    history = page.split('id="history"', 1)[1]
    later, earlier = (f"{(p).first_day:%B %Y}</a>" for p in (PERIOD + 1, PERIOD))
    assert history.index(later) < history.index(earlier)  # the latest month first, written out
    funds = Account.objects.get(user=giver, kind=AccountKind.USER_FUNDS).balance_cents
    assert page.split("data-funds>", 1)[1].startswith(f"{funds // 100}.{funds % 100:02d}\u00a0€<") and funds < 1_000


def test_the_periods_flattrs_come_newest_first_a_page_at_a_time(signed_in, giver, creator, monkeypatch):
    from ruisseau.pages import giver_reads

    monkeypatch.setattr(giver_reads, "FLATTRS_PER_PAGE", 2)
    made = [factories.thing(creator, title=f"Piece {i}") for i in range(5)]
    for thing in made:
        flattrs.flattr_thing(giver.id, thing.id)

    def titles(query: str) -> list[str]:
        page = signed_in.get(f"/dashboard/{query}").content.decode()
        table = page.split('id="this-period"', 1)[1].split('id="pledges"', 1)[0]
        assert "each of your 5 paid flattrs would be worth 0.95\u00a0€ after the fee" in table  # all five, every page
        return [cell.split("<", 1)[0] for cell in table.split('">Piece ')[1:]]

    assert titles("") == ["4", "3"]
    assert titles("?page=2") == ["2", "1"]
    assert titles("?page=3") == ["0"]
    assert titles("?page=99") == ["0"] and titles("?page=oops") == ["4", "3"]  # the last page, the first
    page = signed_in.get("/dashboard/?page=2").content.decode()
    assert "flattrs 3 to 4 of 5" in page and "Page 2 of 3" in page
    assert 'href="?page=1#this-period"' in page and 'href="?page=3#this-period"' in page
    # taking one back from page 2 comes back to page 2
    taken = Flattr.objects.get(user=giver, thing=made[2])
    response = signed_in.post("/dashboard/take-back/", {"flattr": taken.id, "next": "/dashboard/?page=2#this-period"})
    assert response.status_code == 302 and response["Location"] == "/dashboard/?page=2#this-period"
    assert 'name="next" value="/dashboard/?page=2#this-period"' in page


def test_one_page_of_flattrs_needs_no_page_links(signed_in, things, giver):
    for thing in things:
        flattrs.flattr_thing(giver.id, thing.id)
    page = signed_in.get("/dashboard/").content.decode()
    assert 'class="pagination"' not in page and "Newest first" not in page


def test_a_pledge_on_a_retired_thing_is_not_counted_as_paid(giver, creator):
    from ruisseau.pages import giver_reads
    from ruisseau.things.models import Thing

    late = factories.thing(creator, verified=False, title="Retired later")
    flattrs.flattr_thing(giver.id, late.id, now=at(PERIOD - 1))
    settlement.settle_period(PERIOD - 1, now=at(PERIOD, hour=2))
    late.owners.update(verified=True, verification="operator")
    assert giver_reads.dashboard(giver, PERIOD).carried_paid == 1
    Thing.objects.filter(id=late.id).update(disabled=True)  # the settlement never pays it now
    assert giver_reads.dashboard(giver, PERIOD).carried_paid == 0
