#!/usr/bin/env python
"""API benchmark, run by hand (never part of the test suite).

    .venv/bin/python bench/api.py [--clients 32] [--seconds 15] [--rounds 3] [--workers 2] [--threads 8]

On a throw-away PostgreSQL database (default ``ruisseau_bench_api`` on
postgres://postgres@127.0.0.1:5432, created and dropped) it seeds givers with funds and OAuth
tokens (scope ``flattr``) and creators with verified things, starts the production server
(``ruisseau serve``: granian, WSGI) on a free loopback port, then drives, with ``--clients``
concurrent keep-alive clients for ``--seconds`` each:

  1. ``GET /rest/v2/categories`` — the trivial baseline;
  2. ``POST /rest/v2/things/:id/flattr`` from many tokens — every (token, thing) pair once, so
     every answer should be 200.

The two loads alternate for ``--rounds`` rounds (a shared machine's load then weighs on both
alike) and the median round of each is reported (errors are summed over all rounds). It prints
requests per second, p50 and p99 latency and errors for both, the ratio of the two throughputs,
the CPU time per request of the server, of PostgreSQL's backends and of this load generator (which
barely moves when other jobs share the cores, unlike throughput), and runs ``ruisseau ledger
check`` afterwards. Targets (issue 4): flattr throughput
at least 25 % of the GET's, p99 under 100 ms at 32 clients, zero errors, ledger check clean.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from common import free_port, proc_cpu_seconds, proc_stat, wait_for_http

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)




def psql(server: str, sql: str, db: str = "postgres") -> list:
    import psycopg

    with psycopg.connect(f"{server}/{db}", autocommit=True) as conn:
        cursor = conn.execute(sql)
        return cursor.fetchall() if cursor.description else []


def _descendants(pid: int) -> list[int]:
    """The process and all its children (granian's workers), from /proc."""
    parents: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        fields = proc_stat(entry) if entry.isdigit() else None
        if fields:
            parents.setdefault(int(fields[1]), []).append(int(entry))
    found, stack = [], [pid]
    while stack:
        current = stack.pop()
        found.append(current)
        stack.extend(parents.get(current, []))
    return found


class CpuMeter:
    """CPU seconds spent during a load by the server (granian and its workers), by the PostgreSQL
    backends serving the bench database, and by this load generator. Unlike requests per second,
    CPU per request barely moves when other jobs share the cores."""

    def __init__(self, server_pid: int, pg_url: str, pg_db: str):
        self.server_pid, self.pg_url, self.pg_db = server_pid, pg_url, pg_db

    def _backends(self) -> list[int]:
        rows = psql(self.pg_url, f"SELECT pid FROM pg_stat_activity WHERE datname = '{self.pg_db}' "
                                 "AND pid <> pg_backend_pid()")
        return [pid for (pid,) in rows]

    def snapshot(self) -> dict:
        pids = {("server", p) for p in _descendants(self.server_pid)} | {("db", p) for p in self._backends()}
        return {"pids": {key: proc_cpu_seconds(key[1]) for key in pids}, "client": time.process_time()}

    @staticmethod
    def spent(before: dict, after: dict) -> dict:
        totals = {"server": 0.0, "db": 0.0, "client": after["client"] - before["client"]}
        for key, cpu in after["pids"].items():  # a backend that connected meanwhile started at 0
            totals[key[0]] += cpu - before["pids"].get(key, 0.0)
        return totals


def seed(givers: int, creators: int, things_per_creator: int) -> dict:
    """Runs inside a child process with Django configured for the bench database."""
    import django

    django.setup()
    import secrets
    from datetime import timedelta

    from django.utils import timezone
    from oauth2_provider.models import AccessToken

    from ruisseau.accounts.services import create_user
    from ruisseau.payments.services import add_funds
    from ruisseau.things.models import OwnerVerification
    from ruisseau.things.services import register_thing, verify_owner

    tokens, thing_ids = [], []
    for n in range(creators):
        creator = create_user(f"creator{n}", email=f"creator{n}@bench.test", budget_cents=200)
        add_funds(creator.id, 1_000, idempotency_key=f"bench-creator-{n}")
        for m in range(things_per_creator):
            thing = register_thing(f"https://creator{n}.bench.test/{m}", owner_id=creator.id, title=f"Work {n}/{m}")
            verify_owner(thing.id, creator.id, method=OwnerVerification.OPERATOR)
            thing_ids.append(thing.id)
    expires = timezone.now() + timedelta(days=1)
    for n in range(givers):
        giver = create_user(f"giver{n}", email=f"giver{n}@bench.test", budget_cents=500)
        add_funds(giver.id, 5_000, idempotency_key=f"bench-giver-{n}")
        raw = secrets.token_hex(20)
        AccessToken.objects.create(user=giver, token=raw, scope="flattr", expires=expires)
        tokens.append(raw)
    return {"tokens": tokens, "things": thing_ids}


class Client(threading.Thread):
    def __init__(self, port: int, requests, stop_at: float):
        super().__init__(daemon=True)
        self.port, self.requests, self.stop_at = port, requests, stop_at
        self.latencies: list[float] = []
        self.errors: dict[str, int] = {}

    def run(self) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        for method, path, headers in self.requests:
            if time.perf_counter() >= self.stop_at:
                break
            started = time.perf_counter()
            try:
                conn.request(method, path, headers=headers)
                response = conn.getresponse()
                body = response.read()
                if response.status != 200:
                    key = f"{response.status} {body[:60]!r}"
                    self.errors[key] = self.errors.get(key, 0) + 1
            except (OSError, http.client.HTTPException) as exc:
                self.errors[type(exc).__name__] = self.errors.get(type(exc).__name__, 0) + 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                continue
            self.latencies.append(time.perf_counter() - started)
        conn.close()


def drive(port: int, plans: list, seconds: float, meter: CpuMeter | None = None) -> dict:
    before = meter.snapshot() if meter else None
    stop_at = time.perf_counter() + seconds
    clients = [Client(port, plan, stop_at) for plan in plans]
    started = time.perf_counter()
    for c in clients:
        c.start()
    for c in clients:
        c.join()
    elapsed = time.perf_counter() - started
    cpu = CpuMeter.spent(before, meter.snapshot()) if meter else {}
    latencies = sorted(x for c in clients for x in c.latencies)
    errors: dict[str, int] = {}
    for c in clients:
        for key, count in c.errors.items():
            errors[key] = errors.get(key, 0) + count

    def pct(p: float) -> float:
        return latencies[min(int(len(latencies) * p), len(latencies) - 1)] * 1000 if latencies else float("nan")

    ok = len(latencies) - sum(errors.values())
    return {"requests": len(latencies), "rps": len(latencies) / elapsed, "p50_ms": pct(0.50),
            "p99_ms": pct(0.99), "errors": errors, "ok": ok,
            "cpu_ms": {k: v * 1000 / max(len(latencies), 1) for k, v in cpu.items()}}


def get_plans(clients: int) -> list:
    request = ("GET", "/rest/v2/categories", {})
    return [[request] * 1_000_000 for _ in range(clients)]


def flattr_plans(clients: int, tokens: list[str], things: list[int]) -> list:
    """Each client owns its own tokens and walks things in order: no pair repeats, so no flattr_once."""
    def plan(mine: list[str]):
        for thing in things:
            for token in mine:
                yield "POST", f"/rest/v2/things/{thing}/flattr", {"Authorization": f"Bearer {token}",
                                                                  "Content-Length": "0"}

    return [plan(tokens[c::clients]) for c in range(clients)]


def median_round(rounds: list[dict]) -> dict:
    """The round with the median throughput, with the errors of every round."""
    chosen = dict(sorted(rounds, key=lambda r: r["rps"])[len(rounds) // 2])
    errors: dict[str, int] = {}
    for r in rounds:
        for key, count in r["errors"].items():
            errors[key] = errors.get(key, 0) + count
    chosen["errors"] = errors
    chosen["all_rps"] = [round(r["rps"]) for r in rounds]
    return chosen


def show(name: str, result: dict) -> None:
    print(f"{name:<28} {result['rps']:8.1f} req/s  p50 {result['p50_ms']:6.1f} ms  p99 {result['p99_ms']:6.1f} ms  "
          f"requests {result['requests']}  errors {sum(result['errors'].values())}  (rounds: {result['all_rps']} req/s)")
    cpu = result["cpu_ms"]
    print(f"{'':<28} CPU per request: server {cpu['server']:.2f} ms, PostgreSQL {cpu['db']:.2f} ms, "
          f"load generator {cpu['client']:.2f} ms")
    for key, count in result["errors"].items():
        print(f"    {count} × {key}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=15, help="seconds per load and round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--givers", type=int, default=256)
    parser.add_argument("--creators", type=int, default=20)
    parser.add_argument("--things-per-creator", type=int, default=50)
    parser.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--pg-db", default="ruisseau_bench_api")
    parser.add_argument("--pg-set", action="append", default=[], metavar="NAME=VALUE",
                        help="ALTER DATABASE <bench db> SET NAME=VALUE, e.g. synchronous_commit=off (repeatable)")
    parser.add_argument("--seed-into", help=argparse.SUPPRESS)  # internal: child process seeding
    args = parser.parse_args()
    if args.seed_into:
        Path(args.seed_into).write_text(json.dumps(seed(args.givers, args.creators, args.things_per_creator)))
        return

    data_dir = tempfile.mkdtemp(prefix="ruisseau-bench-api-")
    port = free_port()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "ruisseau.settings", "RUISSEAU_DATA_DIR": data_dir,
           "RUISSEAU_DATABASE_URL": f"{args.pg_url}/{args.pg_db}", "RUISSEAU_API_RATE_LIMIT": "100000000",
           "RUISSEAU_PUBLIC_URL": f"http://127.0.0.1:{port}", "RUISSEAU_LOG_LEVEL": "ERROR"}
    ruisseau = [PYTHON, "-m", "ruisseau.cli"]
    psql(args.pg_url, f"DROP DATABASE IF EXISTS {args.pg_db}")
    psql(args.pg_url, f"CREATE DATABASE {args.pg_db}")
    for setting in args.pg_set:
        name, _, value = setting.partition("=")
        psql(args.pg_url, f"ALTER DATABASE {args.pg_db} SET {name} = '{value}'")
    server = None
    try:
        log("migrating")
        subprocess.run([*ruisseau, "migrate", "-v", "0"], env=env, check=True)
        log(f"seeding {args.givers} givers and {args.creators * args.things_per_creator} things")
        seed_file = Path(data_dir) / "seed.json"
        subprocess.run([PYTHON, __file__, "--seed-into", str(seed_file), "--givers", str(args.givers),
                        "--creators", str(args.creators), "--things-per-creator", str(args.things_per_creator)],
                       env=env, check=True)
        seeded = json.loads(seed_file.read_text())
        log(f"starting ruisseau serve on 127.0.0.1:{port} ({args.workers} workers × {args.threads} threads)")
        server = subprocess.Popen([*ruisseau, "serve", "--port", str(port), "--workers", str(args.workers),
                                   "--threads", str(args.threads), "--no-collectstatic"], env=env,
                                  stdout=subprocess.DEVNULL)
        wait_for_http(port, "/rest/v2/categories", server)
        meter = CpuMeter(server.pid, args.pg_url, args.pg_db)
        drive(port, get_plans(args.clients), 2)  # warm-up: connections, imports, caches
        flattr_plan = flattr_plans(args.clients, seeded["tokens"], seeded["things"])  # no pair twice, ever
        gets, posts = [], []
        for n in range(1, args.rounds + 1):
            log(f"round {n}/{args.rounds}: GET /categories then POST /things/:id/flattr, {args.clients} clients, "
                f"{args.seconds:g} s each")
            gets.append(drive(port, get_plans(args.clients), args.seconds, meter))
            posts.append(drive(port, flattr_plan, args.seconds, meter))
        baseline, flattrs = median_round(gets), median_round(posts)
        print(f"\nclients {args.clients}, server {args.workers} workers × {args.threads} threads, PostgreSQL, "
              f"median of {args.rounds} rounds of {args.seconds:g} s")
        show("GET /rest/v2/categories", baseline)
        show("POST /things/:id/flattr", flattrs)
        ratio = flattrs["rps"] / baseline["rps"] if baseline["rps"] else 0
        print(f"flattr throughput = {ratio:.1%} of the GET's (target ≥ 25 %); "
              f"flattr p99 {flattrs['p99_ms']:.1f} ms (target < 100 ms)")
        get_cpu, flattr_cpu = (sum(r["cpu_ms"].values()) for r in (baseline, flattrs))
        print(f"CPU per request, all three together: GET {get_cpu:.2f} ms, flattr {flattr_cpu:.2f} ms "
              f"(GET/flattr = {get_cpu / flattr_cpu:.0%}: the throughput ratio if CPU alone limited both)")
        check = subprocess.run([*ruisseau, "ledger", "check"], env=env, capture_output=True, text=True)
        print(check.stdout.strip().splitlines()[-1] if check.stdout else check.stderr.strip())
        failed = check.returncode or flattrs["errors"] or baseline["errors"]
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        psql(args.pg_url, f"DROP DATABASE IF EXISTS {args.pg_db} WITH (FORCE)")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
