from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "ruisseau.payments"
    label = "payments"
    verbose_name = "Payments"
