#!/usr/bin/env python3
"""The mirror's nodes for bench/mirror.sh, on loopback addresses only, for a bounded time.

  slow DELAY:  HTTP/1.1 with keep-alive; every request is answered "ok" DELAY seconds after its head arrived
  blackhole:   a listening socket that never accepts (backlog 0): once its accept queue is full the kernel drops
               further SYNs, so a connect hangs until the client gives up

Usage: mirrornode.py slow DELAY PORT SECONDS ADDR...   |   mirrornode.py blackhole PORT SECONDS ADDR...
Exits after SECONDS.
"""
import asyncio
import socket
import sys
import time

ANSWER = b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Type: text/plain\r\n\r\nok\n"
MAX_HEAD = 64 * 1024


async def slow(delay, port, seconds, addrs):
    async def serve(reader, writer):
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                if len(head) > MAX_HEAD:
                    break
                length = 0
                for line in head.split(b"\r\n")[1:]:
                    name, _, value = line.partition(b":")
                    if name.strip().lower() == b"content-length":
                        length = int(value.strip())
                if length:
                    await reader.readexactly(length)
                await asyncio.sleep(delay)
                writer.write(ANSWER)
                await writer.drain()
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
            pass
        finally:
            writer.close()

    servers = [await asyncio.start_server(serve, a, port, backlog=1024) for a in addrs]
    await asyncio.sleep(seconds)
    for s in servers:
        s.close()


def blackhole(port, seconds, addrs):
    socks = []
    for a in addrs:
        s = socket.socket()
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind((a, port))
        s.listen(0)
        socks.append(s)
    time.sleep(seconds)


def main():
    mode = sys.argv[1]
    rest = sys.argv[2:]
    if mode == "slow":
        delay, port, seconds, addrs = float(rest[0]), int(rest[1]), float(rest[2]), rest[3:]
    else:
        delay, port, seconds, addrs = 0, int(rest[0]), float(rest[1]), rest[2:]
    if not addrs or any(not a.startswith("127.") for a in addrs):
        sys.exit("mirrornode: loopback addresses only")
    if mode == "slow":
        asyncio.run(slow(delay, port, seconds, addrs))
    elif mode == "blackhole":
        blackhole(port, seconds, addrs)
    else:
        sys.exit("mirrornode: slow or blackhole")


if __name__ == "__main__":
    main()
