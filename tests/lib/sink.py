#!/usr/bin/python3
"""tests/lib/sink.py: a minimal SMTP sink that keeps every message byte-exact.

    sink.py --dir DIR [--host 127.0.0.1] [--port 0] [--port-file FILE] [--quiet]

Listens on HOST:PORT (port 0: a free one, written to --port-file and printed
as "sink: listening on HOST:PORT"). For each message accepted it writes
    DIR/NNNN.env   the envelope: "from ADDR" then one "to ADDR" line per recipient
    DIR/NNNN.eml   the DATA exactly as received (CRLF kept), dot-unstuffed,
                   without the terminating "." line
.env first, each through a temporary name and rename(2), so that a .eml that
exists is complete and has its envelope. Logs one line per message to stderr
(never the content). Stdlib only; stops on SIGTERM/SIGINT.
"""
import argparse
import os
import signal
import socketserver
import sys
import threading
import time

MAX_LINE = 1 << 20


class State:
    lock = threading.Lock()
    seq = 0
    directory = "."
    quiet = False

    @classmethod
    def next_name(cls):
        with cls.lock:
            cls.seq += 1
            return "%s-%04d" % (time.strftime("%Y%m%dT%H%M%S"), cls.seq)


def write_atomic(path, data):
    tmp = os.path.join(os.path.dirname(path), "." + os.path.basename(path) + ".tmp")
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.rename(tmp, path)


def addr_of(arg):
    """The address inside <...> of a MAIL FROM:/RCPT TO: argument."""
    arg = arg.strip()
    if arg.startswith("<"):
        end = arg.find(">")
        return arg[1:end] if end > 0 else arg[1:]
    return arg.split()[0] if arg else ""


class Handler(socketserver.StreamRequestHandler):
    def reply(self, text):
        self.wfile.write(text.encode("ascii") + b"\r\n")
        self.wfile.flush()

    def handle(self):
        mail_from, rcpts = None, []
        self.reply("220 sink.invalid ESMTP test sink")
        while True:
            line = self.rfile.readline(MAX_LINE)
            if not line:
                return
            cmd = line.rstrip(b"\r\n").decode("latin-1")
            verb = cmd[:4].upper()
            if verb == "EHLO":
                self.reply("250-sink.invalid")
                self.reply("250-8BITMIME")
                self.reply("250 SIZE 104857600")
            elif verb == "HELO":
                self.reply("250 sink.invalid")
            elif cmd[:10].upper() == "MAIL FROM:":
                mail_from, rcpts = addr_of(cmd[10:]), []
                self.reply("250 2.1.0 Ok")
            elif cmd[:8].upper() == "RCPT TO:":
                if mail_from is None:
                    self.reply("503 5.5.1 need MAIL first")
                else:
                    rcpts.append(addr_of(cmd[8:]))
                    self.reply("250 2.1.5 Ok")
            elif verb == "DATA":
                if mail_from is None or not rcpts:
                    self.reply("503 5.5.1 need RCPT first")
                    continue
                self.reply("354 End data with <CR><LF>.<CR><LF>")
                chunks = []
                while True:
                    dl = self.rfile.readline(MAX_LINE)
                    if not dl:
                        return  # connection lost mid-DATA: nothing kept
                    if dl in (b".\r\n", b".\n"):
                        break
                    if dl.startswith(b"."):
                        dl = dl[1:]
                    chunks.append(dl)
                self.store(mail_from, rcpts, b"".join(chunks))
                mail_from, rcpts = None, []
                self.reply("250 2.0.0 Ok: kept")
            elif verb == "RSET":
                mail_from, rcpts = None, []
                self.reply("250 2.0.0 Ok")
            elif verb == "NOOP":
                self.reply("250 2.0.0 Ok")
            elif verb == "QUIT":
                self.reply("221 2.0.0 Bye")
                return
            else:
                self.reply("502 5.5.2 command not implemented")

    def store(self, mail_from, rcpts, data):
        name = State.next_name()
        base = os.path.join(State.directory, name)
        env = "from %s\n" % mail_from + "".join("to %s\n" % r for r in rcpts)
        write_atomic(base + ".env", env.encode("utf-8", "surrogateescape"))
        write_atomic(base + ".eml", data)
        if not State.quiet:
            print("sink: kept %s.eml (%d bytes) from=<%s> to=%s"
                  % (name, len(data), mail_from, ",".join("<%s>" % r for r in rcpts)),
                  file=sys.stderr, flush=True)


class Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True


def main():
    ap = argparse.ArgumentParser(description="SMTP sink keeping messages byte-exact")
    ap.add_argument("--dir", required=True)
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--port-file")
    ap.add_argument("--quiet", action="store_true")
    a = ap.parse_args()
    os.makedirs(a.dir, exist_ok=True)
    State.directory, State.quiet = a.dir, a.quiet
    srv = Server((a.host, a.port), Handler)
    port = srv.server_address[1]
    if a.port_file:
        write_atomic(a.port_file, b"%d\n" % port)
    print("sink: listening on %s:%d, keeping mail in %s" % (a.host, port, a.dir),
          file=sys.stderr, flush=True)

    def stop(_sig, _frm):
        threading.Thread(target=srv.shutdown, daemon=True).start()
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    srv.serve_forever(poll_interval=0.2)
    srv.server_close()


if __name__ == "__main__":
    main()
