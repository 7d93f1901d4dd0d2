from django.apps import AppConfig


class ThingsConfig(AppConfig):
    name = "ruisseau.things"
    label = "things"
    verbose_name = "Things"
