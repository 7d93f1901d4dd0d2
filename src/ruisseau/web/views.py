"""Public pages. Views parse, call one service, render."""

from __future__ import annotations

from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone

from ruisseau.web import overview


def home(request):
    return render(request, "web/home.html", overview.home(timezone.now()))


def health(request):

    return JsonResponse({"status": "ok"})
