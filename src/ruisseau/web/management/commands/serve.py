from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run the production web server (granian, WSGI) with static files served by WhiteNoise."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=2, help="processes (default 2: one per core here)")
        parser.add_argument("--threads", type=int, default=4, help="threads per process for blocking database work")
        parser.add_argument("--no-collectstatic", action="store_true", help="skip copying static files first")

    def handle(self, *args, host, port, workers, threads, no_collectstatic, **options):
        from granian import Granian
        from granian.constants import Interfaces

        if not no_collectstatic:
            call_command("collectstatic", interactive=False, verbosity=0)
        self.stdout.write(f"Ruisseau on http://{host}:{port}/ (public URL {settings.PUBLIC_URL}); Ctrl-C stops it")
        Granian(
            "ruisseau.wsgi:application",
            address=host,
            port=port,
            interface=Interfaces.WSGI,
            workers=workers,
            blocking_threads=threads,
            log_access=False,
        ).serve()
