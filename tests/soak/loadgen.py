#!/usr/bin/python3
"""tests/soak/loadgen.py: labelled load through an SMTP server, and its accounting.

    loadgen.py send --port N --count N [--sessions 16] [--prefix P] [--mix clean,phi_ext,phi_int]
                    [--deadline SECS] [--pause-file F] --out RESULTS.tsv
    loadgen.py account --results RESULTS.tsv --sink DIR [--expect-phi-ext 5xx|tagged]

send: N generated messages (synthetic content: clean notes, and notes with a
planted synthetic SSN in health context) over SESSIONS parallel SMTP
sessions, each keeping its connection for many messages. Every message has a
label (P-000001 ...) in its Message-ID. A 4xx reply or a dropped connection
is retried (new connection) until a 2xx/5xx answer or the deadline, as a
real client would; RESULTS.tsv gets one line per message:
    label kind final_code attempts tempfails conn_errors
kinds: clean (to an external domain), phi_ext (PHI to an external domain),
phi_int (PHI to the internal domain, example.org or --internal-domain).

account: reads RESULTS.tsv and every .eml in the sink and checks that each
message ended as its label implies: clean and phi_int accepted (2xx) and
delivered exactly once, phi_int tagged X-PHI-Verdict: phi, clean not tagged;
phi_ext refused (5xx) and never delivered (or, --expect-phi-ext tagged:
accepted, delivered once and tagged, for monitor mode). Prints one summary
line ("account: N messages, ... violations=V") and exits 1 on any violation.
Never prints message content.
"""
import argparse
import collections
import os
import re
import smtplib
import socket
import sys
import threading
import time

SSN = "371-42-8195"  # synthetic (area 371), as in tests/e2e/postfix_milter.sh


INTERNAL = "example.org"  # --internal-domain


def make(label, kind):
    to = "carol@" + INTERNAL if kind == "phi_int" else "bob@outside.example"
    if kind == "clean":
        body = ("Hi Bob,\r\n\r\nthe minutes of the facilities meeting are attached to the wiki;\r\n"
                "ticket %s covers the broken lift in building C.\r\n\r\nAlice\r\n" % label)
    else:
        body = ("Follow-up for the clinic file %s.\r\n\r\nPatient SSN %s was diagnosed with diabetes "
                "mellitus type 2 and started on metformin; HbA1c is due next month.\r\n" % (label, SSN))
    msg = ("From: Alice Example <alice@example.org>\r\nTo: <%s>\r\nSubject: Note %s\r\n"
           "Date: Tue, 01 Dec 2026 12:00:00 +0000\r\nMessage-ID: <%s@loadgen.example.org>\r\n"
           "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n%s" % (to, label, label, body))
    return to, msg.encode()


class Sender(threading.Thread):
    def __init__(self, a, work, results, lock):
        super().__init__(daemon=True)
        self.a, self.work, self.results, self.lock = a, work, results, lock
        self.s = None

    def connect(self):
        self.close()
        s = smtplib.SMTP(timeout=self.a.timeout)
        s.connect("127.0.0.1", self.a.port)
        s.ehlo("loadgen.example.org")
        self.s = s

    def close(self):
        if self.s is not None:
            try:
                self.s.close()
            except Exception:
                pass
        self.s = None

    def one(self, to, data):
        """One attempt; returns the SMTP code, or 0 for a connection error."""
        if self.s is None:
            self.connect()
        s = self.s
        code, _ = s.mail("alice@example.org")
        if code != 250:
            s.rset()
            return code
        code, _ = s.rcpt(to)
        if code not in (250, 251):
            s.rset()
            return code
        code, _ = s.data(data)
        return code

    def run(self):
        deadline = time.time() + self.a.deadline
        while True:
            with self.lock:
                if not self.work:
                    break
                label, kind = self.work.pop()
            to, data = make(label, kind)
            attempts = temps = conns = 0
            code = 0
            while True:
                while self.a.pause_file and os.path.exists(self.a.pause_file) and time.time() < deadline:
                    time.sleep(0.05)
                attempts += 1
                try:
                    code = self.one(to, data)
                except (smtplib.SMTPException, OSError, socket.timeout):
                    code = 0
                    conns += 1
                    self.close()
                if code == 421 or (400 <= code < 500):
                    temps += 1
                    if code == 421:
                        self.close()
                if 200 <= code < 300 or 500 <= code < 600:
                    break
                if time.time() > deadline:
                    break
                time.sleep(0.2)
            with self.lock:
                self.results.append((label, kind, code, attempts, temps, conns))
        self.close()


