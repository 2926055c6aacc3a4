"""Benchmark /api/chat over real HTTP (uvicorn on loopback).

Prints p50/p95/p99 latency and throughput at 1 and 8 concurrent clients, the full index build time,
the time to re-index one changed document, and the server's resident memory.

    .venv/bin/python benchmarks/chat_latency.py [--requests 200]
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = [
    ("my 2 year old only says a few words, should I worry?", "leeds"),
    ("how many words should an 18 month old be saying?", None),
    ("how do I know if my child is ready for potty training?", "hammersmith-fulham"),
    ("my son is 4 and still wets the bed, is that normal?", None),
    ("what time is stay and play at Fulham family hub?", "hammersmith-fulham"),
    ("is there a stay and play on saturdays in wirral?", "liverpool-city-region"),
    ("we speak Polish at home, will that confuse her talking?", "leeds"),
    ("does the baby clinic cost anything?", "leeds"),
    ("hello", None),
    ("my daughter amelia won't poo on the potty, call me on 07700 900123", "liverpool-city-region"),
    ("he's not breathing", "leeds"),
    ("what is the 2 year review?", None),
]


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def timed(command: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def index_figures(env: dict[str, str]) -> tuple[float, float]:
    """Full build into an empty index, then one changed document, timed in a process that already has the
    model and search index loaded, as the server does."""
    full = timed([sys.executable, "-m", "assistant", "index"], env)
    script = (
        "import time;from core.settings import get_settings;from knowledge_base.documents import load_documents;"
        "from knowledge_base.build import reindex_document;from core.embeddings import embed_query;"
        "from knowledge_base.search import get_searcher;embed_query('warm');get_searcher().refresh();d=load_documents(get_settings().content_dir)[0];"
        "e=d.model_copy(update={'body':d.body+'\\n\\nOne more sentence for the benchmark.'});"
        "t=time.perf_counter();r=reindex_document(e);print(time.perf_counter()-t);reindex_document(d)"
    )
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, check=True, capture_output=True, text=True)
    return full, float(out.stdout.strip().splitlines()[-1])


def start_server(env: dict[str, str], port: int) -> subprocess.Popen:
    process = subprocess.Popen(
        [sys.executable, "-m", "assistant", "serve", "--port", str(port)],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=1).status_code == 200:
                return process
        except httpx.HTTPError:
            time.sleep(0.3)
    process.kill()
    raise SystemExit("server did not start")


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def run_load(url: str, clients: int, requests: int) -> tuple[list[float], float]:
    def one(i: int) -> float:
        message, area = QUESTIONS[i % len(QUESTIONS)]
        # A distinct message each time, so no cache answers for us.
        started = time.perf_counter()
        response = client.post(f"{url}/api/chat", json={"message": f"{message} ({i})", "area": area})
        response.raise_for_status()
        return (time.perf_counter() - started) * 1000

    with httpx.Client(timeout=30, limits=httpx.Limits(max_connections=clients)) as client:
        for i in range(len(QUESTIONS)):  # warm-up, not measured
            one(i)
        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=clients) as pool:
            latencies = list(pool.map(one, range(requests)))
        return latencies, requests / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200, help="requests per concurrency level")
    args = parser.parse_args()
    var_dir = Path(tempfile.mkdtemp(prefix="fh-bench-")) / "var"
    env = {**os.environ, "VAR_DIR": str(var_dir), "CHAT_RATE_LIMIT": "1000000/minute", "LOG_LEVEL": "WARNING",
           # the safety model trained by `make install`, as the server would find it
           "MODEL_CACHE_DIR": os.environ.get("MODEL_CACHE_DIR", str(ROOT / "var" / "cache"))}
    full_build, one_document = index_figures(env)
    port = free_port()
    server = start_server(env, port)
    try:
        url = f"http://127.0.0.1:{port}"
        print(f"index build (full, empty index): {full_build:.1f} s  (includes process start and model load)")
        print(f"re-index one changed document:   {one_document * 1000:.0f} ms")
        print(f"{'clients':>7} {'requests':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'req/s':>7}")
        for clients in (1, 8):
            latencies, throughput = run_load(url, clients, args.requests)
            print(
                f"{clients:>7} {len(latencies):>8} {statistics.median(latencies):>8.1f} "
                f"{percentile(latencies, 95):>8.1f} {percentile(latencies, 99):>8.1f} {throughput:>7.1f}"
            )
        print(f"server RSS after load: {rss_mb(server.pid):.0f} MB")
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
