"""Closing an account (accounts/services.py): the rule of docs/website.md, and its page."""

from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from django.core.management import call_command
from django.urls import reverse

from ruisseau.accounts.models import User
from ruisseau.accounts.services import AccountNotClosable, close_account, closing_terms
from ruisseau.errors import NotFound
from ruisseau.flattrs import services as flattrs, subscriptions
from ruisseau.flattrs.models import Flattr, Pledge, Subscription
from ruisseau.ledger import accounts
from ruisseau.ledger.errors import AccountClosed
from ruisseau.ledger.models import Account
from ruisseau.payments.services import add_funds
from ruisseau.settlement import run as settlement
from ruisseau.things.models import ThingOwner
from tests import factories
from tests.factories import PERIOD, at

pytestmark = pytest.mark.django_db
NOW = at(PERIOD, day=20)


def test_closing_keeps_every_cent_and_freezes_the_accounts(member):
    owner = factories.user("owner")
    mine = factories.thing(member)
    theirs, unclaimed = factories.thing(owner), factories.thing()
    flattrs.flattr_thing(member.id, theirs.id, now=at(day=3))
    flattrs.flattr_thing(member.id, unclaimed.id, now=at(day=3))  # a pledge
    subscriptions.subscribe(member.id, theirs.id, 3, now=at(day=4))
    terms = closing_terms(member.id, now=NOW)
    assert (terms.funds_cents, terms.earnings_cents) == (2_000, 0)
    assert (terms.open_flattrs, terms.subscriptions, terms.things_owned) == (2, 1, 1) and terms.can_close

    close_account(member.id, expect_funds_cents=2_000, expect_earnings_cents=0, now=NOW)

    user = User.objects.get(id=member.id)
    assert user.closed_at == NOW and not user.is_active and not user.has_usable_password()
    assert (user.email, user.display_name) == ("", "")
    assert not EmailAddress.objects.filter(user=user).exists()
    assert not Flattr.objects.filter(user=user).exists() and not Pledge.objects.filter(user_id=user.id).exists()
    assert Subscription.objects.get(user=user).cancelled_at == NOW
    assert not ThingOwner.objects.filter(user=user).exists() and mine.owners.count() == 0
    assert accounts.funds_cents(user.id) == 2_000  # kept, to the cent
    assert all(a.closed_at == NOW for a in Account.objects.filter(user=user))
    with pytest.raises(AccountClosed):
        add_funds(user.id, 500, idempotency_key="after-closing", now=NOW)
    # The period still settles cleanly without them, and the ledger checks out.
    settlement.settle_period(PERIOD, now=at(PERIOD + 1, hour=2))
    assert accounts.funds_cents(user.id) == 2_000
    call_command("ledger", "check", stdout=StringIO())


def test_closing_twice_or_an_unknown_account_is_not_found(member):
    close_account(member.id, expect_funds_cents=2_000, expect_earnings_cents=0, now=NOW)
    with pytest.raises(NotFound):
        close_account(member.id, expect_funds_cents=2_000, expect_earnings_cents=0, now=NOW)
    with pytest.raises(NotFound):
        close_account(987_654, expect_funds_cents=0, expect_earnings_cents=0, now=NOW)


def test_closing_is_refused_when_the_balances_moved(member):
    with pytest.raises(AccountNotClosable) as error:
        close_account(member.id, expect_funds_cents=1_000, expect_earnings_cents=0, now=NOW)
    assert error.value.code == "balances_changed"
    assert User.objects.get(id=member.id).closed_at is None


def test_closing_waits_for_the_settlement_of_a_closed_period(member):
    owner = factories.user("owner")
    flattrs.flattr_thing(member.id, factories.thing(owner).id, now=at(day=3))
    flattrs.flattr_thing(owner.id, factories.thing(factories.user()).id, now=at(day=3))  # owner gives: eligible
    after_the_month = at(PERIOD + 1, day=1, hour=0, minute=5)
    assert closing_terms(member.id, now=after_the_month).blocked_by_period == str(PERIOD)
    with pytest.raises(AccountNotClosable) as error:
        close_account(member.id, expect_funds_cents=2_000, expect_earnings_cents=0, now=after_the_month)
    assert error.value.code == "period_not_settled"
    settlement.settle_period(PERIOD, now=at(PERIOD + 1, hour=2))
    funds = accounts.funds_cents(member.id)
    assert funds == 1_500  # the closed period was charged first (budget 5\u00a0€)
    close_account(member.id, expect_funds_cents=funds, expect_earnings_cents=0, now=at(PERIOD + 1, hour=3))


PASSWORD = "pw-for-tests-1"


def closing_form(**fields):
    return {"expect_funds_cents": 2000, "expect_earnings_cents": 0, "confirm": "on", "password": PASSWORD, **fields}


