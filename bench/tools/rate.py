#!/usr/bin/env python3
"""Telegram updates to POST /telegram/webhook at a fixed rate, for ops.md's target "webhook
acknowledgement p99 <= 20 ms under 500 updates/s" (wrk only sends as fast as the server answers).

Open loop: update i is due at start + i / rate whatever came back before, and its latency runs
from that moment, so a stall shows in the percentiles instead of slowing the sender down (no
coordinated omission). Keep-alive connections; an update waits for a free one. Prints the same
BENCH_RESULT line as bench/lua/common.lua's done(), which bench/run.sh reads.

    rate.py <host> <port> <data file> <rate per second> <seconds> [connections]
"""

import asyncio
import json
import os
import random
import sys
import time


def telegram_ids(path):
    with open(path) as f:
        return [int(line.split()[1]) for line in f if len(line.split()) >= 2]


def update(update_id, tg):
    return json.dumps({
        "update_id": update_id,
        "message": {
            "message_id": update_id % 1_000_000, "date": int(time.time()),
            "chat": {"id": tg, "type": "private"},
            "from": {"id": tg, "is_bot": False, "first_name": "Bench", "language_code": "ru"},
            "text": 'Wie sagt man "Haus" im Plural?',
        },
    }, ensure_ascii=False).encode()


def request(host, port, secret, body):
    head = (f"POST /telegram/webhook HTTP/1.1\r\nHost: {host}:{port}\r\n"
            f"Content-Type: application/json\r\nX-Telegram-Bot-Api-Secret-Token: {secret}\r\n"
            f"Content-Length: {len(body)}\r\n\r\n")
    return head.encode() + body


async def answer_status(reader):
    """Reads one response; returns its status code."""
    status = int((await reader.readline()).split()[1])
    length = 0
    while (line := await reader.readline()) not in (b"\r\n", b""):
        name, _, value = line.decode("latin-1").partition(":")
        if name.strip().lower() == "content-length":
            length = int(value)
    if length:
        await reader.readexactly(length)
    return status


def percentile(sorted_values, pct):
    if not sorted_values:
        return 0
    return sorted_values[min(len(sorted_values) - 1, int(len(sorted_values) * pct / 100))]


async def main(host, port, data, rate, seconds, connections, secret):
    ids = telegram_ids(data)
    loop = asyncio.get_running_loop()
    free = asyncio.Queue()
    for _ in range(connections):
        free.put_nowait(await asyncio.open_connection(host, port))
    latencies, failures = [], {"status": 0, "socket": 0}
    first_id = (int(time.time()) % 100_000) * 100_000 + random.randrange(100_000) * 1_000

    async def send(i, due):
        reader, writer = await free.get()
        try:
            writer.write(request(host, port, secret, update(first_id + i, ids[i % len(ids)])))
            await writer.drain()
            if await answer_status(reader) >= 400:
                failures["status"] += 1
            latencies.append(loop.time() - due)
            free.put_nowait((reader, writer))
        except (OSError, ValueError, IndexError, asyncio.IncompleteReadError):
            failures["socket"] += 1
            writer.close()
            free.put_nowait(await asyncio.open_connection(host, port))

    start = loop.time() + 0.2
    sends = []
    for i in range(int(rate * seconds)):
        due = start + i / rate
        if (wait := due - loop.time()) > 0:
            await asyncio.sleep(wait)
        sends.append(asyncio.create_task(send(i, due)))
    await asyncio.gather(*sends)
    elapsed = loop.time() - start
    us = sorted(int(s * 1e6) for s in latencies)
    print("BENCH_RESULT " + json.dumps({
        "requests": len(sends), "duration_us": int(elapsed * 1e6), "bytes": 0,
        "status_errors": failures["status"], "connect_errors": 0, "read_errors": failures["socket"],
        "write_errors": 0, "timeouts": 0,
        "latency_us": {"mean": sum(us) / len(us) if us else 0, "p50": percentile(us, 50),
                       "p90": percentile(us, 90), "p99": percentile(us, 99),
                       "p999": percentile(us, 99.9), "max": us[-1] if us else 0},
    }))


if __name__ == "__main__":
    host, port, data, rate, seconds = sys.argv[1], int(sys.argv[2]), sys.argv[3], float(sys.argv[4]), float(sys.argv[5])
    connections = int(sys.argv[6]) if len(sys.argv) > 6 else 16
    secret = os.environ.get("BENCH_WEBHOOK_SECRET", "bench-webhook-secret")
    asyncio.run(main(host, port, data, rate, seconds, connections, secret))
