#!/usr/bin/env python
"""Website benchmark, run by hand (never part of the test suite).

    .venv/bin/python bench/pages.py                      # SQLite, wrk if installed
    .venv/bin/python bench/pages.py --db postgres --duration 15
    .venv/bin/python bench/pages.py --generator python   # no wrk: threads + http.client

It generates a database (a temporary SQLite file, or a throw-away PostgreSQL database
``ruisseau_pages_bench`` on postgres://postgres@127.0.0.1:5432, dropped afterwards) with
``--things`` things, ``--fans`` other givers flattring them, and one giver with ``--flattrs``
flattrs in the current period (plus a subscription and an earlier top-up). Then it starts the app
with ``ruisseau serve`` (granian) on a free loopback port and measures, in the same run and with
the same load generator:

  * ``/healthz``         the trivial view (JSON, no database, no session);
  * ``/whoami/``         the trivial signed-in view: the same middleware, session and user as
                         the measured pages, and a tiny template — the reference the target is
                         judged against (see bench/README.md);
  * ``/thing/<id>/``     the thing page, signed in (session cookie), a thing with many flattrs;
  * ``/dashboard/``      the giver's dashboard, signed in, listing all their flattrs;
  * ``/explore/``        explore, sorted by trending (anonymous).

For each it prints requests per second, p50 and p99 latency, and the throughput as a share of each
trivial view's. Target: the thing page and the dashboard at least 30 % of the signed-in trivial
view ``/whoami/``; the share of ``/healthz`` is printed too.

Load generator: ``wrk`` when it is on the PATH (Debian: ``apt-get install wrk``), else a small
Python one (threads, one keep-alive http.client connection each). Traffic goes to 127.0.0.1 only;
every run is bounded by ``--rounds`` × ``--duration`` seconds per URL. URLs are measured in
turn, round after round, and the median round of each is reported.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from common import free_port, parse_wrk, proc_stat, stat_cpu_seconds, wait_for_http

ROOT = Path(__file__).resolve().parent.parent
PG_URL = "postgres://postgres@127.0.0.1:5432"
PG_DB = "ruisseau_pages_bench"


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--pg-db", default=PG_DB, help="the throw-away PostgreSQL database (created, then dropped)")
    parser.add_argument("--things", type=int, default=5_000)
    parser.add_argument("--fans", type=int, default=300, help="other givers, 30 flattrs each")
    parser.add_argument("--flattrs", type=int, default=1_000, help="the measured giver's flattrs this period")
    parser.add_argument("--duration", type=float, default=5.0, help="seconds of load per URL and round")
    parser.add_argument("--rounds", type=int, default=3,
                        help="URLs are measured in turn, this many times; the median round is reported "
                             "(a shared machine's load then weighs on every URL alike)")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2, help="granian worker processes")
    parser.add_argument("--serve-arg", action="append", default=[], metavar="ARG",
                        help="passed on to `ruisseau serve`, e.g. --serve-arg=--no-gc-freeze (repeatable)")
    parser.add_argument("--generator", choices=["auto", "wrk", "python"], default="auto")
    return parser.parse_args(argv)




def pg_admin(*statements: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG_URL}/postgres", autocommit=True) as conn:
        for statement in statements:
            conn.execute(statement)


# --- data ----------------------------------------------------------------------------------------


def generate(args) -> dict:
    """Migrate and fill the database; returns the ids and the giver's session cookie."""
    import django

    django.setup()
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command
    from django.utils import timezone

    from ruisseau.accounts.services import create_user
    from ruisseau.flattrs.models import Flattr
    from ruisseau.flattrs.subscriptions import subscribe
    from ruisseau.payments.services import add_funds
    from ruisseau.periods import Period
    from ruisseau.things.catalogue import CATEGORIES
    from ruisseau.things.models import Thing, ThingOwner

    call_command("migrate", verbosity=0)
    rng = random.Random(7)
    now = timezone.now()
    day = Period.containing(now).first_day
    creator = create_user("creator", budget_cents=500)
    giver = create_user("giver", budget_cents=500)
    add_funds(giver.id, 10_000, idempotency_key="bench")
    categories = [c for c, _ in CATEGORIES]
    Thing.objects.bulk_create(
        Thing(url=f"https://site{i % 97}.example/post/{i}", title=f"Post number {i}",
              description="Words about rivers and streams " * 3, category=rng.choice(categories),
              created_at=now, created_by=creator)
        for i in range(args.things)
    )
    thing_ids = list(Thing.objects.order_by("id").values_list("id", flat=True))
    ThingOwner.objects.bulk_create(
        ThingOwner(thing_id=t, user=creator, verified=True, verification="operator", verified_at=now, claimed_at=now)
        for t in thing_ids
    )
    Flattr.objects.bulk_create(
        Flattr(user=giver, thing_id=t, period=day, created_at=now) for t in thing_ids[: args.flattrs]
    )
    subscribe(giver.id, thing_ids[0], 6)
    hot = thing_ids[0]
    fans = [create_user(f"fan{n}", budget_cents=300) for n in range(args.fans)]
    Flattr.objects.bulk_create(
        Flattr(user=fan, thing_id=t, period=day, created_at=now)
        for fan in fans
        for t in {hot, *rng.sample(thing_ids, 29)}
    )
    session = SessionStore()
    session[SESSION_KEY] = str(giver.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = giver.get_session_auth_hash()
    session.create()
    from django.conf import settings

    return {"thing": hot, "cookie": f"{settings.SESSION_COOKIE_NAME}={session.session_key}"}


# --- load generators -----------------------------------------------------------------------------


def run_python(port: int, path: str, headers: dict, duration: float, connections: int) -> dict:
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    deadline = time.monotonic() + duration

    def worker():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        mine = []
        while time.monotonic() < deadline:
            start = time.perf_counter()
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            response.read()
            mine.append(time.perf_counter() - start)
            if response.status != 200:
                with lock:
                    errors[0] += 1
        conn.close()
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=worker) for _ in range(connections)]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - began
    latencies.sort()
    return {
        "rps": len(latencies) / elapsed,
        "p50_ms": statistics.median(latencies) * 1000,
        "p99_ms": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000,
        "errors": errors[0],
        "requests": len(latencies),
    }


