#!/usr/bin/env python3
"""tests/hostile/gen.py OUTDIR [CANARY_FILE]: write the hostile messages.

Every case is one RFC 5322 message OUTDIR/<name>.eml built here from
synthetic bytes (no real person's data), and one line of OUTDIR/cases.tsv:

    name <TAB> expect <TAB> what it is

expect is `unscannable` when the scan must report an unscannable finding (a
limit was hit, something could not be read), or `verdict` when any verdict
(clean, pii, phi) is acceptable. tests/e2e/hostile.sh runs `phictl scan
--json` over each under a time and memory ceiling.

CANARY_FILE is the path the external-entity cases point at (a file that
holds a marker which must never appear in a scan result); its contents
are written by the driver, not here.
"""
import base64, io, os, struct, sys, zipfile, zlib

out = sys.argv[1]
canary = sys.argv[2] if len(sys.argv) > 2 else "/nonexistent/canary"
os.makedirs(out, exist_ok=True)
cases = []

HDR = ("From: Alice Example <alice@example.org>\r\n"
       "To: Bob Outside <bob@outside.example>\r\n"
       "Date: Tue, 01 Dec 2026 10:00:00 +0000\r\n"
       "Message-ID: <hostile-%s@example.org>\r\n"
       "MIME-Version: 1.0\r\n")


def b64(data):
    s = base64.b64encode(data)
    return b"\r\n".join(s[i:i + 76] for i in range(0, len(s), 76)) + b"\r\n"


def attach(name, parts, subject):
    """parts: list of (content_type, filename or None, raw bytes)."""
    o = io.BytesIO()
    o.write((HDR % name).encode())
    o.write(("Subject: %s\r\nContent-Type: multipart/mixed; boundary=\"hb\"\r\n\r\n" % subject).encode())
    o.write(b"--hb\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\nSee the attachment.\r\n")
    for ctype, fname, data in parts:
        o.write(b"--hb\r\nContent-Type: " + ctype.encode())
        if fname:
            o.write(b"; name=\"" + fname.encode() + b"\"\r\nContent-Disposition: attachment; filename=\""
                    + fname.encode() + b"\"")
        o.write(b"\r\nContent-Transfer-Encoding: base64\r\n\r\n" + b64(data))
    o.write(b"--hb--\r\n")
    return o.getvalue()


def put(name, expect, what, data):
    with open(os.path.join(out, name + ".eml"), "wb") as f:
        f.write(data)
    cases.append((name, expect, what))


# ---------------------------------------------------------------- ZIP, by hand
def zip_local(name, method, crc, csize, usize):
    n = name.encode()
    return struct.pack("<IHHHHHIIIHH", 0x04034b50, 20, 0, method, 0, 0x21, crc, csize, usize, len(n), 0) + n


def zip_central(name, method, crc, csize, usize, off):
    n = name.encode()
    return struct.pack("<IHHHHHHIIIHHHHHII", 0x02014b50, 20, 20, 0, method, 0, 0x21, crc, csize, usize,
                       len(n), 0, 0, 0, 0, 0, off) + n


def zip_eocd(count, cdsize, cdoff):
    return struct.pack("<IHHHHIIH", 0x06054b50, 0, 0, count, count, cdsize, cdoff, 0)


def deflate_zeros(n):
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    chunk = bytes(1 << 20)
    parts = [c.compress(chunk) for _ in range(n >> 20)]
    parts.append(c.flush())
    return b"".join(parts), crc_zeros(n)


def crc_zeros(n):
    crc, chunk = 0, bytes(1 << 20)
    for _ in range(n >> 20):
        crc = zlib.crc32(chunk, crc)
    return crc


def zip_of(entries):
    """entries: (name, method, raw, crc, usize) -> a ZIP archive."""
    o, cd = io.BytesIO(), io.BytesIO()
    for name, method, raw, crc, usize in entries:
        off = o.tell()
        o.write(zip_local(name, method, crc, len(raw), usize) + raw)
        cd.write(zip_central(name, method, crc, len(raw), usize, off))
    cdoff = o.tell()
    o.write(cd.getvalue() + zip_eocd(len(entries), len(cd.getvalue()), cdoff))
    return o.getvalue()


LEAF = 64 << 20
leaf_raw, leaf_crc = deflate_zeros(LEAF)


