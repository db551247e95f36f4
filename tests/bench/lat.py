#!/usr/bin/python3
"""tests/bench/lat.py: per-message SMTP latency, one message at a time.

    lat.py --port N --file MSG [--n 200] [--warm 10] [--from A] [--to B]

Sends MSG N times serially, each on a new connection (as smtp-source does),
and times each transaction from MAIL FROM to the reply after the final ".",
which is where Postfix waits for the milter's end-of-message verdict.
Prints "p50_ms p99_ms mean_ms ok" (ok = transactions answered 250).
Raw sockets and pipelining-free, so the client's own cost is small and the
same for every variant.
"""
import argparse
import socket
import time


def reply(f):
    code = None
    while True:
        line = f.readline()
        if not line:
            raise EOFError("connection closed")
        code = int(line[:3])
        if line[3:4] != b"-":
            return code


def one(port, data, sender, rcpt):
    s = socket.create_connection(("127.0.0.1", port), timeout=120)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    f = s.makefile("rb")
    try:
        reply(f)
        s.sendall(b"EHLO bench.example.org\r\n")
        reply(f)
        t0 = time.perf_counter()
        s.sendall(b"MAIL FROM:<" + sender + b">\r\n")
        if reply(f) != 250:
            return None
        s.sendall(b"RCPT TO:<" + rcpt + b">\r\n")
        if reply(f) != 250:
            return None
        s.sendall(b"DATA\r\n")
        if reply(f) != 354:
            return None
        s.sendall(data)
        code = reply(f)
        t1 = time.perf_counter()
        s.sendall(b"QUIT\r\n")
        return (t1 - t0) * 1000.0 if code == 250 else None
    finally:
        f.close()
        s.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--file", required=True)
    ap.add_argument("--n", type=int, default=200)
    ap.add_argument("--warm", type=int, default=10)
    ap.add_argument("--from", dest="sender", default="staff@example.org")
    ap.add_argument("--to", default="desk@supplier.example.com")
    a = ap.parse_args()
    raw = open(a.file, "rb").read().replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    lines = [(b"." + ln if ln.startswith(b".") else ln) for ln in raw.split(b"\r\n")]
    data = b"\r\n".join(lines)
    if not data.endswith(b"\r\n"):
        data += b"\r\n"
    data += b".\r\n"
    sender, rcpt = a.sender.encode(), a.to.encode()
    for _ in range(a.warm):
        one(a.port, data, sender, rcpt)
    ms = []
    for _ in range(a.n):
        t = one(a.port, data, sender, rcpt)
        if t is not None:
            ms.append(t)
    ms.sort()
    if not ms:
        print("nan nan nan 0")
        return 1
    p50 = ms[len(ms) // 2]
    p99 = ms[min(len(ms) - 1, int(len(ms) * 0.99))]
    print("%.2f %.2f %.2f %d" % (p50, p99, sum(ms) / len(ms), len(ms)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
