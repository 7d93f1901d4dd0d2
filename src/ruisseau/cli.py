"""The ``ruisseau`` command: Ruisseau's own commands first, every Django command behind them."""

from __future__ import annotations

import os
import sys

COMMANDS = [
    ("demo", "migrate, load sample data and serve a demo on http://127.0.0.1:8000 (--port N: on N)"),
    ("serve", "run the production web server (granian, static files through WhiteNoise)"),
    ("migrate", "create or upgrade the database tables"),
    ("settle", "settle a closed period: settle [--period YYYY-MM] [--dry-run]"),
    ("ledger", "ledger check: recompute every balance and verify every invariant"),
    ("subscriptions", "subscriptions fire [--period YYYY-MM]: create this period's subscription flattrs"),
    ("createoperator", "create an operator (back-office) account"),
    ("manage", "any other Django management command, e.g. 'ruisseau manage shell'"),
]


def usage() -> str:
    width = max(len(name) for name, _ in COMMANDS)
    lines = ["usage: ruisseau COMMAND [options]   (ruisseau COMMAND --help for a command's options)", "", "commands:"]
    lines += [f"  {name.ljust(width)}  {text}" for name, text in COMMANDS]
    lines += ["", "Configuration comes from RUISSEAU_* environment variables: see docs/configuration.md."]
    return "\n".join(lines)


def demo_port(argv: list[str]) -> int | None:
    """The port ``ruisseau demo`` will serve on (8000 unless ``--port``), None for other commands
    or an unreadable port (the command itself then says what is wrong)."""
    if not argv or argv[0] != "demo":
        return None
    port = "8000"
    for i, arg in enumerate(argv[1:], start=1):
        if arg == "--port" and i + 1 < len(argv):
            port = argv[i + 1]
        elif arg.startswith("--port="):
            port = arg.split("=", 1)[1]
    return int(port) if port.isdigit() else None


# Commands that only work on a migrated database: they must never create a data folder, a
# secret key or an empty SQLite file where RUISSEAU_DATA_DIR points by mistake.
NEED_A_MIGRATED_DATABASE = {"serve", "settle", "ledger", "subscriptions", "createoperator", "autotopup",
                            "reconcile_payments"}


class CliError(Exception):
    """A bad input or setting, told in one line and a non-zero exit instead of a traceback."""


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in {"-h", "--help"} or argv[0] == "help" and argv[1:] in ([], ["manage"]):
        print(usage())
        return
    if argv[0] == "help":
        argv = [argv[1], "--help"]
    if argv[0] == "manage":
        argv = argv[1:] or ["help"]
    port = demo_port(argv)
    if port is not None:
        # The demo's public address is where it serves (links, CSRF, the demo blog's site),
        # unless the operator set one. Settings read it once, so before they load.
        os.environ.setdefault("RUISSEAU_PUBLIC_URL", f"http://127.0.0.1:{port}")
        os.environ["RUISSEAU_DEMO"] = "true"  # the sample blog is served, and payable, only here
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ruisseau.settings")
    try:
        run(argv)
    except CliError as error:
        print(f"ruisseau: {error}", file=sys.stderr)
        sys.exit(1)


def run(argv: list[str]) -> None:
    import django
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line
    from django.db import OperationalError

    from ruisseau.datadir import configured_data_dir

    checked = argv[0] in NEED_A_MIGRATED_DATABASE and not {"-h", "--help"} & set(argv)
    # The folder holds the SQLite database; with PostgreSQL (a stateless container, say) it may
    # well not exist yet, and the migrated-database check below is what matters.
    on_sqlite = not os.environ.get("RUISSEAU_DATABASE_URL", "").startswith(("postgres://", "postgresql://"))
    if checked and on_sqlite and not configured_data_dir().is_dir():
        raise CliError(f"the data folder {configured_data_dir()} (RUISSEAU_DATA_DIR) does not exist: "
                       "point RUISSEAU_DATA_DIR at yours, or run ruisseau migrate first")
    try:
        django.setup()
    except ImproperlyConfigured as error:
        raise CliError(str(error)) from None
    try:
        if checked:
            require_migrated_database()
        execute_from_command_line(["ruisseau", *argv])
    except OperationalError as error:
        raise CliError(f"the database cannot be used: {first_line(error)}") from None


def require_migrated_database() -> None:
    from django.conf import settings
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3" and not os.path.exists(database["NAME"]):
        raise CliError(f"the database {database['NAME']} does not exist: run ruisseau migrate first")
    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        raise CliError("the database is not migrated: run ruisseau migrate first")


def first_line(error: Exception) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0]


if __name__ == "__main__":
    main()