def nested(depth, fan):
    if depth == 0:
        return zip_of([("zeros%d.txt" % i, 8, leaf_raw, leaf_crc, LEAF) for i in range(fan)])
    inner = nested(depth - 1, fan)
    crc = zlib.crc32(inner)
    return zip_of([("level%d_%d.zip" % (depth, i), 0, inner, crc, len(inner)) for i in range(fan)])


# 2^6 leaves of 64 MiB zeros each, two per archive, five archive levels: 8 GiB unpacked
put("zip_nested_bomb", "unscannable", "nested zip bomb: 6 levels, fan-out 2, 128 leaves of 64 MiB zeros",
    attach("zip_nested_bomb", [("application/zip", "records.zip", nested(5, 2))], "Nested archive"))

# A chain of 60 zips, each holding the next: deeper than max_depth.
z = zip_of([("note.txt", 0, b"Follow-up in clinic.\n", zlib.crc32(b"Follow-up in clinic.\n"), 21)])
for i in range(60):
    z = zip_of([("deeper%d.zip" % i, 0, z, zlib.crc32(z), len(z))])
put("zip_deep_chain", "unscannable", "60 zips, each inside the next",
    attach("zip_deep_chain", [("application/zip", "chain.zip", z)], "Deep archive"))

# Overlapping entries: one local file (64 MiB of zeros, deflated) that 1500
# central-directory entries all point at (16 GiB read through the same bytes),
# plus entries whose data ranges overlap the central directory itself.
n_over = 1500
local = zip_local("a.txt", 8, leaf_crc, len(leaf_raw), LEAF) + leaf_raw
cd = b"".join(zip_central("copy%04d.txt" % i, 8, leaf_crc, len(leaf_raw), LEAF, 0) for i in range(n_over))
# one entry whose stored size runs over the central directory and the end record
cd += zip_central("overrun.bin", 0, 0, 0x7fffffff, 0x7fffffff, 0)
cd += zip_central("past_end.bin", 0, 0, 10, 10, 0x7ffffff0)
zo = local + cd + zip_eocd(n_over + 2, len(cd), len(local))
put("zip_overlap", "unscannable", "ZIP whose 1500 central entries share one 64 MiB local entry, plus lying sizes",
    attach("zip_overlap", [("application/zip", "shared.zip", zo)], "Shared archive"))

# ---------------------------------------------------------------- XML: laughs and entities
LAUGHS = ('<!ENTITY lol0 "lol">' + "".join('<!ENTITY lol%d "%s">' % (i, ("&lol%d;" % (i - 1)) * 10)
                                          for i in range(1, 10)))
XXE = ('<!ENTITY xxe SYSTEM "file://%s">'
       '<!ENTITY net SYSTEM "http://127.0.0.1:9/phi-hostile.dtd">'
       '<!ENTITY %% remote SYSTEM "http://127.0.0.1:9/remote.dtd">%%remote;'
       '<!ENTITY %% file SYSTEM "file://%s">%%file;') % (canary, canary)


def doctype(root):
    return '<?xml version="1.0"?><!DOCTYPE %s [%s%s]>' % (root, LAUGHS, XXE)


def docx(body_xml):
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml",
                    '<?xml version="1.0"?><!DOCTYPE Types [<!ENTITY xxe SYSTEM "file://%s">]>'
                    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                    '<Default Extension="xml" ContentType="application/xml"/>&xxe;</Types>' % canary)
        zf.writestr("word/document.xml", body_xml)
    return b.getvalue()


W = ('<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
     '<w:p><w:r><w:t>Clinic letter &lol9; &xxe; &net;</w:t></w:r></w:p>'
     '<w:p><w:r><w:t>%s</w:t></w:r></w:p></w:body></w:document>')
