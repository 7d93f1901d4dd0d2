"""The funds page: balances, adding funds through the provider, moving earnings into funds."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ruisseau.errors import RuisseauError
from ruisseau.money import format_local
from ruisseau.pages import giver_reads
from ruisseau.pages.forms import AddFundsForm, MoveEarningsForm, new_token
from ruisseau.pages.wording import ACCOUNTS, REASONS, explain, provider_reason
from ruisseau.payments import services as payments


def _funds(request, add_form=None, move_form=None, status=200):
    rows = giver_reads.recent_movements(request.user.id)
    for row in rows:
        row["reason_words"] = REASONS.get(row["transfer"].reason, row["reason"])
        row["account_words"] = ACCOUNTS.get(row["account"], row["account"])
    context = {
        "money": giver_reads.balances(request.user.id),
        "budget_cents": request.user.budget_cents,
        "add_form": add_form or AddFundsForm(),
        "move_form": move_form or MoveEarningsForm(),
        "movements": rows,
        "use_stripe": settings.PAYMENT_PROVIDER == "stripe",
        "min_topup_cents": payments.MIN_TOPUP_CENTS,
        "max_topup_cents": settings.MAX_TOPUP_CENTS,
    }
    return render(request, "pages/funds.html", context, status=status)


def _retry(form_class, request, words: str):
    """The form again with the error and a fresh token: the old token would replay the refusal."""
    form = form_class(data={"amount": request.POST.get("amount", ""), "token": new_token()})
    form.is_valid()
    form.add_error(None, words)
    return form


@login_required
def funds(request):
    return _funds(request)


@login_required
@require_POST
def add_funds(request):
    form = AddFundsForm(request.POST)
    if settings.PAYMENT_PROVIDER == "stripe" or not form.is_valid():
        return _funds(request, add_form=form, status=400)
    amount = form.cleaned_data["amount"]
    try:
        payment = payments.add_funds(request.user.id, amount, idempotency_key=form.cleaned_data["token"])
    except RuisseauError as error:
        if error.code == "invalid_amount":
            words = _("Add between %(low)s and %(high)s at a time.") % {
                "low": format_local(payments.MIN_TOPUP_CENTS), "high": format_local(settings.MAX_TOPUP_CENTS)}
        else:
            words = explain(error, reason=provider_reason(error.message))
        # A fresh token: the declined or conflicting one would give the same answer again.
        fresh = _retry(AddFundsForm, request, words)
        return _funds(request, add_form=fresh, status=400)
    messages.success(request, _("%(amount)s added to your funds.") % {"amount": format_local(payment.amount_cents)})
    return redirect("pages:funds")


@login_required
@require_POST
def move_earnings(request):
    form = MoveEarningsForm(request.POST)
    if not form.is_valid():
        return _funds(request, move_form=form, status=400)
    amount = form.cleaned_data["amount"]
    try:
        payments.move_earnings_to_funds(request.user.id, amount, idempotency_key=form.cleaned_data["token"])
    except RuisseauError as error:
        words = _("Move a positive amount.") if error.code == "invalid_amount" else explain(error)
        fresh = _retry(MoveEarningsForm, request, words)
        return _funds(request, move_form=fresh, status=400)
    messages.success(request, _("%(amount)s moved from your earnings into your funds.") % {"amount": format_local(amount)})
    return redirect("pages:funds")
