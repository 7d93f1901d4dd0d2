"""Rename usernames ending in an API format suffix (``alice.json`` → ``alice-json``).

Sign-up used to make such names from e-mail addresses like ``alice.json@…``, and the v2 API read
``/users/alice.json`` as ``alice`` in JSON: those people were shadowed there. The new name is the
one sign-up now makes (the dot becomes a dash, then ``-2``, ``-3``… while taken). The suffix list
is frozen here on purpose: a migration must not change meaning when the code does."""

from django.db import migrations

SUFFIXES = ("json", "as", "atom", "txt", "xml", "yaml")


def rename(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    for user in User.objects.filter(username__contains=".").order_by("id"):
        head, _dot, suffix = user.username.rpartition(".")
        if suffix.lower() not in SUFFIXES:
            continue
        base = f"{head}-{suffix}"[:37]
        if "." in base and base.rpartition(".")[2].lower() in SUFFIXES:  # cut back onto another suffix
            base = base.replace(".", "-")
        candidate, number = base, 1
        while User.objects.filter(username__iexact=candidate).exists():
            number += 1
            candidate = f"{base}-{number}"
        user.username = candidate
        user.save(update_fields=["username"])


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0002_avatar"),
    ]

    operations = [migrations.RunPython(rename, migrations.RunPython.noop)]
