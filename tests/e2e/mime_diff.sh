#!/bin/sh
# tests/e2e/mime_diff.sh - differential test of the MIME decoder against
# Python's email package (policy.default).
#
# Generates synthetic messages (multipart nesting, message/rfc822, charsets
# utf-8 / iso-8859-1 / windows-1252 / utf-16, base64 / quoted-printable /
# 8bit, RFC 2047 subjects, LF and CRLF), runs `$PHICTL extract` on each, and
# compares, for every text/plain part, the text phimilter extracted with
# what get_content() gives (line ends and trailing blanks normalised), and
# the decoded Subject with str(msg['subject']) (blank runs collapsed), and
# attachment file names (RFC 2231 / 2047) with get_filename(). When
# ../shared/corpus exists, the same comparison runs over its messages and
# the mismatch count is reported (not a failure: real mail has cases where
# Python itself is wrong). TAP on stdout; only part paths and counts are
# printed, never message text.
#
# Env: PHICTL (phictl binary), PHI_OUT (scratch dir; mktemp otherwise),
# PHI_TOP (repo top; derived from this script otherwise).
set -u
top=${PHI_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
phictl=${PHICTL:-$top/phictl}
py=/usr/bin/python3
if [ ! -x "$py" ]; then echo "1..0 # SKIP no $py"; exit 0; fi
if [ ! -x "$phictl" ]; then echo "1..1"; echo "not ok 1 - phictl binary at $phictl"; exit 1; fi
base=${PHI_OUT:-}
if [ -n "$base" ]; then mkdir -p "$base"; work=$(mktemp -d "$base/mime_diff.XXXXXX"); else work=$(mktemp -d); fi
trap 'rm -rf "$work"' EXIT INT TERM
corpus=$top/../shared/corpus

"$py" - "$phictl" "$work" "$corpus" <<'PYEOF'
import email, email.policy, json, os, random, subprocess, sys
from email.message import EmailMessage

phictl, work, corpus = sys.argv[1], sys.argv[2], sys.argv[3]
rng = random.Random(20240601)
n_test = 0
failed = 0

def tap(ok, name, diag=None):
    global n_test, failed
    n_test += 1
    print(("ok %d - %s" if ok else "not ok %d - %s") % (n_test, name))
    if not ok:
        failed += 1
        if diag:
            print("#   " + diag)
    sys.stdout.flush()

WORDS = ["patient", "clinic", "follow-up", "appointment", "caf\u00e9", "na\u00efve", "r\u00e9sum\u00e9",
         "\u00fcber", "stra\u00dfe", "\u201cquoted\u201d", "\u2013", "fianc\u00e9e", "se\u00f1or",
         "lorem", "ipsum", "dolor", "amet", "=", "=3D", "100%", "a_b", "tab\there", "end."]

def text(nwords, charset):
    out, line = [], []
    for i in range(nwords):
        w = rng.choice(WORDS)
        if charset in ("iso-8859-1",):
            w = w.encode("iso-8859-1", "replace").decode("iso-8859-1").replace("?", "x")
        if charset == "windows-1252":
            w = w.encode("cp1252", "replace").decode("cp1252").replace("?", "x")
        line.append(w)
        if rng.random() < 0.08:
            out.append(" ".join(line)); line = []
    if rng.random() < 0.2:
        line.append("x" * rng.randint(80, 200))  # long line: QP soft breaks
    out.append(" ".join(line))
    return "\n".join(out) + "\n"

def leaf(charset=None, cte=None):
    cs = charset or rng.choice(["utf-8", "utf-8", "iso-8859-1", "windows-1252", "utf-16"])
    m = EmailMessage()
    body = text(rng.randint(5, 60), cs)
    kw = {"charset": cs}
    c = cte or rng.choice([None, "base64", "quoted-printable", "8bit"])
    if cs == "utf-16" and c in ("8bit", "quoted-printable", None):
        c = "base64"
    if c:
        kw["cte"] = c
    if rng.random() < 0.3:
        kw["disposition"] = "attachment"
        kw["filename"] = rng.choice(["notes.txt", "r\u00e9sum\u00e9 du patient.txt",
                                     "\u00fcbersicht \u2013 " + "lang " * 20 + ".txt", "caf\u00e9.txt"])
    m.set_content(body, **kw)
    return m

def build(depth=0):
    r = rng.random()
    if depth >= 3 or r < 0.35:
        return leaf()
    if r < 0.5 and depth < 2:
        inner = build(depth + 1)
        inner["Subject"] = "inner " + rng.choice(WORDS)
        inner["From"] = "a@example.org"
        outer = EmailMessage()
        outer.set_content(inner)  # message/rfc822
        return outer
    m = EmailMessage()
    m.make_mixed() if rng.random() < 0.6 else m.make_alternative()
    for i in range(rng.randint(1, 4)):
        m.attach(build(depth + 1))
    return m

def imap_parts(msg, prefix=""):
    """(path, part) for every leaf, numbered like IMAP / phimilter."""
    out = []
    if msg.is_multipart() and msg.get_content_maintype() == "multipart":
        for i, p in enumerate(msg.iter_parts(), 1):
            path = prefix + str(i)
            out += child_parts(p, path)
    else:
        out.append((prefix + "1", msg))
    return out

def child_parts(p, path):
    if p.get_content_maintype() == "multipart":
        return imap_parts(p, path + ".")
    if p.get_content_type() in ("message/rfc822", "message/global"):
        inner = p.get_payload(0) if p.is_multipart() else None
        if inner is None:
            return []
        return imap_parts(inner, path + ".")
    return [(path, p)]

def norm(s):
    s = s.replace("\r\n", "\n").replace("\r", "\n")
    return "\n".join(l.rstrip() for l in s.split("\n")).rstrip()

def extract_many(paths):
    """{file: {part: text}} from one phictl run over many files."""
    out = {p: {} for p in paths}
    r = subprocess.run([phictl, "extract"] + paths, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=600)
    for line in r.stdout.decode("utf-8", "replace").splitlines():
        try:
            j = json.loads(line)
        except ValueError:
            continue
        texts = out.setdefault(j.get("file"), {})
        if j.get("filename") is not None:
            texts.setdefault("filename:" + j["part"], j["filename"])
        if j.get("part") == "0" and j.get("field") == "subject":
            texts.setdefault("subject", j["text"])
        if j.get("text") is None or j.get("field") != "none":
            continue
        if j.get("format") != "text":
            texts.setdefault(j["part"], None)  # read by a structured extractor (HL7 ...)
            continue
        texts.setdefault(j["part"], j["text"])  # the part's first free-text segment
    return r.returncode, out

def compare(path, got):
    """(parts compared, mismatched paths) of one message against got = {part: text}."""
    with open(path, "rb") as f:
        raw = f.read()
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    n, bad = 0, []
    for p_path, part in imap_parts(msg):
        fn = part.get_filename()
        if fn:
            n += 1
            if got.get("filename:" + p_path) != fn:
                bad.append("filename:" + p_path)
        if part.get_content_type() != "text/plain":
            continue
        try:
            want = part.get_content()
        except Exception:
            continue  # Python cannot decode it either
        if not isinstance(want, str) or (p_path in got and got[p_path] is None):
            continue
        n += 1
        if norm(got.get(p_path) or "") != norm(want):
            bad.append(p_path)
    if msg["subject"] is not None:
        n += 1
        if " ".join(str(msg["subject"]).split()) != " ".join((got.get("subject") or "").split()):
            bad.append("subject")
    return n, bad

# 1. generated messages
gen = []
for i in range(60):
    m = build()
    m["Subject"] = rng.choice(["plain subject", "r\u00e9sum\u00e9 of caf\u00e9 visit", "\u00fcber na\u00efve"])
    m["From"] = "Sender <s@example.org>"
    m["To"] = "r@example.net"
    data = m.as_bytes(policy=email.policy.default.clone(linesep=rng.choice(["\n", "\r\n"])))
    p = os.path.join(work, "gen%02d.eml" % i)
    with open(p, "wb") as f:
        f.write(data)
    gen.append(p)

total = mism = 0
rc, got = extract_many(gen)
crashes = rc not in (0, 1)
for p in gen:
    n, bad = compare(p, got[p])
    total += n
    mism += len(bad)
    tap(not bad, "generated %s: %d text/plain parts, filenames and subject match Python" % (os.path.basename(p), n),
        "mismatched parts: " + " ".join(bad) if bad else None)
tap(crashes == 0, "phictl extract exits cleanly on every generated message")
tap(total > 60, "generated set covers %d text/plain parts" % total)

# 2. hand-made edge cases Python and phimilter should agree on
edge = {
    "qp_soft.eml": b"Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\nlong=\nline caf=C3=A9\n",
    "b64_nopad.eml": b"Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\naGVsbG8gd29ybGQ\n",
    "latin1_8bit.eml": b"Content-Type: text/plain; charset=iso-8859-1\nContent-Transfer-Encoding: 8bit\n\ncaf\xe9\n",
    "nofinal.eml": b"Content-Type: multipart/mixed; boundary=x\n\n--x\nContent-Type: text/plain\n\none\n--x\nContent-Type: text/plain\n\ntwo\n",
    "digest.eml": b"Content-Type: multipart/digest; boundary=d\n\n--d\n\nSubject: a\n\nbody a\n--d\n\nSubject: b\n\nbody b\n--d--\n",
    "rfc822.eml": b"Content-Type: multipart/mixed; boundary=o\n\n--o\nContent-Type: text/plain\n\nouter\n--o\nContent-Type: message/rfc822\n\nSubject: in\nContent-Type: text/plain; charset=utf-8\n\ninner text\n--o--\n",
    "crlf.eml": b"Content-Type: multipart/alternative; boundary=\"b b\"\r\n\r\n--b b\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\nplain\r\n--b b  \r\nContent-Type: text/html\r\n\r\n<p>h</p>\r\n--b b--\r\n",
}
for name, data in sorted(edge.items()):
    p = os.path.join(work, name)
    with open(p, "wb") as f:
        f.write(data)
    rc, got = extract_many([p])
    n, bad = compare(p, got[p])
    tap(not bad and n > 0 and rc in (0, 1), "edge case %s: %d text/plain parts, filenames and subject match Python" % (name, n),
        "mismatched parts: " + " ".join(bad) if bad else None)

# 3. the shared corpus, when present: report, do not fail on mismatches
if os.path.isdir(corpus):
    files = []
    for d, _, fs in os.walk(corpus):
        files += [os.path.join(d, f) for f in fs if f.endswith(".eml")]
    files.sort()
    ctotal = cbad = ccrash = 0
    badfiles = []
    for k in range(0, len(files), 50):
        batch = files[k:k + 50]
        try:
            rc, got = extract_many(batch)
        except subprocess.TimeoutExpired:
            ccrash += 1
            continue
        ccrash += rc not in (0, 1)
        for p in batch:
            try:
                n, bad = compare(p, got.get(p, {}))
            except Exception:
                continue  # Python cannot parse it
            ctotal += n
            cbad += len(bad)
            if bad:
                badfiles.append(os.path.relpath(p, corpus))
    tap(ccrash == 0, "corpus: phictl extract exits cleanly on %d messages" % len(files))
    print("ok %d - corpus: %d of %d text/plain parts, filenames and subject match Python (%d mismatches) # %s"
          % (n_test + 1, ctotal - cbad, ctotal, cbad, " ".join(badfiles[:10])))
    n_test += 1
else:
    print("ok %d - corpus comparison # SKIP no corpus at %s" % (n_test + 1, corpus))
    n_test += 1

print("1..%d" % n_test)
sys.exit(1 if failed else 0)
PYEOF
rc=$?
rm -rf "$work"
exit $rc
