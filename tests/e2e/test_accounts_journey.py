"""A new person's first visit, in Chromium: sign up, confirm the email from the test mailbox,
sign in, switch to French. Screenshots of each page go to the ``screenshots`` folder."""

import re

import pytest
from django.core import mail

from tests.e2e.helpers import watch_csp

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "un-ruisseau-42-rivieres"


@pytest.fixture(autouse=True)
def _mailbox_in_memory(mailbox):
    return mailbox


def test_a_new_person_signs_up_confirms_signs_in_and_switches_to_french(live_server, page, screenshots):
    csp_problems = watch_csp(page)
    page.goto(live_server.url + "/")
    assert page.get_by_role("heading", level=1).inner_text() == "Give a little to everything you like"
    assert "1.58\u00a0€" in page.locator("main").text_content()
    page.screenshot(path=str(screenshots / "home.png"), full_page=True)

    page.get_by_role("link", name="Sign up — it is free").click()
    page.get_by_label("Email").fill("Camille.Dupont@example.org")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    page.screenshot(path=str(screenshots / "signup.png"), full_page=True)
    page.get_by_role("button", name="Sign Up").click()
    page.wait_for_url("**/accounts/confirm-email/")
    assert "Verify Your Email Address" in page.content()
    page.screenshot(path=str(screenshots / "verification-sent.png"), full_page=True)

    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mail.outbox[0].body).group(0)
    page.goto(live_server.url + link[link.index("/accounts/"):])
    page.screenshot(path=str(screenshots / "confirm-email.png"), full_page=True)
    page.get_by_role("button", name="Confirm").click()

    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Email").fill("camille.dupont@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.screenshot(path=str(screenshots / "login.png"), full_page=True)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(live_server.url + "/dashboard/")
    assert page.get_by_role("button", name="Sign out").is_visible()

    page.get_by_role("link", name="Settings").click()
    assert "camille.dupont" in page.content()  # the username made from the email
    page.get_by_label("Display name").fill("Camille")
    page.get_by_role("button", name="Save").click()
    assert page.get_by_text("Your profile is saved.").is_visible()
    page.screenshot(path=str(screenshots / "settings-profile.png"), full_page=True)

    page.get_by_role("link", name="Language").click()
    page.get_by_label("Language of the site and of our emails").select_option("fr")
    page.get_by_role("button", name="Save").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Langue"
    assert page.locator("html").get_attribute("lang") == "fr"
    page.screenshot(path=str(screenshots / "settings-language-fr.png"), full_page=True)

    page.get_by_role("link", name="Accueil").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Donnez un peu à tout ce que vous aimez"
    assert "1,58\u00a0€" in page.locator("main").text_content()
    page.screenshot(path=str(screenshots / "home-fr.png"), full_page=True)
    page.get_by_role("link", name="Créateur").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Tableau de bord créateur"
    page.screenshot(path=str(screenshots / "creator-fr.png"), full_page=True)
    page.goto(live_server.url + "/settings/close/")
    page.screenshot(path=str(screenshots / "settings-close-fr.png"), full_page=True)
    # Closing is for good: a wrong password is said by the field and closes nothing.
    page.get_by_label("Votre mot de passe").fill("pas-le-bon")
    page.get_by_label("J’ai compris", exact=False).check()
    page.get_by_role("button", name="Fermer mon compte").click()
    assert page.get_by_text("Mot de passe incorrect.").is_visible()
    page.screenshot(path=str(screenshots / "settings-close-wrong-password-fr.png"), full_page=True)
    page.get_by_label("Votre mot de passe").fill(PASSWORD)
    page.get_by_label("J’ai compris", exact=False).check()
    page.get_by_role("button", name="Fermer mon compte").click()
    page.wait_for_url(live_server.url + "/")
    assert page.get_by_text("Votre compte est fermé.", exact=False).is_visible()
    assert csp_problems == []


def test_home_fits_a_phone(live_server, browser, screenshots):
    context = browser.new_context(locale="fr-FR", viewport={"width": 390, "height": 844}, device_scale_factor=2,
                                  is_mobile=True, has_touch=True)
    page = context.new_page()
    try:
        csp_problems = watch_csp(page)
        page.goto(live_server.url + "/")
        assert page.locator("html").get_attribute("lang") == "fr"
        # Nothing sticks out sideways: the page is no wider than the screen.
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        assert page.get_by_role("link", name="Inscrivez-vous — c’est gratuit").is_visible()
        page.screenshot(path=str(screenshots / "home-phone.png"), full_page=True)
        page.goto(live_server.url + "/accounts/login/")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        page.screenshot(path=str(screenshots / "login-phone.png"), full_page=True)
        assert csp_problems == []
    finally:
        context.close()
