#!/usr/bin/env python3
"""Slow request heads until the gateway breaks: opens connections one after another, each sending 30,000 bytes of
a request head and never the rest, and after every STEP of them checks that a normal request on a new connection is
answered (3 s); stops at the first that is not, or at COUNT. Then counts what the held connections were answered.

  oneline: the 30,000 bytes end inside one long header line
  lines:   they are header lines of 113 bytes (the codec parses those it has whole)

Usage: slowheads.py PORT COUNT [STEP] [oneline|lines]   (loopback only; run with `ulimit -n` above COUNT)
"""
import socket
import sys
import time

HOST = "127.0.0.1"


def head(shape):
    if shape == "oneline":
        return (b"GET / HTTP/1.1\r\nHost: api.example.com\r\nX-Long: " + b"a" * 30000)[:30000]
    h, i = b"GET / HTTP/1.1\r\nHost: api.example.com\r\n", 0
    while len(h) < 30000:
        h += b"X-Pad-%05d: %s\r\n" % (i, b"a" * 100)
        i += 1
    return h[:30000]


def normal(port):
    with socket.create_connection((HOST, port), timeout=3) as s:
        s.sendall(b"GET / HTTP/1.1\r\nHost: api.example.com\r\nConnection: close\r\n\r\n")
        data = s.recv(100)
        return data.split(b"\r\n")[0].decode() if data else "EOF"


def main(port, count, step, shape):
    payload, held, start = head(shape), [], time.time()
    for n in range(1, count + 1):
        try:
            s = socket.create_connection((HOST, port), timeout=3)
            s.sendall(payload)
            held.append(s)
        except OSError as e:
            print(f"{n}: the slow connection failed: {e!r}")
            break
        if n % step == 0:
            try:
                answer = normal(port)
            except OSError as e:
                answer = repr(e)
            print(f"{n} slow heads, {time.time() - start:.1f} s: a normal request -> {answer}", flush=True)
            if not answer.startswith("HTTP/1.1 200"):
                break
    answers = {}
    for s in held:
        try:
            s.setblocking(False)
            data = s.recv(100)
            key = data.split(b"\r\n")[0].decode() if data else "closed"
        except BlockingIOError:
            key = "held (no answer)"
        except OSError as e:
            key = type(e).__name__
        answers[key] = answers.get(key, 0) + 1
        s.close()
    print("the slow connections:", answers)


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]) if len(sys.argv) > 3 else 100,
         sys.argv[4] if len(sys.argv) > 4 else "oneline")
