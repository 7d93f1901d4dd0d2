"""Everything Ruisseau holds about one person, as plain data for the "export my data" download.

Only the person's own rows: other people appear by thing id or not at all (a flattr on your thing
is the flattrer's data, so the revenue rows give counts and cents, not names).
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db.models import Q

from ruisseau.accounts.models import User
from ruisseau.flattrs.models import Flattr, Pledge, Subscription
from ruisseau.ledger.models import Account, Transfer
from ruisseau.payments.models import Payment
from ruisseau.settlement.models import GiverStatement, ThingRevenue
from ruisseau.things.models import Thing, ThingOwner

FORMAT_VERSION = 1


def export_user_data(user_id: int, *, now: datetime) -> dict:
    user = User.objects.get(id=user_id)
    accounts = list(Account.objects.filter(user_id=user_id).order_by("id"))
    account_ids = [a.id for a in accounts]
    return {
        "format": "ruisseau-export",
        "version": FORMAT_VERSION,
        "exported_at": now,
        "currency": settings.CURRENCY,
        "profile": _profile(user),
        "things_owned": list(
            ThingOwner.objects.filter(user_id=user_id).order_by("thing_id").values(
                "thing_id", "thing__url", "thing__title", "weight_bps", "verified", "verification",
                "verified_at", "claimed_at",
            )
        ),
        "things_added": list(
            Thing.objects.filter(created_by_id=user_id).order_by("id").values(
                "id", "url", "title", "description", "category", "language", "created_at",
            )
        ),
        "flattrs": list(
            Flattr.objects.filter(user_id=user_id).order_by("created_at", "id").values(
                "id", "thing_id", "thing__url", "thing__title", "period", "created_at", "source",
            )
        ),
        "pledges": list(
            Pledge.objects.filter(user_id=user_id).order_by("since_period", "flattr_id").values(
                "flattr_id", "thing_id", "since_period", "state", "resolved_period",
            )
        ),
        "subscriptions": list(
            Subscription.objects.filter(user_id=user_id).order_by("id").values(
                "id", "thing_id", "months", "first_period", "last_period", "paused", "created_at", "cancelled_at",
            )
        ),
        "giver_statements": list(
            GiverStatement.objects.filter(user_id=user_id).order_by("period").values(
                "period", "budget_cents", "funds_cents", "active_giver", "payable_count", "spend_cents",
                "fee_cents", "share_cents", "extra_count",
            )
        ),
        "revenue": list(
            ThingRevenue.objects.filter(user_id=user_id).order_by("period", "thing_id").values(
                "period", "thing_id", "flattr_count", "revenue_cents",
            )
        ),
        "payments": list(
            Payment.objects.filter(user_id=user_id).order_by("id").values(
                "id", "provider", "amount_cents", "currency", "status", "created_at", "completed_at",
            )
        ),
        "ledger_accounts": [
            {"id": a.id, "kind": a.kind, "currency": a.currency, "balance_cents": a.balance_cents,
             "created_at": a.created_at, "closed_at": a.closed_at}
            for a in accounts
        ],
        "ledger_transfers": list(
            Transfer.objects.filter(Q(debit_account_id__in=account_ids) | Q(credit_account_id__in=account_ids))
            .order_by("created_at", "id")
            .values(
                "id", "journal_id", "debit_account_id", "credit_account_id", "amount_cents", "currency",
                "reason", "created_at",
            )
        ),
    }


def _profile(user: User) -> dict:
    from allauth.account.models import EmailAddress

    return {
        "id": user.id,
        "username": user.username,
        "display_name": user.display_name,
        "email": user.email,
        "email_addresses": list(
            EmailAddress.objects.filter(user_id=user.id).values("email", "verified", "primary")
        ),
        "about": user.about,
        "website": user.website,
        "budget_cents": user.budget_cents,
        "hide_given": user.hide_given,
        "hide_received": user.hide_received,
        "language": user.language,
        "date_joined": user.date_joined,
        "last_login": user.last_login,
        "has_uploaded_picture": user.avatar_updated_at is not None,
    }
