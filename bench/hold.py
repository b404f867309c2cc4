#!/usr/bin/env python3
"""Holds many client connections open against a gateway, of three kinds, and reports how many it still holds.

  idle:    one request answered, then the keep-alive connection stays idle
  slowread: a request whose answer is never read (a client that stopped reading)
  trickle: a request head sent one byte every few seconds (stays within the header timeout for a while)

Usage: hold.py PORT COUNT SECONDS   (loopback only; bounded in count and time)
Prints one JSON line: {"opened": N, "answered": N, "held_at_end": N, "closed_by_server": N}.
"""
import asyncio
import json
import sys

HOST = "127.0.0.1"
REQUEST = b"GET / HTTP/1.1\r\nHost: api.example.com\r\n\r\n"


async def idle(port, stats, stop):
    reader, writer = await asyncio.open_connection(HOST, port)
    stats["opened"] += 1
    writer.write(REQUEST)
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    if head.startswith(b"HTTP/1.1 200"):
        stats["answered"] += 1
    return reader, writer


async def slowread(port, stats, stop):
    reader, writer = await asyncio.open_connection(HOST, port)
    stats["opened"] += 1
    writer.write(REQUEST)
    await writer.drain()
    return reader, writer


async def trickle(port, stats, stop):
    reader, writer = await asyncio.open_connection(HOST, port)
    stats["opened"] += 1
    writer.write(b"GET / HTTP/1.1\r\n")
    await writer.drain()
    return reader, writer


async def main(port, count, seconds):
    stats = {"opened": 0, "answered": 0}
    stop = asyncio.Event()
    kinds = [idle, slowread, trickle]
    conns = []
    batch = 200
    for start in range(0, count, batch):
        tasks = [kinds[i % 3](port, stats, stop) for i in range(start, min(count, start + batch))]
        for r in await asyncio.gather(*tasks, return_exceptions=True):
            if not isinstance(r, Exception):
                conns.append(r)
    await asyncio.sleep(seconds)  # the hold itself: the load generator's pace, not a synchronisation
    held = 0
    closed = 0
    for reader, writer in conns:
        if reader.at_eof() or writer.is_closing():
            closed += 1
            continue
        try:
            data = await asyncio.wait_for(reader.read(1), timeout=0.001)
            if data == b"":
                closed += 1
                continue
        except asyncio.TimeoutError:
            pass
        except ConnectionError:
            closed += 1
            continue
        held += 1
    for _, writer in conns:
        writer.close()
    stats.update({"held_at_end": held, "closed_by_server": closed})
    print(json.dumps(stats))


if __name__ == "__main__":
    port, count, seconds = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
    assert count <= 15000 and seconds <= 120
    asyncio.run(main(port, count, seconds))
