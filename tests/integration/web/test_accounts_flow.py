import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.test import override_settings
from django.urls import reverse

from ruisseau.accounts.models import User
from ruisseau.accounts.services import username_from_email
from ruisseau.ledger.models import Account
from tests import factories

pytestmark = pytest.mark.django_db

LOCMEM = override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend")


def sign_up(client, email, password="a-good-long-pass-42", **headers):
    return client.post(
        reverse("account_signup"), {"email": email, "password1": password, "password2": password}, **headers
    )


def confirmation_link(message) -> str:
    return re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^\s]+/)", message.body).group(1)


@LOCMEM
def test_sign_up_makes_a_username_opens_ledger_accounts_and_sends_a_confirmation(client):
    response = sign_up(client, "Chloe.Martin+news@example.org")
    assert response.status_code == 302
    user = User.objects.get()
    assert user.username == "chloe.martin"
    assert user.language == "en"
    assert set(Account.objects.filter(user=user).values_list("kind", flat=True)) == {"user_funds", "user_earnings"}
    assert len(mail.outbox) == 1 and "Confirm" in mail.outbox[0].subject


@LOCMEM
def test_confirming_the_email_then_signing_in(client):
    sign_up(client, "lea@example.org")
    link = confirmation_link(mail.outbox[0])
    assert client.get(link).status_code == 200  # the confirmation page, with its button
    assert client.post(link).status_code == 302
    assert EmailAddress.objects.get(email="lea@example.org").verified
    client.logout()
    response = client.post(reverse("account_login"), {"login": "lea@example.org", "password": "a-good-long-pass-42"})
    assert response.status_code == 302
    assert client.get(reverse("web:settings_profile")).status_code == 200


@LOCMEM
def test_unconfirmed_people_cannot_sign_in(client):
    sign_up(client, "pas@example.org")
    client.logout()
    mail.outbox.clear()
    response = client.post(reverse("account_login"), {"login": "pas@example.org", "password": "a-good-long-pass-42"})
    assert response.status_code == 302 and "confirm-email" in response["Location"]
    assert client.get(reverse("web:settings_profile")).status_code == 302


@LOCMEM
def test_sign_up_in_french_sends_the_email_in_french(client):
    sign_up(client, "paul@example.fr", HTTP_ACCEPT_LANGUAGE="fr")
    assert User.objects.get().language == "fr"
    assert mail.outbox[0].subject == "[Ruisseau] Confirmez votre adresse e-mail"
    assert "adresse" in mail.outbox[0].body


@LOCMEM
def test_password_reset_email_uses_the_accounts_language(client, member):
    User.objects.filter(id=member.id).update(language="fr")
    client.post(reverse("account_reset_password"), {"email": member.email}, HTTP_ACCEPT_LANGUAGE="en")
    assert len(mail.outbox) == 1
    assert "mot de passe" in mail.outbox[0].body.lower()


@pytest.mark.parametrize(
    ("email", "password2", "error"),
    [("not-an-email", "a-good-long-pass-42", "valid email"), ("x@example.org", "different-pass-43", "same password")],
)
def test_bad_sign_ups_say_what_is_wrong(client, email, password2, error):
    response = client.post(
        reverse("account_signup"), {"email": email, "password1": "a-good-long-pass-42", "password2": password2}
    )
    assert response.status_code == 200 and error in response.content.decode()
    assert not User.objects.exists()


@LOCMEM
def test_an_email_address_signs_up_once_without_telling_strangers(client, member):
    # allauth answers as for a new address (no enumeration) and warns the owner by email instead.
    response = sign_up(client, member.email)
    assert response.status_code == 302
    assert User.objects.count() == 1
    assert mail.outbox[0].to == [member.email] and "already" in mail.outbox[0].body


def test_wrong_passwords_are_rate_limited(client, member):
    url = reverse("account_login")
    for _ in range(5):
        assert client.post(url, {"login": member.email, "password": "wrong"}).status_code == 200
    response = client.post(url, {"login": member.email, "password": "pw-for-tests-1"})
    assert response.status_code in (200, 429) and "Too many" in response.content.decode()


