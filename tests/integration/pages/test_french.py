"""The pages in French: words from the catalogue, amounts with a decimal comma."""

from __future__ import annotations

import pytest

from ruisseau.flattrs import services as flattrs

pytestmark = pytest.mark.django_db
FR = {"HTTP_ACCEPT_LANGUAGE": "fr"}


def test_dashboard_in_french(signed_in, things, giver):
    for thing in things:
        flattrs.flattr_thing(giver.id, thing.id)
    page = signed_in.get("/dashboard/", **FR).content.decode()
    assert "Votre tableau de bord" in page and "Budget mensuel" in page
    assert page.count("data-flattr-value>1,58\u00a0€") == 2 and page.count("data-flattr-value>1,59\u00a0€") == 1
    assert "5,00\u00a0€ seraient donnés et chacun de vos 3 flattrs payés vaudrait 1,58\u00a0€ après les frais" in page
    assert 'value="5,00"' in page


def test_thing_page_and_errors_in_french(signed_in, things):
    page = signed_in.get(f"/thing/{things[0].id}/", **FR).content.decode()
    assert "Flattrer" in page and "propriétaire vérifié" in page and "Texte" in page and "Anglais" in page
    signed_in.post(f"/thing/{things[0].id}/flattr/", **FR)
    again = signed_in.post(f"/thing/{things[0].id}/flattr/", HTTP_ACCEPT="application/json", **FR).json()
    assert again["message"].startswith("Vous avez déjà flattré cette œuvre ce mois-ci.")


def test_wrong_budget_in_french(signed_in):
    response = signed_in.post("/dashboard/budget/", {"budget": "1"}, **FR)
    assert "Le budget mensuel doit être compris entre 2,00\u00a0€ et 100,00\u00a0€." in response.content.decode()


def test_explore_and_funds_in_french(signed_in, things):
    assert "Explorer les œuvres" in signed_in.get("/explore/", **FR).content.decode()
    funds = signed_in.get("/funds/", **FR).content.decode()
    assert "Vos fonds" in funds and "10,00\u00a0€" in funds and "Fonds ajoutés" in funds
