import errno
import gc
import socket

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError


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


def check_address_free(host: str, port: int) -> None:
    """Refuse an impossible or busy address in one line. Granian binds with SO_REUSEPORT, so on a
    busy port it would start anyway and share the traffic with whatever already listens there;
    a plain bind (no SO_REUSEPORT) fails on such a port, which is the check wanted."""
    if not 1 <= port <= 65535:
        raise CommandError(f"--port must be between 1 and 65535, got {port}")
    try:
        family, kind, proto, _name, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    except (socket.gaierror, UnicodeError) as error:
        raise CommandError(f"--host {host!r} cannot be resolved ({error.args[-1]})") from None
    probe = socket.socket(family, kind, proto)
    # SO_REUSEADDR, as every server sets it: connections left in TIME_WAIT by a server just stopped
    # do not count as busy, a listening socket still does.
    probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        probe.bind(address)
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            raise CommandError(f"{host}:{port} is already in use") from None
        raise CommandError(f"cannot listen on {host}:{port}: {error.strerror}") from None
    finally:
        probe.close()


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

        check_address_free(host, port)
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