@override_settings(ACCOUNT_RATE_LIMITS={"signup": "2/h/ip"})
def test_sign_ups_are_rate_limited_per_address(client):
    for number in range(2):
        sign_up(client, f"p{number}@example.org")
        client.logout()
    response = sign_up(client, "p3@example.org")
    assert response.status_code == 429
    assert User.objects.count() == 2


def test_usernames_from_emails_are_unique_and_slug_like():
    factories.user("jean")
    assert username_from_email("Jean@example.org") == "jean-2"
    assert username_from_email("a@example.org") == "a-user"
    assert username_from_email("!!!@example.org") == "user"
    assert username_from_email("Zoë O'Neil@x.y") == "zoe-o-neil"
    assert username_from_email("Chloé.Martin+news@example.org") == "chloe.martin"


def test_styled_account_pages_render(client, member):
    for name in ("account_login", "account_signup", "account_reset_password"):
        html = client.get(reverse(name)).content.decode()
        assert 'class="site-header"' in html and 'class="form"' in html
    client.force_login(member)
    for name in ("account_email", "account_change_password", "mfa_index"):
        response = client.get(reverse(name))
        assert response.status_code == 200, name
        assert 'class="side-menu"' in response.content.decode()


def test_two_factor_authentication_with_totp_and_recovery_codes(client, member):
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import (
        SECRET_SESSION_KEY, format_hotp_value, hotp_value, yield_hotp_counters_from_time,
    )

    def current_code(secret):
        return format_hotp_value(hotp_value(secret, next(iter(yield_hotp_counters_from_time()))))

    signed_in = client.post(reverse("account_login"), {"login": member.email, "password": "pw-for-tests-1"})
    assert signed_in.status_code == 302, signed_in.content.decode()[-3000:]
    # allauth asks for the password again before changing two-factor settings.
    assert reverse("account_reauthenticate") in client.get(reverse("mfa_activate_totp"))["Location"]
    assert client.get(reverse("account_reauthenticate")).status_code == 200
    client.post(reverse("account_reauthenticate"), {"password": "pw-for-tests-1"})
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'class="form"' in html and "data:image/svg+xml" in html  # the QR code, allowed by the CSP
    secret = client.session[SECRET_SESSION_KEY]
    assert client.post(reverse("mfa_activate_totp"), {"code": "000000"}).status_code == 200  # wrong code
    response = client.post(reverse("mfa_activate_totp"), {"code": current_code(secret)})
    assert response.status_code == 302
    assert set(Authenticator.objects.filter(user=member).values_list("type", flat=True)) == {"totp", "recovery_codes"}
    # Signing in now asks for a code after the password.
    client.logout()
    cache_clear_between_logins()
    response = client.post(reverse("account_login"), {"login": member.email, "password": "pw-for-tests-1"})
    assert response.status_code == 302 and response["Location"] == reverse("mfa_authenticate")
    assert client.get(reverse("web:settings_profile")).status_code == 302
    recovery = Authenticator.objects.get(user=member, type="recovery_codes").wrap().get_unused_codes()[0]
    assert client.post(reverse("mfa_authenticate"), {"code": recovery}).status_code == 302
    assert client.get(reverse("web:settings_profile")).status_code == 200


def cache_clear_between_logins():
    from django.core.cache import cache

    cache.clear()  # the TOTP code used above is remembered as spent; the next step uses a recovery code


@LOCMEM
def test_changing_the_email_needs_the_new_address_confirmed(client, member):
    client.post(reverse("account_login"), {"login": member.email, "password": "pw-for-tests-1"})
    response = client.post(reverse("account_email"), {"email": "marie.nouvelle@example.org", "action_add": ""})
    assert response.status_code == 302
    assert mail.outbox[-1].to == ["marie.nouvelle@example.org"]
    # Until the new address is confirmed, the old one stays the primary address.
    assert User.objects.get(id=member.id).email == "marie@example.test"
    client.post(confirmation_link(mail.outbox[-1]))
    assert User.objects.get(id=member.id).email == "marie.nouvelle@example.org"
    assert list(EmailAddress.objects.filter(user=member).values_list("email", flat=True)) == ["marie.nouvelle@example.org"]