def run_wrk(port: int, path: str, headers: dict, duration: float, connections: int) -> dict:
    command = ["wrk", "--latency", "-t", str(min(2, connections)), "-c", str(connections), "-d", f"{int(duration)}s"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    output = subprocess.run([*command, f"http://127.0.0.1:{port}{path}"], capture_output=True, text=True,
                            check=True, timeout=duration + 30).stdout
    return parse_wrk(output)


# --- server CPU ----------------------------------------------------------------------------------

def server_cpu_seconds(group: int, backends: list[int]) -> float:
    """CPU time used so far by the server (every process of its process group: granian and its
    workers) and by the given PostgreSQL backends. On a shared machine this moves far less than
    throughput: other jobs slow the server down but do not make it work more per request."""
    total = 0.0
    for pid in os.listdir("/proc"):
        fields = proc_stat(pid) if pid.isdigit() else None
        if fields and (int(fields[2]) == group or int(pid) in backends):
            total += stat_cpu_seconds(fields)
    return total


def pg_backends(db: str) -> list[int]:
    import psycopg

    with psycopg.connect(f"{PG_URL}/postgres", autocommit=True) as conn:
        return [pid for (pid,) in conn.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s", [db])]


# --- the run -------------------------------------------------------------------------------------


def main(argv=None) -> None:
    args = parse_args(argv)
    use_wrk = args.generator == "wrk" or (args.generator == "auto" and shutil.which("wrk"))
    if args.generator == "wrk" and not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: apt-get install wrk, or use --generator python")
    load = run_wrk if use_wrk else run_python
    data_dir = Path(tempfile.mkdtemp(prefix="ruisseau-bench-pages-"))
    os.environ.update(DJANGO_SETTINGS_MODULE="ruisseau.settings", RUISSEAU_DATA_DIR=str(data_dir),
                      RUISSEAU_SECRET_KEY="bench-" + os.urandom(16).hex(), RUISSEAU_LOG_LEVEL="WARNING")
    if args.db == "postgres":
        pg_admin(f'DROP DATABASE IF EXISTS "{args.pg_db}"', f'CREATE DATABASE "{args.pg_db}"')
        os.environ["RUISSEAU_DATABASE_URL"] = f"{PG_URL}/{args.pg_db}"
    else:
        os.environ["RUISSEAU_DATABASE_URL"] = f"sqlite:///{data_dir / 'bench.sqlite3'}"
    server = None
    try:
        started = time.monotonic()
        ids = generate(args)
        print(f"data: {args.things} things, {args.fans} fans x 30 flattrs, giver with {args.flattrs} flattrs "
              f"({args.db}, generated in {time.monotonic() - started:.1f} s)")
        from django.db import connections

        connections.close_all()
        port = free_port()
        ruisseau = ROOT / ".venv" / "bin" / "ruisseau"
        server = subprocess.Popen(
            [str(ruisseau), "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", str(args.workers),
             *args.serve_arg],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True,
        )
        wait_for_http(port, "/healthz", server)
        signed_in = {"Cookie": ids["cookie"]}
        targets = [
            ("trivial /healthz", "/healthz", {}),
            ("trivial /whoami/", "/whoami/", signed_in),
            ("thing page", f"/thing/{ids['thing']}/", signed_in),
            ("dashboard", "/dashboard/", signed_in),
            ("explore", "/explore/", {}),
        ]
        print(f"load: {'wrk' if use_wrk else 'python threads'}, {args.connections} connections, "
              f"{args.rounds} rounds of {args.duration:g} s per URL, granian with {args.workers} workers "
              f"on 127.0.0.1:{port}; load average before: {os.getloadavg()[0]:.1f}")
        for _name, path, headers in targets:
            load(port, path, headers, 2.0, args.connections)  # warm-up
        backends = pg_backends(args.pg_db) if args.db == "postgres" else []  # persistent connections
        rounds: dict[str, list[dict]] = {name: [] for name, _, _ in targets}
        for _ in range(args.rounds):
            for name, path, headers in targets:
                before = server_cpu_seconds(server.pid, backends)
                result = load(port, path, headers, args.duration, args.connections)
                used = server_cpu_seconds(server.pid, backends) - before
                result["cpu_ms"] = used * 1000 / max(1, result["requests"])
                rounds[name].append(result)
        report({name: sorted(runs, key=lambda r: r["rps"])[len(runs) // 2] for name, runs in rounds.items()})
    finally:
        if server is not None and server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
        if args.db == "postgres":
            from django.db import connections

            connections.close_all()
            pg_admin(f'DROP DATABASE IF EXISTS "{args.pg_db}" WITH (FORCE)')
        shutil.rmtree(data_dir, ignore_errors=True)


def report(results: dict) -> None:
    base = results["trivial /healthz"]["rps"]
    signed = results["trivial /whoami/"]["rps"]
    signed_cpu = results["trivial /whoami/"]["cpu_ms"]
    print(f"{'page':<18}{'req/s':>10}{'p50 ms':>10}{'p99 ms':>10}{'of /healthz':>12}{'of /whoami/':>12}{'errors':>8}"
          f"{'server CPU ms/req':>19}{'CPU, /whoami/ = 100 %':>23}")
    for name, r in results.items():
        print(f"{name:<18}{r['rps']:>10.0f}{r['p50_ms']:>10.2f}{r['p99_ms']:>10.2f}"
              f"{r['rps'] / base:>12.0%}{r['rps'] / signed:>12.0%}{r['errors']:>8}"
              f"{r['cpu_ms']:>19.2f}{signed_cpu / r['cpu_ms']:>23.0%}")
    for name in ("thing page", "dashboard"):
        verdict = "meets" if results[name]["rps"] >= 0.3 * signed else "MISSES"
        print(f"{name}: {results[name]['rps'] / signed:.0%} of the signed-in trivial view /whoami/ ({verdict} the "
              f"30 % target); {results[name]['rps'] / base:.0%} of /healthz")


if __name__ == "__main__":
    sys.exit(main())
