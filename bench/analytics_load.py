"""Visit events at scale (GitHub issue 14): ingest throughput, durability under SIGKILL, and
the self-service report over a million events.

    python bench/analytics_load.py [--duration 10] [--connections 8] [--batch 25]
                                   [--rate 5000] [--kill-after 4] [--report-events 1000000]
                                   [--skip-ingest] [--skip-report] [--json FILE]

Phase 1 starts ``python -m kbgen.feedback serve`` (uvicorn, SQLite in a temp dir, test mode
so each request counts as its own client) and keeps ``--connections`` keep-alive
connections busy POSTing ``/api/events`` batches of ``--batch`` events (realistic events from
bench/analytics_sim.py; visit.js sends at most 25 per request) for ``--duration`` seconds:
events/s, p50/p99 request latency, and stored == accepted (the most it takes: closed loop,
each connection sends its next batch as soon as the last is answered). The baseline, in the
same run, is the same load one event per request: what batching buys. Then the same at a
fixed ``--rate`` (open loop, latency from each request's scheduled time): the p99 a site
sending that many events sees. Phase 2 does the same and SIGKILLs
the collector after ``--kill-after`` s, restarts it on the same database and checks every
accepted batch (each has its own visit id) is stored whole. Phase 3 writes
``--report-events`` simulated events straight into a SQLite database and times
``kbgen feedback report`` (analysis + HTML) over them, against the time SQLite alone needs
to read the same rows in the same order.

Targets on this 2-core machine: >= 5,000 events/s, p99 <= 50 ms at 5,000 events/s; none
lost; report over 1,000,000 events <= 10 s. Traffic goes only to 127.0.0.1; every loop is
bounded in time.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import signal
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import analytics_sim
import feedback_load as fl  # its HTTP client, collector start-up and site manifest

HOST = fl.HOST


def _bodies(batch: int, count: int, seed: int = 3) -> list[list[dict]]:
    """``count`` lists of ``batch`` events each, cut from simulated visits."""
    articles = {"de": [f"bench-{i}" for i in range(fl.ARTICLES)]}
    visits, _ = analytics_sim.simulate(
        max(50, count * batch // 3), articles, seed=seed, today=dt.date.today()
    )
    flat = [e for v in visits for b in v.batches for e in b]
    out = []
    for i in range(count):
        chunk = [dict(e) for e in flat[(i * batch) % len(flat) :][:batch]]
        while len(chunk) < batch:
            chunk.append(dict(flat[len(chunk)]))
        for seq, e in enumerate(chunk):
            e["seq"], e["t"] = seq, seq * 3
        out.append(chunk)
    return out


class _Load:
    def __init__(self, port: int, batch: int) -> None:
        self.port = port
        self.templates = _bodies(batch, 500)
        self.sizes: dict[str, int] = {}

    def request(self, n: int) -> tuple[bytes, str]:
        visit = f"bench{n:017d}"
        events = self.templates[n % len(self.templates)]
        self.sizes[visit] = len(events)
        body = json.dumps({"visit": visit, "lang": "de", "events": events}).encode()
        head = (
            f"POST /api/events HTTP/1.1\r\nHost: {HOST}:{self.port}\r\n"
            f"Content-Type: text/plain\r\nContent-Length: {len(body)}\r\n"
            f"X-Kbgen-Test-Client: c{n}\r\n\r\n"
        )
        return head.encode() + body, visit


async def _drive(
    load: _Load, connections: int, duration: float, prefix: int, kill_pid: int = 0, kill_after=0.0
) -> fl.Result:
    """feedback_load's driver, with event batches instead of votes."""
    original = fl._vote_request
    fl._vote_request = lambda port, n: load.request(n)  # type: ignore[assignment]
    try:
        if not kill_pid:
            return await fl._drive(load.port, connections, duration, prefix)

        async def killer() -> None:
            await asyncio.sleep(kill_after)
            os.kill(kill_pid, signal.SIGKILL)

        task = asyncio.create_task(killer())
        result = await fl._drive(load.port, connections, duration, prefix)
        await task
        return result
    finally:
        fl._vote_request = original  # type: ignore[assignment]


async def _drive_paced(load: _Load, connections: int, duration: float, rate: float) -> fl.Result:
    """Open loop: requests leave on a fixed schedule (``rate`` events/s over all
    connections) and latency counts from the scheduled time, so a stall shows in full
    rather than slowing the sender down (no coordinated omission)."""
    loop = asyncio.get_running_loop()
    result = fl.Result()
    per_request = len(load.templates[0])
    interval = connections * per_request / rate
    counter = iter(range(10**9))
    start = loop.time() + 0.05

    async def worker(k: int) -> None:
        _, conn = await loop.create_connection(fl._Connection, HOST, load.port)
        i = 0
        while True:
            due = start + (k / connections + i) * interval
            if due > start + duration:
                break
            await asyncio.sleep(max(0.0, due - loop.time()))
            payload, visit = load.request(next(counter))
            try:
                status = await asyncio.wait_for(conn.request(payload), timeout=10)
            except (TimeoutError, ConnectionError, OSError):
                result.failures += 1
                return
            result.latencies.append(loop.time() - due)
            result.statuses[status] = result.statuses.get(status, 0) + 1
            if 200 <= status < 300:
                result.accepted.append(visit)
            i += 1
        assert conn.transport is not None
        conn.transport.close()

    result.started = time.perf_counter()
    await asyncio.gather(*(worker(k) for k in range(connections)))
    result.finished = time.perf_counter()
    return result


