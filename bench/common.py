"""What the HTTP benchmarks share: a free loopback port and reading wrk's report."""

from __future__ import annotations

import re
import socket

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
