"""``ruisseau manage autotopup``: charge saved cards where funds would not cover the next
period's budget (cron-friendly: once a day is plenty; charged at most once per user and period)."""

from django.core.management.base import BaseCommand

from ruisseau.payments.cards import run_auto_topups


class Command(BaseCommand):
    help = "Run the automatic top-ups that users turned on (at most once per user and period)"

    def handle(self, *args, **options):
        counts = run_auto_topups()
        self.stdout.write(", ".join(f"{name.replace('_', ' ')}: {count}" for name, count in counts.items()))
