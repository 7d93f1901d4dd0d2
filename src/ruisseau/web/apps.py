from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "ruisseau.web"
    label = "web"
    verbose_name = "Website"
