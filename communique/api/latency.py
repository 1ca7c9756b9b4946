"""Latency of the REST API from a client process: `python -m communique.api.latency URL [-n N]`.

Sends N sequential GET requests over one keep-alive connection (after a few warm-up requests)
and prints p50, p95, p99 and max in milliseconds. The requests cycle through a few typical
event-list queries (first page, a type, an actor, a date range, a later page, newest first).
"""
from __future__ import annotations

import argparse
import statistics
import time

QUERIES = [
    {"limit": 100},
    {"type": "CONSULT", "limit": 100},
    {"actor": "Blinken", "limit": 100},
    {"since": "2022-01", "until": "2022-03", "limit": 100},
    {"offset": 1000, "limit": 100},
    {"sort": "when", "limit": 50},
]
# the other routes take other parameters (an unknown one is a 422)
PATH_QUERIES = {
    "/api/entities": [{}, {"type": "PERSON"}, {"name": "put"}, {"offset": 100}],
    "/api/people": [{}, {"name": "blinken"}, {"offset": 100, "limit": 50}],
    "/api/counts": [{"stack": "type"}, {"stack": "status", "type": "CONSULT"}],
    "/api/facets": [{}, {"type": "CONSULT"}],
    "/api/network": [{}, {"top": 200, "min_meetings": 2}],
}


def measure(base_url: str, n: int = 1000, path: str = "/api/events",
            queries: list[dict] | None = None, warmup: int = 20) -> dict:
    import httpx

    queries = queries or PATH_QUERIES.get(path, QUERIES)
    times = []
    with httpx.Client(base_url=base_url, timeout=60.0) as client:
        for i in range(warmup):
            client.get(path, params=queries[i % len(queries)]).raise_for_status()
        for i in range(n):
            started = time.perf_counter()
            response = client.get(path, params=queries[i % len(queries)])
            response.raise_for_status()
            response.content
            times.append((time.perf_counter() - started) * 1000)
    times.sort()

    def pct(p: float) -> float:
        return times[min(len(times) - 1, int(round(p / 100 * len(times))) - 1)]

    return {"requests": n, "p50_ms": round(pct(50), 2), "p95_ms": round(pct(95), 2),
            "p99_ms": round(pct(99), 2), "max_ms": round(times[-1], 2),
            "mean_ms": round(statistics.fmean(times), 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url", help="the server, e.g. http://127.0.0.1:8000")
    parser.add_argument("-n", type=int, default=1000)
    parser.add_argument("--path", default="/api/events")
    parser.add_argument("--only", help="one query string instead of the cycle, e.g. limit=100")
    args = parser.parse_args()
    queries = None
    if args.only is not None:
        from urllib.parse import parse_qsl
        queries = [dict(parse_qsl(args.only))]
    print(measure(args.url, args.n, args.path, queries))


if __name__ == "__main__":
    main()
