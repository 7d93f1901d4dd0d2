import getpass
import os
import sys

from django.core.management.base import BaseCommand, CommandError

from ruisseau.accounts.services import create_user
from ruisseau.errors import RuisseauError


class Command(BaseCommand):
    help = "Create an operator account (staff and superuser: the back-office at /admin/)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--email", default="")
        parser.add_argument("--password", help="default: asked interactively (or RUISSEAU_OPERATOR_PASSWORD)")

    def handle(self, *args, username, email, password=None, **options):


        password = password or os.environ.get("RUISSEAU_OPERATOR_PASSWORD")
        if not password:
            if not self.stdin_is_interactive():
                raise CommandError("give --password or RUISSEAU_OPERATOR_PASSWORD when not run interactively")
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                raise CommandError("the passwords differ")
        if len(password) < 8:
            raise CommandError("the password must have at least 8 characters")
        try:
            user = create_user(username, email=email, password=password, is_staff=True, email_verified=True)
        except RuisseauError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"operator {user.username} created; sign in at /admin/")

    @staticmethod
    def stdin_is_interactive() -> bool:


        return sys.stdin is not None and sys.stdin.isatty()