def test_the_close_page_shows_the_rule_and_needs_confirmation(member_client, member):
    page = member_client.get(reverse("web:settings_close")).content.decode()
    assert "20.00\u00a0€" in page and "Closing moves no money" in page
    assert 'type="password"' in page and 'name="code"' not in page  # no two-factor: no code asked
    unconfirmed = closing_form()
    del unconfirmed["confirm"]
    refused = member_client.post(reverse("web:settings_close"), unconfirmed)
    assert refused.status_code == 200 and User.objects.get(id=member.id).closed_at is None
    stale = member_client.post(reverse("web:settings_close"), closing_form(expect_funds_cents=500), follow=True)
    assert "Your balances changed" in stale.content.decode() and User.objects.get(id=member.id).closed_at is None
    done = member_client.post(reverse("web:settings_close"), closing_form(), follow=True)
    assert "Your account is closed" in done.content.decode()
    assert User.objects.get(id=member.id).closed_at is not None
    assert member_client.get(reverse("web:settings_profile")).status_code == 302  # signed out


@pytest.mark.parametrize("password", ["", "not-the-password"])
def test_closing_needs_the_current_password(member_client, member, password):
    refused = member_client.post(reverse("web:settings_close"), closing_form(password=password))
    assert refused.status_code == 200
    errors = refused.context["form"].errors
    assert list(errors) == ["password"]
    assert errors["password"] == ["This field is required." if not password else "Incorrect password."]
    assert 'class="errorlist' in refused.content.decode()
    assert User.objects.get(id=member.id).closed_at is None


def test_closing_needs_the_two_factor_code_when_it_is_on(member_client, member):
    from allauth.mfa.models import Authenticator
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
    from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value, yield_hotp_counters_from_time

    secret = generate_totp_secret()
    TOTP.activate(member, secret)
    RecoveryCodes.activate(member)
    code = format_hotp_value(hotp_value(secret, next(iter(yield_hotp_counters_from_time()))))
    assert 'name="code"' in member_client.get(reverse("web:settings_close")).content.decode()
    for wrong in [{}, {"code": "000000"}]:
        refused = member_client.post(reverse("web:settings_close"), closing_form(**wrong))
        assert refused.status_code == 200 and list(refused.context["form"].errors) == ["code"]
    # A wrong password is reported alone and the (right) code is not spent on it.
    refused = member_client.post(reverse("web:settings_close"), closing_form(password="nope", code=code))
    assert list(refused.context["form"].errors) == ["password"]
    assert User.objects.get(id=member.id).closed_at is None
    assert Authenticator.objects.filter(user=member, type="totp").exists()
    member_client.post(reverse("web:settings_close"), closing_form(code=code))
    assert User.objects.get(id=member.id).closed_at is not None


def test_the_french_close_page_asks_for_the_password_in_french(member_client, member):
    User.objects.filter(id=member.id).update(language="fr")
    page = member_client.get(reverse("web:settings_close")).content.decode()
    assert "Votre mot de passe" in page
    refused = member_client.post(reverse("web:settings_close"), closing_form(password="faux"))
    assert "Mot de passe incorrect." in refused.content.decode()


def test_a_closed_account_cannot_sign_in(client, member):
    close_account(member.id, expect_funds_cents=2_000, expect_earnings_cents=0, now=NOW)
    response = client.post(reverse("account_login"), {"login": "marie@example.test", "password": "pw-for-tests-1"})
    assert response.status_code == 200
    assert client.get(reverse("web:settings_profile")).status_code == 302


def test_closing_waits_while_a_split_period_is_not_yet_posted(member, monkeypatch):
    """An owner paid for the month whose own flattr became a pledge has no unsettled flattr left
    once the split has run; closing must still wait for the ledger stage, or that run could never
    post to their closed account."""
    owner = factories.user("paidowner")
    flattrs.flattr_thing(member.id, factories.thing(owner).id, now=at(day=3))
    flattrs.flattr_thing(owner.id, factories.thing().id, now=at(day=3))  # no owner: becomes a pledge
    stages = list(settlement.STAGES)
    name, _post = stages[-1]

    def crash(ctx):
        raise RuntimeError("the ledger stage did not run")

    monkeypatch.setattr(settlement, "STAGES", [*stages[:-1], (name, crash)])
    with pytest.raises(RuntimeError):
        settlement.settle_period(PERIOD, now=at(PERIOD + 1, hour=2))
    monkeypatch.undo()
    later = at(PERIOD + 1, hour=3)
    assert closing_terms(owner.id, now=later).blocked_by_period == str(PERIOD)
    with pytest.raises(AccountNotClosable):
        close_account(owner.id, expect_funds_cents=2_000, expect_earnings_cents=0, now=later)
    settlement.settle_period(PERIOD, now=at(PERIOD + 1, hour=4))  # resumes and posts
    earned = accounts.earnings_cents(owner.id)
    assert earned == 475
    assert closing_terms(owner.id, now=later).blocked_by_period is None
    close_account(owner.id, expect_funds_cents=accounts.funds_cents(owner.id), expect_earnings_cents=earned,
                  now=at(PERIOD + 1, hour=5))
    call_command("ledger", "check", stdout=StringIO())
