"""Driver "python" of the RPC benchmark: the same work as loop-driver.ts with Python's asyncio
(stdlib only): asyncio.open_connection, write command + "\\n", read to EOF, the whole call
bounded by a timeout. Same arguments and the same one JSON line as the Node drivers (common.ts).

    python3 scripts/bench/drivers/asyncio_driver.py --targets 127.0.0.1:9000 --command "system ping" --inflight 1 --seconds 2
"""

import argparse
import asyncio
import json
import resource
import time


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--targets", required=True, help="HOST:PORT[,HOST:PORT...]")
    parser.add_argument("--command", default="system ping")
    parser.add_argument("--inflight", type=int, default=1, help="calls in flight per target")
    parser.add_argument("--seconds", type=float, default=2.0)
    parser.add_argument("--warmup", type=float, default=0.5)
    parser.add_argument("--timeout", type=float, default=5.0)
    args = parser.parse_args()
    targets = []
    for target in args.targets.split(","):
        host, _, port = target.rpartition(":")
        targets.append((host, int(port)))
    return args, targets


class PhaseStats:
    def __init__(self):
        self.cpu_at_start = time.process_time()  # user + system CPU of this process
        self.latencies = []
        self.errors = 0
        self.first_error = None

    def failed(self, error):
        self.errors += 1
        if self.first_error is None:
            self.first_error = f"{type(error).__name__}: {error}"


async def call(host, port, line, timeout):
    async with asyncio.timeout(timeout):
        reader, writer = await asyncio.open_connection(host, port)
        try:
            writer.write(line)
            data = await reader.read()  # to EOF
        finally:
            writer.close()
    if not data:
        raise ConnectionError(f"{host}:{port} closed the connection without a reply")
    if data.startswith(b"ERROR "):
        raise RuntimeError(data.decode("utf-8", "replace").rstrip())
    return data.decode("utf-8").removesuffix("\n")


async def slot(host, port, line, timeout, deadline, stats):
    while time.perf_counter() < deadline:
        started = time.perf_counter()
        try:
            await call(host, port, line, timeout)
            stats.latencies.append((time.perf_counter() - started) * 1000)
        except Exception as error:  # noqa: BLE001 - every failure is counted, none stops the run
            stats.failed(error)


async def phase(args, targets, seconds):
    stats = PhaseStats()
    line = (args.command + "\n").encode()
    started = time.perf_counter()
    deadline = started + seconds
    slots = []
    for i in range(args.inflight * len(targets)):
        host, port = targets[i % len(targets)]
        slots.append(slot(host, port, line, args.timeout, deadline, stats))
    await asyncio.gather(*slots)
    return stats, (time.perf_counter() - started) * 1000


def percentile(sorted_values, p):
    if not sorted_values:
        return None
    return round(sorted_values[min(len(sorted_values) - 1, int(p * len(sorted_values)))], 3)


async def main():
    args, targets = parse_args()
    if args.warmup > 0:
        await phase(args, targets, args.warmup)
    stats, elapsed_ms = await phase(args, targets, args.seconds)
    cpu_us = (time.process_time() - stats.cpu_at_start) * 1e6
    latencies = sorted(stats.latencies)
    print(json.dumps({
        "driver": "python",
        "calls": len(latencies),
        "errors": stats.errors,
        "first_error": stats.first_error,
        "elapsed_s": round(elapsed_ms) / 1000,
        "calls_per_s": round(len(latencies) / elapsed_ms * 1000, 1),
        "p50_ms": percentile(latencies, 0.5),
        "p99_ms": percentile(latencies, 0.99),
        "cpu_us_per_call": round(cpu_us / len(latencies), 1) if latencies else None,
        "max_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }), flush=True)


if __name__ == "__main__":
    asyncio.run(main())
