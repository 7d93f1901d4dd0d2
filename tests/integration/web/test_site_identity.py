"""Emails call the site by its name (RUISSEAU_SITE_NAME), not by the host that served the request,
and every text that says "contact the operator" gives the address (RUISSEAU_CONTACT_EMAIL)."""

import pytest
from django.core import mail
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone, translation

from ruisseau.accounts.models import User
from ruisseau.errors import InvalidInput
from ruisseau.pages.wording import explain
from ruisseau.payments.models import AccountFlag
from ruisseau.payments.services import require_unflagged

pytestmark = pytest.mark.django_db
LOCMEM = override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend")


def sign_up(client, email, **headers):
    password = "a-good-long-pass-42"
    return client.post(reverse("account_signup"), {"email": email, "password1": password, "password2": password},
                       **headers)


@LOCMEM
def test_emails_greet_with_the_sites_name_not_its_host(client):
    sign_up(client, "lea@example.org")
    body = mail.outbox[0].body
    assert body.startswith("Hello from Ruisseau!") and "Thank you for using Ruisseau!" in body
    assert "Hello from testserver" not in body and "Thank you for using testserver" not in body


@LOCMEM
@override_settings(SITE_NAME="Ruisseau Lyon")
def test_emails_use_the_configured_name_in_french_too(client):
    sign_up(client, "paul@example.fr", HTTP_ACCEPT_LANGUAGE="fr")
    assert mail.outbox[0].body.startswith("Bonjour, c'est Ruisseau Lyon !")


@override_settings(CONTACT_EMAIL="help@ruisseau-lyon.example")
def test_every_page_and_the_closing_rule_give_the_contact_address(member_client):
    home = member_client.get("/").content.decode()
    assert 'Contact: <a href="mailto:help@ruisseau-lyon.example">' in home
    closing = member_client.get(reverse("web:settings_close")).content.decode()
    assert "Write to the operator of this site at <a href=\"mailto:help@ruisseau-lyon.example\">" in closing


@override_settings(CONTACT_EMAIL="help@ruisseau-lyon.example")
def test_messages_that_send_people_to_the_operator_say_where(member):
    claimed = explain(InvalidInput("taken", code="claimed"))
    assert claimed == "This thing already has a verified owner. If it is yours, contact the operator at " \
                      "help@ruisseau-lyon.example."
    with translation.override("fr"):
        assert explain(InvalidInput("taken", code="claimed")).endswith("contactez l’opérateur à help@ruisseau-lyon.example.")
    AccountFlag.objects.create(user=member, reason="dispute", reference="dp_1", created_at=timezone.now())
    with pytest.raises(Exception, match="contact the operator at help@ruisseau-lyon.example"):
        require_unflagged(member.id)
    assert User.objects.filter(id=member.id).exists()


@override_settings(CONTACT_EMAIL="help@ruisseau-lyon.example")
def test_the_footer_gives_the_address_in_french(member_client, member):
    User.objects.filter(id=member.id).update(language="fr")
    assert 'Contact : <a href="mailto:help@ruisseau-lyon.example">' in member_client.get("/").content.decode()
