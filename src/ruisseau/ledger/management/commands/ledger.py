from django.core.management.base import BaseCommand, CommandError

from ruisseau.ledger.check import LEDGER_CHECKS, run_checks
from ruisseau.payments.checks import PAYMENT_CHECKS
from ruisseau.settlement.checks import SETTLEMENT_CHECKS


class Command(BaseCommand):
    help = "Ledger tools. 'ledger check' recomputes every balance from the transfers and verifies every invariant."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["check"])

    def handle(self, *args, action, **options):
        results = run_checks(LEDGER_CHECKS + SETTLEMENT_CHECKS + PAYMENT_CHECKS)
        for result in results:
            mark = "ok  " if result.ok else "FAIL"
            self.stdout.write(f"{mark} {result.name} ({result.checked} checked)")
            for problem in result.problems:
                self.stdout.write(f"       {problem}")
        failed = [r for r in results if not r.ok]
        if failed:
            raise CommandError(f"ledger check failed: {len(failed)} of {len(results)} checks found differences")
        self.stdout.write(f"ledger check passed: {len(results)} checks, no difference")
