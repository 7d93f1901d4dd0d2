from django.urls import path

from ruisseau.web import creator_views, settings_views, views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.health, name="health"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("privacy/", views.privacy, name="privacy"),
    path("language/", views.set_language, name="set_language"),
    path("avatars/<int:user_id>", views.avatar, name="avatar"),
    path("creator/", creator_views.dashboard, name="creator"),
    path("creator/revenue.csv", creator_views.revenue_csv, name="creator_csv"),
    path("settings/", settings_views.index, name="settings"),
    path("settings/profile/", settings_views.profile, name="settings_profile"),
    path("settings/privacy/", settings_views.privacy, name="settings_privacy"),
    path("settings/language/", settings_views.language, name="settings_language"),
    path("settings/export/", settings_views.export, name="settings_export"),
    path("settings/export/ruisseau-data.json", settings_views.export_json, name="settings_export_json"),
    path("settings/close/", settings_views.close, name="settings_close"),
]
