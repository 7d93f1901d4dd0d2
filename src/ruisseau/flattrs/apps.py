from django.apps import AppConfig


class FlattrsConfig(AppConfig):
    name = "ruisseau.flattrs"
    label = "flattrs"
    verbose_name = "Flattrs"
