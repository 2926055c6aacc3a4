"""Fleet load: concurrent parent sessions against one app server and against two (same run, same services).

Starts PostgreSQL (TEST_POSTGRES_URL, else a throwaway one via .ci/postgres.sh), a `chroma run` server,
redis-server and two app servers on loopback, then for each session count (default 50 and 200) runs that many
parent sessions at once (each a conversation of --turns messages) against server 1 only, then spread over both
servers (as a load balancer would). Prints answers per second, p50/p95/p99 latency, errors, and each server's
resident memory.

    .venv/bin/python benchmarks/fleet_load.py [--sessions 50 200] [--turns 3]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import httpx
from cryptography.fernet import Fernet
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
from chat_latency import QUESTIONS, percentile  # noqa: E402


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, process: subprocess.Popen, limit: float = 600) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        if process.poll() is not None:
            raise SystemExit(f"{process.args[:3]} exited")
        time.sleep(0.5)
    raise SystemExit(f"{url} not ready")


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def fresh_database(base_url: str) -> str:
    url = make_url(base_url)
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text("DROP DATABASE IF EXISTS family_hub_load WITH (FORCE)"))
        conn.execute(text("CREATE DATABASE family_hub_load"))
    admin.dispose()
    return url.set(database="family_hub_load").render_as_string(hide_password=False)


async def session(client: httpx.AsyncClient, server: str, number: int, turns: int,
                  latencies: list[float], errors: list[str]) -> None:
    conversation = None
    for turn in range(turns):
        message, area = QUESTIONS[(number + turn) % len(QUESTIONS)]
        started = time.perf_counter()
        try:
            response = await client.post(f"{server}/api/chat", json={"message": message, "area": area,
                                                                     "conversation_id": conversation},
                                          headers={"X-Forwarded-For": f"198.51.{number // 250}.{number % 250}"})
            if response.status_code != 200:
                errors.append(str(response.status_code))
                continue
            conversation = response.json()["conversation_id"]
            latencies.append(time.perf_counter() - started)
        except httpx.HTTPError as exc:
            errors.append(type(exc).__name__)


async def load(servers: list[str], sessions: int, turns: int) -> dict[str, float]:
    latencies: list[float] = []
    errors: list[str] = []
    limits = httpx.Limits(max_connections=sessions, max_keepalive_connections=sessions)
    async with httpx.AsyncClient(timeout=300, limits=limits) as client:
        started = time.perf_counter()
        await asyncio.gather(*(session(client, servers[n % len(servers)], n, turns, latencies, errors)
                               for n in range(sessions)))
        elapsed = time.perf_counter() - started
    return {"answers_per_s": len(latencies) / elapsed, "p50": percentile(latencies, 50) * 1000,
            "p95": percentile(latencies, 95) * 1000, "p99": percentile(latencies, 99) * 1000,
            "errors": len(errors), "answers": len(latencies), "kinds": dict(Counter(errors))}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sessions", type=int, nargs="+", default=[50, 200])
    parser.add_argument("--turns", type=int, default=3)
    args = parser.parse_args()

    base = Path(tempfile.mkdtemp(prefix="fleet-load-"))
    started: list[subprocess.Popen] = []
    pg_dir = None
    try:
        postgres = os.environ.get("TEST_POSTGRES_URL")
        if not postgres:
            out = subprocess.run([str(ROOT / ".ci/postgres.sh"), "start"], check=True, capture_output=True, text=True).stdout
            values = dict(line.removeprefix("export ").split("=", 1) for line in out.splitlines())
            postgres, pg_dir = values["TEST_POSTGRES_URL"], values["PG_TEST_DIR"]
        database_url = fresh_database(postgres)
        redis_port, chroma_port = free_port(), free_port()
        started.append(subprocess.Popen([shutil.which("redis-server") or "redis-server", "--port", str(redis_port),
                                         "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        chroma = ROOT / ".venv" / "bin" / "chroma"
        started.append(subprocess.Popen([str(chroma), "run", "--path", str(base / "chroma"), "--host", "127.0.0.1",
                                         "--port", str(chroma_port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        wait_for(f"http://127.0.0.1:{chroma_port}/api/v2/heartbeat", started[-1])
        env = {**os.environ, "DATABASE_URL": database_url, "CHROMA_URL": f"http://127.0.0.1:{chroma_port}",
               "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0", "SECRET_KEY": "load-secret-0123456789-0123456789",
               "HANDOFF_ENCRYPTION_KEY": Fernet.generate_key().decode(), "TRUSTED_PROXIES": "127.0.0.1",
               "CHAT_RATE_LIMIT": "1000000/minute", "MODEL_CACHE_DIR": str(ROOT / "var" / "cache"), "LOG_LEVEL": "WARNING"}
        servers, processes = [], []
        for number in range(2):
            port = free_port()
            process = subprocess.Popen([sys.executable, "-m", "assistant", "serve", "--port", str(port)], cwd=ROOT,
                                       env={**env, "VAR_DIR": str(base / f"var{number}")},
                                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            started.append(process)
            processes.append(process)
            servers.append(f"http://127.0.0.1:{port}")
            wait_for(f"{servers[-1]}/api/ready", process)
        asyncio.run(load(servers, 4, 1))  # warm both servers
        print(f"{'sessions':>8} {'servers':>7} {'answers/s':>9} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>6}")
        for sessions in args.sessions:
            for used in (servers[:1], servers):
                figures = asyncio.run(load(used, sessions, args.turns))
                print(f"{sessions:>8} {len(used):>7} {figures['answers_per_s']:>9.2f} {figures['p50']:>8.0f} "
                      f"{figures['p95']:>8.0f} {figures['p99']:>8.0f} {figures['errors']:>6} {figures['kinds'] or ''}")
        print("resident memory: " + ", ".join(f"server {n + 1} {rss_mb(p.pid):.0f} MB" for n, p in enumerate(processes)))
    finally:
        for process in reversed(started):
            process.terminate()
        for process in started:
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
        if pg_dir:
            subprocess.run([str(ROOT / ".ci/postgres.sh"), "stop", pg_dir], check=False)
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
