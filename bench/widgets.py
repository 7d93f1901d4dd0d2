#!/usr/bin/env python
"""Widgets benchmark, run by hand (never part of the test suite).

    .venv/bin/python bench/widgets.py [--seconds 10] [--connections 32] [--db-url postgres://...]

Starts, on free loopback ports: the app with ``ruisseau serve`` (granian, the production setup) on
a throw-away data folder and database, and nginx (Debian's ``nginx-light``) serving the very SVG
the app returns, from disk — the ceiling for a static answer on this machine. Then it loads each
target with ``wrk`` (Debian's ``wrk``) from the same machine, one after the other:

  static   nginx, the badge as a file
  badge    /badge/<id>.svg            (cached count: no database work on the hot path)
  by-url   /badge/url.svg?url=…        (cached URL → thing lookup, then as above)
  button   /button/view/?url=…         (anonymous reader: a template render, no session)

and prints requests/s, p50 and p99 latency, and each ratio to the static ceiling (best of
``--rounds`` interleaved rounds, so that other work on the machine hits every target alike). Targets: badge
≥ 50 %, button ≥ 25 %. Needs ``apt-get install nginx-light wrk`` (the script says so if missing).
The load generator shares the two cores with the servers, as it does for every target alike.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote

from common import free_port, parse_wrk

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
PAGE_URL = "https://blog.example/2026/small-streams"

SETUP = """
import django; django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from ruisseau.accounts.services import create_user
from ruisseau.payments.services import add_funds
from ruisseau.things.services import register_thing
from ruisseau.flattrs.services import flattr_thing
owner = create_user("owner", email="owner@bench.example", password="bench-password-1")
thing = register_thing(%(url)r, owner_id=owner.id, title="Small streams")
for n in range(12):
    reader = create_user(f"reader{n}", email=f"r{n}@bench.example", password="bench-password-1")
    add_funds(reader.id, 1000, idempotency_key=f"bench-{n}")
    flattr_thing(reader.id, thing.id)
