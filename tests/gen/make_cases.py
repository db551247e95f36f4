#!/usr/bin/env python3
"""make_cases.py OUTDIR [--seed N] [--n N]

A held-out-style test set of labelled outbound mail, invented here (no corpus
file is read or copied): OUTDIR/manifest.jsonl in the corpus's format
(file, stratum, expect phi/pii/clean, types, source "generated", why) and
OUTDIR/<stratum>/<stratum>-<hash>.eml.

It varies what the corpus README says varies (letter kinds, labels, date
formats, names of many origins, Spanish letters, MIME shapes: plain, QP,
base64, latin-1, alternative, HTML-only, RFC 2047 subjects, RFC 2231 file
names, quoted replies, inline and message/rfc822 forwards; attachments CSV,
XLSX, DOCX with split runs, PDF, RTF, iCalendar, vCard, PNG/JPEG text) and
adds hard negatives that look like PHI but name no patient. `types` lists
only what a good detector must report. Python 3 standard library only.
"""
import argparse, base64, datetime, hashlib, io, json, os, random, struct, sys, zipfile, zlib
from email import policy
from email.header import Header
from email.message import EmailMessage
from email.mime.base import MIMEBase
from email.mime.message import MIMEMessage
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import formatdate, make_msgid
from email import encoders

R = random.Random(7)

FIRST = ["Amara", "Bogdan", "Chiara", "Dmitri", "Esperanza", "Farid", "Guadalupe", "Hiroshi", "Ingrid",
         "Jamal", "Kateryna", "Lakshmi", "Mateo", "Nkechi", "Oksana", "Priyanka", "Quentin", "Rosalind",
         "Siobhan", "Tariq", "Ulrike", "Valentina", "Wei", "Ximena", "Yusuf", "Zofia", "Thandiwe",
         "Bartholomew", "Mei", "Aleksander", "Fatima", "Kwame", "Soo-jin", "Declan", "Anneliese",
         "Rafael", "Nadia", "Orlando", "Pilar", "Henrik"]
FIRST_ACC = ["José", "Inés", "Zoë", "Renée", "Björn", "Çelik", "Łucja", "Ángel", "Noémie", "Joaquín"]
LAST = ["Okonkwo", "Kowalczyk", "Nakamura", "Papadakis", "Haddad", "Lindqvist", "Mahlangu", "Varga",
        "Castellanos", "Thorsen", "Abernathy", "Oyelaran", "Petrovic", "Szymanski", "Tanaka", "Bhattacharya",
        "Quispe", "Achterberg", "Dlamini", "Fitzgerald", "McAllister", "O'Sullivan", "Van der Berg",
        "Al-Masri", "Nguyen", "Hernandez-Ruiz", "Kaur", "Yilmaz", "Ivanova", "Delacroix", "Mwangi",
        "Rasmussen", "Ferreira", "Obi", "Zielinski", "Moreau", "Lindgren", "Acheampong", "Brennan", "Sato"]
LAST_ACC = ["Muñoz", "García", "Gómez", "Müller", "Jiménez", "Peña", "Sørensen", "Dvořák", "Álvarez", "Núñez"]

STAFF = ["Dr. Helen Marsh", "Dr. Omar Rahimi", "Karen Bell, RN", "Dr. Lucia Ferraro", "Tom Whitaker, PA-C",
         "Dr. Grace Achebe", "Nina Park, MSW"]
CLINICS = [("Lakeshore Internal Medicine", "lakeshore-im.example.com"),
           ("Blue Ridge Pediatrics", "blueridgepeds.example.org"),
           ("Harbor View Cardiology", "harborcardio.example.net"),
           ("Sunrise Family Health", "sunrisefh.example.com"),
           ("Clínica San Rafael", "clinicasanrafael.example.org"),
           ("Pinecrest Skilled Nursing", "pinecrest-snf.example.com"),
           ("Meridian Behavioral Health", "meridianbh.example.org")]
OUTSIDE = ["referrals@partnerhospital.example.net", "claims@insurer.example.com", "j.doe.attorney@lawfirm.example.com",
           "pharmacy@corner-rx.example.net", "someone@gmail.example.com", "hr@school-district.example.org",
           "notifications@socialnet.example.com", "reply+abc123@chat.example.net", "case.manager@county.example.gov"]

COND = ["atrial fibrillation", "chronic obstructive pulmonary disease", "rheumatoid arthritis", "migraine",
        "gestational diabetes", "major depressive disorder", "sickle cell disease", "celiac disease",
        "Crohn's disease", "lupus", "psoriasis", "gout", "iron deficiency anemia", "kidney stones",
        "obstructive sleep apnea", "ADHD", "bipolar disorder", "opioid use disorder", "melanoma",
        "prostate cancer", "multiple sclerosis", "Parkinson's disease", "epilepsy", "glaucoma",
        "osteoporosis", "hypothyroidism", "chronic kidney disease stage 3", "congestive heart failure",
        "type 2 diabetes", "hypertension", "asthma", "breast cancer", "pneumonia", "cellulitis",
        "generalized anxiety disorder", "HIV", "hepatitis C", "alcohol use disorder", "endometriosis",
        "diverticulitis"]
DRUG = ["apixaban 5 mg", "levothyroxine 75 mcg", "sertraline 50 mg", "buprenorphine/naloxone", "adalimumab",
        "methotrexate", "albuterol inhaler", "prednisone 20 mg", "gabapentin 300 mg", "tamsulosin",
        "omeprazole 40 mg", "montelukast", "hydroxychloroquine", "lamotrigine", "lithium carbonate",
        "insulin lispro", "metformin 1000 mg", "atorvastatin 40 mg", "lisinopril 10 mg", "escitalopram"]
ICD = ["E11.9", "I10", "J45.909", "I48.91", "F32.1", "M06.9", "K50.90", "G43.909", "N18.3", "E03.9",
       "F41.1", "C50.911", "J44.1", "I50.9", "M81.0"]
COND_ES = ["diabetes tipo 2", "hipertensión arterial", "asma", "depresión", "cáncer de mama",
           "insuficiencia cardíaca", "embarazo de alto riesgo", "artritis reumatoide", "hipotiroidismo"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]
MESES = ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre",
         "octubre", "noviembre", "diciembre"]


def pick(xs):
    return R.choice(xs)


def person(accents=None):
    acc = R.random() < 0.25 if accents is None else accents
    f = pick(FIRST_ACC) if acc and R.random() < 0.5 else pick(FIRST)
    l = pick(LAST_ACC) if acc else pick(LAST)
    return f, l


def birth():
    return datetime.date(R.randint(1931, 2019), R.randint(1, 12), R.randint(1, 28))


def fmt_date(d, style=None):
    s = style if style is not None else R.randrange(11)
    if s == 0:
        return d.strftime("%m/%d/%Y")
    if s == 1:
        return "%d/%d/%s" % (d.month, d.day, d.strftime("%y"))
    if s == 2:
        return d.isoformat()
    if s == 3:
        return "%s %d, %d" % (MONTHS[d.month - 1], d.day, d.year)
    if s == 4:
        return "%d %s %d" % (d.day, MONTHS[d.month - 1], d.year)
    if s == 5:
        return d.strftime("%d-%b-%Y")
    if s == 6:
        return "%s. %d, %d" % (MONTHS[d.month - 1][:3], d.day, d.year)
    if s == 7:
        return d.strftime("%m-%d-%Y")
    if s == 8:
        return d.strftime("%Y%m%d")
    if s == 9:
        return "%s %d%s, %d" % (MONTHS[d.month - 1], d.day, "th" if 4 <= d.day <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(d.day % 10, "th"), d.year)
    return d.strftime("%d.%m.%Y") if d.day > 12 else d.strftime("%m/%d/%Y")


