"""localstripe (a stateful fake Stripe server) started on loopback for the payment tests, and
helpers that act as the browser and as Stripe's webhook sender would."""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import os
import signal
import subprocess
import sys
import time

import requests

from django.core.management import call_command

from ruisseau.ledger.check import run_checks
from ruisseau.payments.checks import PAYMENT_CHECKS

SECRET_KEY = "sk_test_ruisseau"
PUBLISHABLE_KEY = "pk_test_ruisseau"
WEBHOOK_SECRET = "whsec_ruisseau_tests"

# Runs localstripe on 127.0.0.1 on a port the kernel picks, prints the port, and keeps its
# state in memory only (it otherwise pickles it to a fixed file in /tmp after each write).
_RUNNER = """
import socket
from aiohttp import web
from localstripe import resources, server
resources.Store.dump_to_disk = lambda self: None
sock = socket.socket()
sock.bind(("127.0.0.1", 0))
sock.listen(64)
print(sock.getsockname()[1], flush=True)
web.run_app(server.app, sock=sock, print=None, access_log=None)
"""


class LocalStripe:
    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-c", _RUNNER], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
            start_new_session=True,
        )
        port = self.process.stdout.readline().strip()
        if not port.isdigit():
            self.stop()
            raise RuntimeError("localstripe did not start")
        self.url = f"http://127.0.0.1:{port}"
        for _attempt in range(50):
            try:
                requests.get(self.url + "/js.stripe.com/v3/", timeout=1)
                break
            except requests.ConnectionError:
                time.sleep(0.1)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=10)
        self.process.stdout.close()

    def flush(self) -> None:
        requests.delete(self.url + "/_config/data", timeout=5)

    def register_webhook(self, url: str, events: list[str]) -> None:
        data = {"url": url, "secret": WEBHOOK_SECRET, "events[]": events}
        response = requests.post(self.url + "/_config/webhooks/ruisseau", data=data, timeout=5)
        response.raise_for_status()

    def confirm_setup(self, client_secret: str, number: str) -> str:
        """What the card form's script does: confirm the SetupIntent with the typed card."""
        setup_id = client_secret.split("_secret_")[0]
        body = {"key": PUBLISHABLE_KEY, "client_secret": client_secret, "use_stripe_sdk": True,
                "payment_method_data": {"type": "card", "card": {
                    "number": number, "exp_month": "12", "exp_year": "2030", "cvc": "123"}}}
        url = f"{self.url}/v1/setup_intents/{setup_id}/confirm"
        response = requests.post(url, data=json.dumps(body), timeout=5)
        response.raise_for_status()
        if response.json()["status"] == "requires_action":  # the payer completes 3-D Secure
            body = {"key": PUBLISHABLE_KEY, "client_secret": client_secret, "use_stripe_sdk": True}
            requests.post(url, data=json.dumps(body), timeout=5).raise_for_status()
        return setup_id

    def authenticate(self, client_secret: str, *, success: bool = True) -> None:
        """What 3-D Secure in the browser does: the payer confirms (or refuses) with their bank."""
        intent = client_secret.split("_secret_")[0]
        response = requests.post(
            f"{self.url}/v1/payment_intents/{intent}/_authenticate?success={str(success).lower()}",
            data=json.dumps({"key": PUBLISHABLE_KEY, "client_secret": client_secret}), timeout=5)
        response.raise_for_status()

    def events(self, event_type: str) -> list[dict]:
        response = requests.get(self.url + "/v1/events", params={"type": event_type},
                                headers={"Authorization": f"Bearer {SECRET_KEY}"}, timeout=5)
        response.raise_for_status()
        return sorted(response.json()["data"], key=lambda event: event["created"])


def signature(payload: bytes, secret: str = WEBHOOK_SECRET, timestamp: int | None = None) -> str:
    """A Stripe-Signature header as Stripe computes it."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + payload, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def assert_ledger_clean() -> None:
    """`ruisseau ledger check` passes (it raises CommandError otherwise), and so do the payments'
    own checks (clearing accounts hold exactly the payouts and refunds on their way)."""
    output = io.StringIO()
    call_command("ledger", "check", stdout=output)
    assert "ledger check passed" in output.getvalue()
    problems = [p for result in run_checks(PAYMENT_CHECKS) for p in result.problems]
    assert problems == []