put("docx_laughs_xxe", "verdict", "DOCX: billion laughs, file and http external entities",
    attach("docx_laughs_xxe", [("application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                                "letter.docx", docx((doctype("w:document") + W % ("&lol9;" * 50)).encode()))],
           "Clinic letter"))

CDA = ('<ClinicalDocument xmlns="urn:hl7-org:v3"><templateId root="2.16.840.1.113883.10.20.22.1.1"/>'
       '<recordTarget><patientRole><id root="2.16.840.1.113883.19.5" extension="&xxe;"/>'
       '<patient><name><given>&lol9;</given><family>&net;</family></name></patient>'
       '</patientRole></recordTarget><component><structuredBody><component><section>'
       '<text>&lol9;&lol9;&lol9; &xxe;</text></section></component></structuredBody></component>'
       '</ClinicalDocument>')
put("ccda_laughs_xxe", "verdict", "C-CDA: billion laughs, file and http external entities",
    attach("ccda_laughs_xxe", [("application/xml", "summary.xml", (doctype("ClinicalDocument") + CDA).encode()),
                               ("text/xml", "ccd.xml", (doctype("ClinicalDocument") + CDA).encode())],
           "Care summary"))

# ---------------------------------------------------------------- PDF
def pdf(objs, trailer, xref_loop=False):
    o = io.BytesIO()
    o.write(b"%PDF-1.7\n")
    offs = []
    for i, b in enumerate(objs, 1):
        offs.append(o.tell())
        o.write(b"%d 0 obj\n" % i + b + b"\nendobj\n")
    x = o.tell()
    o.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1))
    for off in offs:
        o.write(b"%010d 00000 n \n" % off)
    t = trailer
    if xref_loop:
        t = t[:-2] + b" /Prev %d >>" % x   # the xref's previous section is itself
    o.write(b"trailer\n" + t + b"\nstartxref\n%d\n%%%%EOF\n" % x)
    return o.getvalue()


def stream(dict_body, data):
    return b"<< " + dict_body + b" /Length %d >>\nstream\n" % len(data) + data + b"\nendstream"


form = b"q /X1 Do Q BT /F1 12 Tf (loop) Tj ET"
selfref = pdf([
    b"<< /Type /Catalog /Pages 2 0 R /Outlines 7 0 R /AcroForm << /Fields [8 0 R] >> >>",
    b"<< /Type /Pages /Kids [2 0 R 3 0 R 2 0 R] /Count 3 /Parent 2 0 R >>",
    b"<< /Type /Page /Parent 2 0 R /Contents [4 0 R 4 0 R 6 0 R] /Resources 5 0 R >>",
    b"<< /Length 4 0 R /Filter /FlateDecode /DecodeParms 4 0 R >>\nstream\nx\nendstream",
    b"<< /Font << /F1 5 0 R >> /XObject << /X1 6 0 R >> /Parent 5 0 R >>",
    stream(b"/Type /XObject /Subtype /Form /Resources 5 0 R", form),
    b"<< /First 7 0 R /Last 7 0 R /Next 7 0 R /Title (x) >>",
    b"<< /Kids [8 0 R] /Parent 8 0 R /T (f) /V 8 0 R >>",
    b"<< /Type /ObjStm /N 2 /First 4 /Extends 9 0 R /Length 9 0 R >>\nstream\n9 0 10 0 9 0 R\nendstream",
], b"<< /Root 1 0 R /Size 10 >>", xref_loop=True)
put("pdf_selfref", "verdict", "PDF: pages, resources, forms, outlines, lengths and xref /Prev that point at themselves",
    attach("pdf_selfref", [("application/pdf", "loop.pdf", selfref)], "Looping PDF"))

big_raw, _ = deflate_zeros(512 << 20)  # 512 MiB of zeros in ~500 KiB
text_stream = b"BT /F1 10 Tf 72 700 Td " + b"(clinic follow up note) Tj T* " * 400000 + b"ET"  # ~12 MB raw
huge = pdf([
    b"<< /Type /Catalog /Pages 2 0 R >>",
    b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    b"<< /Type /Page /Parent 2 0 R /Contents [4 0 R 5 0 R] >>",
    stream(b"/Filter /FlateDecode", big_raw),
    stream(b"", text_stream),
], b"<< /Root 1 0 R /Size 6 >>")
# and a stream whose /Length says 2 GB
huge += b"6 0 obj\n<< /Length 2147483647 >>\nstream\n" + b"A" * 1000 + b"\n%%EOF\n"
put("pdf_huge_streams", "unscannable", "PDF: 512 MiB flate bomb stream, a 12 MB content stream, a 2 GB /Length",
    attach("pdf_huge_streams", [("application/pdf", "big.pdf", huge)], "Big PDF"))

