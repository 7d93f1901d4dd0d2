from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "ruisseau.demo"
    label = "demo"
    verbose_name = "Demo data"
