#!/usr/bin/python3
"""tests/lib/portal_http.py: plain-HTTP checks of phiportal (tests/e2e/portal_http.sh).

    portal_http.py --base URL --sink DIR --key PKEY --phictl PATH --conf CONF
                   --audit FILE --link-a URL --link-b URL --link-c URL
                   --rcpt ADDR --rcpt-c ADDR --pdf FILE --attempts N --count-file F

Drives the portal with http.client only (no browser): headers and cookie
attributes, refusals (altered, expired and missing token, revoked link, wrong
code, a code for another message, the attempt limit, missing and replayed
CSRF tokens, no session), the message page (subject, body, an HTML body's
<script> never live), the byte-exact attachment, and hostile requests (an
oversized body, an odd method, a huge header, bad paths). Prints TAP lines
without numbers ("ok - name"); the number of checks goes to --count-file.

The expired link is made here with the portal key, from the token format
of milter/token.h (a clearly-marked test helper: MAC = HMAC-SHA256 over
"portal", id, recipient in lower case, expiry, each followed by a NUL).
Nothing from the message is printed, only check names.
"""
import argparse
import glob
import hashlib
import hmac
import http.client
import os
import re
import subprocess
import sys
import time
import urllib.parse

N = 0
FAILED = 0


def ok(cond, name, diag=None):
    global N, FAILED
    N += 1
    if cond:
        print("ok - %s" % name, flush=True)
    else:
        FAILED += 1
        print("not ok - %s" % name, flush=True)
        if diag:
            for line in str(diag).splitlines()[:6]:
                print("#   %s" % line[:200], flush=True)
    return cond


class Client:
    """One browser: a cookie jar and requests to the portal."""

    def __init__(self, base, xff=None):
        u = urllib.parse.urlsplit(base)
        self.host, self.port = u.hostname, u.port
        self.cookies = {}
        self.xff = xff

    def req(self, method, path, body=None, headers=None, keep_cookies=True):
        h = {"Host": "%s:%d" % (self.host, self.port)}
        if self.cookies:
            h["Cookie"] = "; ".join("%s=%s" % kv for kv in self.cookies.items())
        if self.xff:
            h["X-Forwarded-For"] = self.xff
        if body is not None:
            if isinstance(body, dict):
                body = urllib.parse.urlencode(body)
            h["Content-Type"] = "application/x-www-form-urlencoded"
            body = body.encode() if isinstance(body, str) else body
        h.update(headers or {})
        c = http.client.HTTPConnection(self.host, self.port, timeout=30)
        c.request(method, path, body=body, headers=h)
        r = c.getresponse()
        data = r.read()
        hdrs = {}
        for k, v in r.getheaders():
            hdrs.setdefault(k.lower(), []).append(v)
        c.close()
        if keep_cookies:
            for sc in hdrs.get("set-cookie", []):
                nv = sc.split(";", 1)[0]
                if "=" in nv:
                    k, v = nv.split("=", 1)
                    self.cookies[k.strip()] = v.strip()
        return r.status, hdrs, data

    def get(self, path, **kw):
        return self.req("GET", path, **kw)

    def post(self, path, form, **kw):
        return self.req("POST", path, body=form, **kw)


def path_of(url):
    u = urllib.parse.urlsplit(url)
    return u.path + ("?" + u.query if u.query else "")


def csrf_of(html):
    m = re.search(rb'name="csrf" value="([0-9a-f]+)"', html)
    return m.group(1).decode() if m else None


def header(h, name):
    return (h.get(name.lower()) or [""])[0]


def code_mails(sink, rcpt):
    out = []
    for env in sorted(glob.glob(os.path.join(sink, "*.env"))):
        with open(env, encoding="utf-8", errors="replace") as f:
            if ("to %s" % rcpt).lower() not in f.read().lower().split("\n"):
                continue
        eml = env[:-4] + ".eml"
        if not os.path.exists(eml):
            continue
        with open(eml, "rb") as f:
            data = f.read()
        head, _, body = data.partition(b"\r\n\r\n")
        subj = re.search(rb"(?im)^subject:(.*)$", head)
        if subj and b"code" in subj.group(1).lower():
            out.append((eml, head, body))
    return out


