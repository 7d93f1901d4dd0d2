"""Payouts of earnings, two-phase in the ledger (DESIGN.md §3.5):

* requested: earnings → payout clearing (``payout:<id>:pending``), so the money cannot be
  moved or paid out twice while the bank transfer is on its way;
* paid: payout clearing → outside world (``payout:<id>:posted``);
* failed: payout clearing → earnings (``payout:<id>:voided``), the earnings are back.

The operator exports pending payouts through a payout channel (a SEPA credit-transfer file)
and then marks them paid or failed.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from schwifty import BIC, IBAN
from schwifty.exceptions import SchwiftyException
from text_unidecode import unidecode

from ruisseau.accounts.models import User
from ruisseau.errors import InvalidInput, NotFound
from ruisseau.ledger import accounts, services as ledger
from ruisseau.ledger.errors import IdempotencyConflict
from ruisseau.ledger.models import AccountKind, Reason
from ruisseau.money import format_local, require_cents
from ruisseau.payments.models import Payout, PayoutDetails, PayoutStatus
from ruisseau.payments.providers import PayoutLine, get_payout_channel
from ruisseau.payments.services import require_unflagged

CHANNEL = "sepa"


def details_of(user_id: int) -> PayoutDetails | None:
    return PayoutDetails.objects.filter(user_id=user_id).first()


def details_initial(details: PayoutDetails | None) -> dict[str, Any]:
    if details is None:
        return {}
    return {field: getattr(details, field) for field in
            ("account_holder", "iban", "bic", "country", "legal_name", "birth_date", "address")}


def check_iban(text: str, bic_text: str = "") -> tuple[str, str]:
    """A valid IBAN (compact form) and its BIC, taken from the IBAN's bank where schwifty
    knows it. Raises InvalidInput with what is wrong."""
    try:
        iban = IBAN(text)
    except SchwiftyException as error:
        raise InvalidInput(_("This IBAN is not valid (%(error)s). Please check it.") % {"error": error},
                           code="invalid_iban") from None
    if bic_text.strip():
        try:
            bic = BIC(bic_text.strip())
        except SchwiftyException as error:
            raise InvalidInput(_("This BIC is not valid (%(error)s).") % {"error": error}, code="invalid_bic") from None
    else:
        bic = iban.bic
    return iban.compact, str(bic) if bic else ""


def save_details(user_id: int, *, account_holder: str, iban: str, country: str, bic: str = "",
                 legal_name: str = "", birth_date: date | None = None, address: str = "") -> PayoutDetails:
    """Create or replace a user's payout details. Raises InvalidInput."""
    account_holder = " ".join(account_holder.split())
    # The bank file holds Latin letters only (sepaxml transliterates): a name that becomes
    # nothing would make every export containing it invalid.
    if not 2 <= len(account_holder) <= 70 or len("".join(unidecode(account_holder).split())) < 2:
        raise InvalidInput(_("Give the account holder's name as the bank knows it (2 to 70 characters)."))
    compact, bic = check_iban(iban, bic)
    country = country.strip().upper()
    if len(country) != 2 or not country.isalpha():
        raise InvalidInput(_("Give the country as a two-letter code, e.g. FR."))
    details, _created = PayoutDetails.objects.update_or_create(user_id=user_id, defaults={
        "account_holder": account_holder, "iban": compact, "bic": bic, "country": country,
        "legal_name": legal_name.strip(), "birth_date": birth_date, "address": address.strip(),
        "updated_at": timezone.now(),
    })
    return details


