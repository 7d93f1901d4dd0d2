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
