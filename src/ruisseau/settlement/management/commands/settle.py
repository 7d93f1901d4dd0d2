from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from ruisseau.errors import RuisseauError
from ruisseau.periods import Period
from ruisseau.settlement.run import last_closed_period, settle_period


class Command(BaseCommand):
    help = "Settle a closed period (default: the last closed one). Safe to re-run: a settled period changes nothing."

    def add_arguments(self, parser):
        parser.add_argument("--period", help="YYYY-MM (default: last month)")
        parser.add_argument("--dry-run", action="store_true", help="compute and print, write nothing")

    def handle(self, *args, period=None, dry_run=False, **options):
        try:
            target = Period.parse(period) if period else last_closed_period()
            report = settle_period(target, dry_run=dry_run)
        except RuisseauError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write("\n".join(report.lines(settings.CURRENCY)))
