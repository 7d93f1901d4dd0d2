"""Payment pages and the provider webhook. Views parse input, call one service, render."""

from __future__ import annotations

import json
import logging
import secrets
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from django.utils.translation import get_language, gettext as _

from ruisseau.errors import RuisseauError
from ruisseau.ledger import accounts
from ruisseau.money import decimal_mark, format_local, parse_amount, plain_amount
from ruisseau.payments import cards, fees, payouts, webhooks
from ruisseau.payments.forms import AutoTopUpForm, PayoutDetailsForm, PayoutRequestForm
from ruisseau.payments.models import PaymentStatus
from ruisseau.payments.providers import ChargeStatus, InvalidSignature, ProviderUnavailable, get_provider

log = logging.getLogger(__name__)


@csrf_exempt
@require_POST
def webhook(request, provider):
    """Verified, deduplicated by event id, applied in one transaction; 400 for a bad signature
    (nothing recorded), 500 when applying failed so that the provider retries later."""
    if provider != settings.PAYMENT_PROVIDER:
        return HttpResponseBadRequest("This provider is not configured here")
    try:
        outcome = webhooks.receive(provider, request.body, request.headers)
    except InvalidSignature as error:
        log.warning("webhook refused: %s", error)
        return HttpResponseBadRequest("Invalid signature")
    return HttpResponse(outcome, content_type="text/plain")


@login_required
def card_topup(request):
    user = request.user
    saved = cards.saved_card(user.id)
    rows = [{"months": s.months, "amount": format_local(s.amount_cents), "amount_euros": plain_amount(s.amount_cents),
             "fee": format_local(s.fee_cents), "fee_percent": s.fee_percent.replace(".", decimal_mark(get_language())), "total": format_local(s.total_cents)}
            for s in fees.suggestions(user.budget_cents)]
    context = {
        "enabled": hasattr(get_provider(), "start_card_setup"),
        "stripe_js_url": settings.STRIPE_JS_URL,
        "publishable_key": settings.STRIPE_PUBLISHABLE_KEY,
        "suggestions": rows,
        "budget": format_local(user.budget_cents),
        "funds": format_local(accounts.funds_cents(user.id)),
        "saved": saved if saved and saved.card_reference else None,
        "attempt_key": secrets.token_urlsafe(16),
        "fee_bps": settings.CARD_FEE_BPS,
        "fee_percent": _percent(settings.CARD_FEE_BPS),
        "fee_fixed": format_local(settings.CARD_FEE_FIXED_CENTS),
        "fee_fixed_cents": settings.CARD_FEE_FIXED_CENTS,
        "auto_amount": format_local(saved.auto_topup_cents) if saved else "",
        "auto_form": AutoTopUpForm(initial={"amount": plain_amount(saved.auto_topup_cents) if saved and saved.auto_topup_cents else ""}),
    }
    response = render(request, "payments/card_topup.html", context)
    response["Content-Security-Policy"] = _card_page_policy()
    return response


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _card_page_policy() -> str:
    """The site's policy, plus what Stripe.js needs: its script, its card frames, its API."""
    js = _origin(settings.STRIPE_JS_URL)
    api = _origin(settings.STRIPE_API_BASE) if settings.STRIPE_API_BASE else "https://api.stripe.com"
    return (
        f"default-src 'self'; script-src 'self' {js}; style-src 'self'; img-src 'self' data:; "
        f"font-src 'self'; connect-src 'self' {api}; frame-src {js} https://hooks.stripe.com; "
        "object-src 'none'; base-uri 'self'; frame-ancestors 'none'"
    )


@login_required
@require_POST
def card_setup(request):
    try:
        return JsonResponse({"client_secret": cards.start_card_setup(request.user.id)})
    except (RuisseauError, ProviderUnavailable) as error:
        return JsonResponse({"status": "failed", "message": error.words()}, status=400)


