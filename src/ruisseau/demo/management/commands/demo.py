from urllib.parse import urlsplit

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from ruisseau.demo.data import DEMO_PASSWORD, OPERATOR, demo_loaded, follow_public_url, load_demo


class Command(BaseCommand):
    help = ("Migrate, load the sample data (once) and serve the demo on http://127.0.0.1:8000; run as "
            "'ruisseau demo --port N', the public address is http://127.0.0.1:N unless RUISSEAU_PUBLIC_URL is set")

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--no-serve", action="store_true", help="prepare the data and stop")

    def handle(self, *args, port, no_serve, **options):
        call_command("migrate", interactive=False, verbosity=0)
        if demo_loaded():
            self.stdout.write("Demo data already loaded.")
        else:
            load_demo()
            self.stdout.write("Demo data loaded: last month is settled, this month is open.")
        domain = follow_public_url()
        if domain is None:
            self.stdout.write(self.style.WARNING(
                f"The demo blog has no site on {urlsplit(settings.PUBLIC_URL).netloc} (another account holds "
                "that domain): its flattrs stay pledges."))
        else:
            self.stdout.write(f"The demo blog's site is {domain} ({settings.PUBLIC_URL}/demo-blog/).")
        self.stdout.write(
            f"Sign in to the back-office at /admin/ as {OPERATOR[0]} / {OPERATOR[1]}; "
            f"sample people sign in on the site with alice@ruisseau.example (also bruno, chloe, david, "
            f"emma @ruisseau.example) and the password {DEMO_PASSWORD}."
        )
        public_port = urlsplit(settings.PUBLIC_URL).port
        if not no_serve and public_port != port:
            # Links in emails, the demo blog's buttons and the CSRF check all use the public URL.
            self.stdout.write(self.style.WARNING(
                f"RUISSEAU_PUBLIC_URL is {settings.PUBLIC_URL}: set RUISSEAU_PUBLIC_URL=http://127.0.0.1:{port} "
                "so that links, the demo blog's buttons and forms work on this port."
            ))
        if not no_serve:
            call_command("serve", host="127.0.0.1", port=port, workers=1)
