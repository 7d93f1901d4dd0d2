from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from ruisseau.errors import RuisseauError
from ruisseau.flattrs.subscriptions import materialise
from ruisseau.periods import Period
from ruisseau.settlement.models import SettlementRun


class Command(BaseCommand):
    help = (
        "'subscriptions fire': create the period's flattr for every running subscription "
        "(idempotent; run from cron on the 1st)."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["fire"])
        parser.add_argument("--period", help="YYYY-MM (default: the current period)")

    def handle(self, *args, action, period=None, **options):
        try:
            target = Period.parse(period) if period else Period.containing(timezone.now())
        except RuisseauError as exc:
            raise CommandError(str(exc)) from None
        # A subscription fires at most once per period and never for a period before one it has
        # fired for, so a missed run for the previous period is caught up first — unless that
        # period's settlement has started (it fires its own subscriptions as its first stage).
        previous = target - 1
        if not SettlementRun.objects.filter(period=previous.first_day).exists():
            caught_up = materialise(previous)
            if caught_up:
                self.stdout.write(f"{caught_up} subscription flattrs created for {previous} (caught up)")
        created = materialise(target)
        self.stdout.write(f"{created} subscription flattrs created for {target}")
