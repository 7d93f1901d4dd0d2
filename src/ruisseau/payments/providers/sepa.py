"""Payouts as a SEPA credit-transfer file (pain.001.001.03, made with sepaxml) that the
operator uploads to their bank. The file is validated against the schema before it is handed out."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from sepaxml import SepaTransfer

from ruisseau.payments.providers.base import PayoutLine

SCHEMA = "pain.001.001.03"


class SepaFileChannel:
    name = "sepa"
    media_type = "application/xml"
    file_extension = "xml"

    def export(self, batch_reference: str, lines: Sequence[PayoutLine]) -> bytes:
        if not (settings.SEPA_DEBTOR_NAME and settings.SEPA_DEBTOR_IBAN):
            raise ImproperlyConfigured(
                "Set RUISSEAU_SEPA_DEBTOR_NAME and RUISSEAU_SEPA_DEBTOR_IBAN (your bank account) to export payouts"
            )
        config = {
            "name": settings.SEPA_DEBTOR_NAME[:70], "IBAN": settings.SEPA_DEBTOR_IBAN.replace(" ", ""),
            "BIC": settings.SEPA_DEBTOR_BIC, "batch": True, "currency": settings.CURRENCY,
        }
        transfer = SepaTransfer(config, schema=SCHEMA, clean=True)
        for line in lines:
            payment = {
                "name": line.account_holder[:70], "IBAN": line.iban, "amount": line.amount_cents,
                "execution_date": date.today(), "description": line.description[:140],
                "endtoend_id": line.reference[:35],
            }
            if line.bic:
                payment["BIC"] = line.bic
            transfer.add_payment(payment)
        return transfer.export(validate=True)