def _stored(db_url: str) -> Counter[str]:
    from sqlalchemy import func, select

    from kbgen.feedback import schema
    from kbgen.feedback.store import Store

    store = Store(db_url)
    try:
        with store.reading() as conn:
            ev = schema.events
            rows = conn.execute(select(ev.c.visit, func.count()).group_by(ev.c.visit))
            return Counter({visit: n for visit, n in rows})
    finally:
        store.close()


def _ingest(
    args: argparse.Namespace, tmp: Path, site: Path, batch: int, name: str, rate: float = 0
) -> dict:
    db_url = f"sqlite:///{tmp / f'ingest-{batch}-{int(rate)}.sqlite3'}"
    port = fl._free_port()
    load = _Load(port, batch)
    collector = fl._start_collector(db_url, site, port)
    try:
        cpu0 = fl._cpu_seconds(collector.pid)
        if rate:
            result = asyncio.run(_drive_paced(load, args.connections, args.duration, rate))
        else:
            result = asyncio.run(_drive(load, args.connections, args.duration, 0))
        cpu1 = fl._cpu_seconds(collector.pid)
    finally:
        collector.terminate()
        collector.wait(10)
    stored = _stored(db_url)
    events = sum(load.sizes[v] for v in result.accepted)
    lost = sum(load.sizes[v] - stored.get(v, 0) for v in result.accepted)
    cpu = cpu1 - cpu0 if cpu0 is not None and cpu1 is not None else None
    return {
        "phase": name,
        "batch": batch,
        "requests": len(result.accepted),
        "events": events,
        "events_per_s": events / result.seconds if result.seconds else 0.0,
        "p50_ms": result.percentile(50),
        "p99_ms": result.percentile(99),
        "stored": sum(stored.values()),
        "lost": lost,
        "server_cpu_us_per_event": cpu / events * 1e6 if cpu and events else None,
        "statuses": dict(result.statuses),
    }


def _kill(args: argparse.Namespace, tmp: Path, site: Path) -> dict:
    db_url = f"sqlite:///{tmp / 'kill.sqlite3'}"
    port = fl._free_port()
    load = _Load(port, args.batch)
    collector = fl._start_collector(db_url, site, port)
    crash = asyncio.run(
        _drive(load, args.connections, args.duration, 0, collector.pid, args.kill_after)
    )
    collector.wait(10)
    collector = fl._start_collector(db_url, site, port)  # recovers the WAL on open
    try:
        after = asyncio.run(_drive(load, 4, 1.0, 10**9))
    finally:
        collector.terminate()
        collector.wait(10)
    stored = _stored(db_url)
    accepted = crash.accepted + after.accepted
    lost_batches = [v for v in accepted if stored.get(v, 0) != load.sizes[v]]
    # A batch stored but not answered (killed between commit and answer) is fine; a batch
    # answered but missing (or stored in part) is not.
    return {
        "phase": "SIGKILL",
        "accepted_batches": len(crash.accepted),
        "accepted_events": sum(load.sizes[v] for v in crash.accepted),
        "accepted_after_restart": len(after.accepted),
        "stored_batches": len(stored),
        "lost_batches": len(lost_batches),
        "broken_connections": crash.failures,
    }


