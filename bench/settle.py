#!/usr/bin/env python
"""Settlement benchmark, run by hand (never part of the test suite).

    .venv/bin/python bench/settle.py --flattrs 1000000 --db postgres   # or sqlite, or both (default)

For each database it generates one closed period: about flattrs/10 givers making about ten
Zipf-distributed flattrs each over M things (single- and multi-owner things, things nobody
eligible owns so that pledges appear, pledges carried over from the previous period,
subscriptions), then

  1. times the *floor*: the same split computed by one read-only SQL statement over the same
     flattrs (payable flattrs counted and ranked per giver with window functions, joined to
     budgets and funds, cents summed per thing), writing nothing; best of two runs;
  2. times ``settle_period`` end to end (statements, pledges, ledger) in a fresh child process
     and reads that process's peak RSS; each stage and each SQL statement is timed too;
  3. checks that the settlement's revenue per thing equals the floor's, and runs
     ``ruisseau ledger check`` (neither is timed into the settle figure).

Data generation is set-based (COPY on PostgreSQL, executemany in one transaction on SQLite) and
is not what is measured. PostgreSQL: a fresh database (default ``ruisseau_bench``) is created on
postgres://postgres@127.0.0.1:5432 and dropped afterwards; SQLite: a file in a temporary folder.
Results are also written to bench/results/ (git-ignored). See bench/README.md.
"""

from __future__ import annotations

import argparse
import bisect
import itertools
import json
import os
import random
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

from common import proc_cpu_seconds

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
PERIOD = (2025, 10)  # the period settled; 2025-09 holds the carried-over pledges

