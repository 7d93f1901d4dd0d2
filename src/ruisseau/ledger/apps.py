from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "ruisseau.ledger"
    label = "ledger"
    verbose_name = "Ledger"