def cmd_send(a):
    global INTERNAL
    INTERNAL = a.internal_domain
    mix = a.mix.split(",")
    work = [("%s-%06d" % (a.prefix, i), mix[i % len(mix)]) for i in range(a.count)]
    work.reverse()
    results, lock = [], threading.Lock()
    ts = [Sender(a, work, results, lock) for _ in range(a.sessions)]
    t0 = time.time()
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    with open(a.out, "w") as f:
        for r in sorted(results):
            f.write("%s\t%s\t%d\t%d\t%d\t%d\n" % r)
    dt = time.time() - t0
    c = collections.Counter(r[2] // 100 for r in results)
    print("send: %d messages in %.1fs (%.0f/s), 2xx=%d 4xx=%d 5xx=%d none=%d, retried=%d" % (
        len(results), dt, len(results) / dt if dt else 0, c[2], c[4], c[5], c[0],
        sum(1 for r in results if r[3] > 1)))
    return 0 if len(results) == a.count else 1


LABEL = re.compile(rb"^Message-ID: <([A-Za-z0-9_]+-\d{6})@loadgen\.example\.org>", re.M | re.I)
VERDICT = re.compile(rb"^X-PHI-Verdict:\s*(\w+)", re.M | re.I)


def cmd_account(a):
    want = {}
    with open(a.results) as f:
        for ln in f:
            label, kind, code = ln.rstrip("\n").split("\t")[:3]
            want[label] = (kind, int(code))
    seen = collections.Counter()
    tagged = {}
    for name in os.listdir(a.sink):
        if not name.endswith(".eml"):
            continue
        with open(os.path.join(a.sink, name), "rb") as f:
            data = f.read(8192)
        head = data.split(b"\r\n\r\n", 1)[0]
        m = LABEL.search(head)
        if not m:
            continue
        label = m.group(1).decode()
        seen[label] += 1
        v = VERDICT.search(head)
        tagged[label] = v.group(1).decode().lower() if v else ""
    bad = collections.Counter()
    for label, (kind, code) in want.items():
        n = seen.get(label, 0)
        t = tagged.get(label, "")
        if kind == "phi_ext" and a.expect_phi_ext == "5xx":
            ok = 500 <= code < 600 and n == 0
        elif kind == "clean":
            ok = 200 <= code < 300 and n == 1 and t != "phi"
        else:  # phi_int, or phi_ext in monitor mode
            ok = 200 <= code < 300 and n == 1 and t == "phi"
        if not ok:
            bad["%s:code%d:delivered%d" % (kind, code, n)] += 1
    stray = sum(1 for label in seen if label not in want)
    kinds = collections.Counter(k for k, _ in want.values())
    print("account: %d messages (%s), delivered=%d, violations=%d%s%s" % (
        len(want), " ".join("%s=%d" % kv for kv in sorted(kinds.items())), sum(seen.values()),
        sum(bad.values()), "" if not bad else " [" + ", ".join("%s x%d" % kv for kv in sorted(bad.items())[:6]) + "]",
        "" if not stray else " stray=%d" % stray))
    return 0 if not bad and not stray else 1


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("send")
    s.add_argument("--port", type=int, required=True)
    s.add_argument("--count", type=int, required=True)
    s.add_argument("--sessions", type=int, default=16)
    s.add_argument("--prefix", default="L")
    s.add_argument("--mix", default="clean,phi_ext,clean,phi_int")
    s.add_argument("--deadline", type=float, default=300)
    s.add_argument("--timeout", type=float, default=120)
    s.add_argument("--pause-file")
    s.add_argument("--internal-domain", default="example.org")
    s.add_argument("--out", required=True)
    c = sub.add_parser("account")
    c.add_argument("--results", required=True)
    c.add_argument("--sink", required=True)
    c.add_argument("--expect-phi-ext", choices=("5xx", "tagged"), default="5xx")
    a = ap.parse_args()
    return cmd_send(a) if a.cmd == "send" else cmd_account(a)


if __name__ == "__main__":
    sys.exit(main())
