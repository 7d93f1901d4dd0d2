from django.urls import path

from ruisseau.payments import views

app_name = "payments"

urlpatterns = [
    path("funds/card/", views.card_topup, name="card_topup"),
    path("funds/card/setup/", views.card_setup, name="card_setup"),
    path("funds/card/pay/", views.card_pay, name="card_pay"),
    path("funds/card/auto/", views.auto_topup, name="auto_topup"),
    path("payouts/details/", views.payout_details, name="payout_details"),
    path("payouts/request/", views.payout_request, name="payout_request"),
    path("payments/webhooks/<str:provider>/", views.webhook, name="webhook"),
]