def request_payout(user_id: int, amount_cents: int, *, idempotency_key: str, now: datetime | None = None) -> Payout:
    """Move earnings to payout clearing for the operator's next transfer. The same key returns
    the first payout. Raises InvalidInput (below the minimum, no details, identity missing),
    Forbidden (account on hold), InsufficientFunds (earnings are short), IdempotencyConflict."""
    require_cents(amount_cents, "The amount")
    now = now or timezone.now()
    key = f"payout:{user_id}:{idempotency_key}"
    existing = Payout.objects.filter(idempotency_key=key).first()
    if existing is not None:
        if existing.amount_cents != amount_cents or existing.user_id != user_id:
            raise IdempotencyConflict("This idempotency key was already used for a different payout")
        return existing
    if not User.objects.filter(id=user_id).exists():
        raise NotFound(f"No user with id {user_id}")
    if amount_cents < settings.MIN_PAYOUT_CENTS:
        raise InvalidInput(
            _("Payouts start at %(minimum)s; you asked for %(amount)s.") % {
                "minimum": format_local(settings.MIN_PAYOUT_CENTS),
                "amount": format_local(amount_cents)},
            code="below_minimum_payout",
        )
    details = details_of(user_id)
    if details is None:
        raise InvalidInput(_("Add your bank details (account holder and IBAN) before asking for a payout."),
                           code="no_payout_details")
    if settings.PAYOUT_REQUIRE_IDENTITY and not details.has_identity:
        raise InvalidInput(_("This server needs your legal name, date of birth and address before a payout."),
                           code="identity_required")
    require_unflagged(user_id)
    earnings_available = accounts.earnings_cents(user_id)
    if amount_cents > earnings_available:
        raise InvalidInput(
            _("You have %(earnings)s of earnings; you cannot be paid %(amount)s.") % {
                "earnings": format_local(earnings_available),
                "amount": format_local(amount_cents)},
            code="insufficient_earnings",
        )
    try:
        with transaction.atomic():
            payout = Payout.objects.create(
                user_id=user_id, channel=CHANNEL, amount_cents=amount_cents, currency=settings.CURRENCY,
                idempotency_key=key, account_holder=details.account_holder, iban=details.iban, bic=details.bic,
                created_at=now,
            )
            # post() locks the earnings and refuses to overdraw them, whatever ran in between.
            ledger.post(f"payout:{payout.id}:pending", Reason.PAYOUT_PENDING, [ledger.Leg(
                accounts.user_account(user_id, AccountKind.USER_EARNINGS),
                accounts.system_account(AccountKind.PAYOUT_CLEARING), amount_cents, Reason.PAYOUT_PENDING)], now=now)
    except IntegrityError:  # the same request, concurrently
        return Payout.objects.get(idempotency_key=key)
    return payout


def export_pending(ids: list[int] | None = None, *, now: datetime | None = None) -> tuple[str, bytes, list[Payout]]:
    """The channel's file for the payouts not yet sent (all, or those of ``ids``), and mark them
    sent (exported).
    Returns (file name, content, payouts). Raises InvalidInput when there is nothing to send."""
    now = now or timezone.now()
    channel = get_payout_channel(CHANNEL)
    with transaction.atomic():
        query = Payout.objects.select_for_update().filter(status=PayoutStatus.PENDING, channel=CHANNEL)
        if ids is not None:
            query = query.filter(id__in=ids)
        pending = list(query.order_by("id"))
        if not pending:
            raise InvalidInput(_("No payout is waiting to be sent."))
        batch = f"RUISSEAU-{now:%Y%m%d%H%M%S}-{pending[0].id}"[:35]
        lines = [PayoutLine(f"RUISSEAU-PAYOUT-{p.id}", p.account_holder, p.iban, p.bic, p.amount_cents,
                            f"Ruisseau payout {p.id}") for p in pending]
        content = channel.export(batch, lines)
        # Only rows still pending: SQLite takes no row lock above, so another export may have
        # sent some of them meanwhile; then this file must not reach the bank (all rolled back).
        marked = Payout.objects.filter(id__in=[p.id for p in pending], status=PayoutStatus.PENDING).update(
            status=PayoutStatus.EXPORTED, batch_reference=batch, exported_at=now)
        if marked != len(pending):
            raise InvalidInput(_("Some of these payouts were already exported by someone else; export again."))
    return f"{batch}.{channel.file_extension}", content, pending


def mark_paid(payout_id: int, *, now: datetime | None = None) -> Payout:
    """The bank executed the transfer: the money leaves the ledger (once)."""
    return _finish(payout_id, paid=True, reason="", now=now)


def mark_failed(payout_id: int, reason: str, *, now: datetime | None = None) -> Payout:
    """The transfer failed or bounced: the earnings are given back (once)."""
    return _finish(payout_id, paid=False, reason=reason, now=now)


def _finish(payout_id: int, *, paid: bool, reason: str, now: datetime | None) -> Payout:
    now = now or timezone.now()
    with transaction.atomic():
        payout = Payout.objects.select_for_update().filter(id=payout_id).first()
        if payout is None:
            raise NotFound(f"No payout with id {payout_id}")
        target = PayoutStatus.PAID if paid else PayoutStatus.FAILED
        if payout.status == target:
            return payout
        if payout.status not in (PayoutStatus.PENDING, PayoutStatus.EXPORTED):
            raise InvalidInput(_("Payout %(id)s is already %(status)s.") % {
                "id": payout.id, "status": payout.get_status_display()})
        clearing = accounts.system_account(AccountKind.PAYOUT_CLEARING)
        if paid:
            key, kind, credit = f"payout:{payout.id}:posted", Reason.PAYOUT_POSTED, accounts.system_account(AccountKind.OUTSIDE_WORLD)
        else:
            key, kind, credit = f"payout:{payout.id}:voided", Reason.PAYOUT_VOIDED, accounts.user_account(payout.user_id, AccountKind.USER_EARNINGS)
        ledger.post(key, kind, [ledger.Leg(clearing, credit, payout.amount_cents, kind)], now=now)
        payout.status, payout.completed_at, payout.failure_reason = target, now, reason[:300]
        payout.save(update_fields=["status", "completed_at", "failure_reason"])
    return payout
