"""Scan round trip against /healthz in the same run (issue 14, goal 1). Not a test: it prints.

    .venv/bin/python bench/scan_bench.py                          # SQLite, 100,000 of each
    scripts/with-postgres.sh .venv/bin/python bench/scan_bench.py --postgres

A fresh database gets N customers' units and N RMAs (plain INSERTs, bench/search_plans.py), then:

1. the queries one `POST /api/v1/scans {"text"}` makes (a serial with an open RMA, an RMA number,
   an unknown code), counted in process, and a cProfile of 300 scans (the top entries);
2. gunicorn with 2 workers on the loopback; clients at concurrency 1 and 8 alternate a scan and
   a /healthz, each on a new connection (sync workers close them), so both see the same noise;
   p50 and p99 of each and their ratios (goal: scan p50 <= 1.5x healthz p50, p99 <= 2x).
"""
from __future__ import annotations

import argparse
import cProfile
import http.client
import json
import os
import pstats
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import sqlalchemy as sa  # noqa: E402

from depot import create_app  # noqa: E402
from depot.config import TestConfig  # noqa: E402
from depot.models import db  # noqa: E402


def seed(n: int) -> tuple[str, list[str], list[str]]:
    """Load n units and RMAs; a clerk's token; some serials and RMA numbers to scan."""
    from search_plans import load

    from depot.services import users

    load(n)
    _, token = users.create_user(db.session, "bench.clerk", "clerk", now=_now())
    rows = db.session.execute(sa.text(
        "SELECT u.serial, r.number FROM rmas r JOIN units u ON u.id = r.unit_id "
        "WHERE r.id % 97 = 0 ORDER BY r.id")).all()
    db.session.commit()
    return token, [r[0] for r in rows], [r[1] for r in rows]


def _now():
    from datetime import UTC, datetime
    return datetime.now(UTC)


def count_queries(app, token: str, serial: str, number: str) -> None:
    statements: list[str] = []

    def keep(_conn, _cursor, statement, *_args):
        statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", keep)
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    try:
        for title, text in (("serial", serial), ("RMA number", number), ("unknown", "ZZ-NOPE")):
            client.post("/api/v1/scans", json={"text": text}, headers=headers)  # warm
            statements.clear()
            answer = client.post("/api/v1/scans", json={"text": text}, headers=headers)
            print(f"queries of one scan ({title}): {len(statements)}  "
                  f"[{answer.status_code}, {len(answer.data)} bytes]")
        statements.clear()
        client.get("/healthz")
        print(f"queries of one /healthz: {len(statements)}")
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", keep)


def profile(app, token: str, serials: list[str]) -> None:
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    profiler = cProfile.Profile()
    profiler.enable()
    for i in range(300):
        client.post("/api/v1/scans", json={"text": serials[i % len(serials)]}, headers=headers)
    profiler.disable()
    print("\nprofile of 300 scans in process (cumulative, top 18):")
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(18)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(env: dict[str, str], port: int) -> subprocess.Popen:
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", "2", "-b", f"127.0.0.1:{port}",
         "--log-level", "warning", "depot:create_app()"], env=env, cwd=tempfile.gettempdir())
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("gunicorn did not start")


def one(port: int, method: str, path: str, body: bytes | None, headers: dict) -> float:
    started = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request(method, path, body=body, headers=headers)
    response = conn.getresponse()
    response.read()
    conn.close()
    if response.status != 200:
        raise SystemExit(f"{method} {path} answered {response.status}")
    return (time.perf_counter() - started) * 1000


def load_run(port: int, token: str, serials: list[str], clients: int, per_client: int):
    scans: list[float] = []
    health: list[float] = []
    lock = threading.Lock()
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    def work(seed_: int):
        rng = random.Random(seed_)
        mine_s, mine_h = [], []
        for _ in range(per_client):
            body = json.dumps({"text": rng.choice(serials)}).encode()
            mine_s.append(one(port, "POST", "/api/v1/scans", body, headers))
            mine_h.append(one(port, "GET", "/healthz", None, {}))
        with lock:
            scans.extend(mine_s)
            health.extend(mine_h)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return scans, health


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, int(-(-p * len(ordered) // 1)) - 1))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rmas", type=int, default=100_000, help="units and RMAs (each)")
    parser.add_argument("--requests", type=int, default=1000, help="scans per concurrency")
    parser.add_argument("--postgres", action="store_true",
                        help="DEPOT_TEST_DATABASE_URL (scripts/with-postgres.sh) instead")
    parser.add_argument("--no-profile", action="store_true")
    args = parser.parse_args()
    instance = Path(tempfile.mkdtemp())
    url = os.environ["DEPOT_TEST_DATABASE_URL"] if args.postgres else \
        f"sqlite:///{instance / 'bench.sqlite3'}"
    app = create_app(TestConfig(url, instance))
    with app.app_context():
        from flask_migrate import upgrade

        if args.postgres:  # a clean schema (the test database may hold a run's tables)
            with db.engine.begin() as conn:
                conn.execute(sa.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        upgrade()
        started = time.perf_counter()
        token, serials, numbers = seed(args.rmas)
        print(f"{db.engine.dialect.name}: {args.rmas:,} units and RMAs loaded in "
              f"{time.perf_counter() - started:.1f} s")
        count_queries(app, token, serials[0], numbers[0])
        if not args.no_profile:
            profile(app, token, serials)
        db.session.remove()
        db.engine.dispose()
    env = {**os.environ, "DEPOT_DATABASE_URL": url, "DEPOT_INSTANCE_PATH": str(instance),
           "DEPOT_SECRET_KEY": "bench-secret-" + "x" * 40, "DEPOT_OUTBOX_WORKER": "off",
           "DEPOT_JOBS_WORKER": "off"}
    port = free_port()
    server = serve(env, port)
    try:
        load_run(port, token, serials, 2, 50)  # warm both workers
        print(f"\ngunicorn, 2 workers, {url.split(':')[0]}: a scan (a serial) against "
              f"/healthz, the same run")
        for clients in (1, 8):
            scans, health = load_run(port, token, serials, clients,
                                     max(args.requests // clients, 10))
            s50, s99 = statistics.median(scans), pct(scans, 0.99)
            h50, h99 = statistics.median(health), pct(health, 0.99)
            print(f"  concurrency {clients}: scan p50 {s50:.2f} ms p99 {s99:.2f} ms | healthz "
                  f"p50 {h50:.2f} ms p99 {h99:.2f} ms | ratio p50 {s50 / h50:.2f}x "
                  f"(goal <= 1.5) p99 {s99 / h99:.2f}x (goal <= 2)  [{len(scans)} each]")
    finally:
        server.terminate()
        server.wait(10)


if __name__ == "__main__":
    main()