def _report(args: argparse.Namespace, tmp: Path) -> dict:
    from sqlalchemy import select

    from kbgen.feedback import schema
    from kbgen.feedback.event_store import EventBatch, EventStore
    from kbgen.feedback.report import build_report
    from kbgen.feedback.report_render import render
    from kbgen.feedback.self_service import build_self_service
    from kbgen.feedback.store import Store

    db_url = f"sqlite:///{tmp / 'report.sqlite3'}"
    store = Store(db_url)
    events = EventStore(store)
    today = dt.date.today()
    articles = {
        "de": [f"bench-{i}" for i in range(fl.ARTICLES)],
        "en": [f"bench-en-{i}" for i in range(10)],
    }
    t0 = time.perf_counter()
    written, seed = 0, 0
    while written < args.report_events:
        visits, _ = analytics_sim.simulate(20_000, articles, seed=seed, today=today, days=30)
        seed += 1
        rows = []
        for v in visits:
            at = dt.datetime.combine(v.day, dt.time(12))
            for b in v.batches:
                for e in b:
                    rows.append(
                        {
                            "visit": f"{v.visit}{seed}",
                            "seq": e["seq"],
                            "kind": e["kind"],
                            "lang": v.lang,
                            "seconds": e["t"],
                            "article_id": e.get("id", "").split("#")[0] or None,
                            "query": (e.get("q") or "").lower() or None,
                            "number": e.get("n"),
                            "value": e.get("value"),
                            "day": v.day,
                            "created_at": at,
                        }
                    )
        rows = rows[: args.report_events - written]
        events.add_batches([EventBatch(rows=rows, day=today, client=None, limit=0)])
        written += len(rows)
    fill = time.perf_counter() - t0
    print(f"wrote {written:,} events in {fill:.0f} s", file=sys.stderr)

    ev = schema.events
    t0 = time.perf_counter()
    with store.reading() as conn:
        stmt = select(ev.c.visit, ev.c.kind, ev.c.day).order_by(ev.c.visit, ev.c.seq)
        n = sum(1 for _ in conn.execution_options(yield_per=20_000).execute(stmt))
    scan = time.perf_counter() - t0
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    t0 = time.perf_counter()
    built = build_report(store, since=today - dt.timedelta(days=29), now=now)
    built.self_service = build_self_service(store, None, today=today, since=built.since)
    html = render(built, "html")
    seconds = time.perf_counter() - t0
    store.close()
    return {
        "phase": "report",
        "events": written,
        "rows_scanned": n,
        "scan_s": scan,
        "report_s": seconds,
        "report_over_scan": seconds / scan if scan else None,
        "html_bytes": len(html.encode()),
        "visits": built.self_service.analytics.periods["window"]["all"].visits,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per load phase")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--batch", type=int, default=25, help="events per request")
    parser.add_argument(
        "--rate", type=float, default=5000, help="events/s of the paced (open-loop) phase"
    )
    parser.add_argument("--kill-after", type=float, default=4.0)
    parser.add_argument("--report-events", type=int, default=1_000_000)
    parser.add_argument("--skip-report", action="store_true")
    parser.add_argument("--skip-ingest", action="store_true")
    parser.add_argument("--json", type=Path, help="write the figures to this file")
    args = parser.parse_args()
    load_before = os.getloadavg()[0]
    figures: list[dict] = []
    problems: list[str] = []
    with tempfile.TemporaryDirectory(prefix="kbgen-bench-") as tmp_name:
        tmp = Path(tmp_name)
        if not args.skip_ingest:
            site = fl._write_site(tmp)
            base = _ingest(args, tmp, site, 1, "baseline (1 event/request)")
            batched = _ingest(args, tmp, site, args.batch, f"batched ({args.batch}/request)")
            paced = _ingest(
                args,
                tmp,
                site,
                args.batch,
                f"at {args.rate:,.0f} events/s ({args.batch}/request)",
                rate=args.rate,
            )
            killed = _kill(args, tmp, site)
            figures += [base, batched, paced, killed]
            for f in (base, batched, paced):
                print(
                    f"{f['phase']}: {f['events_per_s']:,.0f} events/s, p50 {f['p50_ms']:.1f} ms,"
                    f" p99 {f['p99_ms']:.1f} ms, {f['events']:,} accepted, {f['stored']:,} "
                    f"stored, {f['lost']} lost, statuses {f['statuses']}"
                )
                if f["lost"] or f["stored"] != f["events"]:
                    problems.append(f"{f['phase']}: {f['events']} accepted, {f['stored']} stored")
            print(f"batching: {batched['events_per_s'] / base['events_per_s']:.1f}x the baseline")
            print(
                f"SIGKILL after {args.kill_after:.0f} s: {killed['accepted_batches']:,} batches "
                f"({killed['accepted_events']:,} events) accepted, {killed['lost_batches']} "
                f"lost; {killed['accepted_after_restart']} accepted after the restart"
            )
            if killed["lost_batches"] or not killed["accepted_after_restart"]:
                problems.append(f"SIGKILL: {killed['lost_batches']} accepted batches lost")
            if batched["events_per_s"] < 5000:
                problems.append(f"{batched['events_per_s']:,.0f} events/s at most < 5,000")
            if paced["events_per_s"] < 0.95 * args.rate:
                problems.append(f"only {paced['events_per_s']:,.0f} of {args.rate:,.0f} events/s")
            if paced["p99_ms"] > 50:
                problems.append(
                    f"p99 {paced['p99_ms']:.1f} ms > 50 ms at {args.rate:,.0f} events/s"
                )
            if paced["lost"] or paced["stored"] != paced["events"]:
                problems.append(f"{paced['phase']}: {paced['events']} accepted, {paced['stored']}")
        if not args.skip_report:
            rep = _report(args, tmp)
            figures.append(rep)
            print(
                f"report over {rep['events']:,} events ({rep['visits']:,} visits in the window):"
                f" {rep['report_s']:.1f} s; reading the rows alone {rep['scan_s']:.1f} s "
                f"(ratio {rep['report_over_scan']:.1f}); HTML {rep['html_bytes']:,} bytes"
            )
            if rep["report_s"] > 10:
                problems.append(f"report {rep['report_s']:.1f} s > 10 s")
    print(f"{os.cpu_count()} cores, load average before: {load_before:.2f}")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    print("targets: " + ("met" if not problems else "MISSED: " + "; ".join(problems)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
