"""URL map: each area owns its own urls module; this file only includes them."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("ruisseau.web.urls")),
    path("", include("ruisseau.pages.urls")),
    path("", include("ruisseau.api.urls")),
    path("", include("ruisseau.widgets.urls")),
    path("", include("ruisseau.payments.urls")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
]