print(thing.id)
"""

NGINX_CONF = """
worker_processes 2;
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log warn;
daemon off;
events {{ worker_connections 1024; }}
http {{
  access_log off;
  client_body_temp_path {tmp}/nginx-body;
  proxy_temp_path {tmp}/nginx-proxy;
  fastcgi_temp_path {tmp}/nginx-fastcgi;
  uwsgi_temp_path {tmp}/nginx-uwsgi;
  scgi_temp_path {tmp}/nginx-scgi;
  types {{ image/svg+xml svg; }}
  server {{
    listen 127.0.0.1:{port};
    root {tmp}/www;
    location / {{ add_header Cache-Control "public, max-age=60"; }}
  }}
}}
"""




def wait_for(url: str, seconds: float = 30) -> bytes:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return response.read()
        except OSError:
            if time.monotonic() > deadline:
                raise SystemExit(f"{url} did not answer within {seconds:.0f} s")
            time.sleep(0.3)


def require_tools() -> tuple[str, str]:
    wrk, nginx = shutil.which("wrk"), shutil.which("nginx") or (
        "/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if not wrk or not nginx:
        raise SystemExit("This benchmark needs Debian's wrk and nginx: apt-get install nginx-light wrk")
    return wrk, nginx


def run_wrk(wrk: str, url: str, seconds: int, connections: int) -> dict:
    subprocess.run([wrk, "-t2", f"-c{connections}", "-d2s", url], capture_output=True, check=True)  # warm-up
    out = subprocess.run([wrk, "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", url],
                         capture_output=True, text=True, check=True).stdout
    result = parse_wrk(out)
    return {"rps": result["rps"], "p50": result["p50_ms"], "p99": result["p99_ms"], "errors": result["errors"]}




def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=10, help="measured seconds per target (default 10)")
    parser.add_argument("--connections", type=int, default=32, help="concurrent connections (default 32)")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds, best kept (default 3)")
    parser.add_argument("--workers", type=int, default=2, help="granian and nginx worker processes (default 2)")
    parser.add_argument("--db-url", default="", help="database for the app (default: SQLite in a temp folder)")
    args = parser.parse_args()
    wrk, nginx = require_tools()
    tmp = Path(tempfile.mkdtemp(prefix="ruisseau-bench-widgets-"))
    tmp.chmod(0o755)  # nginx workers run as an unprivileged user and must read www/
    env = {**os.environ, "RUISSEAU_DATA_DIR": str(tmp / "data"), "RUISSEAU_DEBUG": "false",
           "DJANGO_SETTINGS_MODULE": "ruisseau.settings", "RUISSEAU_LOG_LEVEL": "ERROR"}
    if args.db_url:
        env["RUISSEAU_DATABASE_URL"] = args.db_url
    processes: list[subprocess.Popen] = []
    try:
        thing_id = int(subprocess.run([str(PYTHON), "-c", SETUP % {"url": PAGE_URL}], env=env, cwd=ROOT,
                                      capture_output=True, text=True, check=True).stdout.split()[-1])
        app_port = free_port()
        processes.append(subprocess.Popen(
            [str(ROOT / ".venv" / "bin" / "ruisseau"), "serve", "--port", str(app_port), "--workers",
             str(args.workers)], env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        app = f"http://127.0.0.1:{app_port}"
        svg = wait_for(f"{app}/badge/{thing_id}.svg")
        (tmp / "www").mkdir()
        (tmp / "www" / "badge.svg").write_bytes(svg)
        static_port = free_port()
        (tmp / "nginx.conf").write_text(NGINX_CONF.format(tmp=tmp, port=static_port).replace(
            "worker_processes 2", f"worker_processes {args.workers}"))
        processes.append(subprocess.Popen([nginx, "-c", str(tmp / "nginx.conf"), "-p", str(tmp)],
                                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        static = f"http://127.0.0.1:{static_port}/badge.svg"
        wait_for(static)
        encoded = quote(PAGE_URL, safe="")
        targets = [
            ("static", static),
            ("badge", f"{app}/badge/{thing_id}.svg"),
            ("by-url", f"{app}/badge/url.svg?url={encoded}"),
            ("button", f"{app}/button/view/?url={encoded}&title=Small%20streams"),
        ]
        for _name, url in targets[1:]:
            wait_for(url)
        print(f"wrk -t2 -c{args.connections} -d{args.seconds}s; app: ruisseau serve --workers {args.workers} "
              f"({'PostgreSQL' if args.db_url else 'SQLite'}); static: nginx, {args.workers} workers", flush=True)
        # Rounds interleave the targets so that load from other work on the machine hits them
        # alike; each target keeps its best round.
        results: dict[str, dict] = {}
        for round_number in range(1, args.rounds + 1):
            for name, url in targets:
                result = run_wrk(wrk, url, args.seconds, args.connections)
                print(f"  round {round_number} {name:<7} {result['rps']:>9.0f} req/s", file=sys.stderr, flush=True)
                if name not in results or result["rps"] > results[name]["rps"]:
                    results[name] = result
        print(f"best of {args.rounds} interleaved rounds; load average before: {os.getloadavg()[0]:.1f}")
        report(results)
    finally:
        for process in reversed(processes):
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
        shutil.rmtree(tmp, ignore_errors=True)


def report(results: dict) -> None:
    ceiling = results["static"]["rps"]
    goals = {"badge": 0.50, "by-url": 0.50, "button": 0.25}
    print(f"{'target':<8} {'req/s':>10} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7} {'ratio':>7}  goal")
    for name, r in results.items():
        ratio = r["rps"] / ceiling
        goal = goals.get(name)
        verdict = "" if goal is None else f"≥ {goal:.0%}: {'met' if ratio >= goal else 'NOT met'}"
        print(f"{name:<8} {r['rps']:>10.0f} {r['p50']:>8.2f} {r['p99']:>8.2f} {r['errors']:>7} {ratio:>7.1%}  {verdict}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