@login_required
@require_POST
def card_pay(request):
    """JSON for the page's script: pay (saving a card first), or finish after 3-D Secure."""
    try:
        data = json.loads(request.body or b"{}")
        if not isinstance(data, dict):
            raise ValueError("not a JSON object")
        key = str(data.get("attempt_key", ""))[:64]
        if not key:
            raise RuisseauError(_("This form expired; please reload the page."))
        if data.get("finish"):
            payment, result = cards.finish(request.user.id, idempotency_key=key)
        else:
            amount = parse_amount(str(data.get("amount", "")))
            payment, result = cards.pay(request.user.id, amount, idempotency_key=key,
                                        setup_reference=str(data.get("setup_intent", "")))
    except (RuisseauError, ProviderUnavailable) as error:
        return JsonResponse({"status": "failed", "message": error.words()}, status=400)
    except ValueError:
        return JsonResponse({"status": "failed", "message": _("The request was not understood.")}, status=400)
    if payment.status == PaymentStatus.SUCCEEDED:
        return JsonResponse({"status": "succeeded", "message": _("%(amount)s were added to your funds.") % {
            "amount": format_local(payment.amount_cents)}})
    if result is not None and result.status == ChargeStatus.REQUIRES_ACTION:
        if data.get("finish"):  # the bank's window was closed without an answer
            return JsonResponse({"status": "failed", "message": _(
                "The payment was not confirmed with your bank (3-D Secure). Nothing was charged; please try again.")},
                status=400)
        return JsonResponse({"status": "requires_action", "client_secret": result.client_secret})
    return JsonResponse({"status": "processing", "message": _(
        "Your bank is still processing the payment; your funds are credited as soon as it is done.")})


@login_required
@require_POST
def auto_topup(request):
    form = AutoTopUpForm(request.POST)
    if form.is_valid():
        try:
            cards.set_auto_topup(request.user.id, form.cleaned_data["amount_cents"])
            return redirect("payments:card_topup")
        except RuisseauError as error:
            form.add_error("amount", error.words())
    return render(request, "payments/form_page.html", {"form": form, "title": _("Automatic top-up")}, status=400)


@login_required
def payout_details(request):
    current = payouts.details_of(request.user.id)
    form = PayoutDetailsForm(request.POST or None, initial=payouts.details_initial(current))
    if request.method == "POST" and form.is_valid():
        try:
            payouts.save_details(request.user.id, **form.cleaned_data)
            return redirect("payments:payout_request")
        except RuisseauError as error:
            form.add_error(None, error.words())
    return render(request, "payments/payout_details.html", {
        "form": form, "identity_required": settings.PAYOUT_REQUIRE_IDENTITY,
    }, status=400 if form.errors else 200)


@login_required
def payout_request(request):
    user = request.user
    form = PayoutRequestForm(request.POST or None)
    message = ""
    if request.method == "POST" and form.is_valid():
        try:
            payout = payouts.request_payout(user.id, form.cleaned_data["amount_cents"],
                                            idempotency_key=form.cleaned_data["attempt_key"])
            message = _("Payout of %(amount)s requested; it is sent with the next bank transfer.") % {
                "amount": format_local(payout.amount_cents)}
            form = PayoutRequestForm()
        except RuisseauError as error:
            form.add_error(None, error.words())
    return render(request, "payments/payout_request.html", {
        "form": form, "message": message,
        "earnings": format_local(accounts.earnings_cents(user.id)),
        "minimum": format_local(settings.MIN_PAYOUT_CENTS),
        "details": payouts.details_of(user.id),
        "payouts": [{"created_at": p.created_at, "amount": format_local(p.amount_cents), "status": p.get_status_display()}
                    for p in user.payouts.order_by("-created_at")[:20]],
        "attempt_key": secrets.token_urlsafe(16),
    }, status=400 if form.errors else 200)


def _percent(bps: int) -> str:
    whole, rest = divmod(bps, 100)
    return f"{whole}.{rest:02d}".rstrip("0").rstrip(".").replace(".", decimal_mark(get_language()))