def fecha(d):
    s = R.randrange(3)
    if s == 0:
        return "%d de %s de %d" % (d.day, MESES[d.month - 1], d.year)
    if s == 1:
        return d.strftime("%d/%m/%Y") if d.day > 12 else d.strftime("%m/%d/%Y")
    return d.isoformat()


def luhn_complete(prefix, n):
    ds = [int(c) for c in prefix] + [R.randrange(10) for _ in range(n - len(prefix) - 1)]
    for chk in range(10):
        t = ds + [chk]
        s = 0
        for i, v in enumerate(reversed(t)):
            if i % 2:
                v *= 2
                if v > 9:
                    v -= 9
            s += v
        if s % 10 == 0:
            return "".join(map(str, t))


def not_luhn(prefix, n):
    x = luhn_complete(prefix, n)
    return x[:-1] + str((int(x[-1]) + 3) % 10)


def ssn():
    while True:
        a = R.randint(1, 899)
        if a == 666:
            continue
        return "%03d-%02d-%04d" % (a, R.randint(1, 99), R.randint(1, 9999))


def aba():
    while True:
        d = [R.choice([0, 1, 2, 3]), R.randrange(10)] + [R.randrange(10) for _ in range(6)]
        if d[0] == 1 and d[1] > 2:
            d[1] = 1
        if d[0] == 0 and d[1] == 0:
            d[1] = 2
        if d[0] == 3:
            d = [2, 6] + d[2:]
        w = [3, 7, 1, 3, 7, 1, 3, 7]
        s = sum(a * b for a, b in zip(d, w))
        for c in range(10):
            if (s + c) % 10 == 0:
                return "".join(map(str, d + [c]))


MBI_L = "ACDEFGHJKMNPQRTUVWXY"


def mbi(dashes=False):
    al = lambda: R.choice(MBI_L)
    an = lambda: R.choice(MBI_L + "0123456789")
    dg = lambda: R.choice("0123456789")
    s = str(R.randint(1, 9)) + al() + an() + dg() + al() + an() + dg() + al() + al() + dg() + dg()
    return s[:4] + "-" + s[4:7] + "-" + s[7:] if dashes else s


def npi():
    while True:
        base = str(R.choice([1, 2])) + "".join(str(R.randrange(10)) for _ in range(8))
        for c in range(10):
            cand = base + str(c)
            t = "80840" + cand
            s = 0
            for i, v in enumerate(reversed([int(x) for x in t])):
                if i % 2:
                    v *= 2
                    if v > 9:
                        v -= 9
                s += v
            if s % 10 == 0:
                return cand


def dea(last):
    while True:
        d = [R.randrange(10) for _ in range(6)]
        s = d[0] + d[2] + d[4] + 2 * (d[1] + d[3] + d[5])
        return R.choice("ABFM") + last[0].upper() + "".join(map(str, d)) + str(s % 10)


def mrn():
    return R.choice(["", "", "MR", "E", "00"]) + str(R.randint(100000, 99999999))


def member_id():
    return R.choice(["W", "XJH", "MBR", "ZGP", ""]) + str(R.randint(10000000, 999999999))


def phone():
    return "%d%d%d-%d%d%d-%04d" % (R.randint(2, 9), R.randint(0, 8), R.randint(0, 9), R.randint(2, 9),
                                   R.randint(0, 9), R.randint(2, 9), R.randint(0, 9999))


def sig(clinic, who=None):
    name, dom = clinic
    who = who or pick(STAFF)
    lines = ["", "--", who, name, "%d %s %s, %s, %s %05d" % (R.randint(10, 9999), pick(["Oak", "Elm", "Cedar", "Maple", "Harbor", "Summit"]),
                                                            pick(["Street", "Ave", "Blvd", "Road", "Drive"]),
                                                            pick(["Springfield", "Fairview", "Riverton", "Lakewood"]),
                                                            pick(["OH", "CA", "TX", "NY", "WA", "GA"]), R.randint(10000, 99999)),
             "Tel %s | Fax %s" % (phone(), phone())]
    if R.random() < 0.3:
        lines.append("NPI %s" % npi())
    if R.random() < 0.3:
        lines.append("CONFIDENTIALITY NOTICE: This e-mail may contain protected health information. "
                     "If you received it in error, notify the sender and delete it.")
    return "\n".join(lines)


# ---------------------------------------------------------------- attachments

