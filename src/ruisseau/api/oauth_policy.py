"""Who must use PKCE: public clients (no secret to prove who they are) always do."""

from __future__ import annotations


def pkce_required(client_id: str) -> bool:
    from oauth2_provider.models import get_application_model

    Application = get_application_model()
    client_type = Application.objects.filter(client_id=client_id).values_list("client_type", flat=True).first()
    return client_type != Application.CLIENT_CONFIDENTIAL
