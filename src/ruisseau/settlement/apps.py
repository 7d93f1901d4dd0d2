from django.apps import AppConfig


class SettlementConfig(AppConfig):
    name = "ruisseau.settlement"
    label = "settlement"
    verbose_name = "Settlement"