def docx(paragraphs, split=True):
    def runs(p):
        if not split or len(p) < 6:
            return '<w:r><w:t xml:space="preserve">%s</w:t></w:r>' % esc(p)
        cuts = sorted(R.sample(range(1, len(p)), min(3, len(p) - 1)))
        parts, last = [], 0
        for c in cuts + [len(p)]:
            parts.append(p[last:c])
            last = c
        return "".join('<w:r><w:rPr><w:b w:val="%d"/></w:rPr><w:t xml:space="preserve">%s</w:t></w:r>' % (i % 2, esc(x))
                       for i, x in enumerate(parts))
    body = "".join("<w:p>%s</w:p>" % runs(p) for p in paragraphs)
    doc = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
           '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>%s</w:body></w:document>' % body)
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                   '<Default Extension="xml" ContentType="application/xml"/>'
                   '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
        z.writestr("_rels/.rels", '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                   '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>')
        z.writestr("word/document.xml", doc)
    return b.getvalue()


def esc(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def col(i):
    return chr(ord("A") + i)


def xlsx(rows):
    ss, idx = [], {}
    def si(v):
        if v not in idx:
            idx[v] = len(ss)
            ss.append(v)
        return idx[v]
    xr = []
    for r, row in enumerate(rows, 1):
        cells = "".join('<c r="%s%d" t="s"><v>%d</v></c>' % (col(c), r, si(str(v))) for c, v in enumerate(row))
        xr.append('<row r="%d">%s</row>' % (r, cells))
    sheet = ('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
             '<sheetData>%s</sheetData></worksheet>' % "".join(xr))
    sst = ('<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="%d" uniqueCount="%d">%s</sst>'
           % (len(ss), len(ss), "".join("<si><t>%s</t></si>" % esc(x) for x in ss)))
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                   '<Default Extension="xml" ContentType="application/xml"/>'
                   '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
                   '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                   '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
        z.writestr("_rels/.rels", '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                   '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        z.writestr("xl/workbook.xml", '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                   'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>')
        z.writestr("xl/_rels/workbook.xml.rels", '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                   '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
                   '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>')
        z.writestr("xl/sharedStrings.xml", sst)
        z.writestr("xl/worksheets/sheet1.xml", sheet)
    return b.getvalue()


def csv_bytes(rows, sep=","):
    out = []
    for row in rows:
        out.append(sep.join('"%s"' % v if (sep in str(v) or R.random() < 0.2) else str(v) for v in row))
    return ("\r\n".join(out) + "\r\n").encode("utf-8")


def pdf_escape(s):
    return s.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def pdf(lines, fields=None, info=None, flate=True):
    """A simple one-page PDF; optional AcroForm fields (name -> value) and /Info."""
    content = "BT /F1 11 Tf 50 760 Td 14 TL\n" + "".join("(%s) '\n" % pdf_escape(l.encode("latin-1", "replace").decode("latin-1")) for l in lines) + "ET\n"
    cb = content.encode("latin-1", "replace")
    objs = []
    objs.append("<< /Type /Catalog /Pages 2 0 R%s >>" % (" /AcroForm << /Fields [%s] >>" % " ".join("%d 0 R" % (6 + i) for i in range(len(fields))) if fields else ""))
    objs.append("<< /Type /Pages /Kids [3 0 R] /Count 1 >>")
    objs.append("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R%s >>"
                % (" /Annots [%s]" % " ".join("%d 0 R" % (6 + i) for i in range(len(fields))) if fields else ""))
    if flate:
        z = zlib.compress(cb)
        objs.append(("<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(z)).encode() + z + b"\nendstream")
    else:
        objs.append(("<< /Length %d >>\nstream\n" % len(cb)).encode() + cb + b"\nendstream")
    objs.append("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    for k, v in (fields or {}).items():
        objs.append("<< /Type /Annot /Subtype /Widget /FT /Tx /T (%s) /V (%s) /Rect [0 0 0 0] >>" % (pdf_escape(k), pdf_escape(v)))
    info_no = None
    if info:
        objs.append("<< %s >>" % " ".join("/%s (%s)" % (k, pdf_escape(v)) for k, v in info.items()))
        info_no = len(objs)
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offs = []
    for i, o in enumerate(objs, 1):
        offs.append(out.tell())
        ob = o if isinstance(o, bytes) else o.encode("latin-1", "replace")
        out.write(b"%d 0 obj\n" % i + ob + b"\nendobj\n")
    x = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1))
    for o in offs:
        out.write(b"%010d 00000 n \n" % o)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R%s >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, (b" /Info %d 0 R" % info_no) if info_no else b"", x))
    return out.getvalue()


def rtf(paragraphs):
    def e(s):
        o = []
        for ch in s:
            if ch in "\\{}":
                o.append("\\" + ch)
            elif ord(ch) > 127:
                o.append("\\u%d?" % ord(ch) if ord(ch) > 255 else "\\'%02x" % ord(ch))
            else:
                o.append(ch)
        return "".join(o)
    return ("{\\rtf1\\ansi\\ansicpg1252\\deff0{\\fonttbl{\\f0 Times New Roman;}}{\\colortbl;\\red0\\green0\\blue0;}\n"
            + "".join("\\pard\\f0\\fs24 %s\\par\n" % e(p) for p in paragraphs) + "}").encode("ascii")


def png_text(chunks):
    def chunk(t, d):
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xffffffff)
    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    idat = zlib.compress(b"\x00\x00")
    out = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr)
    for k, v in chunks:
        out += chunk(b"tEXt", k.encode("latin-1") + b"\x00" + v.encode("latin-1", "replace"))
    return out + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def jpeg_comment(text):
    com = text.encode("utf-8")
    return b"\xff\xd8" + b"\xff\xfe" + struct.pack(">H", len(com) + 2) + com + b"\xff\xd9"


def ics(summary, desc, when):
    return ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Clinic Scheduler//EN\r\nBEGIN:VEVENT\r\nUID:%s\r\n"
            "DTSTAMP:20261101T120000Z\r\nDTSTART:%s\r\nSUMMARY:%s\r\nDESCRIPTION:%s\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
            % (hashlib.md5(summary.encode()).hexdigest(), when.strftime("%Y%m%dT090000"), summary,
               desc.replace("\n", "\\n").replace(",", "\\,"))).encode("utf-8")


def vcard(fn, ln, bday=None, note=None, tel=None):
    s = "BEGIN:VCARD\r\nVERSION:3.0\r\nN:%s;%s;;;\r\nFN:%s %s\r\n" % (ln, fn, fn, ln)
    if bday:
        s += "BDAY:%s\r\n" % bday
    if tel:
        s += "TEL;TYPE=cell:%s\r\n" % tel
    if note:
        s += "NOTE:%s\r\n" % note.replace(",", "\\,")
    return (s + "END:VCARD\r\n").encode("utf-8")


# ---------------------------------------------------------------- messages

def headers(m, clinic, subject, to=None):
    name, dom = clinic
    m["From"] = "%s <%s@%s>" % (pick(STAFF).split(",")[0], pick(["frontdesk", "records", "nurse", "billing", "k.bell"]), dom)
    m["To"] = to or pick(OUTSIDE)
    if R.random() < 0.3:
        m["Cc"] = "records@%s" % dom
    if any(ord(c) > 127 for c in subject) or R.random() < 0.15:
        m["Subject"] = Header(subject, "utf-8").encode()
    else:
        m["Subject"] = subject
    m["Date"] = formatdate(1790000000 + R.randint(0, 9000000))
    m["Message-ID"] = make_msgid(domain=dom)
    m["X-Mailer"] = pick(["Microsoft Outlook 16.0", "Thunderbird 115.3", "Apple Mail (2.3731)", "Roundcube Webmail"])
    if R.random() < 0.2:
        m["In-Reply-To"] = make_msgid(domain="partner.example.net")


def text_part(body, subtype="plain"):
    cs = "utf-8"
    if all(ord(c) < 256 for c in body) and R.random() < 0.2:
        cs = "iso-8859-1"
    p = MIMEText(body, subtype, cs)
    cte = R.choice(["qp", "b64", "8bit", "7bit"])
    if cte in ("qp", "b64") or any(ord(c) > 127 for c in body):
        del p["Content-Transfer-Encoding"]
        p.set_payload(body.encode(cs))
        if cte == "b64":
            encoders.encode_base64(p)
        else:
            import quopri
            p.set_payload(quopri.encodestring(body.encode(cs)).decode("ascii"))
            p["Content-Transfer-Encoding"] = "quoted-printable"
    return p


def html_of(body):
    paras = "".join("<p>%s</p>" % esc(p).replace("\n", "<br>") for p in body.split("\n\n"))
    return "<html><head><style>p{font-family:Arial}</style></head><body>%s</body></html>" % paras


def attachment(data, mime, filename):
    maj, sub = mime.split("/")
    p = MIMEBase(maj, sub)
    p.set_payload(data)
    encoders.encode_base64(p)
    if any(ord(c) > 127 for c in filename):
        p.add_header("Content-Disposition", "attachment", filename=("utf-8", "", filename))
    else:
        p.add_header("Content-Disposition", "attachment", filename=filename)
    return p