# ---------------------------------------------------------------- headers
line = (b"X-Long: " + b"patient follow up clinic note 0123456789 " * (50000000 // 41 + 1) + b"\r\n")
put("header_50mb_line", "unscannable", "one header line of 50 MB, unfolded",
    (HDR % "header_50mb_line").encode() + b"Subject: long header\r\n" + line +
    b"Content-Type: text/plain\r\n\r\nShort body.\r\n")

nul = ((HDR % "header_nul").encode() +
       b"Subject: Pati\x00ent \x00follow\x00-up\r\n"
       b"X-Nul\x00Name: value\r\n"
       b"\x00\x00\x00\x00: only nuls\r\n"
       b"Content-Type: multipart/mixed; boundary=\"a\x00b\"; name=\"f\x00.txt\"\r\n"
       b"Content-Disposition: attachment; filename=\"re\x00port.pdf\"\r\n"
       b"\r\n--a\x00b\r\nContent-Type: text/plain\x00; charset=\"utf\x008\"\r\n\r\nbody\x00text\r\n"
       b"--a\x00b--\r\n\x00\x00\x00\r\n")
put("header_nul", "verdict", "NUL bytes in header names, values, parameters and the boundary", nul)

# ---------------------------------------------------------------- MIME structure
o = io.BytesIO()
o.write((HDR % "mime_100k_parts").encode() + b"Subject: many parts\r\nContent-Type: multipart/mixed; boundary=\"p\"\r\n\r\n")
for i in range(100000):
    o.write(b"--p\r\nContent-Type: text/plain\r\n\r\npart %d\r\n" % i)
o.write(b"--p--\r\n")
put("mime_100k_parts", "unscannable", "100 000 MIME parts", o.getvalue())

o = io.BytesIO()
o.write((HDR % "mime_1000_deep").encode() + b"Subject: deep\r\n")
for i in range(1000):
    o.write(b"Content-Type: multipart/mixed; boundary=\"d%d\"\r\n\r\n--d%d\r\n" % (i, i))
o.write(b"Content-Type: text/plain\r\n\r\ninnermost\r\n")
for i in reversed(range(1000)):
    o.write(b"--d%d--\r\n" % i)
put("mime_1000_deep", "unscannable", "multipart nested 1000 deep", o.getvalue())

# ---------------------------------------------------------------- encodings
bad_utf8 = (b"overlong \xc0\xaf \xe0\x80\xaf, surrogate \xed\xa0\x80, 5-byte \xf8\x88\x80\x80\x80, "
            b"lone cont \x80\xbf, cut \xe2\x82, max \xf4\x90\x80\x80, ff \xff\xfe\r\n")
u16_bad = (b"\xff\xfe" + "clinic ".encode("utf-16-le") + b"\x00\xd8" + b"A\x00" + b"\x00\xdc\x00\xdc" +
           "note".encode("utf-16-le") + b"X")  # lone high, lone lows, odd length
u16be = b"\xfe\xff" + b"\xd8\x00\xd8\x00" + "follow up".encode("utf-16-be") + b"\x00"
o = io.BytesIO()
o.write((HDR % "charset_invalid").encode())
o.write(b"Subject: =?utf-8?B?wK/toIA=?= =?utf-16?B?2AA=?= =?utf-16le?Q?=00=D8?= raw \xff\xfe\xc0\r\n")
o.write(b"X-Raw: " + bad_utf8)
o.write(b"Content-Type: multipart/mixed; boundary=\"cs\"\r\n\r\n")
o.write(b"--cs\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" + bad_utf8 * 200)
o.write(b"--cs\r\nContent-Type: text/plain; charset=utf-16\r\nContent-Transfer-Encoding: base64\r\n\r\n" + b64(u16_bad * 100))
o.write(b"--cs\r\nContent-Type: text/plain; charset=utf-16be\r\nContent-Transfer-Encoding: base64\r\n\r\n" + b64(u16be))
o.write(b"--cs\r\nContent-Type: text/plain; charset=utf-16le\r\n\r\n" + u16_bad + b"\r\n")
o.write(b"--cs\r\nContent-Type: text/plain; charset=utf-32\r\nContent-Transfer-Encoding: base64\r\n\r\n" + b64(b"\x00\x00\x11\x00" * 9 + b"\x01"))
o.write(b"--cs\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>&#xD800; &#0; &#x110000; &#99999999999; \xc0\x80</p>\r\n")
o.write(b"--cs\r\nContent-Type: application/json; charset=utf-8\r\n\r\n{\"a\":\"\\uD800\\uDC00\\uDFFF\\u0000\xff\"}\r\n")
o.write(b"--cs\r\nContent-Type: text/csv; charset=utf-16\r\nContent-Disposition: attachment; filename*=utf-8''%FF%FE%C0%AF.csv\r\n"
        b"Content-Transfer-Encoding: base64\r\n\r\n" + b64(u16_bad))
o.write(b"--cs\r\nContent-Type: text/plain; charset=x-no-such-charset\r\n\r\n\xfe\xfe text\r\n")
o.write(b"--cs--\r\n")
put("charset_invalid", "verdict", "invalid UTF-8 and UTF-16 in headers, RFC 2047 words, bodies, HTML, JSON, CSV, file names",
    o.getvalue())

o = io.BytesIO()
o.write((HDR % "base64_garbage").encode() + b"Subject: bad base64\r\nContent-Type: multipart/mixed; boundary=\"g\"\r\n\r\n")
garbage = [
    b"!!!!****====QUJD====RE=VG\x00\xff\x80%%%%\r\n" * 500,
    b"QUJD" * 2000000 + b"\r\n",  # one 8 MB base64 line
    b"=" * 10000 + b"\r\n",
    b"QQ\r\nQ\r\nQ\r\n===\r\nQUJDRA\r\n" * 1000,
    bytes(range(256)) * 100,
]
for g in garbage:
    o.write(b"--g\r\nContent-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n\r\n" + g + b"\r\n")
o.write(b"--g\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
        b"=ZZ=0=\r\n=4=\r\n" * 1000 + b"=")
o.write(b"\r\n--g\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: x-uuencode\r\n\r\nbegin 644 a\r\n\xff\xff\r\n")
o.write(b"--g--\r\n")
put("base64_garbage", "verdict", "base64 and quoted-printable with garbage, padding in the middle, an 8 MB line", o.getvalue())


# ---------------------------------------------------------------- DICOM
def el(g, e, vr, val, length=None):
    n = len(val) if length is None else length
    if vr in (b"OB", b"OW", b"SQ", b"UN", b"UT", b"OF"):
        return struct.pack("<HH", g, e) + vr + b"\0\0" + struct.pack("<I", n) + val
    return struct.pack("<HH", g, e) + vr + struct.pack("<H", n & 0xffff) + val


def dcm(body, meta_len=None, ts=b"1.2.840.10008.1.2.1\0"):
    meta = el(2, 0x10, b"UI", ts)
    gl = len(meta) if meta_len is None else meta_len
    return b"\0" * 128 + b"DICM" + struct.pack("<HH", 2, 0) + b"UL" + struct.pack("<HI", 4, gl) + meta + body


dicoms = [
    dcm(el(0x10, 0x10, b"PN", b"Roe^Jane", 0xfff0)),                       # 16-bit length past the end
    dcm(el(0x10, 0x20, b"UN", b"ABCD", 0xfffffff0)),                       # 32-bit length past the end
    dcm(el(0x8, 0x1030, b"LO", b"CT") + el(0x7fe0, 0x10, b"OB", b"\0" * 64, 0x7fffffff)),
    dcm(b"", meta_len=0xffffffff),                                          # group length lies
    dcm(b"".join(struct.pack("<HH", 0x40, 0x275) + b"SQ\0\0" + struct.pack("<I", 0xffffffff) +
                 struct.pack("<HHI", 0xfffe, 0xe000, 0xffffffff) for _ in range(20000))),  # 20 000-deep undefined lengths
    dcm(struct.pack("<HHI", 0x10, 0x10, 0xfffffff0) + b"Roe", ts=b"1.2.840.10008.1.2\0"),  # implicit VR, lying
    dcm(el(0x10, 0x10, b"PN", b"Roe", 3) + b"\x10"),                        # odd length, truncated tag
    dcm(b"".join(el(0x10, 0x1000 + (i & 0xff), b"LO", b"X") for i in range(50000))),
]
put("dicom_lying_lengths", "verdict", "DICOM: 16/32-bit lengths past the end, lying group length, 20 000-deep sequences",
    attach("dicom_lying_lengths", [("application/dicom", "img%d.dcm" % i, d) for i, d in enumerate(dicoms)],
           "Images"))

with open(os.path.join(out, "cases.tsv"), "w") as f:
    for c in cases:
        f.write("\t".join(c) + "\n")
