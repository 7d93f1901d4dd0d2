from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "ruisseau.api"
    label = "api"
