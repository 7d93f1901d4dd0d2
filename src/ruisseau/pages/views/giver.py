"""The giver's dashboard: budget, this period's flattrs, pledges, subscriptions, past periods."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ruisseau.accounts import services as accounts
from ruisseau.errors import InvalidInput, RuisseauError
from ruisseau.flattrs import services as flattrs, subscriptions
from ruisseau.money import format_local
from ruisseau.pages import giver_reads
from ruisseau.pages.forms import BudgetForm, amount_text
from ruisseau.pages.rows import flattr_rows_html
from ruisseau.pages.views.common import back
from ruisseau.pages.wording import explain
from ruisseau.periods import Period
from ruisseau.settlement.statements import giver_period


def _dashboard(request, budget_form=None, status=200):
    period = Period.containing(timezone.now())
    board = giver_reads.dashboard(request.user, period, page=request.GET.get("page"))
    form = budget_form or BudgetForm(initial={"budget": amount_text(request.user.budget_cents)})
    context = {
        "board": board,
        "budget_form": form,
        "flattr_rows": flattr_rows_html(
            board.flattrs, format_local(board.split.share_cents), format_local(board.split.share_cents + 1)
        ),
    }
    return render(request, "pages/dashboard.html", context, status=status)


@login_required
def dashboard(request):
    return _dashboard(request)


@login_required
@require_POST
def budget(request):
    form = BudgetForm(request.POST)
    if not form.is_valid():
        return _dashboard(request, budget_form=form, status=400)
    try:
        accounts.set_budget(request.user.id, form.cleaned_data["budget"])
    except InvalidInput as error:  # the service's own range check, should the settings differ
        form.add_error("budget", error.words())
        return _dashboard(request, budget_form=form, status=400)
    messages.success(request, _("Your monthly budget is changed."))
    return redirect("pages:dashboard")


@login_required
@require_POST
def take_back_chosen(request):
    """The dashboard's table: one form, the pressed button names the flattr."""
    try:
        flattr_id = int(request.POST.get("flattr", ""))
    except ValueError:
        raise Http404(_("You have no such flattr.")) from None
    return take_back(request, flattr_id)


@login_required
@require_POST
def take_back(request, flattr_id: int):
    try:
        flattrs.take_back(request.user.id, flattr_id)
    except RuisseauError as error:
        if error.code == "not_found":  # someone else's flattr looks exactly like a missing one
            raise Http404(_("You have no such flattr.")) from None
        messages.error(request, explain(error))
    else:
        messages.success(request, _("Flattr taken back. Your other flattrs of this month are now worth more."))
    return back(request, "pages:dashboard")


@login_required
@require_POST
def subscription(request, subscription_id: int, action: str):
    try:
        if action == "cancel":
            subscriptions.cancel(request.user.id, subscription_id)
            messages.success(request, _("Subscription cancelled."))
        else:
            sub = subscriptions.toggle_pause(request.user.id, subscription_id)
            messages.success(request, _("Subscription paused.") if sub.paused else _("Subscription resumed."))
    except RuisseauError as error:
        if error.code == "not_found":
            raise Http404(_("You have no such subscription.")) from None
        raise
    return back(request, "pages:dashboard")


@login_required
def past_period(request, year: int, month: int):
    try:
        period = Period(year, month)
    except InvalidInput:
        raise Http404(_("No such period.")) from None
    detail = giver_period(request.user.id, period)
    if detail.statement is None:
        raise Http404(_("Nothing was settled for you in this period."))
    return render(request, "pages/period.html", {"detail": detail, "statement": detail.statement})
