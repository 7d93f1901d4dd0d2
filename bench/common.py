"""What the benchmarks share: a free loopback port, waiting for the server, reading wrk's report,
and the CPU time of a process from /proc."""

from __future__ import annotations

import http.client
import os
import re
import socket
import subprocess
import time

_TICK = os.sysconf("SC_CLK_TCK")

_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def parse_wrk(output: str) -> dict:
    """Throughput, p50/p99 in ms (wrk run with --latency), non-2xx/3xx answers and request count."""

    def latency(pct: str) -> float:
        value, unit = re.search(rf"^\s*{pct}%\s+([\d.]+)(us|ms|s)\s*$", output, re.M).groups()
        return float(value) * _UNITS_MS[unit]

    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50_ms": latency("50"),
        "p99_ms": latency("99"),
        "errors": int(bad.group(1)) if bad else 0,
        "requests": int(re.search(r"(\d+) requests in", output).group(1)),
    }


def wait_for_http(port: int, path: str, server: subprocess.Popen | None = None, seconds: float = 60) -> None:
    """Wait until ``path`` answers 200 on the loopback port; give up if ``server`` stops."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server is not None and server.poll() is not None:
            raise SystemExit(f"the server stopped with code {server.returncode}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", path)
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"the server did not answer {path} in time")


def proc_stat(pid: int | str) -> list[str] | None:
    """The fields of /proc/PID/stat after the command name (field 3 onwards), or None once the
    process is gone."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None


def stat_cpu_seconds(fields: list[str]) -> float:
    """User + system CPU seconds from proc_stat()'s fields."""
    return (int(fields[11]) + int(fields[12])) / _TICK


def proc_cpu_seconds(pid: int) -> float:
    """CPU seconds (user + system) a live process has used; 0 once it is gone."""
    fields = proc_stat(pid)
    return stat_cpu_seconds(fields) if fields else 0.0
