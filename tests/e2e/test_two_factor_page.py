"""The two-factor set-up page in a real browser: its QR code shows and the page keeps the
site's Content-Security-Policy without a complaint."""

import pytest

from tests import factories
from tests.e2e.helpers import sign_in, watch_csp

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_authenticator_page_shows_its_qr_code(live_server, page, screenshots):
    person = factories.user("twofactor")
    sign_in(page.context, live_server, person)
    complaints, all_console = watch_csp(page), []
    page.on("console", lambda msg: all_console.append(f"{msg.type}: {msg.text}"))
    page.goto(live_server.url + "/accounts/2fa/totp/activate/")
    if "/reauthenticate/" in page.url:  # allauth asks for the password again first
        page.get_by_label("Password").fill("pw-for-tests-1")
        page.get_by_role("button", name="Confirm").click()
        page.wait_for_url("**/2fa/totp/activate/")
    qr = page.locator("img[src^='data:image/svg+xml']")
    assert qr.is_visible()
    assert page.evaluate("(img) => img.naturalWidth > 0", qr.element_handle())  # it really loaded
    page.screenshot(path=str(screenshots / "settings-2fa-activate.png"), full_page=True)
    page.goto(live_server.url + "/accounts/2fa/")
    assert page.get_by_role("heading", level=1).is_visible()
    assert complaints == [], all_console
