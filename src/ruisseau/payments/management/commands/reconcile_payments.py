"""``ruisseau manage reconcile_payments``: settle card payments left pending (cron: every 15
minutes or so). Credits what the provider took, fails what it refused or the payer abandoned
for a day; never charges anything."""

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError

from ruisseau.payments.reconcile import reconcile_pending


class Command(BaseCommand):
    help = "Ask the payment provider how payments pending for a while ended, and record it"

    def add_arguments(self, parser):
        parser.add_argument("--older-than", type=int, default=30, metavar="MINUTES",
                            help="only payments pending for at least this many minutes (default 30)")

    def handle(self, *args, older_than: int, **options):
        if older_than < 0:
            raise CommandError("--older-than is a number of minutes, 0 or more")
        self.stdout.write(reconcile_pending(older_than=timedelta(minutes=older_than)).summary())
