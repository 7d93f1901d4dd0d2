"""Refusals a French visitor meets on the website, in French and by the field they are about:
the services' messages are English (for the API) and translated where a page shows them."""

from __future__ import annotations

import html

import pytest
from django.test import Client
from django.urls import reverse
from oauth2_provider.models import Application

from tests import factories
from tests.integration.payments.test_payouts import creator

pytestmark = pytest.mark.django_db
FR = {"HTTP_ACCEPT_LANGUAGE": "fr"}


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def text_of(response) -> str:
    return html.unescape(response.content.decode())


def test_sites_refusals_in_french_and_a_long_domain_is_not_repeated_whole():
    client = signed_in(factories.user("sitefr"))
    assert "Un nom de domaine est nécessaire" in text_of(client.post("/sites/", {"domain": " "}, **FR))
    spaced = text_of(client.post("/sites/", {"domain": "blog example.org"}, **FR))
    assert "Une adresse (URL) ne peut contenir ni espaces ni caractères de contrôle" in spaced
    long = text_of(client.post("/sites/", {"domain": "a" * 300}, **FR))
    assert "Adresse non valide : '" + "a" * 40 + "…' n’est pas un nom de site valide" in long
    assert "a" * 41 not in long.split("<main", 1)[1]
    assert "Invalid url" not in long and "A domain is required" not in long


def test_an_amount_not_understood_in_french_with_a_decimal_comma():
    client = signed_in(creator(2_500))
    page = text_of(client.post(reverse("payments:payout_request"), {"amount": "abc", "attempt_key": "k1"}, **FR))
    assert "'abc' n’est pas un montant : écrivez des euros et des centimes, par exemple 5 ou 5,50" in page
    assert "is not an amount" not in page


def test_a_callback_address_that_is_not_one_gets_one_clear_message():
    client = signed_in(factories.user("devfr"))
    response = client.post("/apps/new", {"name": "Bad", "redirect_uris": "not a url"}, **FR)
    page = text_of(response)
    assert response.status_code == 400 and not Application.objects.exists()
    assert page.count("Ce n’est pas une URL de retour : “not a url”.") == 1
    assert "invalid_scheme" not in page and "URI Validation error" not in page
    english = text_of(client.post("/apps/new", {"name": "Bad", "redirect_uris": "https://ok.example/cb\nftp://x"}))
    assert "Not a callback address: “ftp://x”." in english and "ok.example" not in english.split("Not a callback")[1][:40]


def test_adding_a_thing_with_a_bad_address_says_so_by_the_url_field_in_french():
    owner = factories.user("addfr")
    taken = factories.thing(owner, url="https://taken.example/page")
    client = signed_in(owner)
    form = {"title": "Mon œuvre", "category": "text", "language": "fr_FR", "description": "", "tags": ""}
    page = text_of(client.post(reverse("pages:add_thing"), {**form, "url": "ftp://files.example/x"}, **FR))
    url_row = page.split('for="id_url"', 1)[1].split('class="form-row"', 1)[0]
    assert "Adresse non valide : seules les adresses http et https peuvent être flattrées" in url_row
    assert "n’a pas pu être ajoutée" not in page and "Invalid url" not in page
    again = text_of(client.post(reverse("pages:add_thing"), {**form, "url": taken.url}, **FR))
    assert "https://taken.example/page est déjà enregistrée" in again.split('for="id_url"', 1)[1].split('class="form-row"', 1)[0]
