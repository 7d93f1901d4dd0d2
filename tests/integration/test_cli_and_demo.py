import subprocess
import sys
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from ruisseau.accounts.models import User
from ruisseau.demo.data import load_demo
from ruisseau.settlement.models import SettlementRun
from ruisseau.things.models import Thing


def test_help_lists_every_command():
    out = subprocess.run([sys.executable, "-m", "ruisseau.cli", "--help"], capture_output=True, text=True, check=True)
    for name in ("demo", "serve", "migrate", "settle", "ledger", "createoperator", "subscriptions"):
        assert f"  {name} " in out.stdout


def test_a_bad_period_exits_non_zero_with_one_readable_line():
    result = subprocess.run(
        [sys.executable, "-m", "ruisseau.cli", "settle", "--period", "2026-1"], capture_output=True, text=True
    )
    assert result.returncode != 0
    assert result.stderr.strip().splitlines() == [
        "CommandError: '2026-1' is not a period: write it as YYYY-MM, e.g. 2026-11"
    ]


@pytest.mark.django_db
def test_createoperator():
    call_command("createoperator", "boss", "--password", "a-long-password", stdout=StringIO())
    boss = User.objects.get(username="boss")
    assert boss.is_staff and boss.is_superuser and boss.check_password("a-long-password")
    with pytest.raises(CommandError, match="taken"):
        call_command("createoperator", "boss", "--password", "a-long-password")
    with pytest.raises(CommandError, match="at least 8"):
        call_command("createoperator", "other", "--password", "short")


@pytest.mark.django_db
def test_demo_data_has_a_settled_period_and_shows_it(client):
    load_demo()
    load_demo()  # a second start changes nothing
    run = SettlementRun.objects.get()
    assert run.status == "done" and run.report["total_spent_cents"] == 1_400
    assert Thing.objects.count() == 6
    out = StringIO()
    call_command("ledger", "check", stdout=out)
    assert "passed" in out.getvalue()
    page = client.get("/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "settled" in html and "14.00\u00a0€" in html and "Le vélo à Paris" in html
    assert client.get("/healthz").json() == {"status": "ok"}


@pytest.mark.django_db
def test_demo_people_and_operators_sign_in_on_the_site_with_their_email(client):
    load_demo()
    response = client.post("/accounts/login/", {"login": "alice@ruisseau.example", "password": "ruisseau-demo"})
    assert response.status_code == 302 and response["Location"] != "/accounts/confirm-email/"
    assert client.get("/dashboard/").status_code == 200
    client.logout()
    call_command("createoperator", "boss", "--email", "boss@example.org", "--password", "a-long-password",
                 stdout=StringIO())
    response = client.post("/accounts/login/", {"login": "boss@example.org", "password": "a-long-password"})
    assert response.status_code == 302 and client.get("/dashboard/").status_code == 200