# Share of things by ownership (the rest have one verified owner).
NO_OWNER, UNVERIFIED_ONLY, TWO_OWNERS, THREE_OWNERS = 0.08, 0.02, 0.10, 0.03
# Share of users whose funds do not cover their budget (not active givers) or are empty.
SHORT_FUNDS, NO_FUNDS = 0.03, 0.01
CARRIED_PLEDGES = 0.01  # carried pledges from the previous period, relative to flattrs
SUBSCRIBERS = 0.005  # share of givers with a running subscription
BUDGETS = [200, 300, 500, 1000, 2000, 5000]
BUDGET_WEIGHTS = [40, 15, 20, 15, 7, 3]


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# ----------------------------------------------------------------------------------------------
# Orchestration (no Django here: each database runs in its own child process)
# ----------------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--flattrs", type=int, default=100_000, help="flattrs in the period (default 100000)")
    parser.add_argument("--things", type=int, default=None, help="things flattred (default flattrs/10)")
    parser.add_argument("--db", choices=["postgres", "sqlite", "both"], default="both")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--zipf", type=float, default=1.0, help="Zipf exponent of thing popularity (default 1.0)")
    parser.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432",
                        help="PostgreSQL server (trust auth); a database is created and dropped on it")
    parser.add_argument("--pg-db", default="ruisseau_bench", help="name of the throw-away database")
    parser.add_argument("--pg-set", action="append", default=[], metavar="NAME=VALUE",
                        help="ALTER DATABASE <bench db> SET NAME=VALUE, e.g. work_mem=64MB (repeatable)")
    parser.add_argument("--explain", action="store_true",
                        help="profiling run: EXPLAIN ANALYZE (SQLite: EXPLAIN QUERY PLAN) every settlement "
                             "statement before running it; plans go to bench/results/. The settle time of "
                             "such a run includes the EXPLAINs and is not a benchmark figure")
    parser.add_argument("--check-timeout", type=float, default=900,
                        help="give up on 'ledger check' after this many seconds (default 900)")
    parser.add_argument("--keep", action="store_true", help="keep the database and data folder afterwards")
    # Internal: the per-database child and the settle grandchild.
    parser.add_argument("--role", choices=["main", "db", "settle"], default="main", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    parser.add_argument("--vendor", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.things is None:
        args.things = max(100, args.flattrs // 10)

    if args.role == "db":
        return db_role(args)
    if args.role == "settle":
        return settle_role(args)

    # A SIGTERM unwinds like Ctrl-C: the child is killed and the throw-away database dropped.
    signal.signal(signal.SIGTERM, _interrupt)
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    results = []
    for vendor in (["postgres", "sqlite"] if args.db == "both" else [args.db]):
        results.append(run_database(vendor, args, stamp))
    commit = subprocess.run(["git", "describe", "--always", "--dirty"], cwd=ROOT, capture_output=True,
                            text=True).stdout.strip()
    for r in results:
        r["commit"] = commit
    print_results(results)
    print(f"\ncode: {commit or 'unknown commit'}")
    out = RESULTS / f"settle-{stamp}.json"
    out.write_text(json.dumps(results, indent=2, default=str))
    print(f"\nfull results: {out.relative_to(ROOT)}")
    if any(not r.get("ledger_ok") or not r.get("floor_agrees") for r in results):
        sys.exit(1)


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


def run_database(vendor: str, args, stamp: str) -> dict:
    data_dir = Path(tempfile.mkdtemp(prefix=f"ruisseau-bench-{vendor}-"))
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "ruisseau.settings", "RUISSEAU_DATA_DIR": str(data_dir),
           "RUISSEAU_DEBUG": "false", "RUISSEAU_SECRET_KEY": "bench-not-secret"}
    for key in ("RUISSEAU_FEE_BPS", "RUISSEAU_PLEDGE_MONTHS", "RUISSEAU_RECEIVE_REQUIRES_GIVING"):
        env.pop(key, None)  # the rules at their defaults
    if vendor == "postgres":
        _pg_admin(args, f'DROP DATABASE IF EXISTS "{args.pg_db}"', f'CREATE DATABASE "{args.pg_db}"',
                  *(f'ALTER DATABASE "{args.pg_db}" SET {s.split("=", 1)[0]} = \'{s.split("=", 1)[1]}\''
                    for s in args.pg_set))
        env["RUISSEAU_DATABASE_URL"] = f"{args.pg_url.rstrip('/')}/{args.pg_db}"
    else:
        env["RUISSEAU_DATABASE_URL"] = f"sqlite:///{data_dir / 'bench.sqlite3'}"
    out = data_dir / "result.json"
    command = [sys.executable, __file__, "--role", "db", "--vendor", vendor, "--out", str(out),
               "--flattrs", str(args.flattrs), "--things", str(args.things), "--seed", str(args.seed),
               "--zipf", str(args.zipf), "--check-timeout", str(args.check_timeout)] + (["--explain"] if args.explain else [])
    log(f"{vendor}: {args.flattrs} flattrs over {args.things} things (seed {args.seed})")
    try:
        subprocess.run(command, env=env, cwd=ROOT, check=True)
        result = json.loads(out.read_text())
        if result.get("plans"):
            plans = RESULTS / f"settle-{stamp}-{vendor}-plans.txt"
            plans.write_text(result.pop("plans"))
            result["plans_file"] = str(plans.relative_to(ROOT))
        return result
    finally:
        if args.keep:
            log(f"{vendor}: kept {env['RUISSEAU_DATABASE_URL']} (data folder {data_dir})")
        else:
            if vendor == "postgres":
                _pg_admin(args, f'DROP DATABASE IF EXISTS "{args.pg_db}" WITH (FORCE)')
            shutil.rmtree(data_dir, ignore_errors=True)


def _pg_admin(args, *statements: str) -> None:
    import psycopg

    with psycopg.connect(f"{args.pg_url.rstrip('/')}/postgres", autocommit=True) as conn:
        for statement in statements:
            conn.execute(statement)


def print_results(results: list[dict]) -> None:
    head = ["db", "flattrs", "givers", "things", "floor s", "settle s", "settle/floor", "flattrs/s",
            "CPU floor/settle s", "CPU ratio", "peak MB", "ledger check"]
    rows = []
    for r in results:
        note = " (explain run)" if r.get("explain") else ""
        rows.append([
            r["vendor"], f"{r['flattrs']:,}", f"{r['givers']:,}", f"{r['things']:,}", f"{r['floor_s']:.2f}",
            f"{r['settle_s']:.2f}{note}", f"{r['settle_s'] / r['floor_s']:.1f}x",
            f"{r['flattrs'] / r['settle_s']:,.0f}",
            f"{r.get('floor_cpu_s', 0):.2f} / {r.get('settle_cpu_s', 0):.2f}",
            f"{r.get('settle_cpu_s', 0) / max(r.get('floor_cpu_s', 0), 1e-9):.1f}x", f"{r['peak_rss_mb']:.0f}",
            ("ok" if r["ledger_ok"] else "TIMEOUT" if any(n == "timeout" for n, _ in r["ledger_check_times"])
             else "FAILED") + ("" if r["floor_agrees"] else ", floor DISAGREES"),
        ])
    widths = [max(len(str(x)) for x in col) for col in zip(head, *rows)]
    print()
    for row in [head, *rows]:
        print("  ".join(str(x).rjust(w) if i else str(x).ljust(w) for i, (x, w) in enumerate(zip(row, widths))))
    for r in results:
        print(f"\n{r['vendor']}: settle {r['settle_s']:.2f} s by stage "
              f"(data generation {r['generate_s']:.1f} s, not timed; settle process baseline {r['baseline_rss_mb']:.0f} MB"
              + (f", PostgreSQL backend peak {r['pg_backend_peak_mb']:.0f} MB" if r.get("pg_backend_peak_mb") else "")
              + ")")
        for name, seconds, commit in r["stages"]:
            print(f"  {seconds + commit:8.2f} s  {name}  ({seconds:.2f} s statements, {commit:.2f} s commit)")
        print(f"  {r['settle_s'] - sum(s + c for _, s, c in r['stages']):8.2f} s  (lock, run row, report)")
        print("  costliest statements (wall seconds; CPU seconds of this process and its backend):")
        for st in r["statements"][:8]:
            cpu = f"{st['cpu_s']:5.2f}" if "cpu_s" in st else "    -"
            print(f"  {st['seconds']:8.2f} s {cpu} cpu  [{st['stage']}] {st['sql'][:100]}")
        rep = r["report"]
        print(f"  report: {rep['givers']:,} givers ({rep['givers_charged']:,} charged), "
              f"{rep['flattrs_paid']:,} flattrs paid, {rep['owners_paid']:,} owners paid, pledges "
              f"{rep['pledges_new']:,} new / {rep['pledges_paid']:,} paid / {rep['pledges_carried']:,} carried, "
              f"{rep['transfers']:,} transfers")
        slow_checks = ", ".join(f"{n} {t:.1f} s" for n, t in sorted(r["ledger_check_times"], key=lambda x: -x[1])[:3])
        print(f"  ledger check {r['ledger_check_s']:.1f} s, slowest: {slow_checks}")
        if not r["ledger_ok"]:
            print("  ledger check output:\n" + r["ledger_output"])
        if r.get("plans_file"):
            print(f"  query plans: {r['plans_file']}")


# ----------------------------------------------------------------------------------------------
# Per-database child: migrate, generate, floor, settle (grandchild), verify
# ----------------------------------------------------------------------------------------------


def _setup_django() -> None:
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()


def db_role(args) -> None:
    _setup_django()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    gen = Generator(args, connection)
    gen.generate()
    generate_s = time.perf_counter() - started
    log(f"{args.vendor}: generated in {generate_s:.1f} s: {gen.summary}")

    candidates = _count_candidates()
    floor_runs, floor_cpu = [], []
    backend = _backend_pid()
    for _ in range(2):
        t, cpu = time.perf_counter(), _cpu_s(backend)
        floor = _floor()
        floor_runs.append(time.perf_counter() - t)
        floor_cpu.append(_cpu_s(backend) - cpu)
    log(f"{args.vendor}: floor {min(floor_runs):.2f} s (runs: {', '.join(f'{x:.2f}' for x in floor_runs)}), "
        f"{floor[0]} things paid, {floor[1]} cents")
    connection.close()  # the settle child gets the database to itself

    settle_out = Path(args.out).with_name("settle.json")
    command = [sys.executable, __file__, "--role", "settle", "--vendor", args.vendor, "--out", str(settle_out)]
    subprocess.run(command + (["--explain"] if args.explain else []), check=True, cwd=ROOT)
    settled = json.loads(settle_out.read_text())
    log(f"{args.vendor}: settled in {settled['settle_s']:.2f} s, peak RSS {settled['peak_rss_mb']:.0f} MB")

    revenue = _revenue_per_thing()
    t = time.perf_counter()
    ledger_ok, ledger_output, ledger_check_times = _ledger_check(args.check_timeout)
    ledger_check_s = time.perf_counter() - t
    log(f"{args.vendor}: ledger check {'ok' if ledger_ok else 'TIMEOUT' if any(n == 'timeout' for n, _ in ledger_check_times) else 'FAILED'} in {ledger_check_s:.1f} s")
    result = {
        "vendor": args.vendor, "flattrs": candidates, "givers": gen.givers, "things": gen.things,
        "seed": args.seed, "zipf": args.zipf, "generated": gen.summary, "generate_s": generate_s,
        "floor_s": min(floor_runs), "floor_runs_s": floor_runs, "floor_cpu_s": min(floor_cpu), "floor": list(floor), "settled_revenue": list(revenue),
        "floor_agrees": list(floor) == list(revenue), "ledger_ok": ledger_ok, "ledger_output": ledger_output,
        "ledger_check_s": ledger_check_s, "ledger_check_times": ledger_check_times, "explain": args.explain, **settled,
    }
    Path(args.out).write_text(json.dumps(result, default=str))


class Generator:
    """Deterministic (seeded) data for one period, loaded in bulk."""

    def __init__(self, args, connection) -> None:
        from ruisseau.periods import Period

        self.args, self.connection = args, connection
        self.rng = random.Random(args.seed)
        self.period = Period(*PERIOD)
        self.previous = self.period - 1
        self.things = args.things
        self.givers = max(10, round(args.flattrs / 10))
        self.postgres = connection.vendor == "postgresql"
        self.summary: dict[str, int] = {}

    # Values as each database's loader wants them.
    def ts(self, moment: datetime) -> str:
        text = moment.strftime("%Y-%m-%d %H:%M:%S.%f")
        return text + "+00" if self.postgres else text

    def day(self, d: date) -> str:
        return d.isoformat()

    def load(self, table: str, columns: list[str], rows) -> int:
        count = 0
        with self.connection.cursor() as cursor:
            if self.postgres:
                with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
                        count += 1
            else:
                sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
                raw = cursor.cursor
                rows = iter(rows)
                while chunk := list(itertools.islice(rows, 50_000)):
                    raw.executemany(sql, chunk)  # the sqlite3 cursor itself: '?' placeholders
                    count += len(chunk)
        self.summary[table] = self.summary.get(table, 0) + count
        return count

    def generate(self) -> None:
        from django.core.management.color import no_style
        from django.db import transaction

        from ruisseau.accounts.models import User
        from ruisseau.flattrs import subscriptions
        from ruisseau.flattrs.models import Flattr, Pledge, Subscription
        from ruisseau.ledger.models import Account, Journal, Transfer
        from ruisseau.settlement.models import SettlementRun
        from ruisseau.things.models import Thing, ThingOwner

        with transaction.atomic():
            self._users(User._meta.db_table)
            self._ledger(Account._meta.db_table, Journal._meta.db_table, Transfer._meta.db_table)
            self._things(Thing._meta.db_table, ThingOwner._meta.db_table)
            self._flattrs(Flattr._meta.db_table, Pledge._meta.db_table, SettlementRun._meta.db_table)
            self._subscriptions(Subscription._meta.db_table)
            if self.postgres:
                models = [User, Account, Journal, Transfer, Thing, ThingOwner, Flattr, Subscription, SettlementRun]
                with self.connection.cursor() as cursor:
                    for sql in self.connection.ops.sequence_reset_sql(no_style(), models):
                        cursor.execute(sql)
        # What cron does at the start of a period; settlement runs it again (and finds nothing new).
        self.summary["subscription flattrs"] = subscriptions.materialise(self.period)
        with self.connection.cursor() as cursor:
            # PostgreSQL: what autovacuum would have done over the month. SQLite: nothing, as in a
            # real deployment (Django never runs ANALYZE; stale sqlite_stat1 rows written before
            # the settlement would mislead the planner afterwards, e.g. in the ledger check).
            if self.postgres:
                cursor.execute("VACUUM ANALYZE")
                cursor.execute("CHECKPOINT")  # so the load's checkpoint does not land in the settlement

    def _users(self, table: str) -> None:
        rng, joined = self.rng, self.ts(self.previous.start - timedelta(days=400))
        self.budget, self.funds = [0] * (self.givers + 1), [0] * (self.givers + 1)
        for uid in range(1, self.givers + 1):
            budget = rng.choices(BUDGETS, BUDGET_WEIGHTS)[0]
            roll = rng.random()
            if roll < NO_FUNDS:
                funds = 0
            elif roll < NO_FUNDS + SHORT_FUNDS:
                funds = rng.randint(1, budget - 1)
            else:
                funds = budget * rng.randint(1, 4) + rng.randint(0, 99)
            self.budget[uid], self.funds[uid] = budget, funds
        columns = ["id", "password", "is_superuser", "username", "first_name", "last_name", "email", "is_staff",
                   "is_active", "date_joined", "display_name", "about", "website", "budget_cents", "hide_given",
                   "hide_received", "language", "closed_at"]
        self.load(table, columns, (
            (uid, "!", False, f"bench{uid}", "", "", "", False, True, joined, "", "", "", self.budget[uid],
             False, False, "", None)
            for uid in range(1, self.givers + 1)
        ))

    def _ledger(self, account: str, journal: str, transfer: str) -> None:
        """Funds and earnings accounts for everyone, and one top-up journal from the outside world."""
        import hashlib

        created = self.ts(self.previous.start)
        outside = 1
        total = sum(self.funds)
        rows = [(outside, "outside_world", "EUR", -total, created, None)]
        for uid in range(1, self.givers + 1):
            rows.append((self.funds_account(uid), "user_funds", "EUR", self.funds[uid], created, uid))
            rows.append((self.funds_account(uid) + 1, "user_earnings", "EUR", 0, created, uid))
        self.load(account, ["id", "kind", "currency", "balance_cents", "created_at", "user_id"], rows)
        # One top-up journal per user, as real top-ups make (one journal holding every transfer
        # would give the planner a journal_id column with a single value).
        paying = [uid for uid in range(1, self.givers + 1) if self.funds[uid] > 0]
        self.load(journal, ["id", "idempotency_key", "input_hash", "kind", "created_at"], (
            (uid, f"bench:topup:{uid}", hashlib.sha256(f"bench:topup:{uid}".encode()).hexdigest(), "topup", created)
            for uid in paying
        ))
        self.load(transfer, ["journal_id", "debit_account_id", "credit_account_id", "amount_cents", "currency",
                             "reason", "created_at"], (
            (uid, outside, self.funds_account(uid), self.funds[uid], "EUR", "topup", created) for uid in paying
        ))

    @staticmethod
    def funds_account(uid: int) -> int:
        return 10 + 2 * uid  # earnings is the next id; ids below 12 are left for system accounts

    def _things(self, thing: str, owner: str) -> None:
        rng, created = self.rng, self.ts(self.previous.start - timedelta(days=200))
        m = self.things
        self.load(thing, ["id", "url", "title", "description", "category", "language", "image", "hidden",
                          "disabled", "created_at"], (
            (tid, f"https://bench.example/{tid}", f"Thing {tid}", "", "text", "en_GB", "", False, False, created)
            for tid in range(1, m + 1)
        ))
        # A few big "sites" own many things; everybody else a few at most.
        sites = max(1, self.givers // 100)

        def some_owner() -> int:
            return rng.randint(1, sites) if rng.random() < 0.3 else rng.randint(1, self.givers)

        self.owners_of: list[tuple[int, ...]] = [()] * (m + 1)
        rows = []
        for tid in range(1, m + 1):
            roll = rng.random()
            if roll < NO_OWNER:
                continue
            if roll < NO_OWNER + UNVERIFIED_ONLY:
                uid = some_owner()
                rows.append((tid, uid, 10_000, False, "", None))
                self.owners_of[tid] = (uid,)
                continue
            roll -= NO_OWNER + UNVERIFIED_ONLY
            n = 3 if roll < THREE_OWNERS else 2 if roll < THREE_OWNERS + TWO_OWNERS else 1
            users = set()
            while len(users) < n:
                users.add(some_owner())
            cuts = sorted(rng.sample(range(1, 10_000), n - 1))
            weights = [b - a for a, b in zip([0, *cuts], [*cuts, 10_000])]
            for i, (uid, weight) in enumerate(zip(sorted(users), weights)):
                verified = not (n == 3 and i == 2 and rng.random() < 0.5)  # some co-owners unverified
                rows.append((tid, uid, weight, verified, "operator" if verified else "",
                             created if verified else None))
            self.owners_of[tid] = tuple(users)
        self.load(owner, ["thing_id", "user_id", "weight_bps", "verified", "verification", "verified_at",
                          "claimed_at"], ((*r, created) for r in rows))

    def _zipf(self):
        """A function drawing k thing ids, thing popularity Zipf-distributed over a shuffled order."""
        rng, m = self.rng, self.things
        order = list(range(1, m + 1))
        rng.shuffle(order)
        cum, total = [], 0.0
        for rank in range(1, m + 1):
            total += rank ** -self.args.zipf
            cum.append(total)
        random_, cut = rng.random, bisect.bisect

        def draw(k: int) -> list[int]:
            return [order[i] for i in (cut(cum, random_() * total) for _ in range(k)) if i < m]

        return draw

    def _flattrs(self, flattr: str, pledge: str, run: str) -> None:
        rng, draw = self.rng, self._zipf()
        columns = ["id", "user_id", "thing_id", "period", "created_at", "source"]
        next_id = itertools.count(1)
        self.flattred: dict[int, set[int]] = {}
        self.subscribers = set(rng.sample(range(1, self.givers + 1), max(1, int(self.givers * SUBSCRIBERS))))

        def picks(uid: int, k: int) -> list[int]:
            seen: set[int] = set()
            for _ in range(4):
                for tid in draw(2 * k):
                    if uid not in self.owners_of[tid] and tid not in seen:
                        seen.add(tid)
                        if len(seen) == k:
                            return list(seen)
            return list(seen)

        def moments(period, k: int) -> list[str]:
            span = int((period.end - period.start).total_seconds() * 1_000_000)
            return [self.ts(period.start + timedelta(microseconds=rng.randrange(span))) for _ in range(k)]

        # The previous period: flattrs still waiting as pledges (that period is settled already).
        prev_day, pledges = self.day(self.previous.first_day), []

        def previous_rows():
            for _ in range(int(self.args.flattrs * CARRIED_PLEDGES)):
                uid = rng.randint(1, self.givers)
                tids = picks(uid, 1)
                if not tids or (uid, tids[0]) in seen_prev:
                    continue
                seen_prev.add((uid, tids[0]))
                fid = next(next_id)
                pledges.append((fid, uid, tids[0], prev_day, "waiting", None))
                yield fid, uid, tids[0], prev_day, moments(self.previous, 1)[0], "click"

        seen_prev: set[tuple[int, int]] = set()
        self.load(flattr, columns, previous_rows())
        self.load(pledge, ["flattr_id", "user_id", "thing_id", "since_period", "state", "resolved_period"], pledges)
        started = self.ts(self.previous.end + timedelta(hours=1))
        self.load(run, ["period", "status", "stages_done", "fee_bps", "receive_requires_giving", "pledge_months",
                        "started_at", "finished_at", "report"],
                  [(prev_day, "done", 3, 500, True, 6, started, started, "{}")])

        day = self.day(self.period.first_day)

        def period_rows():
            for uid in range(1, self.givers + 1):
                tids = picks(uid, rng.randint(1, 19))  # ten on average
                if uid in self.subscribers:
                    self.flattred[uid] = set(tids)
                for tid, at in zip(tids, sorted(moments(self.period, len(tids)))):
                    yield next(next_id), uid, tid, day, at, "api" if rng.random() < 0.1 else "click"

        self.load(flattr, columns, period_rows())

    def _subscriptions(self, table: str) -> None:
        rng, draw = self.rng, self._zipf()
        first = self.day((self.period - 3).first_day)
        fired = self.day(self.previous.first_day)
        created = self.ts((self.period - 4).start + timedelta(days=3))
        rows = []
        for uid in sorted(self.subscribers):
            candidates = [t for t in draw(20) if uid not in self.owners_of[t] and t not in self.flattred[uid]]
            if not candidates:
                continue
            roll = rng.random()
            paused, cancelled = roll < 0.05, created if 0.05 <= roll < 0.1 else None
            months = rng.choice([None, None, 6, 12])
            last = None if months is None else self.day((self.period - 3 + months - 1).first_day)
            rows.append((uid, candidates[0], months, first, last, paused, fired, created, cancelled))
        self.load(table, ["user_id", "thing_id", "months", "first_period", "last_period", "paused",
                          "last_fired_period", "created_at", "cancelled_at"], rows)


def _tables() -> dict:
    from ruisseau.accounts.models import User
    from ruisseau.flattrs.models import Flattr, Pledge
    from ruisseau.ledger.models import Account
    from ruisseau.settlement.models import ThingRevenue
    from ruisseau.things.models import Thing, ThingOwner

    return {"F": Flattr._meta.db_table, "PL": Pledge._meta.db_table, "U": User._meta.db_table,
            "A": Account._meta.db_table, "O": ThingOwner._meta.db_table, "T": Thing._meta.db_table,
            "R": ThingRevenue._meta.db_table}


def _params() -> dict:
    from django.conf import settings

    from ruisseau.periods import Period

    return {"p": Period(*PERIOD).first_day, "fee_bps": settings.FEE_BPS, "currency": settings.CURRENCY,
            "true": True, "false": False}


def _count_candidates() -> int:
    from ruisseau.db import fetchone

    t = _tables()
    return fetchone(
        f"""SELECT (SELECT COUNT(*) FROM {t['F']} WHERE period = %(p)s)
                 + (SELECT COUNT(*) FROM {t['PL']} WHERE state = 'waiting' AND since_period < %(p)s)""",
        _params(),
    )[0]


def floor_sql() -> str:
    """The split in one read-only statement: payable flattrs (this period's and carried pledges whose
    thing has an eligible owner), counted and ranked per giver with window functions, joined to
    budget and funds, cents summed per thing. Returns (things paid, cents, a checksum)."""
    t = _tables()
    return f"""
        WITH candidates AS (
            SELECT f.id, f.user_id, f.thing_id, f.created_at FROM {t['F']} f WHERE f.period = %(p)s
            UNION ALL
            SELECT f.id, f.user_id, f.thing_id, f.created_at FROM {t['PL']} pl JOIN {t['F']} f ON f.id = pl.flattr_id
            WHERE pl.state = 'waiting' AND pl.since_period < %(p)s),
        eligible AS (
            SELECT DISTINCT o.thing_id FROM {t['O']} o
            JOIN {t['T']} th ON th.id = o.thing_id AND th.disabled = %(false)s
            JOIN {t['U']} u ON u.id = o.user_id AND u.is_active = %(true)s AND u.closed_at IS NULL
            JOIN {t['A']} a ON a.user_id = o.user_id AND a.kind = 'user_funds' AND a.currency = %(currency)s
            WHERE o.verified = %(true)s AND a.balance_cents >= u.budget_cents
              AND EXISTS (SELECT 1 FROM {t['F']} m WHERE m.period = %(p)s AND m.user_id = o.user_id)),
        ranked AS (
            SELECT c.thing_id, c.user_id,
                   ROW_NUMBER() OVER (PARTITION BY c.user_id ORDER BY c.created_at, c.id) AS rnk,
                   COUNT(*) OVER (PARTITION BY c.user_id) AS n
            FROM candidates c WHERE c.thing_id IN (SELECT thing_id FROM eligible)),
        spends AS (
            SELECT r.thing_id, r.rnk, r.n,
                   CASE WHEN COALESCE(a.balance_cents, 0) < u.budget_cents THEN COALESCE(a.balance_cents, 0)
                        ELSE u.budget_cents END AS spend
            FROM ranked r JOIN {t['U']} u ON u.id = r.user_id
            LEFT JOIN {t['A']} a ON a.user_id = r.user_id AND a.kind = 'user_funds' AND a.currency = %(currency)s),
        per_thing AS (
            SELECT thing_id, SUM((spend - spend * %(fee_bps)s / 10000) / n
                                 + CASE WHEN rnk <= (spend - spend * %(fee_bps)s / 10000) %% n THEN 1 ELSE 0 END) AS cents
            FROM spends GROUP BY thing_id)
        SELECT COUNT(*), COALESCE(SUM(cents), 0), COALESCE(SUM(thing_id * cents), 0)
        FROM per_thing WHERE cents > 0"""


def _floor() -> tuple:
    """Run the floor under the memory settlement gives its own batch statements, so that sorts
    and hashes of either side get the same room."""
    from django.db import transaction

    from ruisseau import db

    with transaction.atomic():
        if hasattr(db, "batch_memory"):
            db.batch_memory()
        elif db.is_postgres():
            db.execute("SET LOCAL work_mem = '256MB'")
        return tuple(int(x) for x in db.fetchone(floor_sql(), _params()))


def _revenue_per_thing() -> tuple:
    from ruisseau.db import fetchone

    t = _tables()
    row = fetchone(
        f"""SELECT COUNT(*), COALESCE(SUM(cents), 0), COALESCE(SUM(thing_id * cents), 0) FROM
            (SELECT thing_id, SUM(revenue_cents) AS cents FROM {t['R']} WHERE period = %(p)s GROUP BY thing_id) x
            WHERE cents > 0""",
        _params(),
    )
    return tuple(int(x) for x in row)


def _ledger_check(timeout: float) -> tuple[bool, str, list]:
    import io

    from django.core.management import call_command
    from django.core.management.base import CommandError

    from ruisseau.ledger.check import LEDGER_CHECKS
    from ruisseau.settlement.checks import SETTLEMENT_CHECKS

    times: list[tuple[str, float]] = []

    def timed(check):
        def wrapper():
            t = time.perf_counter()
            try:
                return check()
            finally:
                times.append((check.__name__, time.perf_counter() - t))
        wrapper.__name__ = check.__name__
        return wrapper

    for checks in (LEDGER_CHECKS, SETTLEMENT_CHECKS):  # the command reads these very lists
        checks[:] = [timed(check) for check in checks]
    # A check that takes longer than the timeout is reported, not waited for.
    from django.db import DatabaseError, connection

    connection.ensure_connection()
    deadline = time.monotonic() + timeout
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SET statement_timeout = {int(timeout * 1000)}")
    else:
        connection.connection.set_progress_handler(lambda: int(time.monotonic() > deadline), 100_000)
    out = io.StringIO()
    try:
        call_command("ledger", "check", stdout=out)
        ok, text = True, out.getvalue()
    except CommandError as error:
        ok, text = False, out.getvalue() + f"\n{error}"
    except DatabaseError as error:
        ok, text = False, out.getvalue() + f"\nTIMEOUT after {timeout:.0f} s in the check after those above: {error}"
        times.append(("timeout", timeout))
    return ok, text, times


# ----------------------------------------------------------------------------------------------
# Settle grandchild: only Django and settle_period, so its peak RSS is the settlement's
# ----------------------------------------------------------------------------------------------


def settle_role(args) -> None:
    _setup_django()
    from django.db import connection, connections

    from ruisseau.periods import Period
    from ruisseau.settlement import run

    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    stage_times: list[list] = []
    statements: list[dict] = []
    current = {"stage": "(outside stages)"}
    plans: list[str] = []

    def timed(name, stage):
        def wrapper(ctx):
            current["stage"] = name
            t = time.perf_counter()
            try:
                stage(ctx)
            finally:
                stage_times.append([name, time.perf_counter() - t, 0.0])
                current["stage"] = f"(after {name})"
        return wrapper

    run.STAGES[:] = [(name, timed(name, stage)) for name, stage in run.STAGES]

    # Commits are timed apart: deferred foreign-key checks run there on PostgreSQL.
    wrapper = connections["default"]
    plain_commit = wrapper._commit

    def timed_commit():
        t, cpu = time.perf_counter(), _cpu_s(backend_pid)
        try:
            return plain_commit()
        finally:
            seconds = time.perf_counter() - t
            statements.append({"stage": current["stage"], "seconds": seconds, "cpu_s": _cpu_s(backend_pid) - cpu,
                               "sql": "COMMIT"})
            if stage_times and current["stage"] == f"(after {stage_times[-1][0]})":
                stage_times[-1][2] += seconds

    wrapper._commit = timed_commit

    def record(execute, sql, params, many, context):
        if current.get("explaining"):  # the EXPLAIN's own statements
            return execute(sql, params, many, context)
        if args.explain:
            current["explaining"] = True
            try:
                plans.append(_explain(connection, current["stage"], sql, params))
            finally:
                current["explaining"] = False
        t, cpu = time.perf_counter(), _cpu_s(backend_pid)
        try:
            return execute(sql, params, many, context)
        finally:
            statements.append({"stage": current["stage"], "seconds": time.perf_counter() - t,
                               "cpu_s": _cpu_s(backend_pid) - cpu, "sql": " ".join(sql.split())})

    backend_pid = None
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            backend_pid = cursor.fetchone()[0]
    period = Period(*PERIOD)
    with connection.execute_wrapper(record):
        t, cpu = time.perf_counter(), _cpu_s(backend_pid)
        report = run.settle_period(period, now=period.end + timedelta(days=1))
        settle_s = time.perf_counter() - t
        settle_cpu_s = _cpu_s(backend_pid) - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    # By CPU seconds: on a shared machine they barely move between runs, wall seconds do.
    statements.sort(key=lambda s: (-s["cpu_s"], -s["seconds"]))
    result = {
        "settle_s": settle_s, "settle_cpu_s": settle_cpu_s, "stages": stage_times, "statements": statements[:25],
        "peak_rss_mb": peak, "baseline_rss_mb": baseline, "report": report.as_dict(),
        "pg_backend_peak_mb": _vm_hwm_mb(backend_pid),
    }
    if plans:
        result["plans"] = "\n\n".join(p for p in plans if p)
    Path(args.out).write_text(json.dumps(result, default=str))


def _backend_pid() -> int | None:
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def _cpu_s(backend_pid: int | None) -> float:
    """CPU seconds used so far by this process and (PostgreSQL) the server backend working for it.
    Unlike wall time, this barely moves when other jobs share the cores, so the CPU ratio
    settle/floor stays comparable between a quiet and a busy machine."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    total = usage.ru_utime + usage.ru_stime
    if backend_pid is not None:
        total += proc_cpu_seconds(backend_pid)
    return total


def _vm_hwm_mb(pid: int | None) -> float | None:
    """Peak resident memory of the PostgreSQL backend that ran the settlement (shared buffers it
    touched included), when this process may read it."""
    if pid is None:
        return None
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def _explain(connection, stage: str, sql: str, params) -> str:
    """The plan of one settlement statement against the exact state it runs on: EXPLAIN ANALYZE
    inside a savepoint that is rolled back (PostgreSQL), EXPLAIN QUERY PLAN (SQLite)."""
    head = sql.lstrip().split(None, 1)[0].upper()
    if head not in {"SELECT", "INSERT", "UPDATE", "DELETE", "WITH", "CREATE"} or not connection.in_atomic_block:
        return ""
    if head == "CREATE" and " AS " not in sql.upper():
        return ""  # CREATE INDEX and the like cannot be explained
    if connection.vendor == "postgresql":
        import psycopg

        with psycopg.ClientCursor(connection.connection) as cursor:
            cursor.execute("SAVEPOINT bench_explain")
            t = time.perf_counter()
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS, WAL) " + sql, params) if params is not None else \
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS, WAL) " + sql)
            lines = [row[0] for row in cursor.fetchall()]
            seconds = time.perf_counter() - t
            cursor.execute("ROLLBACK TO SAVEPOINT bench_explain")
            cursor.execute("RELEASE SAVEPOINT bench_explain")
    else:
        t = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
            lines = [f"{row[0]:>4} {row[1]:>4}  {row[-1]}" for row in cursor.fetchall()]
        seconds = time.perf_counter() - t
    return (f"=== [{stage}] {seconds:.2f} s\n{' '.join(sql.split())}\n--- params: {params}\n"
            + "\n".join(lines))


if __name__ == "__main__":
    main()
