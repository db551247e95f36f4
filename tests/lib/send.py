#!/usr/bin/python3
"""tests/lib/send.py: submit one message file over SMTP and show the reply.

    send.py [--host 127.0.0.1] --port N [--from ADDR] [--to ADDR]... [--helo NAME] FILE

FILE ("-" for stdin) is sent as it is (line ends made CRLF, dot-stuffed).
Without --to the recipients are the addresses of the To:, Cc: and Bcc:
headers; without --from the envelope sender is the From: address.
Prints the reply that decided the outcome in SMTP form, one line each
("550-5.7.1 ...", "550 5.7.1 ..."), and on stderr the stage it came from.
Exit status: 0 accepted (2xx), 4 temporary failure (4xx), 5 refused (5xx),
1 no SMTP conversation (cannot connect, connection dropped), 2 bad usage.
"""
import argparse
import email.parser
import email.policy
import email.utils
import re
import smtplib
import socket
import sys


def show(stage, code, msg):
    text = msg.decode("utf-8", "replace") if isinstance(msg, bytes) else str(msg)
    lines = text.split("\n") or [""]
    for i, ln in enumerate(lines):
        sep = " " if i == len(lines) - 1 else "-"
        print("%d%s%s" % (code, sep, ln))
    print("send.py: %s: %d" % (stage, code), file=sys.stderr)
    sys.stdout.flush()
    if 200 <= code < 300:
        return 0
    if 400 <= code < 500:
        return 4
    if 500 <= code < 600:
        return 5
    return 1


def main():
    ap = argparse.ArgumentParser(description="send one message over SMTP and print the reply")
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=25)
    ap.add_argument("--from", dest="sender")
    ap.add_argument("--to", action="append", default=[])
    ap.add_argument("--helo", default="client.example.org")
    ap.add_argument("--timeout", type=float, default=60)
    ap.add_argument("file")
    a = ap.parse_args()

    data = sys.stdin.buffer.read() if a.file == "-" else open(a.file, "rb").read()
    head = email.parser.BytesHeaderParser(policy=email.policy.compat32).parsebytes(data)
    sender = a.sender
    if sender is None:
        found = email.utils.getaddresses(head.get_all("From", []))
        sender = found[0][1] if found else ""
    rcpts = a.to or [ad for _, ad in email.utils.getaddresses(
        head.get_all("To", []) + head.get_all("Cc", []) + head.get_all("Bcc", [])) if ad]
    if not rcpts:
        print("send.py: no recipients (give --to)", file=sys.stderr)
        return 2

    body = data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    if not body.endswith(b"\r\n"):
        body += b"\r\n"
    body = re.sub(rb"(?m)^\.", b"..", body) + b".\r\n"

    try:
        s = smtplib.SMTP(timeout=a.timeout)
        code, msg = s.connect(a.host, a.port)
        if code != 220:
            return show("greeting", code, msg)
        code, msg = s.ehlo(a.helo)
        if code != 250:
            code, msg = s.helo(a.helo)
            if code != 250:
                return show("HELO", code, msg)
        code, msg = s.mail(sender)
        if code != 250:
            return show("MAIL FROM:<%s>" % sender, code, msg)
        ok, last = 0, None
        for r in rcpts:
            code, msg = s.rcpt(r)
            if code in (250, 251):
                ok += 1
            else:
                print("send.py: RCPT TO:<%s> refused: %d" % (r, code), file=sys.stderr)
                last = (code, msg)
        if ok == 0:
            return show("RCPT TO", *last)
        s.putcmd("data")
        code, msg = s.getreply()
        if code != 354:
            return show("DATA", code, msg)
        s.send(body)
        code, msg = s.getreply()
        rc = show("end of data", code, msg)
        try:
            s.quit()
        except (smtplib.SMTPException, OSError):
            pass
        return rc
    except smtplib.SMTPServerDisconnected as e:
        print("send.py: connection closed by the server: %s" % e, file=sys.stderr)
        return 1
    except (OSError, socket.timeout, smtplib.SMTPException) as e:
        print("send.py: %s" % e, file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
