from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "ruisseau.accounts"
    label = "accounts"
    verbose_name = "Accounts"
