from django.apps import AppConfig


class WidgetsConfig(AppConfig):
    name = "ruisseau.widgets"
    label = "widgets"
