"""50 concurrent submitters against the portal under uvicorn on loopback: latency and nothing lost.

Usage: .venv/bin/python benchmarks/portal_concurrency.py [--db sqlite|postgres] [--submitters 50] [--each 4]
       [--workers N] [--think 2.0]

Starts uvicorn (``--workers`` processes, as `duban portal` does: 2 on a machine with 2 or more cores) on a
fresh database, warmed up by one paced round of submissions. The load comes from one asyncio process
(aiohttp, one keep-alive connection per submitter), so that the load generator neither takes much of the
server's CPU nor adds its own thread scheduling to the latencies it reports. Measured, all submitters at
once: a trivial GET (the baseline), status submissions through the JSON API, then the same paced like
people (thinking between reports), then one portal form each with a 100 KB PDF (every page opened first,
then all sent at once). Prints p50/p95, the ratio to the baseline and the server's CPU per submission,
then checks that every submission is stored and each unit's history is an unbroken chain.
Goal: p95 of a submission under 200 ms on SQLite here.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import aiohttp  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402
from sqlmodel import Session, select  # noqa: E402

GOAL_P95_MS = 200.0
Work = Callable[[int, aiohttp.ClientSession], Awaitable[list[float]]]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) of process ``pid`` and its descendants (uvicorn's workers), from /proc."""
    total = 0.0
    for proc in [pid, *_descendants(pid)]:
        try:
            fields = Path(f"/proc/{proc}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def _descendants(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError):
            found += [int(c) for c in (task / "children").read_text().split()]
    return found + [d for child in found for d in _descendants(child)]


async def _together(count: int, work: Work) -> list[float]:
    """Run ``work`` for ``count`` submitters at once (each on its own connection); all latencies in ms."""
    start = asyncio.Event()

    async def submitter(index: int) -> list[float]:
        connector = aiohttp.TCPConnector(limit=1)
        async with aiohttp.ClientSession(connector=connector, cookie_jar=aiohttp.CookieJar(unsafe=True),
                                         timeout=aiohttp.ClientTimeout(total=120)) as client:
            await start.wait()
            return await work(index, client)

    runs = [asyncio.create_task(submitter(i)) for i in range(count)]
    await asyncio.sleep(0.3)  # every session made before the first request leaves
    start.set()
    began = time.perf_counter()
    latencies = [ms for run in await asyncio.gather(*runs) for ms in run]
    _elapsed[0] = time.perf_counter() - began
    return latencies


_elapsed = [0.0]  # seconds the last together() took from the first request to the last answer


def together(count: int, work: Work) -> list[float]:
    return asyncio.run(_together(count, work))


async def timed(call: Callable[[], Awaitable[aiohttp.ClientResponse]]) -> float:
    start = time.perf_counter()
    async with await call() as response:
        body = await response.read()
    elapsed = (time.perf_counter() - start) * 1000
    if response.status not in (200, 201, 303):
        raise RuntimeError(f"unexpected {response.status}: {body[:200]!r}")
    return elapsed


def start_server(url: str, env: dict[str, str], workers: int) -> tuple[subprocess.Popen, str]:
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "uvicorn", "portal.app:create_app", "--factory", "--host",
                               "127.0.0.1", "--port", str(port), "--workers", str(workers),
                               "--no-access-log", "--log-level", "warning"], cwd=ROOT, env=env)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return server, base
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                raise RuntimeError("uvicorn did not start") from None
            time.sleep(0.1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--submitters", type=int, default=50)
    parser.add_argument("--each", type=int, default=4, help="API submissions per submitter")
    parser.add_argument("--workers", type=int, default=min(2, os.cpu_count() or 1),
                        help="uvicorn worker processes (default as `duban portal`: 2 with 2 or more cores)")
    parser.add_argument("--think", type=float, default=2.0,
                        help="mean seconds a paced submitter waits between reports (0: skip the paced run)")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="duban-bench-"))
    cluster = None
    if args.db == "postgres":
        from tests.postgres_cluster import PostgresCluster

        cluster = PostgresCluster()
        admin = cluster.start()
        with create_engine(admin, isolation_level="AUTOCOMMIT").connect() as conn:
            conn.execute(text("CREATE DATABASE bench"))
        url = admin.rsplit("/", 1)[0] + "/bench"
    else:
        url = f"sqlite:///{workdir / 'bench.db'}"
    env = {**os.environ, "DUBAN_DATABASE_URL": url, "DUBAN_DATA_DIR": str(workdir / "data"),
           "DUBAN_SECRET_KEY": "benchmark-secret"}
    os.environ.update({k: env[k] for k in ("DUBAN_DATABASE_URL", "DUBAN_DATA_DIR", "DUBAN_SECRET_KEY")})
    from models import StatusUpdate
    from models.db import get_engine, migrate
    from tasks.rounds.links import issue_link
    from tasks.rounds.requests import open_round
    from tests.status_factories import make_many_units, pdf_bytes

    migrate(url)
    with Session(get_engine(url), expire_on_commit=False) as session:
        plan, pairs = make_many_units(session, args.submitters)
        open_round(session, plan, "2016Q2", today=date(2016, 7, 1), send=False)
        work = [(issue_link(session, dept)[1], task.id) for dept, task in pairs]
        session.commit()
    n, each = args.submitters, args.each
    server, base = start_server(url, env, args.workers)
    try:
        together(n, lambda i, c: _sequence(1, lambda k: timed(lambda: c.get(f"{base}/healthz"))))  # warm-up
        baseline = together(n, lambda i, c: _sequence(each, lambda k: timed(lambda: c.get(f"{base}/healthz"))))

        def api(i: int, client: aiohttp.ClientSession, progress: str, think: float = 0.0) -> Awaitable[list[float]]:
            token, task_id = work[i]
            rng = random.Random(i)

            async def one(k: int) -> float:
                if think:
                    await asyncio.sleep(rng.uniform(0.5, 1.5) * think)  # people, not a loop
                return await timed(lambda: client.post(
                    f"{base}/api/unit/tasks/{task_id}/updates", headers={"Authorization": f"Bearer {token}"},
                    json={"state": "推进中", "percent": k, "progress": progress.format(k=k + 1)}))

            return _sequence(each, one)

        together(n, lambda i, c: api(i, c, "预热", think=0.05))  # warm every worker (compiled SQL, templates)
        server_cpu = cpu_seconds(server.pid)
        submissions = together(n, lambda i, c: api(i, c, "第{k}次报送"))
        wall, server_cpu = _elapsed[0], cpu_seconds(server.pid) - server_cpu
        paced = together(n, lambda i, c: api(i, c, "更正", args.think)) if args.think > 0 else []
        evidence = pdf_bytes("x" * 100_000)

        loaded: list[asyncio.Barrier] = []

        async def portal(i: int, client: aiohttp.ClientSession) -> list[float]:
            token, task_id = work[i]
            async with client.get(f"{base}/u/{token}/tasks/{task_id}") as page:
                csrf = (await page.text()).split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
            if not loaded:
                loaded.append(asyncio.Barrier(n))
            await loaded[0].wait()  # everybody has the form open; now all press 提交 at once

            def post() -> Awaitable[aiohttp.ClientResponse]:
                form = aiohttp.FormData({"csrf_token": csrf, "state": "推进中", "percent": "90",
                                         "progress": "网页报送"})
                form.add_field("files", evidence, filename="p.pdf", content_type="application/pdf")
                return client.post(f"{base}/u/{token}/tasks/{task_id}", data=form, allow_redirects=False)

            return [await timed(post)]

        form_cpu = cpu_seconds(server.pid)
        forms = together(n, portal)
        form_cpu = cpu_seconds(server.pid) - form_cpu
    finally:
        server.terminate()
        server.wait(10)
    with Session(get_engine(url)) as session:
        rows = list(session.exec(select(StatusUpdate).order_by(StatusUpdate.id)))
    chains_ok = True
    for _, task_id in work:
        chain = [u for u in rows if u.task_id == task_id]
        expected = (["预热"] * each + [f"第{k + 1}次报送" for k in range(each)] + (["更正"] * each if paced else [])
                    + ["网页报送"])
        chains_ok &= [u.progress for u in chain] == expected
        chains_ok &= [u.supersedes_id for u in chain] == [None, *[u.id for u in chain[:-1]]]
        if not chains_ok:
            print("broken history:", [(u.id, u.progress, u.supersedes_id) for u in chain])
            break
    if cluster:
        from models.db import dispose_engines

        dispose_engines()
        cluster.stop()
    b50, b95 = percentile(baseline, 0.5), percentile(baseline, 0.95)
    s50, s95 = percentile(submissions, 0.5), percentile(submissions, 0.95)
    f50, f95 = percentile(forms, 0.5), percentile(forms, 0.95)
    print(f"database: {args.db}; uvicorn workers: {args.workers}; {os.cpu_count()} cores; "
          f"{n} submitters at once × {each} API submissions, then paced, then 1 portal form each")
    print(f"baseline GET /healthz      p50 {b50:7.1f} ms  p95 {b95:7.1f} ms")
    print(f"API submission             p50 {s50:7.1f} ms  p95 {s95:7.1f} ms  "
          f"(×{s50 / b50:.1f} / ×{s95 / b95:.1f} baseline); {len(submissions) / wall:.0f} submissions/s, "
          f"server CPU {server_cpu / len(submissions) * 1000:.2f} ms each")
    if paced:
        t50, t95 = percentile(paced, 0.5), percentile(paced, 0.95)
        print(f"API submission, paced      p50 {t50:7.1f} ms  p95 {t95:7.1f} ms  "
              f"({n} submitters thinking ~{args.think:.1f} s between reports)")
    print(f"portal form + 100 KB PDF   p50 {f50:7.1f} ms  p95 {f95:7.1f} ms  "
          f"(server CPU {form_cpu / len(forms) * 1000:.2f} ms per form, with opening its page)")
    stored, sent = len(rows), n * (2 * each + 1 + (each if paced else 0))
    print(f"stored {stored} of {sent} submissions; histories intact: {chains_ok}")
    print(f"goal p95 < {GOAL_P95_MS:.0f} ms: all at once {'met' if s95 < GOAL_P95_MS else 'NOT met'}"
          + (f"; paced {'met' if t95 < GOAL_P95_MS else 'NOT met'}" if paced else ""))
    return 0 if stored == sent and chains_ok else 1


async def _sequence(count: int, step: Callable[[int], Awaitable[float]]) -> list[float]:
    """One submitter's ``count`` requests, one after another."""
    return [await step(k) for k in range(count)]


if __name__ == "__main__":
    sys.exit(main())