def wait_code(sink, rcpt, seen, secs=30):
    """The code of the first code mail to rcpt not in `seen`."""
    end = time.time() + secs
    while time.time() < end:
        for eml, head, body in code_mails(sink, rcpt):
            if eml in seen:
                continue
            seen.add(eml)
            runs = re.findall(rb"(?<![0-9])[0-9]{6,8}(?![0-9])", body)
            return runs, head
        time.sleep(0.2)
    return None, None


def landing(c, link):
    st, h, body = c.get(path_of(link))
    return st, h, body, csrf_of(body)


def token_of(link):
    return urllib.parse.parse_qs(urllib.parse.urlsplit(link).query)["t"][0]


def make_token(key, mid, rcpt, expires, n):
    """TEST HELPER: a portal token as milter/token.c makes it."""
    msg = b"".join(p.encode() + b"\0" for p in ("portal", mid, rcpt.lower(), str(expires)))
    mac = hmac.new(key, msg, hashlib.sha256).hexdigest()
    return "%s.%d.%u.%s" % (mid, expires, n, mac)


def main():
    ap = argparse.ArgumentParser()
    for a in ("base", "sink", "key", "phictl", "conf", "audit", "link-a", "link-b", "link-c", "rcpt",
              "rcpt-c", "pdf", "count-file", "portal-log"):
        ap.add_argument("--" + a, required=True)
    ap.add_argument("--attempts", type=int, required=True)
    a = ap.parse_args()
    key = open(a.key, "rb").read()
    seen = set()
    pdf = open(a.pdf, "rb").read()
    base = a.base

    # ---------------------------------------------------------------- landing
    ca = Client(base)
    st, h, body, csrf = landing(ca, a.link_a)
    ok(st == 200 and b'id="send-code"' in body and csrf, "landing page: 200 with the send-code button and a CSRF token",
       "status %d" % st)
    ok(b"Example Hospital" in body and b"works until" in body, "landing page names the organisation and the expiry")
    ok(a.rcpt.encode() not in body and a.rcpt.split("@")[0].encode() not in body.lower(),
       "landing page does not show the recipient's address")
    csp = header(h, "Content-Security-Policy")
    ok(csp.startswith("default-src 'none'") and "style-src 'self'" in csp and "script-src" not in csp,
       "Content-Security-Policy: default-src 'none'; style-src 'self' (no script source)", csp)
    ok(header(h, "X-Frame-Options") == "DENY" and header(h, "Cache-Control") == "no-store"
       and header(h, "Referrer-Policy") == "no-referrer" and header(h, "X-Content-Type-Options") == "nosniff",
       "X-Frame-Options DENY, Cache-Control no-store, Referrer-Policy no-referrer, nosniff")
    sc = header(h, "Set-Cookie")
    ok("HttpOnly" in sc and "SameSite=Strict" in sc and "Secure" not in sc and "Max-Age=" in sc,
       "session cookie: HttpOnly, SameSite=Strict, short Max-Age, not Secure over plain HTTP", sc)
    ok(b"<script" not in body.lower(), "no JavaScript on the landing page")
    st, h2, _ = Client(base).get(path_of(a.link_a), headers={"X-Forwarded-Proto": "https"})
    ok("; Secure" in header(h2, "Set-Cookie"), "behind TLS (X-Forwarded-Proto: https) the cookie is Secure")
    st, h3, css = ca.get("/m/portal.css")
    ok(st == 200 and header(h3, "Content-Type").startswith("text/css") and b"@media" in css,
       "the stylesheet is served (text/css) with a small-screen rule")

    # ---------------------------------------------------------------- bad links
    tok = token_of(a.link_a)
    mid = tok.split(".")[0]
    altered = tok[:-1] + ("0" if tok[-1] != "0" else "1")
    st, _, b2 = Client(base).get("/m/%s?t=%s" % (mid, altered))
    ok(st == 403 and b"not valid" in b2, "altered token (one MAC digit): 403 'not valid'", "status %d" % st)
    parts = tok.split(".")
    later = ".".join([parts[0], str(int(parts[1]) + 86400)] + parts[2:])
    st, _, _ = Client(base).get("/m/%s?t=%s" % (mid, later))
    ok(st == 403, "altered expiry (a day later, same MAC): 403", "status %d" % st)
    expired = make_token(key, mid, a.rcpt, int(time.time()) - 60, int(parts[2]))
    st, _, b3 = Client(base).get("/m/%s?t=%s" % (mid, expired))
    ok(st == 410 and b"expired" in b3, "expired token (valid MAC, expiry passed): 410 'expired'", "status %d" % st)
    st, _, _ = Client(base).get("/m/%s" % mid)
    ok(st == 403, "no token: 403", "status %d" % st)
    other = make_token(key, mid, "mallory@evil.example", int(parts[1]), int(parts[2]))
    st, _, _ = Client(base).get("/m/%s?t=%s" % (mid, other))
    ok(st == 403, "a token made for another address: 403", "status %d" % st)
    tb = token_of(a.link_b)
    st, _, _ = Client(base).get("/m/%s?t=%s" % (mid, tb))
    ok(st == 403, "message A's path with message B's token: 403", "status %d" % st)

    # ---------------------------------------------------------------- CSRF and the code
    st, _, _ = ca.post("/m/%s/code" % mid, {})
    ok(st == 403, "send-code without a CSRF token: 403", "status %d" % st)
    st, _, _ = ca.post("/m/%s/code" % mid, {"csrf": "0" * 64})
    ok(st == 403, "send-code with a wrong CSRF token: 403", "status %d" % st)
    st, _, body = Client(base).post("/m/%s/code" % mid, {"csrf": csrf})
    ok(st == 403, "send-code with the right CSRF token but no session cookie: 403", "status %d" % st)
    st, _, body = ca.post("/m/%s/code" % mid, {"csrf": csrf})
    ok(st == 200 and b'name="code"' in body and b'id="verify"' in body,
       "send-code: 200, the form has input name=code and button id=verify", "status %d" % st)
    csrf2 = csrf_of(body)
    runs, head = wait_code(a.sink, a.rcpt, seen)
    ok(runs is not None and len(runs) == 1 and len(runs[0]) in (6, 7, 8),
       "the code mail reaches the recipient: one run of 6-8 digits in the body", repr(runs and len(runs)))
    code_a = runs[0].decode() if runs else "000000"
    ok(head is not None and re.search(rb"(?im)^auto-submitted: auto-generated", head) is not None,
       "the code mail is Auto-Submitted: auto-generated")
    st, _, _ = ca.post("/m/%s/code" % mid, {"csrf": csrf})
    ok(st == 403, "replayed CSRF token (the landing page's form sent twice): 403", "status %d" % st)
    ok(csrf2 and csrf2 != csrf, "each form gets a fresh CSRF token")

    # a code for another message: message B's session, message A's code
    cb = Client(base)
    st, _, body, csrf_b = landing(cb, a.link_b)
    mid_b = token_of(a.link_b).split(".")[0]
    st, _, body = cb.post("/m/%s/code" % mid_b, {"csrf": csrf_b})
    csrf_b2 = csrf_of(body)
    runs_b, _ = wait_code(a.sink, a.rcpt, seen)
    code_b = runs_b[0].decode() if runs_b else "000000"
    wrong = code_a if code_a != code_b else "12345678"
    st, _, body = cb.post("/m/%s/verify" % mid_b, {"csrf": csrf_b2, "code": wrong})
    ok(st == 403 and b"not right" in body, "message A's code typed for message B: 403 'not right'", "status %d" % st)
    csrf_b3 = csrf_of(body)
    # a session of message B does not open message A
    st, _, _ = cb.get("/m/%s/view" % mid)
    ok(st == 403, "no verified session for A: its view page is 403", "status %d" % st)

    # wrong code on A, then the right one
    st, _, body = ca.post("/m/%s/verify" % mid, {"csrf": csrf2, "code": "00000000" if code_a != "00000000" else "11111111"})
    ok(st == 403 and b"not right" in body and b"more time" in body, "wrong code: 403, says how many tries are left",
       "status %d" % st)
    csrf3 = csrf_of(body)
    st, _, _ = ca.post("/m/%s/verify" % mid, {"csrf": csrf2, "code": code_a})
    ok(st == 403, "the right code with a replayed CSRF token: 403", "status %d" % st)
    st, h, body = ca.post("/m/%s/verify" % mid, {"csrf": csrf3, "code": code_a[:4] + " " + code_a[4:]})
    ok(st == 303 and header(h, "Location") == "view", "the right code (with a blank inside): 303 to view",
       "status %d" % st)

    # ---------------------------------------------------------------- the message
    st, h, page = ca.get("/m/%s/view" % mid)
    ok(st == 200, "message page: 200", "status %d" % st)
    m = re.search(rb'<h1 id="subject">(.*?)</h1>', page, re.S)
    ok(m is not None and b"Lab results" in m.group(1), "id=subject holds the subject")
    m = re.search(rb'<pre id="body">(.*?)</pre>', page, re.S)
    ok(m is not None and b"follow-up" in m.group(1), "id=body holds the text")
    ok(b"&lt;script&gt;" in page and b"<script" not in page.lower(),
       "a <script> written in the text is shown escaped, never as a tag")
    atts = re.findall(rb'<a class="attachment" href="([^"]+)"[^>]*>([^<]*)</a>', page)
    ok(len(atts) == 1 and atts[0][1] == b"lab-report.pdf", "one attachment link, class=attachment, text = file name",
       repr([x[1] for x in atts]))
    if atts:
        st, h, data = ca.get("/m/%s/%s" % (mid, atts[0][0].decode()))
        ok(st == 200 and data == pdf, "the download is byte-identical to the original PDF",
           "status %d, %d vs %d bytes" % (st, len(data), len(pdf)))
        cd = header(h, "Content-Disposition")
        ok(cd.startswith("attachment;") and "lab-report.pdf" in cd
           and header(h, "Content-Type") == "application/octet-stream",
           "download: Content-Disposition attachment with the name, application/octet-stream", cd)
        st, _, _ = Client(base).get("/m/%s/%s" % (mid, atts[0][0].decode()))
        ok(st == 403, "the download without the session: 403", "status %d" % st)
    st, _, _ = ca.get("/m/%s/a/7" % mid)
    ok(st == 404, "an attachment number that does not exist: 404", "status %d" % st)
    # the secure reply
    rcsrf = csrf_of(page)
    st, _, body = ca.post("/m/%s/reply" % mid, {"csrf": rcsrf, "reply": "Thank you, received the report.\n."})
    ok(st == 200 and b"reply was sent" in body, "secure reply: 200 'sent'", "status %d" % st)
    st, _, _ = ca.post("/m/%s/reply" % mid, {"csrf": rcsrf, "reply": "again"})
    ok(st == 403, "secure reply with a replayed CSRF token: 403", "status %d" % st)
    st, _, _ = Client(base).post("/m/%s/reply" % mid, {"csrf": rcsrf, "reply": "x"})
    ok(st == 403, "secure reply without a verified session: 403", "status %d" % st)
    got = None
    end = time.time() + 20
    while got is None and time.time() < end:
        for env in glob.glob(os.path.join(a.sink, "*.env")):
            if "to alice@example.org" in open(env).read():
                eml = open(env[:-4] + ".eml", "rb").read()
                if b"Thank you, received the report." in eml:
                    got = eml
        time.sleep(0.2)
    ok(got is not None and re.search(rb"(?im)^reply-to: <%s>" % re.escape(a.rcpt.encode()), got) is not None
       and re.search(rb"(?im)^subject: re: lab results", got) is not None,
       "the reply reaches the sender, Subject Re:, Reply-To the recipient")

    opened = [e for e in glob.glob(os.path.join(a.sink, "*.env")) if "to alice@example.org" in open(e).read()
              and b"your message was opened" in open(e[:-4] + ".eml", "rb").read()]
    ok(len(opened) == 1, "the sender is told once that the message was opened", repr(len(opened)))

    # a used code cannot open a second session
    cx = Client(base)
    st, _, body, cx_csrf = landing(cx, a.link_a)
    st, _, body = cx.post("/m/%s/verify" % mid, {"csrf": cx_csrf, "code": code_a})
    ok(st == 403, "a code already used does not open the message again: 403", "status %d" % st)

    # ---------------------------------------------------------------- HTML body (message B)
    st, h, body = cb.post("/m/%s/verify" % mid_b, {"csrf": csrf_b3, "code": code_b})
    ok(st == 303, "message B: its own code opens it", "status %d" % st)
    st, _, page = cb.get("/m/%s/view" % mid_b)
    m = re.search(rb'<pre id="body">(.*?)</pre>', page, re.S)
    ok(st == 200 and m is not None and b"Results are attached" in m.group(1),
       "an HTML body is shown as text (its words are there)", "status %d" % st)
    ok(b"<script" not in page.lower() and b"alert(" not in page and b"onerror" not in page.lower()
       and b"<img" not in page.lower(), "the HTML body's script, handler and image are not in the page at all")

    # ---------------------------------------------------------------- attempt limit (message C)
    cc = Client(base)
    st, _, body, csrf_c = landing(cc, a.link_c)
    mid_c = token_of(a.link_c).split(".")[0]
    st, _, body = cc.post("/m/%s/code" % mid_c, {"csrf": csrf_c})
    csrf_c = csrf_of(body)
    runs_c, _ = wait_code(a.sink, a.rcpt_c, seen)
    code_c = runs_c[0].decode() if runs_c else "000000"
    bad = "99999999" if code_c != "99999999" else "88888888"
    statuses = []
    for i in range(a.attempts):
        st, _, body = cc.post("/m/%s/verify" % mid_c, {"csrf": csrf_c, "code": bad})
        statuses.append(st)
        csrf_c = csrf_of(body) or csrf_c
    ok(statuses[:-1] == [403] * (a.attempts - 1) and statuses[-1] == 429,
       "%d wrong codes: 403 each, then 429 at the limit" % a.attempts, repr(statuses))
    st, _, body = Client(base).get(path_of(a.link_c))
    ok(st == 429 and b"locked" in body, "the locked link: 429 'locked', also in a new session", "status %d" % st)
    st, _, _ = cc.post("/m/%s/verify" % mid_c, {"csrf": csrf_c, "code": code_c})
    ok(st in (403, 429), "the right code after the lock does not open it", "status %d" % st)
    time.sleep(1)
    locked_notice = False
    for env in glob.glob(os.path.join(a.sink, "*.env")):
        if "to alice@example.org" in open(env).read():
            eml = open(env[:-4] + ".eml", "rb").read()
            if b"a link was locked" in eml:
                locked_notice = True
                ok(b"Lab results" not in eml and a.rcpt_c.encode() not in eml,
                   "the sender's lock notice holds no subject and no recipient address")
    ok(locked_notice, "the sender is told the link was locked")

    # ---------------------------------------------------------------- revoke (message A)
    r = subprocess.run([a.phictl, "portal", "-c", a.conf, "revoke", mid], capture_output=True, text=True)
    ok(r.returncode == 0, "phictl portal revoke ID: exit 0", r.stderr)
    st, _, body = ca.get("/m/%s/view" % mid)
    ok(st == 410 and b"withdrawn" in body, "revoked: the open session's view is 410 'withdrawn'", "status %d" % st)
    st, _, _ = Client(base).get(path_of(a.link_a))
    ok(st == 410, "revoked: the link is 410", "status %d" % st)
    r = subprocess.run([a.phictl, "portal", "-c", a.conf, "revoke", "no-such-id"], capture_output=True, text=True)
    ok(r.returncode == 1, "phictl portal revoke of an unknown id: exit 1")

    # ---------------------------------------------------------------- hostile requests
    st, _, body = ca.post("/m/%s/code" % mid_b, "csrf=" + "a" * 20000)
    ok(st == 413, "a 20 kB form body: 413", "status %d" % st)
    st, _, _ = ca.req("DELETE", "/m/%s" % mid_b)
    ok(st == 405, "DELETE: 405", "status %d" % st)
    st, _, _ = ca.get("/m/..%2f..%2fetc/view")
    ok(st == 404, "an id with ../: 404", "status %d" % st)
    st, _, _ = ca.get("/etc/passwd")
    ok(st == 404, "a path outside /m/: 404", "status %d" % st)
    st, _, _ = ca.get("/m/%s/code" % mid_b)
    ok(st == 403, "GET of a form target: 403 'start again'", "status %d" % st)
    try:
        st, _, _ = ca.get("/m/x", headers={"X-Big": "y" * 100000})
    except Exception:  # the server may close instead of answering
        st = -1
    ok(st in (-1, 400, 413, 431), "a 100 kB header: refused", "status %d" % st)
    st, _, _ = ca.get("/m/%s?t=%s" % (mid_b, "%ff%00" * 50))
    ok(st == 403, "a token of percent-encoded junk: 403", "status %d" % st)
    st, _, _ = Client(base).post("/m/%s/verify" % mid_b, "csrf=%zz&code=%")
    ok(st == 403, "a form with bad escapes: 403", "status %d" % st)
    st, _, _ = Client(base).get("/m/portal.css")
    ok(st == 200, "the portal still answers after all that")

    # ---------------------------------------------------------------- rate limit
    rl = Client(base, xff="10.9.9.9")
    sts = [rl.get("/m/portal.css")[0] for _ in range(130)]
    ok(sts[0] == 200 and sts[-1] == 429, "rate limit: a client address past portal_rate_limit a minute gets 429",
       repr(sorted(set(sts))))
    st, _, _ = Client(base, xff="10.9.9.10").get("/m/portal.css")
    ok(st == 200, "rate limit: another client address is still served", "status %d" % st)

    # ---------------------------------------------------------------- audit and logs
    audit = open(a.audit, encoding="utf-8").read()
    events = set(re.findall(r'"kind":"portal","event":"([^"]+)"', audit))
    ok({"view landing", "code request", "code check", "view message", "download"} <= events,
       "audit records for page view, code request, code check (failure and ok) and download", repr(events))
    ok('"result":"failure"' in audit and '"result":"failure: locked"' in audit, "failures and the lock are audited")
    ok(a.rcpt not in audit and a.rcpt_c not in audit and "Lab results" not in audit
       and re.search(r'"recipient":"[0-9a-f]{16}"', audit) is not None,
       "audit records hold the recipient as a keyed hash, never the address or the subject")
    plog = open(a.portal_log, encoding="utf-8", errors="replace").read()
    ok(tok not in plog and a.rcpt not in plog and code_a not in plog and "Lab results" not in plog,
       "phiportal's log holds no token, address, code or subject")

    with open(a.count_file, "w") as f:
        f.write("%d %d\n" % (N, FAILED))
    return 0


if __name__ == "__main__":
    sys.exit(main())
