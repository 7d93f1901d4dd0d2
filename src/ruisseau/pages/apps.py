from django.apps import AppConfig


class PagesConfig(AppConfig):
    name = "ruisseau.pages"
    label = "pages"