def build(clinic, subject, body, shape=None, attachments=(), to=None, html_table=None):
    shape = shape or R.choice(["plain", "plain", "alt", "html", "reply", "fwd_inline", "fwd_rfc822"])
    if shape == "reply":
        body = "Thanks, see below.\n\nOn Mon, Nov 2, 2026 at 9:14 AM %s wrote:\n" % pick(STAFF).split(",")[0] + \
               "\n".join("> " + l for l in body.split("\n"))
    if shape == "fwd_inline":
        body = "FYI - forwarding.\n\n---------- Forwarded message ---------\nFrom: %s\nDate: Fri, Oct 30, 2026\nSubject: %s\n\n%s" % (
            pick(STAFF).split(",")[0], subject, body)
        subject = "Fwd: " + subject
    if shape == "fwd_rfc822":
        inner = MIMEMultipart("mixed") if attachments else text_part(body + sig(clinic))
        if attachments:
            inner.attach(text_part(body + sig(clinic)))
            for a in attachments:
                inner.attach(a)
        headers(inner, clinic, subject, to="colleague@%s" % clinic[1])
        outer = MIMEMultipart("mixed")
        outer.attach(text_part("Please see the forwarded message." + sig(clinic)))
        outer.attach(MIMEMessage(inner))
        headers(outer, clinic, "Fwd: " + subject, to)
        return outer
    full = body + sig(clinic)
    if shape == "html" or html_table:
        h = html_of(full) if not html_table else html_of(body.split("\n\n")[0]) + html_table + html_of(sig(clinic))
        core = text_part(h, "html")
        if html_table and R.random() < 0.5:
            alt = MIMEMultipart("alternative")
            alt.attach(text_part(full))
            alt.attach(core)
            core = alt
    elif shape == "alt":
        core = MIMEMultipart("alternative")
        core.attach(text_part(full))
        core.attach(text_part(html_of(full), "html"))
    else:
        core = text_part(full)
    if attachments or (shape == "alt" and R.random() < 0.5):
        m = MIMEMultipart("mixed")
        m.attach(core)
        for a in attachments:
            m.attach(a)
    else:
        m = core
    headers(m, clinic, subject, to)
    return m


# ---------------------------------------------------------------- PHI makers

def dob_label():
    return pick(["DOB", "DOB:", "D.O.B.", "Date of Birth:", "Date of birth", "Birthdate:", "Birth date:", "born on", "DOB -", "dob"])


def name_forms(f, l):
    return pick(["%s %s" % (f, l), "%s, %s" % (l, f), "%s %s. %s" % (f, R.choice("ABCDEJKMRS"), l), "%s %s" % (f.upper(), l.upper())])


def phi_letter():
    clinic = pick(CLINICS)
    f, l = person()
    d = birth()
    c, c2, dr, code = pick(COND), pick(COND), pick(DRUG), pick(ICD)
    kind = R.randrange(23)
    t = ["date_of_birth"]
    subj = "Patient update"
    if kind == 0:
        subj = "Referral - %s" % pick(["cardiology", "endocrinology", "neurology", "rheumatology"])
        body = ("Dear Colleague,\n\nI am referring the patient below for evaluation.\n\nPatient: %s\n%s %s\n"
                "Reason for referral: %s, poorly controlled on %s.\nRelevant history: %s.\n\nKind regards,"
                % (name_forms(f, l), dob_label(), fmt_date(d), c, dr, c2))
        t.append("person_name")
    elif kind == 1:
        subj = "Discharge summary"
        body = ("DISCHARGE SUMMARY\n\nPatient Name: %s, %s\nDate of Birth: %s\nMRN: %s\nAdmitted: %s   Discharged: %s\n"
                "Principal diagnosis: %s (ICD-10 %s)\nDischarge medications: %s\nFollow up with PCP in 1 week."
                % (l, f, fmt_date(d), mrn(), fmt_date(datetime.date(2026, 10, 3), 0), fmt_date(datetime.date(2026, 10, 9), 0), c, code, dr))
        t += ["person_name", "mrn"]
    elif kind == 2:
        subj = "Lab results"
        body = ("Hi Dr. %s,\n\nResults for %s %s (%s %s) are back: HbA1c 8.4%%, LDL 162. "
                "Given the %s I would increase the %s. Please advise.\n\nThanks,"
                % (pick(LAST), f, l, dob_label(), fmt_date(d), c, dr))
    elif kind == 3:
        subj = "Appointment reminder"
        body = ("Dear %s %s,\n\nThis is a reminder of your appointment on %s at 10:30 for your %s follow-up. "
                "Please bring your %s and your insurance card. Date of birth on file: %s.\n\nSincerely,"
                % (f, l, fmt_date(datetime.date(2026, 12, R.randint(2, 28)), 3), c, dr, fmt_date(d)))
    elif kind == 4:
        subj = "Prior authorization request"
        body = ("PRIOR AUTHORIZATION REQUEST\n\nMember: %s %s\nMember ID: %s\n%s %s\nRequested medication: %s\n"
                "Diagnosis: %s (%s)\nPrevious therapies tried and failed: %s.\nPrescriber: %s"
                % (f, l, member_id(), dob_label(), fmt_date(d), dr, c, code, pick(DRUG), pick(STAFF)))
        t += ["person_name"]
    elif kind == 5:
        subj = "Claim resubmission"
        m = mbi(R.random() < 0.4)
        body = ("Please find the corrected claim below.\n\nBeneficiary: %s %s\nMBI: %s\nBirth date: %s\n"
                "Date of service: 10/14/2026\nDiagnosis codes: %s, %s\nCPT 99214\nCharge: $182.00"
                % (f, l, m, fmt_date(d, 0), code, pick(ICD)))
        t += ["medicare_mbi", "person_name"]
    elif kind == 6:
        subj = "Refill request"
        body = ("Refill request from %s Pharmacy\n\nPatient: %s %s   DOB %s\nMedication: %s, 90-day supply, 3 refills\n"
                "Indication: %s\nPlease approve or deny by fax."
                % (pick(["Corner", "Main Street", "Valley"]), f, l, fmt_date(d), dr, c))
        t += ["person_name"]
    elif kind == 7:
        subj = "Care coordination"
        body = ("Re: %s %s (MRN %s)\n\nShe was admitted last week for %s and is now home with visiting nursing. "
                "Her %s needs review; please coordinate with her cardiologist." % (f, l, mrn(), c, dr))
        t = ["mrn"]
    elif kind == 8:
        subj = "Resident status update"
        body = ("Resident: %s %s\nRoom: 214B\nDate of Birth: %s\n\nThe resident had a fall overnight; no fracture on X-ray. "
                "Ongoing issues: %s, %s. Family notified." % (f, l, fmt_date(d), c, c2))
        t += ["person_name"]
    elif kind == 9:
        subj = "Intake summary"
        body = ("Client: %s %s\nBirthdate: %s\nPresenting problem: %s\nPlan: weekly psychotherapy, start %s."
                % (f, l, fmt_date(d), pick(["major depressive disorder", "generalized anxiety disorder", "bipolar disorder", "PTSD", "opioid use disorder"]), pick(["sertraline 50 mg", "escitalopram", "lithium carbonate"])))
        t += ["person_name"]
    elif kind == 10:
        subj = "Pt info for transfer"
        body = ("Pt name: %s %s\n%s %s\nDx: %s\nAllergies: penicillin\nCurrent meds: %s"
                % (f, l, dob_label(), fmt_date(d), c, dr))
        t += ["person_name"]
    elif kind == 11:
        subj = "%s %s, DOB %s - %s" % (f, l, fmt_date(d, 0), c)
        body = "See subject. Can you fit her in this week?\n"
    elif kind == 12:
        subj = "School excuse note"
        body = ("To whom it may concern:\n\nPatient: %s %s (date of birth %s) was seen in our clinic today for %s "
                "and may return to school on Monday. Please excuse the absence.\n" % (f, l, fmt_date(d), pick(["strep throat", "influenza", "asthma exacerbation", "a concussion"])))
        t += ["person_name"]
    elif kind == 14:
        subj = "Claim %d" % R.randint(100000, 999999)
        body = ("Member: %s %s\nMember ID: %s\nDate of service: 11/03/2026\nDiagnosis codes: %s, %s\n"
                "Procedure: CPT 99213\nBilled: $145.00" % (f, l, member_id(), code, pick(ICD)))
        t = ["health_plan_id"]
    elif kind == 15:
        subj = "Medicare secondary claim"
        h = ssn().replace("-", "") + R.choice(["A", "B", "C1", "D", "T"])
        if R.random() < 0.5:
            h = h[:3] + "-" + h[3:5] + "-" + h[5:]
        body = ("Beneficiary: %s %s\nMedicare claim number (HICN): %s\nDiagnosis: %s\nPlease process as secondary."
                % (f, l, h, c))
        t = ["health_plan_id"]
    elif kind == 16:
        subj = "New patient registration"
        body = ("New patient registration\n\nName: %s %s\nSSN: %s\n%s %s\nReason for visit: %s\nPharmacy: %s Pharmacy"
                % (f, l, ssn(), dob_label(), fmt_date(d), c, pick(["Corner", "Valley"])))
        t = ["us_ssn", "date_of_birth"]
    elif kind == 17:
        kid = birth().replace(year=R.randint(2012, 2024))
        subj = "Triage call"
        body = ("Caller: mother of %s %s, DOB %s. Reports fever of 103F for two days, rash and vomiting. "
                "Advised urgent care; nurse will call back." % (f, l, fmt_date(kid)))
    elif kind == 18:
        subj = "Re: %s %s" % (pick(["Mrs.", "Mr.", "Ms."]), l)
        body = ("Update on %s %s, %d-year-old resident with %s. She is eating less and has lost 4 kg. "
                "Family meeting Thursday." % (f, l, R.randint(90, 104), pick(["dementia", "Alzheimer's disease", "congestive heart failure"])))
    elif kind == 19:
        m = mrn()
        subj = "MRN %s - critical result" % m
        body = ("Critical potassium 6.8 called to the covering physician at 14:10. Repeat BMP ordered; "
                "patient started on %s." % pick(["insulin and dextrose", "sodium zirconium cyclosilicate", "calcium gluconate"]))
        t = ["mrn"]
    elif kind == 20:
        rows = patient_rows(R.randint(3, 6), True, False)
        body = "Patients for Thursday's huddle:\n\n" + "\n".join("\t".join(str(x) for x in r) for r in rows) + "\n"
        subj = "Huddle list"
    elif kind == 21:
        subj = "Prescription for %s %s" % (f, l)
        body = ("Rx for %s %s, born %s: %s, #90, 3 refills. Indication: %s. Please fax confirmation."
                % (f, l, fmt_date(d), dr, c))
    else:
        subj = "Work status note"
        body = ("Employee: %s %s\nDOB: %s\n\nWas evaluated on 11/02/2026 for %s. Light duty for two weeks; "
                "no lifting over 10 lb.\n" % (f, l, fmt_date(d), pick(["lumbar strain", "carpal tunnel syndrome", "a wrist fracture", "pneumonia"])))
    return build(clinic, subj, body), "letter", "phi", t, "letter kind %d" % kind


