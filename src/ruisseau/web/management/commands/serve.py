import gc

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


def frozen_application():
    """Granian's application factory, called once in each worker: the WSGI app, with everything
    loaded so far (Django, the apps, the URL patterns) moved out of the garbage collector's sight.
    A page allocates thousands of short-lived objects; without this every full collection walks
    the whole framework again (gc.freeze(), as the CPython documentation suggests for servers)."""
    from django.urls import get_resolver

    from ruisseau.wsgi import application

    get_resolver().url_patterns  # noqa: B018 (import every view module now, before freezing)
    gc.collect()
    gc.freeze()
    return application


class Command(BaseCommand):
    help = "Run the production web server (granian, WSGI) with static files served by WhiteNoise."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=2, help="processes (default 2: one per core here)")
        parser.add_argument("--threads", type=int, default=4, help="threads per process for blocking database work")
        parser.add_argument("--no-collectstatic", action="store_true", help="skip copying static files first")
        parser.add_argument("--no-gc-freeze", action="store_true",
                            help="load the app plainly, without gc.freeze() (to measure what freezing changes)")

    def handle(self, *args, host, port, workers, threads, no_collectstatic, no_gc_freeze, **options):
        from granian import Granian
        from granian.constants import Interfaces

        if not no_collectstatic:
            call_command("collectstatic", interactive=False, verbosity=0)
        self.stdout.write(f"Ruisseau on http://{host}:{port}/ (public URL {settings.PUBLIC_URL}); Ctrl-C stops it")
        if no_gc_freeze:
            target, factory = "ruisseau.wsgi:application", False
        else:
            target, factory = "ruisseau.web.management.commands.serve:frozen_application", True
        Granian(
            target,
            address=host,
            port=port,
            interface=Interfaces.WSGI,
            workers=workers,
            blocking_threads=threads,
            log_access=False,
            factory=factory,
        ).serve()
