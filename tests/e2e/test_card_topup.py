"""Adding funds by card on the real page in Chromium, against localstripe: its fake Stripe.js
replaces the card form offline, and it delivers the signed webhooks to the live server."""

import time

import pytest
from django.test import Client

from ruisseau.accounts.services import create_user
from ruisseau.ledger import accounts
from ruisseau.payments.models import WebhookEvent
from tests.integration.payments.fake_stripe import PUBLISHABLE_KEY, SECRET_KEY, WEBHOOK_SECRET, LocalStripe, assert_ledger_clean

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def stripe_site(live_server, settings):
    server = LocalStripe()
    settings.PAYMENT_PROVIDER = "stripe"
    settings.STRIPE_SECRET_KEY, settings.STRIPE_PUBLISHABLE_KEY = SECRET_KEY, PUBLISHABLE_KEY
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.STRIPE_API_BASE = server.url
    settings.STRIPE_JS_URL = server.url + "/js.stripe.com/v3/"
    # Only the event the test waits for: the test database is SQLite in memory, where two
    # requests writing at the same moment fail at once instead of waiting (a file does not).
    server.register_webhook(live_server.url + "/payments/webhooks/stripe/", ["payment_intent.succeeded"])
    yield live_server
    server.stop()


def signed_in_page(page, live_server, user):
    client = Client()
    client.force_login(user)
    page.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])
    page.goto(live_server.url + "/funds/card/")


def type_card(page, number):
    box = page.locator("#card-element")
    for field, value in (("number", number), ("exp_month", "12"), ("exp_year", "30"), ("cvc", "123"), ("postal_code", "75001")):
        box.locator(f"input[placeholder={field}]").fill(value)


def wait_for_webhooks(count, seconds=10.0):
    deadline = time.monotonic() + seconds
    while WebhookEvent.objects.filter(type="payment_intent.succeeded", processed_at__isnull=False).count() < count:
        assert time.monotonic() < deadline, "localstripe's webhook never arrived"
        time.sleep(0.2)


def test_adding_funds_with_a_test_card(stripe_site, page, screenshots):
    user = create_user("carla", email="carla@example.test", password="pw-for-tests-1", budget_cents=500)
    signed_in_page(page, stripe_site, user)
    assert "15.48\u00a0€" in page.locator("main").text_content()  # 3 months of budget, with the card fee on top
    page.check("#amount-2")
    type_card(page, "4242424242424242")
    page.screenshot(path=str(screenshots / "card-topup.png"), full_page=True)
    page.click("#pay-button")
    page.wait_for_selector("#card-message.succeeded")
    assert page.inner_text("#card-message") == "15.00\u00a0€ were added to your funds."
    assert accounts.funds_cents(user.id) == 1_500
    wait_for_webhooks(1)  # Stripe's own notice of the same payment: recorded, nothing added
    assert accounts.funds_cents(user.id) == 1_500

    # A second card that needs 3-D Secure, for another amount; the bank's window is confirmed.
    page.goto(stripe_site.url + "/funds/card/")
    page.uncheck("#use-saved")
    page.fill("#amount-other", "7,50")
    assert "you pay 7.86\u00a0€" in page.inner_text("#fee-live")
    type_card(page, "4000002500003155")
    page.click("#pay-button")
    page.click("text=Complete authentication")  # saving the card
    page.click("text=Complete authentication")  # the payment
    page.wait_for_selector("#card-message.succeeded")
    assert accounts.funds_cents(user.id) == 2_250
    wait_for_webhooks(2)

    # A declined card, in plain words; nothing added.
    page.goto(stripe_site.url + "/funds/card/")
    page.uncheck("#use-saved")
    type_card(page, "4000000000000341")
    page.click("#pay-button")
    page.wait_for_selector("#card-message.failed")
    assert "Your bank declined the card" in page.inner_text("#card-message")
    page.screenshot(path=str(screenshots / "card-topup-declined.png"), full_page=True)
    assert accounts.funds_cents(user.id) == 2_250
    assert_ledger_clean()