def phi_spanish():
    clinic = CLINICS[4] if R.random() < 0.6 else pick(CLINICS)
    f, l = person(True)
    d = birth()
    c = pick(COND_ES)
    kind = R.randrange(4)
    if kind == 0:
        body = ("Estimado/a %s %s:\n\nLe recordamos su cita del %s para el control de su %s. "
                "Fecha de nacimiento registrada: %s.\n\nAtentamente," % (f, l, fecha(datetime.date(2026, 12, 3)), c, fecha(d)))
        subj = "Recordatorio de cita"
        t = ["date_of_birth"]
    elif kind == 1:
        body = ("Paciente: %s %s\nFecha de nacimiento: %s\nDiagnóstico: %s\nTratamiento: %s\n"
                % (f, l, fecha(d), c, pick(DRUG)))
        subj = "Resumen de consulta"
        t = ["date_of_birth", "person_name"]
    elif kind == 2:
        body = ("Referencia médica\n\nNombre del paciente: %s %s\nF. de nacimiento: %s\nMotivo: %s, necesita evaluación por especialista.\n"
                % (f, l, fecha(d), c))
        subj = "Referencia - %s %s" % (f, l)
        t = ["date_of_birth", "person_name"]
    else:
        body = ("Hola %s,\n\nSus resultados de laboratorio están listos. Su glucosa en ayunas fue 182 mg/dL, "
                "compatible con %s. Nacido el %s. Por favor llame para una cita.\n" % (f, c, fecha(d)))
        subj = "Resultados de laboratorio"
        t = ["date_of_birth"]
    return build(clinic, subj, body), "spanish", "phi", t, "Spanish letter kind %d" % kind


def patient_rows(n, with_dob=True, with_mrn=False):
    hdr = ["Last Name", "First Name"] + (["DOB"] if with_dob else []) + (["MRN"] if with_mrn else []) + ["Diagnosis"]
    rows = [hdr]
    for _ in range(n):
        f, l = person()
        r = [l, f] + ([fmt_date(birth(), R.choice([0, 2]))] if with_dob else []) + ([mrn()] if with_mrn else []) + [pick(COND)]
        rows.append(r)
    return rows


