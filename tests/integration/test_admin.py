import pytest

from ruisseau.accounts.services import create_user
from ruisseau.ledger.models import Transfer
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator_client(client):
    create_user("boss", password="a-long-password", is_staff=True)
    assert client.login(username="boss", password="a-long-password")
    return client


def test_operator_sees_the_ledger_but_cannot_change_it(operator_client):
    factories.user(funds_cents=1_000)
    transfer = Transfer.objects.first()
    for page in ("/admin/", "/admin/ledger/transfer/", "/admin/ledger/account/", "/admin/ledger/journal/",
                 f"/admin/ledger/transfer/{transfer.id}/change/", "/admin/things/thing/",
                 "/admin/accounts/user/", "/admin/flattrs/flattr/", "/admin/flattrs/pledge/",
                 "/admin/settlement/settlementrun/", "/admin/settlement/giverstatement/",
                 "/admin/settlement/thingrevenue/", "/admin/payments/payment/", "/admin/things/thingowner/"):
        assert operator_client.get(page).status_code == 200, page
    assert operator_client.get("/admin/ledger/transfer/add/").status_code == 403
    response = operator_client.post(f"/admin/ledger/transfer/{transfer.id}/change/", {"amount_cents": 1})
    assert response.status_code == 403
    assert operator_client.post(f"/admin/ledger/transfer/{transfer.id}/delete/", {"post": "yes"}).status_code == 403
    assert Transfer.objects.get(id=transfer.id).amount_cents == transfer.amount_cents


def test_people_who_are_not_operators_are_sent_to_sign_in(client):
    user = factories.user("plain")
    client.force_login(user)
    assert client.get("/admin/ledger/transfer/").status_code == 302


def _action(client, path, action, ids):
    return client.post(path, {"action": action, "_selected_action": [str(i) for i in ids]}, follow=True)


def test_operator_takes_back_flattrs_only_through_the_rules(operator_client):
    from ruisseau.flattrs.models import Flattr
    from ruisseau.flattrs.services import flattr_thing

    giver, creator = factories.user("giver"), factories.user("maker")
    open_now = flattr_thing(giver.id, factories.thing(creator).id)
    settled = flattr_thing(giver.id, factories.thing(creator).id, now=factories.at())
    assert operator_client.get("/admin/flattrs/flattr/add/").status_code == 403
    assert operator_client.post(f"/admin/flattrs/flattr/{open_now.id}/change/", {"period": "2020-01-01"}).status_code == 403
    assert operator_client.post(f"/admin/flattrs/flattr/{open_now.id}/delete/", {"post": "yes"}).status_code == 403

    page = _action(operator_client, "/admin/flattrs/flattr/", "take_back", [open_now.id, settled.id])
    text = page.content.decode()
    assert "1 flattr taken back." in text
    assert "can no longer be taken back" in text  # the closed period's flattr stays, with the reason
    assert list(Flattr.objects.values_list("id", flat=True)) == [settled.id]


def test_operator_cannot_set_a_budget_outside_the_rules_nor_close_or_delete_a_user(operator_client):
    from ruisseau.accounts.models import User

    person = factories.user("person")
    page = operator_client.get(f"/admin/accounts/user/{person.id}/change/")
    assert page.status_code == 200
    assert 'name="closed_at"' not in page.content.decode()  # shown, not editable
    form = {
        "username": "person", "email": "person@example.test", "budget_cents": 1, "language": "",
        "date_joined_0": "2026-01-01", "date_joined_1": "00:00:00", "display_name": "", "about": "", "website": "",
    }
    answer = operator_client.post(f"/admin/accounts/user/{person.id}/change/", form)
    assert answer.status_code == 200
    assert "The monthly budget must be between" in answer.content.decode()
    assert User.objects.get(id=person.id).budget_cents == 500
    assert operator_client.post(f"/admin/accounts/user/{person.id}/delete/", {"post": "yes"}).status_code == 403
    assert User.objects.filter(id=person.id).exists()


def test_owner_weights_must_add_up_and_operators_verify_through_the_service(operator_client):
    from ruisseau.things.models import OwnerVerification, ThingOwner

    a, b = factories.user("ownera"), factories.user("ownerb")
    thing = factories.thing(a, b, verified=False)
    owners = list(ThingOwner.objects.filter(thing=thing).order_by("user_id"))
    page = operator_client.get(f"/admin/things/thing/{thing.id}/change/")
    assert page.status_code == 200
    form = {
        "url": thing.url, "title": thing.title, "description": "", "category": thing.category,
        "language": thing.language or "", "owners-TOTAL_FORMS": "2", "owners-INITIAL_FORMS": "2",
        "owners-MIN_NUM_FORMS": "0", "owners-MAX_NUM_FORMS": "1000",
    }
    for i, owner in enumerate(owners):
        form |= {f"owners-{i}-id": str(owner.id), f"owners-{i}-thing": str(thing.id),
                 f"owners-{i}-user": str(owner.user_id), f"owners-{i}-weight_bps": "6000"}
    answer = operator_client.post(f"/admin/things/thing/{thing.id}/change/", form)
    assert "must add up to 10000 basis points" in answer.content.decode()
    assert sorted(ThingOwner.objects.filter(thing=thing).values_list("weight_bps", flat=True)) == [5000, 5000]

    assert operator_client.post(f"/admin/things/thingowner/{owners[0].id}/change/", {"verified": "on"}).status_code == 403
    _action(operator_client, "/admin/things/thingowner/", "verify", [owners[0].id])
    first = ThingOwner.objects.get(id=owners[0].id)
    assert first.verified and first.verification == OwnerVerification.OPERATOR and first.verified_at
    assert not ThingOwner.objects.get(id=owners[1].id).verified


def test_operators_never_see_a_sites_signing_secret(operator_client):
    from ruisseau.things import sites

    site = sites.add_site(factories.user().id, "secret.example")
    body = operator_client.get(f"/admin/things/site/{site.id}/change/").content.decode()
    assert operator_client.get(f"/admin/things/site/{site.id}/change/").status_code == 200
    assert "secret.example" in body and site.secret not in body