def phi_attach():
    clinic = pick(CLINICS)
    f, l = person()
    d = birth()
    c, dr = pick(COND), pick(DRUG)
    kind = R.randrange(8)
    body = pick(["Please see attached.", "Attached as discussed.", "Here is the file you asked for.", "See the attachment; call with questions."])
    t = ["date_of_birth"]
    if kind == 0:
        rows = patient_rows(R.randint(3, 9), True, R.random() < 0.5)
        a = attachment(csv_bytes(rows, R.choice([",", ";", "\t"])), R.choice(["text/csv", "application/octet-stream", "application/vnd.ms-excel"]), "patients_%d.csv" % R.randint(1, 99))
        why = "CSV patient list"
    elif kind == 1:
        rows = patient_rows(R.randint(3, 9), True, R.random() < 0.5)
        a = attachment(xlsx(rows), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "clinic list.xlsx")
        why = "XLSX patient list"
    elif kind == 2:
        paras = ["REFERRAL LETTER", "Patient: %s %s" % (f, l), "Date of Birth: %s" % fmt_date(d),
                 "Diagnosis: %s" % c, "Current medication: %s" % dr, "Please see at your earliest convenience."]
        a = attachment(docx(paras), "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "referral_%s.docx" % l.lower().replace(" ", ""))
        t.append("person_name")
        why = "DOCX referral with split runs"
    elif kind == 3:
        lines = ["Prior Authorization Form", "Member name: %s %s" % (f, l), "DOB: %s" % fmt_date(d, 0),
                 "Member ID: %s" % member_id(), "Diagnosis: %s %s" % (pick(ICD), c), "Drug requested: %s" % dr]
        a = attachment(pdf(lines, flate=R.random() < 0.6), "application/pdf", "PA_form.pdf")
        t.append("person_name")
        why = "simple PDF prior-auth"
    elif kind == 4:
        paras = ["Dear Dr. %s," % pick(LAST), "Re: %s %s, DOB %s" % (f, l, fmt_date(d)),
                 "Thank you for seeing this patient with %s. She is on %s." % (c, dr), "Sincerely"]
        a = attachment(rtf(paras), R.choice(["application/rtf", "text/rtf", "application/msword"]), "letter.rtf")
        why = "RTF letter"
    elif kind == 5:
        rows = patient_rows(R.randint(3, 6), True, True)
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr("export/list.csv", csv_bytes(rows))
        a = attachment(buf.getvalue(), "application/zip", "export.zip")
        why = "zipped CSV"
    elif kind == 6:
        a = attachment(("Patient: %s %s\nDOB: %s\nAssessment: %s\nPlan: %s\n" % (f, l, fmt_date(d), c, dr)).encode(),
                       "text/plain", "note.txt")
        t.append("person_name")
        why = "text note attached"
    else:
        paras = ["Lab Report", "Name: %s %s" % (f, l), "Birthdate: %s" % fmt_date(d), "Test: Hemoglobin A1c  Result: 9.1 %% (H)",
                 "Comment: consistent with uncontrolled %s" % pick(["type 2 diabetes", "diabetes mellitus"])]
        a = attachment(pdf(paras), "application/octet-stream", "scan0001.pdf")
        why = "PDF lab report as octet-stream"
    return build(clinic, pick(["Records", "List for review", "Documents", "Referral"]), body, attachments=[a]), "attach", "phi", t, why


def phi_html_table():
    clinic = pick(CLINICS)
    rows = patient_rows(R.randint(2, 5), True, R.random() < 0.5)
    tbl = "<table border=1>" + "".join("<tr>%s</tr>" % "".join(("<th>%s</th>" if i == 0 else "<td>%s</td>") % esc(str(v)) for v in r)
                                       for i, r in enumerate(rows)) + "</table>"
    return build(clinic, "Today's schedule", "Here is the list for tomorrow's clinic.\n\n", shape="html", html_table=tbl), "attach", "phi", ["date_of_birth"], "HTML table of patients"


def phi_extra():
    """Guesses at the unseen stratum: calendar, vCard, image metadata, PDF form fields, chat replies."""
    clinic = pick(CLINICS)
    f, l = person()
    d = birth()
    c = pick(COND)
    kind = R.randrange(10)
    body = pick(["Attached.", "See attached invite.", "Contact card attached.", "Photo from today's visit."])
    to = None
    atts = []
    t = ["date_of_birth"]
    if kind == 0:
        atts = [attachment(ics("Follow-up: %s %s (DOB %s)" % (f, l, fmt_date(d, 0)), "Post-op check after %s. Bring medication list." % pick(["appendectomy", "knee replacement", "cataract surgery"]),
                               datetime.date(2026, 12, 9)), "text/calendar", "invite.ics")]
        why = "iCalendar invite naming a patient and procedure"
    elif kind == 1:
        atts = [attachment(vcard(f, l, d.isoformat(), "Patient - %s; on %s" % (c, pick(DRUG)), phone()), "text/vcard", "%s.vcf" % l)]
        why = "vCard with BDAY and a diagnosis note"
    elif kind == 2:
        atts = [attachment(png_text([("Description", "Patient %s %s DOB %s wound photo, %s" % (f, l, fmt_date(d, 0), pick(["diabetic foot ulcer", "pressure ulcer", "cellulitis"])))]), "image/png", "IMG_%d.png" % R.randint(1000, 9999))]
        why = "PNG with patient text in a tEXt chunk"
    elif kind == 3:
        atts = [attachment(jpeg_comment("Patient: %s %s; DOB: %s; dermatology: %s" % (f, l, fmt_date(d, 0), pick(["melanoma", "psoriasis", "basal cell carcinoma"]))), "image/jpeg", "photo.jpg")]
        why = "JPEG with patient text in a COM segment"
    elif kind == 4:
        fields = {"PatientName": "%s %s" % (f, l), "DateOfBirth": fmt_date(d, 0), "Diagnosis": c, "MemberID": member_id()}
        atts = [attachment(pdf(["Patient Intake Form (fillable)", "Name: ____", "Date of Birth: ____", "Diagnosis: ____"], fields=fields), "application/pdf", "intake_form.pdf")]
        why = "PDF form whose field values hold the patient"
        t = []
    elif kind == 5:
        to = pick(["reply+7f3a9c@notifications.socialnet.example.com", "chat-reply-3391@chat.example.net"])
        body = ("Re: your message\n\nHi! Yes, %s %s (DOB %s) came in today - her %s is worse, we started %s.\n\n"
                "> You have a new message from Jo on SocialNet\n> Reply to this email to respond." % (f, l, fmt_date(d), c, pick(DRUG)))
        why = "reply to a chat notification"
    elif kind == 7:
        seg = ["MSH|^~\\&|LAB|CLINIC|EHR|HOSP|20261101083000||ORU^R01|%d|P|2.5.1" % R.randint(1000, 99999),
               "PID|1||%s^^^CLINIC^MR||%s^%s||%s|F" % (mrn(), l.upper(), f.upper(), d.strftime("%Y%m%d")),
               "OBR|1|||4548-4^Hemoglobin A1c^LN", "OBX|1|NM|4548-4^Hemoglobin A1c^LN||9.2|%|4.0-5.6|H"]
        body = "Result message below.\n\n" + R.choice(["\n", "\r\n"]).join(seg) + "\n"
        t = ["hl7v2"]
        why = "pasted HL7 v2 ORU with LF or CRLF segment ends"
    elif kind == 8:
        x = ('<?xml version="1.0" encoding="UTF-8"?><Patient xmlns="http://hl7.org/fhir"><id value="%d"/>'
             '<name><family value="%s"/><given value="%s"/></name><gender value="female"/><birthDate value="%s"/></Patient>'
             % (R.randint(1, 9999), esc(l), esc(f), d.isoformat()))
        atts = [attachment(x.encode(), R.choice(["application/fhir+xml", "application/xml", "text/xml"]), "patient.xml")]
        t = ["fhir"]
        why = "FHIR Patient in XML"
    elif kind == 9:
        j = {"resourceType": "Patient", "id": str(R.randint(1, 9999)), "name": [{"family": l, "given": [f]}],
             "birthDate": d.isoformat(), "identifier": [{"system": "urn:oid:1.2.3.4", "value": mrn()}]}
        atts = [attachment(json.dumps(j, ensure_ascii=False).encode(), R.choice(["application/fhir+json", "application/json", "application/octet-stream"]), "pt.json")]
        t = ["fhir"]
        why = "FHIR Patient in JSON"
    else:
        atts = [attachment(pdf(["Visit summary"], info={"Title": "Visit summary %s %s" % (f, l), "Subject": "DOB %s - %s" % (fmt_date(d, 0), c), "Author": "Clinic"}), "application/pdf", "summary.pdf")]
        why = "PDF whose document info names the patient"
    m = build(clinic, pick(["Visit", "FYI", "Appointment", "Follow-up"]), body, shape=R.choice(["plain", "alt"]), attachments=atts, to=to)
    return m, "extra", "phi", t, why


# ---------------------------------------------------------------- PII makers

def pii_msg():
    clinic = pick(CLINICS)
    f, l = person()
    kind = R.randrange(8)
    if kind == 7:
        body = ("Benefits enrollment - dependents\n\nEmployee: %s %s\nDependent: %s %s (child), Date of Birth: %s\n"
                "Coverage tier: employee + child\n" % (f, l, pick(FIRST), l, fmt_date(birth().replace(year=R.randint(2008, 2024)))))
        t, subj = ["date_of_birth"], "Benefits enrollment"
        return build(clinic, subj, body), "pii", "pii", t, "pii kind 7"
    if kind == 0:
        body = ("Hi %s,\n\nWelcome aboard! To finish onboarding please confirm the details below.\n\nEmployee: %s %s\n"
                "SSN: %s\nStart date: 12/01/2026\nDepartment: Patient Access\n" % (f, f, l, ssn()))
        t, subj = ["us_ssn"], "New hire paperwork"
    elif kind == 1:
        body = ("Direct deposit form for %s %s\n\nBank: First Community Bank\nRouting number: %s\nAccount number: %d\n"
                "Account type: checking\n" % (f, l, aba(), R.randint(10 ** 9, 10 ** 12)))
        t, subj = ["account_number"], "Payroll direct deposit"
    elif kind == 2:
        body = ("Booking for the conference trip:\n\nTraveler: %s %s\nDate of birth: %s\nPassport number: %s%d\n"
                "Flight: UA 1423, Dec 3\n" % (f, l, fmt_date(birth()), R.choice("CXK"), R.randint(10000000, 99999999)))
        t, subj = ["date_of_birth"], "Travel booking"
    elif kind == 3:
        pre = R.choice(["4", "51", "37", "6011"])
        cc = luhn_complete(pre, 15 if pre == "37" else 16)
        if R.random() < 0.5:
            cc = (cc[:4] + " " + cc[4:10] + " " + cc[10:]) if len(cc) == 15 else " ".join(cc[i:i + 4] for i in range(0, 16, 4))
        body = ("Please place the order for the break-room supplies on the clinic card:\n\nCardholder: %s %s\n"
                "Card number: %s\nExp: 09/29\n" % (f, l, cc))
        t, subj = ["credit_card"], "Supply order payment"
    elif kind == 4:
        body = ("W-9 for the locum contractor\n\nName: %s %s\nTaxpayer identification (SSN): %s\nAddress: 12 Birch Lane, Dover, DE 19901\n"
                % (f, l, ssn()))
        t, subj = ["us_ssn"], "W-9"
    elif kind == 5:
        body = ("Background check request\n\nApplicant: %s %s\nDate of Birth: %s\nDriver's license: D%d\n"
                % (f, l, fmt_date(birth()), R.randint(1000000, 9999999)))
        t, subj = ["date_of_birth"], "Background check"
    else:
        body = ("Hi,\n\nMy social security number is %s and my birthday is %s - please update my benefits enrollment.\n"
                % (ssn(), fmt_date(birth(), 3)))
        t, subj = ["us_ssn"], "Benefits update"
    return build(clinic, subj, body, shape=R.choice(["plain", "alt", "reply", "html"])), "pii", "pii", t, "pii kind %d" % kind


# ---------------------------------------------------------------- clean makers

def clean_msg():
    clinic = pick(CLINICS)
    kind = R.randrange(32)
    atts = []
    if kind == 0:
        subj, body = "HIPAA refresher training", ("All workforce members must complete the annual HIPAA training by December 15. "
            "Topics: minimum necessary, patient rights, breach notification, and how to report a privacy incident. "
            "Protected health information includes a patient's name, date of birth, MRN and diagnosis.")
    elif kind == 1:
        subj, body = "Winter wellness newsletter", ("Dear Friends,\n\nFlu season is here. Influenza vaccine is recommended for everyone "
            "6 months and older. People with asthma, diabetes or heart failure are at higher risk of complications. "
            "Our clinics offer walk-in flu shots Monday through Friday.")
    elif kind == 2:
        subj, body = "Ask your doctor", ("Ask your doctor if %s is right for you. Side effects may include nausea, dizziness and "
            "headache. Do not take if you are allergic to any of its ingredients. Call 1-800-%03d-%04d for a free trial." % (pick(["Zelvora", "Cardexa", "Respiquel"]), R.randint(200, 999), R.randint(0, 9999)))
    elif kind == 3:
        subj, body = "Q3 quality report", ("In Q3 we saw 1,284 patients; 42 patients with diabetes had an HbA1c above 9%%, "
            "down from 57. Hypertension control improved to 71%%. 18 patients were readmitted within 30 days. "
            "Median age 61; %d patients aged 90 and older." % R.randint(3, 20))
    elif kind == 4:
        lines = ["Staff directory - %s" % clinic[0], ""]
        for _ in range(R.randint(3, 6)):
            lines.append("%s %s, MD  NPI %s  Tel %s  Room %d" % (pick(FIRST), pick(LAST), npi(), phone(), R.randint(100, 400)))
        subj, body = "Updated directory", "\n".join(lines)
    elif kind == 5:
        subj, body = "Invoice %d" % R.randint(10000, 99999), ("Invoice number: INV-%d\nOrder: %d\nCustomer account: %d\n"
            "Tracking: 1Z%s\nAmount due: $1,240.00 by 12/15/2026\nRemit to PO Box 4410" % (R.randint(100000, 999999), R.randint(10 ** 8, 10 ** 9),
            R.randint(10 ** 7, 10 ** 9), "".join(R.choice("0123456789ABCDEF") for _ in range(16))))
    elif kind == 6:
        subj, body = "Your order has shipped", ("Order #%s has shipped.\nTracking number: %d%d\nSerial: %s\nItem: exam gloves, nitrile, size M\n"
            "Estimated delivery 11/24/2026." % (not_luhn("4", 16), R.randint(10 ** 9, 10 ** 10), R.randint(10 ** 9, 10 ** 10), not_luhn("5", 16)))
    elif kind == 7:
        subj, body = "EHR release notes 24.3.1", ("Version 24.3.1 (build 20261104) released 2026-11-04.\n- Fixed: date of birth field "
            "validation on the registration screen\n- New: MRN search accepts partial numbers\n- Known issue KB-%d" % R.randint(1000, 9999))
    elif kind == 8:
        when = datetime.date(2026, 12, R.randint(1, 28))
        atts = [attachment(ics("Quality committee meeting", "Agenda: readmissions, sepsis bundle compliance, flu vaccination rates", when), "text/calendar", "meeting.ics")]
        subj, body = "Invitation: Quality committee", "You are invited. Date: %s 09:00. Dial-in 1-646-%03d-%04d, meeting ID 812 4471 0032." % (fmt_date(when, 0), R.randint(200, 999), R.randint(0, 9999))
    elif kind == 9:
        subj, body = "Now hiring: ICU RN", ("Job posting: Registered Nurse, Intensive Care. Requirements: BSN, 2 years ICU experience, "
            "experience with ventilated patients, dialysis and sepsis protocols. Starting pay $48/hour. Apply by 12/31/2026.")
    elif kind == 10:
        subj, body = "Call for abstracts: Regional Cardiology Summit", ("Keynote speakers: Dr. %s %s (heart failure) and Dr. %s %s (atrial fibrillation). "
            "Register by January 15, 2027. CME credits available." % (pick(FIRST), pick(LAST), pick(FIRST), pick(LAST)))
    elif kind == 11:
        last = pick(LAST)
        subj, body = "Prescription pad order", ("Please reorder prescription pads.\n\nDr. %s %s\nDEA %s\nNPI %s\nLicense number %s%d"
            % (pick(FIRST), last, dea(last), npi(), R.choice("AGM"), R.randint(100000, 999999)))
    elif kind == 12:
        subj, body = "Case report draft", ("Abstract: A 45-year-old patient presented with chest pain and was diagnosed with "
            "spontaneous coronary artery dissection. Treatment with beta blockers led to resolution. We review 23 similar cases.")
    elif kind == 13:
        items = []
        for i in range(R.randint(3, 5)):
            items.append("Message %d\nFrom: %s %s <%s@list.example.org>\nDate: %s\nSubject: Re: [clinic-it] printer driver %d.%d.%d\n\n"
                         "Try reinstalling; version %d.%d fixed it for us.\n" % (i + 1, pick(FIRST), pick(LAST), pick(["a", "b", "k"]), formatdate(1790000000 + i * 999),
                         R.randint(1, 9), R.randint(0, 9), R.randint(0, 99), R.randint(1, 9), R.randint(0, 9)))
        subj, body = "clinic-it Digest, Vol 12, Issue %d" % R.randint(1, 40), "\n".join(items)
    elif kind == 14:
        subj, body = "Birthday lunch", ("Join us Friday for Maria's birthday lunch in the break room! Cake at noon. "
            "Also congrats to the billing team on closing the quarter.")
    elif kind == 15:
        subj, body = "Parking update", ("Lot B will be closed 12/03/2026 - 12/05/2026 for repaving. Staff badge numbers %d-%d "
            "may use the garage. Questions: facilities ext. 4410." % (R.randint(1000, 4000), R.randint(5000, 9000)))
    elif kind == 16:
        rows = [["Item", "SKU", "Qty", "Lot", "Expiry"]] + [[pick(["syringes", "gauze", "gloves", "masks"]), "SKU-%d" % R.randint(10000, 99999), R.randint(1, 50), "L%d" % R.randint(100000, 999999), "2027-0%d-15" % R.randint(1, 9)] for _ in range(5)]
        atts = [attachment(csv_bytes(rows), "text/csv", "inventory.csv")]
        subj, body = "Inventory count", "Inventory attached."
    elif kind == 17:
        subj, body = "Schedule for December", ("Dr. %s: Mon/Wed clinic, Fri procedures\nDr. %s: Tue/Thu clinic\n"
            "Holiday coverage 12/24 - 12/26 by Dr. %s. Call 555-0134 for the on-call line." % (pick(LAST), pick(LAST), pick(LAST)))
    elif kind == 18:
        subj, body = "Policy update: patient identification", ("Staff must verify two identifiers (name and date of birth) "
            "before any procedure. Never send patient information by unencrypted e-mail. See policy ADM-204 rev. 2026-10.")
    elif kind == 19:
        paras = ["Notice of Privacy Practices", "This notice describes how medical information about you may be used and disclosed.",
                 "You have the right to request a copy of your health record and to request restrictions.", "Effective date: January 1, 2026"]
        atts = [attachment(docx(paras), "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "NPP.docx")]
        subj, body = "Updated NPP", "The updated notice is attached for the lobby."
    elif kind == 20:
        subj, body = "Conference room booking", ("Room 3B booked for the diabetes education class, 12/10/2026 2-4 pm. "
            "Confirmation code 4471-2290-1183. Reference %s." % not_luhn("3", 15))
    elif kind == 22:
        subj, body = "Invoice INV-%d - remittance details" % R.randint(10000, 99999), (
            "Invoice INV-%d for lab supplies, net 30.\n\nRemit to: Acme Medical Supply LLC\nPlease pay by ACH.\n"
            "Bank: First Valley Bank\nRouting number: %s\nAccount number: %d\n" % (R.randint(10000, 99999), aba(), R.randint(10 ** 8, 10 ** 11)))
    elif kind == 23:
        subj, body = "Open enrollment", ("Our employer plan renews January 1. Group number: %d. The plan covers flu shots, "
            "annual physicals and diabetes education at no cost. Questions: benefits office." % R.randint(100000, 9999999))
    elif kind == 24:
        subj, body = "Device recall notice", ("Manufacturer recall: pacemaker model AX-%d, serial numbers %d through %d. "
            "Check your implant inventory and quarantine affected units. Lot %d." % (R.randint(100, 999), R.randint(10 ** 6, 10 ** 7), R.randint(10 ** 7, 10 ** 8), R.randint(10 ** 5, 10 ** 6)))
    elif kind == 25:
        subj, body = "Order confirmation", ("Order ID %s confirmed: insulin syringes (10 boxes), glucose test strips (20). "
            "Tracking to follow." % mbi())
    elif kind == 26:
        subj, body = "Coding tip of the week", ("Use E11.9 for type 2 diabetes without complications and E11.65 with "
            "hyperglycemia. I10 covers essential hypertension. Document the link between conditions to code E11.22.")
    elif kind == 27:
        subj, body = "Grand Rounds Thursday", ("Dr. %s %s will present: a 67-year-old man with cardiac sarcoidosis - "
            "diagnosis and management. Noon, Auditorium B. Lunch provided." % (pick(FIRST), pick(LAST)))
    elif kind == 28:
        subj, body = "How was your visit?", ("Dear Valued Patient,\n\nThank you for choosing us for your care. "
            "Please take two minutes to rate your recent visit. Your answers are anonymous.")
    elif kind == 29:
        subj, body = "Research study recruiting", ("We are enrolling adults aged 18-65 with moderate asthma in a 12-week "
            "study of a new inhaler. Contact the study coordinator %s %s at %s." % (pick(FIRST), pick(LAST), phone()))
    elif kind == 30:
        subj, body = "Hi %s" % pick(FIRST), ("Hi %s %s,\n\nThanks for the demo yesterday. Could you send pricing for the "
            "diabetes registry module and the hypertension dashboard? We need it before the budget meeting." % (pick(FIRST), pick(LAST)))
    elif kind == 31:
        lines = ["Unit staffing - week of 12/7", ""]
        for _ in range(5):
            lines.append("%s: %s %s, RN (%s)" % (pick(["ICU", "Oncology", "Cardiology", "Dialysis", "L&D"]), pick(FIRST), pick(LAST), pick(["7a-7p", "7p-7a"])))
        subj, body = "Staffing", "\n".join(lines)
    else:
        subj, body = "Public health advisory", ("The county reports 312 confirmed cases of pertussis this season. "
            "Vaccinate infants and pregnant patients. Report suspected cases to the health department at 555-0148.")
    m = build(clinic, subj, body, shape=R.choice(["plain", "alt", "html", "reply", "fwd_inline", "fwd_rfc822", "plain"]), attachments=atts)
    return m, "hardneg", "clean", [], "clean kind %d" % kind


def main():
    global R
    ap = argparse.ArgumentParser()
    ap.add_argument("outdir")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--n", type=int, default=400, help="about how many messages")
    a = ap.parse_args()
    R = random.Random(a.seed)
    makers = [(phi_letter, 0.30), (phi_spanish, 0.07), (phi_attach, 0.12), (phi_html_table, 0.02), (phi_extra, 0.09),
              (pii_msg, 0.10), (clean_msg, 0.30)]
    os.makedirs(a.outdir, exist_ok=True)
    rows = []
    for i in range(a.n):
        x = R.random()
        for mk, w in makers:
            x -= w
            if x <= 0:
                break
        m, stratum, expect, types, why = mk()
        raw = m.as_bytes(policy=policy.SMTP if R.random() < 0.7 else policy.default)
        h = hashlib.sha1(raw).hexdigest()[:10]
        rel = "%s/%s-%s.eml" % (stratum, stratum, h)
        os.makedirs(os.path.join(a.outdir, stratum), exist_ok=True)
        with open(os.path.join(a.outdir, rel), "wb") as fp:
            fp.write(raw)
        rows.append({"file": rel, "stratum": stratum, "expect": expect, "types": sorted(set(types)), "source": "generated", "why": why})
    with open(os.path.join(a.outdir, "manifest.jsonl"), "w") as fp:
        for r in rows:
            fp.write(json.dumps(r) + "\n")
    print("%d messages in %s" % (len(rows), a.outdir))


if __name__ == "__main__":
    main()
