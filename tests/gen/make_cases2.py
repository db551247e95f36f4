#!/usr/bin/env python3
"""make_cases2.py OUTDIR [--seed N] [--n N]

A second, independent held-out-style set of labelled outbound mail, written
from scratch (no corpus file is read or copied; every value is invented
here). It varies what make_cases.py does not:

  - patient letters in the phrasings and languages clinic staff use
    (English, Spanish, French, German, Portuguese), referral headers
    ("Re: Mrs Jane Roe (DOB 03.04.1979)", "Name: ROE, JANE", "Pt: J. Roe"),
    dates in many written forms, MRNs in many shapes;
  - HL7 v2 with MLLP framing, LF segment ends, FHS/BHS batches, unusual
    delimiters and escapes; FHIR as XML Bundles and ndjson; C-CDA with
    namespace prefixes and other encodings; DICOM explicit/implicit VR and
    big-endian, with and without the preamble;
  - PHI in ODT/ODS/PPTX/XLSX (inline strings), RTF, HTML key/value tables,
    winmail.dat (TNEF), base64 with odd line lengths, quoted-printable cut
    mid-word, ISO-8859-1, windows-1252 and UTF-16 text parts;
  - clean hard negatives: HIPAA training text, newsletters with health words
    and staff names, invoices with SSN/MRN-shaped numbers, lab-equipment
    serials, ICD-10-shaped part codes, meeting dates, aggregate statistics,
    de-identified DICOM, FHIR resources of staff, HL7 interface specs;
  - ASC X12 EDI (837 claims, 834 enrollment, 270 eligibility; a 999
    acknowledgment as the clean one), attached or pasted.

OUTDIR/manifest.jsonl is in the corpus's format (file, stratum, expect,
types, source "generated", why); messages are OUTDIR/<stratum>/<stratum>-<hash>.eml.
`types` lists only what a good detector must report. Python 3 stdlib only.
"""
import argparse, base64, datetime, hashlib, io, json, os, random, struct, sys, zipfile, zlib, quopri
from email.utils import formatdate

R = random.Random(11)

GIVEN_F = ["Marisol", "Annika", "Beatrix", "Coralie", "Delphine", "Eun-ji", "Folasade", "Gwendolyn", "Henrietta",
           "Ilse", "Jovana", "Kirsten", "Leocadia", "Magdalena", "Noor", "Ottilie", "Perpetua", "Rosario", "Solveig",
           "Tamsin", "Ursula", "Vesna", "Wilhelmina", "Yasmin", "Zuzana", "Honorine", "Sigrid", "Aurelie", "Brigitte"]
GIVEN_M = ["Anselm", "Benedikt", "Casimir", "Desmond", "Emeric", "Florian", "Gunnar", "Horatio", "Ignatius",
           "Jannik", "Konstantin", "Leopold", "Marcellus", "Nikodem", "Osvaldo", "Przemek", "Rainer", "Severin",
           "Thaddeus", "Urbano", "Vittorio", "Wendell", "Xaver", "Yannick", "Zebulon", "Augustin", "Lorcan"]
FAMILY = ["Abendroth", "Brightwater", "Castellano", "Dunleavy", "Eisenhauer", "Featherstone", "Grünewald",
          "Halvorsen", "Iwanowski", "Jankowiak", "Kettering", "Lachance", "Montgomery-Price", "Nordqvist",
          "Oberholzer", "Pellegrino", "Quarshie", "Rautenberg", "Sandoval", "Trelawney", "Uchida", "Vasquez",
          "Whitcombe", "Yarborough", "Zamora", "Desrosiers", "Bergström", "Leclerc", "Schäfer", "Gonçalves",
          "MacGillivray", "D'Angelo", "Okafor", "Rønning", "Villeneuve", "Hoffmann", "Carvalho", "Pruitt"]
STAFF = [("Dr.", "Imogen", "Halloway"), ("Dr.", "Rashid", "Benali"), ("", "Corinne", "Maddox, RN"),
         ("Dr.", "Piotr", "Wasik"), ("", "Alicia", "Ferrand, NP"), ("Dr.", "Keiko", "Moriyama")]
ORGS = [("Riverbend Medical Group", "riverbend-mg.example.com"), ("St. Albans Community Clinic", "stalbans-cc.example.org"),
        ("Northgate Orthopedics", "northgate-ortho.example.net"), ("Clinique du Parc", "cliniqueduparc.example.org"),
        ("Praxis am Markt", "praxis-markt.example.com"), ("Valle Verde Salud", "valleverde.example.org"),
        ("Copperfield Women's Health", "copperfieldwh.example.com")]
OUT = ["intake@rehab-partner.example.net", "appeals@healthplan.example.com", "paralegal@smith-law.example.com",
       "dr.kowal@privatepractice.example.org", "family.member@mailbox.example.com", "nurse.line@homecare.example.net",
       "reply-9c1e@notify.socialsite.example.com", "team-channel@chatbridge.example.net"]

COND = ["congestive heart failure", "type 1 diabetes", "chronic obstructive pulmonary disease", "schizophrenia",
        "atrial fibrillation", "end-stage renal disease", "ulcerative colitis", "pancreatic cancer", "anorexia nervosa",
        "hepatitis B", "deep vein thrombosis", "pulmonary embolism", "rheumatoid arthritis", "major depressive disorder",
        "alcohol use disorder", "hypertension", "asthma", "epilepsy", "lymphoma", "osteoarthritis", "pneumonia",
        "urinary tract infection", "dementia", "HIV infection", "gestational diabetes", "sepsis"]
DRUGS = ["warfarin 5 mg", "metoprolol 25 mg", "insulin glargine", "clozapine", "furosemide 40 mg", "tiotropium",
         "mesalamine", "olanzapine", "tacrolimus", "enoxaparin", "amlodipine 10 mg", "levetiracetam 500 mg",
         "quetiapine", "donepezil", "naltrexone", "rivaroxaban 20 mg", "pantoprazole 40 mg"]
ICD = ["I50.9", "E10.9", "J44.9", "F20.9", "I48.0", "N18.6", "K51.90", "C25.9", "F50.01", "I26.99", "M05.79", "F33.1"]
# French, German, Portuguese condition words clinic staff write
COND_FR = [("diabète de type 2", "type 2 diabetes"), ("insuffisance cardiaque", "heart failure"), ("asthme", "asthma"),
           ("hypertension artérielle", "hypertension"), ("cancer du sein", "breast cancer"), ("épisode dépressif majeur", "depression")]
COND_DE = [("Diabetes mellitus Typ 2", "diabetes"), ("Herzinsuffizienz", "heart failure"), ("Asthma bronchiale", "asthma"),
           ("arterielle Hypertonie", "hypertension"), ("Mammakarzinom", "breast cancer"), ("depressive Episode", "depression")]
COND_PT = [("diabetes tipo 2", "diabetes"), ("insuficiência cardíaca", "heart failure"), ("asma", "asthma"),
           ("hipertensão arterial", "hypertension"), ("câncer de mama", "breast cancer"), ("transtorno depressivo maior", "depression")]
MON = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]
MOIS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"]
MONATE = ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober", "November", "Dezember"]
MESES_PT = ["janeiro", "fevereiro", "março", "abril", "maio", "junho", "julho", "agosto", "setembro", "outubro", "novembro", "dezembro"]


def pick(x):
    return R.choice(x)


def who():
    f = pick(GIVEN_F + GIVEN_M)
    return f, pick(FAMILY), f in GIVEN_F


def dob():
    return datetime.date(R.randint(1929, 2021), R.randint(1, 12), R.randint(1, 28))


def ordn(d):
    return "%d%s" % (d, "th" if 11 <= d <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(d % 10, "th"))


def date_en(d):
    """Written forms of a date (unambiguous or US-order; a day > 12 for day-first forms)."""
    day_first_ok = d.day > 12
    forms = [d.isoformat(), "%d %s %d" % (d.day, MON[d.month - 1][:3], d.year), "%s %s, %d" % (MON[d.month - 1], ordn(d.day), d.year),
             "%02d/%02d/%02d" % (d.month, d.day, d.year % 100), "%s %d %d" % (MON[d.month - 1], d.day, d.year),
             "%d %s %d" % (d.day, MON[d.month - 1].upper()[:3], d.year), "%s %s %d" % (ordn(d.day), MON[d.month - 1], d.year),
             "%d-%s-%02d" % (d.day, MON[d.month - 1][:3], d.year % 100), "%d/%02d/%02d" % (d.year, d.month, d.day),
             "%s-%02d-%d" % (MON[d.month - 1][:3], d.day, d.year), "%d.%d.%d" % (d.month, d.day, d.year),
             "%s %d, %d" % (MON[d.month - 1][:3].upper(), d.day, d.year), "%d%s%d" % (d.day, MON[d.month - 1][:3].upper(), d.year)]
    if day_first_ok:
        forms += ["%02d.%02d.%d" % (d.day, d.month, d.year), "%02d/%02d/%d" % (d.day, d.month, d.year)]
    return pick(forms)


def date_fr(d):
    return pick(["%d %s %d" % (d.day, MOIS[d.month - 1], d.year), "%02d/%02d/%d" % (d.day, d.month, d.year) if d.day > 12 else d.isoformat(),
                 "%02d.%02d.%d" % (d.day, d.month, d.year) if d.day > 12 else "%d %s %d" % (d.day, MOIS[d.month - 1], d.year)])


def date_de(d):
    return pick(["%02d.%02d.%d" % (d.day, d.month, d.year), "%d. %s %d" % (d.day, MONATE[d.month - 1], d.year),
                 "%d.%d.%d" % (d.day, d.month, d.year)])


def date_pt(d):
    return pick(["%d de %s de %d" % (d.day, MESES_PT[d.month - 1], d.year), "%02d/%02d/%d" % (d.day, d.month, d.year) if d.day > 12 else d.isoformat()])


def mrn_shape():
    """(label, value) pairs in the shapes EHRs print."""
    n7 = "%07d" % R.randint(0, 9999999)
    return pick([("MRN#", "00%06d" % R.randint(0, 999999)), ("MRN:", "%08d" % R.randint(1, 99999999)),
                 ("Medical Record #:", n7), ("Med Rec No.", "MR-%s" % n7), ("MR#", "%d" % R.randint(100000, 9999999)),
                 ("Chart No.", "%02d-%05d" % (R.randint(10, 99), R.randint(0, 99999))), ("MRN", "E%s" % n7),
                 ("Medical record number", n7), ("Patient ID:", "PT%07d" % R.randint(0, 9999999)),
                 ("Hosp No.", "%s%07d" % (R.choice("ABKMX"), R.randint(0, 9999999))),
                 ("Hospital Number:", "%s%07d" % (R.choice("ABKMX"), R.randint(0, 9999999))),
                 ("Chart #", "%02d-%05d" % (R.randint(10, 99), R.randint(0, 99999))),
                 ("Unit No.", "%08d" % R.randint(0, 99999999)), ("MRN -", "%d" % R.randint(1000000, 99999999)),
                 ("Encounter #:", "%09d" % R.randint(0, 10 ** 9)), ("CSN:", "%010d" % R.randint(0, 10 ** 10))])


def ssn_ok():
    while True:
        a = R.randint(1, 899)
        if a in (666, 123, 78, 219):
            continue
        return a, R.randint(1, 99), R.randint(1, 9999)


def luhn(prefix, n):
    ds = [int(c) for c in prefix] + [R.randrange(10) for _ in range(n - len(prefix) - 1)]
    for c in range(10):
        t = ds + [c]
        s = sum((v * 2 - 9 if v * 2 > 9 else v * 2) if i % 2 else v for i, v in enumerate(reversed(t)))
        if s % 10 == 0:
            return "".join(map(str, t))


def npi():
    while True:
        b = str(R.choice([1, 2])) + "".join(str(R.randrange(10)) for _ in range(8))
        for c in range(10):
            t = "80840" + b + str(c)
            s = sum((v * 2 - 9 if v * 2 > 9 else v * 2) if i % 2 else v for i, v in enumerate(reversed([int(x) for x in t])))
            if s % 10 == 0:
                return b + str(c)


def phone():
    return "(%d%d%d) %d%02d-%04d" % (R.randint(2, 9), R.randint(0, 8), R.randint(0, 9), R.randint(2, 9), R.randint(10, 99), R.randint(0, 9999))


def xesc(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def signature(org):
    t, f, l = pick(STAFF)
    lines = ["", "-- ", ("%s %s %s" % (t, f, l)).strip(), org[0], "%d %s, %s" % (R.randint(2, 980), pick(["Market Street", "Mill Road", "Bayview Ave"]), pick(["Portland, ME 04101", "Ames, IA 50010", "Boise, ID 83702"])),
             "Phone %s  Fax %s" % (phone(), phone())]
    if R.random() < 0.3:
        lines.append("NPI: %s" % npi())
    if R.random() < 0.4:
        lines.append("This message may contain confidential health information protected by HIPAA. If you are not the intended recipient, delete it.")
    return "\r\n".join(lines)


# ---------------------------------------------------------------- MIME (hand-built, for exact control)

def bnd():
    return "=_b%08x" % R.getrandbits(32)


def b64_lines(data, width):
    s = base64.b64encode(data).decode("ascii")
    if width <= 0:
        return s
    return "\r\n".join(s[i:i + width] for i in range(0, len(s), width))


def qp_cut(data, width):
    """Quoted-printable with soft breaks every `width` characters, cutting words."""
    enc = quopri.encodestring(data.replace(b"\r\n", b"\n")).decode("ascii").replace("=\n", "")
    out, line = [], ""
    for ln in enc.split("\n"):
        while len(ln) > width:
            k = width
            while ln[k - 1] == "=" or ln[k - 2] == "=":  # do not split an escape
                k -= 1
            out.append(ln[:k] + "=")
            ln = ln[k:]
        out.append(ln)
    return "\r\n".join(out)


def text_body(text, subtype="plain", enc=None, cs=None):
    """(headers, body) of a text part in a chosen charset and transfer encoding."""
    cs = cs or R.choice(["utf-8", "utf-8", "iso-8859-1", "windows-1252", "utf-16"])
    try:
        raw = text.encode(cs if cs != "utf-16" else "utf-16")
    except UnicodeEncodeError:
        cs = "utf-8"
        raw = text.encode(cs)
    enc = enc or (R.choice(["b64", "b64odd", "qp", "qpcut"]) if cs == "utf-16" or any(b > 127 for b in raw) else R.choice(["7bit", "b64", "b64odd", "qp", "qpcut"]))
    if cs == "utf-16" and enc in ("qp", "qpcut", "7bit", "8bit"):
        enc = "b64"
    if enc == "7bit" and any(b > 127 for b in raw):
        enc = "8bit" if cs == "utf-8" else "qp"
    if enc in ("7bit", "8bit"):
        body = raw.decode(cs).replace("\r\n", "\n").replace("\n", "\r\n")
        cte = enc
    elif enc == "b64":
        body, cte = b64_lines(raw, 76), "base64"
    elif enc == "b64odd":
        body, cte = b64_lines(raw, R.choice([0, 44, 60, 64, 72, 100, 998])), "base64"
    elif enc == "qp":
        body, cte = qp_cut(raw, 75), "quoted-printable"
    else:
        body, cte = qp_cut(raw, R.choice([17, 23, 31, 40])), "quoted-printable"
    hdr = 'Content-Type: text/%s; charset="%s"\r\nContent-Transfer-Encoding: %s\r\n' % (subtype, cs, cte)
    return hdr, body


def att_part(data, ctype, name, enc="b64"):
    hdr = 'Content-Type: %s; name="%s"\r\nContent-Disposition: attachment; filename="%s"\r\n' % (ctype, name, name)
    if enc == "b64":
        return hdr + "Content-Transfer-Encoding: base64\r\n", b64_lines(data, R.choice([76, 76, 64, 72]))
    return hdr + "Content-Transfer-Encoding: %s\r\n" % enc, data.decode("utf-8", "replace").replace("\n", "\r\n")


def multipart(kind, parts):
    b = bnd()
    out = []
    for h, body in parts:
        out.append("--%s\r\n%s\r\n%s\r\n" % (b, h, body))
    return 'Content-Type: multipart/%s; boundary="%s"\r\n' % (kind, b), "This is a multi-part message in MIME format.\r\n\r\n" + "".join(out) + "--%s--\r\n" % b


def html_of(text):
    return "<html><body>" + "".join("<p>%s</p>" % xesc(p).replace("\n", "<br>\n") for p in text.replace("\r\n", "\n").split("\n\n")) + "</body></html>"


def message(org, subject, body_parts, to=None, extra_hdr=""):
    """body_parts: (headers, body) of the top-level entity."""
    h, body = body_parts
    t, f, l = pick(STAFF)
    frm = "%s %s <%s.%s@%s>" % (f, l.split(",")[0], f.lower(), l.split(",")[0].lower().replace(" ", ""), org[1])
    sub = subject
    if any(ord(c) > 127 for c in subject):
        sub = "=?utf-8?B?%s?=" % base64.b64encode(subject.encode()).decode()
    hdrs = ("Received: from ws%d.%s (ws%d.%s [10.%d.%d.%d])\r\n\tby mx.%s; %s\r\n" % (R.randint(1, 99), org[1], R.randint(1, 99), org[1], R.randint(0, 255), R.randint(0, 255), R.randint(1, 254), org[1], formatdate(1791000000 + R.randint(0, 5000000)))
            + "From: %s\r\nTo: %s\r\nSubject: %s\r\nDate: %s\r\nMessage-ID: <%x@%s>\r\nMIME-Version: 1.0\r\n" % (frm, to or pick(OUT), sub, formatdate(1791000000 + R.randint(0, 5000000)), R.getrandbits(48), org[1])
            + extra_hdr)
    return (hdrs + h + "\r\n" + body).encode("utf-8") if isinstance(body, str) else hdrs.encode() + h.encode() + b"\r\n" + body


def wrap(org, subject, text, atts=(), shape=None, to=None, cs=None):
    """A message with `text` as its body in a random shape, plus attachments (headers, body)."""
    shape = shape or R.choice(["plain", "plain", "alt", "html", "fwd", "quote"])
    if shape == "quote":
        text = "See my notes below.\n\n-----Original Message-----\nFrom: %s\nSent: Tuesday, November 3, 2026 8:12 AM\nSubject: %s\n\n" % (pick(OUT), subject) + "\n".join("> " + ln for ln in text.replace("\r\n", "\n").split("\n"))
    text = text + signature(org)
    if shape == "html":
        core = text_body(html_of(text), "html", cs=cs)
    elif shape == "alt":
        core = multipart("alternative", [text_body(text, cs=cs), text_body(html_of(text), "html", cs=cs)])
    else:
        core = text_body(text, cs=cs)
    if shape == "fwd":
        inner = message(org, subject, multipart("mixed", [core] + list(atts)) if atts else core, to="colleague@" + org[1])
        core = multipart("mixed", [text_body("Forwarding, please review." + signature(org)), ("Content-Type: message/rfc822\r\n", inner.decode("utf-8", "replace"))])
        return message(org, "Fwd: " + subject, core, to)
    if atts:
        core = multipart("mixed", [core] + list(atts))
    return message(org, subject, core, to)


# ---------------------------------------------------------------- containers

def zipped(files):
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w", zipfile.ZIP_DEFLATED) as z:
        for n, d in files:
            z.writestr(n, d)
    return b.getvalue()


def odf(kind, body_xml):
    mt = {"text": "application/vnd.oasis.opendocument.text", "spreadsheet": "application/vnd.oasis.opendocument.spreadsheet"}[kind]
    content = ('<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
               'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
               'office:version="1.3"><office:body><office:%s>%s</office:%s></office:body></office:document-content>' % (kind, body_xml, kind))
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), mt)
        z.writestr("META-INF/manifest.xml", '<?xml version="1.0"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
                   '<manifest:file-entry manifest:full-path="/" manifest:media-type="%s"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>' % mt)
        z.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
    return b.getvalue(), mt


def odt(paras):
    return odf("text", "".join("<text:p>%s</text:p>" % xesc(p).replace("  ", ' <text:s/>') for p in paras))


def ods(rows):
    def cell(v):
        if isinstance(v, datetime.date):
            return '<table:table-cell office:value-type="date" office:date-value="%s"><text:p>%s</text:p></table:table-cell>' % (v.isoformat(), v.strftime("%m/%d/%Y"))
        return '<table:table-cell office:value-type="string"><text:p>%s</text:p></table:table-cell>' % xesc(str(v))
    return odf("spreadsheet", '<table:table table:name="Sheet1">%s</table:table>' % "".join("<table:table-row>%s</table:table-row>" % "".join(cell(v) for v in r) for r in rows))


def xlsx_inline(rows):
    def c(ri, ci, v):
        ref = "%s%d" % (chr(65 + ci), ri)
        if isinstance(v, datetime.date):  # an Excel serial date with a date style
            return '<c r="%s" s="1"><v>%d</v></c>' % (ref, (v - datetime.date(1899, 12, 30)).days)
        return '<c r="%s" t="inlineStr"><is><t>%s</t></is></c>' % (ref, xesc(str(v)))
    sheet = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>%s</sheetData></worksheet>'
             % "".join('<row r="%d">%s</row>' % (i, "".join(c(i, j, v) for j, v in enumerate(r))) for i, r in enumerate(rows, 1)))
    styles = ('<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts count="1"><numFmt numFmtId="164" formatCode="mm/dd/yyyy"/></numFmts>'
              '<cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="164" applyNumberFormat="1"/></cellXfs></styleSheet>')
    return zipped([("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/>'
                    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>'),
                   ("_rels/.rels", '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'),
                   ("xl/workbook.xml", '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Export" sheetId="1" r:id="rId1"/></sheets></workbook>'),
                   ("xl/_rels/workbook.xml.rels", '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
                    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>'),
                   ("xl/styles.xml", styles), ("xl/worksheets/sheet1.xml", sheet)])


def pptx(slides):
    ct = ('<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/>'
          '<Override PartName="/ppt/presentation.xml" ContentType="application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"/>'
          + "".join('<Override PartName="/ppt/slides/slide%d.xml" ContentType="application/vnd.openxmlformats-officedocument.presentationml.slide+xml"/>' % (i + 1) for i in range(len(slides))) + "</Types>")
    files = [("[Content_Types].xml", ct),
             ("_rels/.rels", '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="ppt/presentation.xml"/></Relationships>'),
             ("ppt/presentation.xml", '<?xml version="1.0"?><p:presentation xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main"/>')]
    for i, paras in enumerate(slides):
        sp = "".join('<a:p><a:r><a:rPr lang="en-US"/><a:t>%s</a:t></a:r></a:p>' % xesc(p) for p in paras)
        files.append(("ppt/slides/slide%d.xml" % (i + 1), '<?xml version="1.0"?><p:sld xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main">'
                      '<p:cSld><p:spTree><p:sp><p:txBody>%s</p:txBody></p:sp></p:spTree></p:cSld></p:sld>' % sp))
    return zipped(files)


def rtf_doc(paras, unicode_escapes=True):
    def e(s):
        o = []
        for ch in s:
            if ch in "\\{}":
                o.append("\\" + ch)
            elif ord(ch) > 127:
                o.append("\\u%d?" % ord(ch) if unicode_escapes or ord(ch) > 255 else "\\'%02x" % ord(ch))
            else:
                o.append(ch)
        return "".join(o)
    return ("{\\rtf1\\ansi\\ansicpg1252\\uc1\\deff0{\\fonttbl{\\f0\\fswiss Arial;}}{\\*\\generator Msftedit 5.41;}\\viewkind4\n"
            + "".join("\\pard\\sa200\\sl276\\slmult1\\f0\\fs22{\\b0 %s}\\par\n" % e(p) for p in paras) + "}").encode("ascii")


def tnef(subject, body):
    def attr(level, atype, aid, data):
        return struct.pack("<BI I", level, (atype << 16) | aid, len(data)) + data + struct.pack("<H", sum(data) & 0xffff)
    out = struct.pack("<IH", 0x223E9F78, R.randint(1, 65535))
    out += attr(1, 0x0008, 0x9006, struct.pack("<I", 0x00010000))  # attTnefVersion
    out += attr(1, 0x0006, 0x9007, struct.pack("<II", 1252, 0))     # attOemCodepage
    out += attr(1, 0x0001, 0x8004, subject.encode("cp1252", "replace") + b"\x00")
    out += attr(1, 0x0002, 0x800C, body.encode("cp1252", "replace"))
    return out


# ---- clinical formats

def hl7_msg(f, l, d, mrn, sep="\r", fs="|", comp="^", rep="~", esc="\\", sub="&", batch=False, mllp=False, cond=None):
    enc = comp + rep + esc + sub
    ts = "2026%02d%02d%02d%02d" % (R.randint(1, 11), R.randint(1, 28), R.randint(0, 23), R.randint(0, 59))
    typ = pick(["ADT" + comp + "A01", "ADT" + comp + "A04", "ORU" + comp + "R01", "SIU" + comp + "S12", "ADT" + comp + "A08"])
    ver = pick(["2.3", "2.3.1", "2.4", "2.5.1", "2.6", "2.7"])
    fam = l.upper().replace("'", "")
    seg = [fs.join(["MSH", enc, "EPIC", "RIVERBEND", "LABSYS", "PARTNER", ts, "", typ, "MSG%06d" % R.randint(0, 999999), "P", ver])]
    if typ.startswith("ADT"):
        seg.append(fs.join(["EVN", typ.split(comp)[1], ts]))
    pid3 = mrn + comp * 3 + "RBMG" + comp + "MR"
    if R.random() < 0.4:
        a, g, s = ssn_ok()
        pid3 += rep + "%03d%02d%04d" % (a, g, s) + comp * 3 + "SSA" + comp + "SS"
    addr = "%d %s St%s%s%sMA%s0%d" % (R.randint(1, 999), pick(["Elm", "Birch", "Chestnut"]), comp * 2, pick(["Salem", "Lowell"]), comp, comp, R.randint(1000, 2799))
    name = fam + comp + f.upper() + comp + R.choice("ABCDEJMR") + (comp * 2 + pick(["MRS", "MR", "MS"]) if R.random() < 0.3 else "")
    pid = ["PID", "1", "", pid3, "", name, "", d.strftime("%Y%m%d"), R.choice("FMU"), "", "", addr, "", "(617)555-%04d" % R.randint(0, 9999)]
    seg.append(fs.join(pid))
    seg.append(fs.join(["PV1", "1", R.choice("IOE"), "4W" + comp + "412" + comp + "B", "", "", "", "1234567893" + comp + "HALLOWAY" + comp + "IMOGEN"]))
    c = cond or pick(COND)
    if typ.startswith("ORU"):
        seg.append(fs.join(["OBR", "1", "", "", "2345-7" + comp + "Glucose" + comp + "LN"]))
        seg.append(fs.join(["OBX", "1", "NM", "2345-7" + comp + "Glucose" + comp + "LN", "", str(R.randint(60, 300)), "mg/dL", "70-99", "H"]))
        seg.append(fs.join(["NTE", "1", "", "Pt with " + c + esc + "T" + esc + " on " + pick(DRUGS)]))
    else:
        seg.append(fs.join(["DG1", "1", "I10", pick(ICD) + comp + c + comp + "I10"]))
    body = sep.join(seg)
    if batch:
        body = sep.join([fs.join(["FHS", enc, "EPIC", "RIVERBEND", "", "", ts]), fs.join(["BHS", enc, "EPIC", "RIVERBEND", "", "", ts]), body,
                         fs.join(["BTS", "1"]), fs.join(["FTS", "1"])])
    body += sep
    if mllp:
        body = "\x0b" + body + "\x1c\r"
    return body


def fhir_patient_json(f, l, d, mrn, female):
    return {"resourceType": "Patient", "id": "pt-%d" % R.randint(1000, 99999),
            "meta": {"profile": ["http://hl7.org/fhir/us/core/StructureDefinition/us-core-patient"]},
            "identifier": [{"type": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v2-0203", "code": "MR"}]}, "system": "urn:oid:2.16.840.1.113883.19.5", "value": mrn}],
            "name": [{"use": "official", "family": l, "given": [f]}], "gender": "female" if female else "male",
            "birthDate": d.isoformat(), "address": [{"line": ["%d Quarry Lane" % R.randint(1, 999)], "city": "Nashua", "state": "NH", "postalCode": "030%02d" % R.randint(60, 64)}]}


def fhir_xml_bundle(f, l, d, mrn, female, cond):
    pid = "pt-%d" % R.randint(1000, 99999)
    pat = ('<Patient><id value="%s"/><identifier><system value="urn:oid:2.16.840.1.113883.19.5"/><value value="%s"/></identifier>'
           '<name><use value="official"/><family value="%s"/><given value="%s"/></name><gender value="%s"/><birthDate value="%s"/></Patient>'
           % (pid, mrn, xesc(l), xesc(f), "female" if female else "male", d.isoformat()))
    con = ('<Condition><id value="c1"/><code><text value="%s"/></code><subject><reference value="Patient/%s"/></subject></Condition>' % (xesc(cond), pid))
    entries = [pat, con]
    if R.random() < 0.5:
        entries.reverse()
    x = ('<?xml version="1.0" encoding="UTF-8"?>\n<Bundle xmlns="http://hl7.org/fhir"><id value="b%d"/><type value="%s"/>' % (R.randint(1, 9999), pick(["collection", "document", "searchset", "transaction"]))
         + "".join('<entry><fullUrl value="urn:uuid:%08x-0000-4000-8000-%012x"/><resource>%s</resource></entry>' % (R.getrandbits(32), R.getrandbits(48), e) for e in entries) + "</Bundle>")
    return x.encode()


def ccda_doc(f, l, d, mrn, female, cond, prefix=None):
    p = (prefix + ":") if prefix else ""
    ns = ('xmlns:%s="urn:hl7-org:v3"' % prefix) if prefix else 'xmlns="urn:hl7-org:v3"'
    x = ('<?xml version="1.0" encoding="UTF-8"?>\n<?xml-stylesheet type="text/xsl" href="CDA.xsl"?>\n'
         '<{p}ClinicalDocument {ns} xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:sdtc="urn:hl7-org:sdtc">'
         '<{p}realmCode code="US"/><{p}typeId root="2.16.840.1.113883.1.3" extension="POCD_HD000040"/>'
         '<{p}templateId root="2.16.840.1.113883.10.20.22.1.2" extension="2015-08-01"/><{p}id root="2.16.840.1.113883.19.5.99999.1" extension="{docid}"/>'
         '<{p}code code="34133-9" codeSystem="2.16.840.1.113883.6.1" displayName="Summarization of Episode Note"/><{p}title>Continuity of Care Document</{p}title>'
         '<{p}effectiveTime value="20261102101500-0500"/><{p}confidentialityCode code="N" codeSystem="2.16.840.1.113883.5.25"/>'
         '<{p}recordTarget><{p}patientRole><{p}id root="2.16.840.1.113883.19.5" extension="{mrn}"/>'
         '<{p}addr use="HP"><{p}streetAddressLine>{num} Foundry Way</{p}streetAddressLine><{p}city>Keene</{p}city><{p}state>NH</{p}state><{p}postalCode>03431</{p}postalCode></{p}addr>'
         '<{p}telecom value="tel:+1-603-555-{tel}" use="HP"/><{p}patient><{p}name use="L"><{p}given>{f}</{p}given><{p}family>{l}</{p}family></{p}name>'
         '<{p}administrativeGenderCode code="{g}" codeSystem="2.16.840.1.113883.5.1"/><{p}birthTime value="{dob}"/></{p}patient></{p}patientRole></{p}recordTarget>'
         '<{p}component><{p}structuredBody><{p}component><{p}section><{p}title>Problems</{p}title><{p}text><{p}list><{p}item>{cond}</{p}item></{p}list></{p}text></{p}section></{p}component>'
         '</{p}structuredBody></{p}component></{p}ClinicalDocument>').format(p=p, ns=ns, docid=R.randint(1, 10 ** 6), mrn=mrn, num=R.randint(1, 999), tel="%04d" % R.randint(0, 9999),
                                                                         f=xesc(f), l=xesc(l), g="F" if female else "M", dob=d.strftime("%Y%m%d"), cond=xesc(cond))
    return x


def dicom(f, l, d, pid, ts, preamble=True, blank=False):
    """A small DICOM object; ts: 'ile' implicit LE, 'ele' explicit LE, 'ebe' explicit BE."""
    def el_ex(g, e, vr, val, be=False):
        if len(val) % 2:
            val += b"\x00" if vr in (b"UI", b"OB") else b" "
        o = ">" if be else "<"
        if vr in (b"OB", b"OW", b"SQ", b"UN", b"UT"):
            return struct.pack(o + "HH", g, e) + vr + b"\x00\x00" + struct.pack(o + "I", len(val)) + val
        return struct.pack(o + "HH", g, e) + vr + struct.pack(o + "H", len(val)) + val

    def el_im(g, e, vr, val):
        if len(val) % 2:
            val += b"\x00" if vr == b"UI" else b" "
        return struct.pack("<HHI", g, e, len(val)) + val
    tsuid = {"ile": b"1.2.840.10008.1.2", "ele": b"1.2.840.10008.1.2.1", "ebe": b"1.2.840.10008.1.2.2"}[ts]
    sop = b"1.2.840.10008.5.1.4.1.1.%d" % R.choice([2, 4, 7, 1])
    inst = b"1.2.826.0.1.3680043.9.%d.%d" % (R.randint(1000, 9999), R.randint(1, 10 ** 8))
    pn = b"" if blank else ("%s^%s" % (l.upper(), f.upper())).encode("latin-1", "replace")
    ds = [(0x0008, 0x0016, b"UI", sop), (0x0008, 0x0018, b"UI", inst), (0x0008, 0x0020, b"DA", b"20261030"), (0x0008, 0x0060, b"CS", pick([b"CT", b"MR", b"US", b"CR"])),
          (0x0008, 0x0080, b"LO", b"Riverbend Imaging"), (0x0008, 0x1030, b"LO", pick([b"CT CHEST W/O CONTRAST", b"MRI BRAIN", b"US ABDOMEN"])),
          (0x0010, 0x0010, b"PN", pn), (0x0010, 0x0020, b"LO", b"" if blank else pid.encode()),
          (0x0010, 0x0030, b"DA", b"" if blank else d.strftime("%Y%m%d").encode()), (0x0010, 0x0040, b"CS", b"" if blank else R.choice([b"F", b"M"])),
          (0x0020, 0x000D, b"UI", inst + b".1"), (0x0028, 0x0010, b"US", struct.pack(">H" if ts == "ebe" else "<H", 8)),
          (0x0028, 0x0011, b"US", struct.pack(">H" if ts == "ebe" else "<H", 8))]
    if blank:
        ds.append((0x0012, 0x0062, b"CS", b"YES"))
    body = b""
    for g, e, vr, v in ds:
        body += el_im(g, e, vr, v) if ts == "ile" else el_ex(g, e, vr, v, ts == "ebe")
    body += (el_im(0x7FE0, 0x0010, b"OW", bytes(64)) if ts == "ile" else el_ex(0x7FE0, 0x0010, b"OW", bytes(64), ts == "ebe"))
    meta = el_ex(0x0002, 0x0001, b"OB", b"\x00\x01") + el_ex(0x0002, 0x0002, b"UI", sop) + el_ex(0x0002, 0x0003, b"UI", inst) + el_ex(0x0002, 0x0010, b"UI", tsuid) + el_ex(0x0002, 0x0012, b"UI", b"1.2.826.0.1.3680043.9.7433")
    meta = el_ex(0x0002, 0x0000, b"UL", struct.pack("<I", len(meta))) + meta
    if not preamble:
        return body if ts == "ile" else meta + body
    return bytes(128) + b"DICM" + meta + body


# ---------------------------------------------------------------- PHI makers

def name_intro(f, l, female):
    t = pick(["Mrs", "Mrs.", "Ms", "Ms.", "Miss"]) if female else pick(["Mr", "Mr."])
    return pick(["%s %s" % (f, l), "%s %s %s" % (t, f, l), "%s, %s" % (l.upper(), f.upper()), "%s, %s" % (l, f),
                 "%s. %s" % (f[0], l), "%s %s" % (f.upper(), l.upper()), "%s %s. %s" % (f, R.choice("ABCDEGJKLMPRSTW"), l)])


def p_referral():
    org = pick(ORGS)
    f, l, fem = who()
    d, c, dr = dob(), pick(COND), pick(DRUGS)
    k = R.randrange(12)
    t = ["date_of_birth"]
    lbl, mv = mrn_shape()
    if k == 0:
        body = "Dear Dr. %s,\n\nRe: %s %s %s (DOB %s)\n\nThank you for seeing this %d-year-old with %s. Current medication: %s.\n\nYours sincerely," % (
            pick(FAMILY), pick(["Mrs", "Ms"]) if fem else "Mr", f, l, date_en(d), 2026 - d.year, c, dr)
        t.append("person_name")
    elif k == 1:
        body = "REFERRAL\n\nName: %s, %s\nD.O.B: %s\n%s %s\nReferred for: %s\nHistory: %s, on %s." % (l.upper(), f.upper(), date_en(d), lbl, mv, pick(["cardiology opinion", "MRI review", "endoscopy"]), c, dr)
        t += ["person_name", "mrn"]
    elif k == 2:
        body = "Hi,\n\nPt: %s. %s, DoB %s, seen today with worsening %s. Started %s. Please book a follow-up in 2 weeks.\n\nThanks" % (f[0], l, date_en(d), c, dr)
    elif k == 3:
        body = "Patient details\n---------------\nSurname: %s\nForename: %s\nDate of Birth: %s\n%s %s\n\nClinical summary: known %s, admitted with exacerbation." % (l, f, date_en(d), lbl, mv, c)
        t += ["mrn"]
    elif k == 4:
        body = "To the on-call team:\n\n%s (%s %s) was discharged today. Dx: %s. Meds on discharge: %s.\nBirth date %s." % (name_intro(f, l, fem), lbl, mv, c, dr, date_en(d))
        t = ["mrn", "date_of_birth"]
    elif k == 5:
        body = "Subject patient: %s %s\nDOB/Age: %s (%dy)\nAllergies: NKDA\nProblem list: %s; %s\nPlan: titrate %s." % (f, l, date_en(d), 2026 - d.year, c, pick(COND), dr)
        t.append("person_name")
    elif k == 6:
        body = "Good morning,\n\nCould you please send the last echo report for my patient %s %s, born %s? She has %s and we are adjusting her %s.\n\nMany thanks" % (f, l, date_en(d), c, dr)
    elif k == 7:
        body = "Patient Name: %s\nDate of birth: %s\n%s %s\nDiagnosis: %s (%s)\nReason: second opinion" % (name_intro(f, l, fem), date_en(d), lbl, mv, c, pick(ICD))
        t += ["person_name", "mrn"]
    elif k == 8:
        body = "Nurse call note 11/04/2026 14:20\n\nCaller is daughter of %s %s (DOB: %s). Reports her mother's %s is worse since yesterday; out of %s. Advised ED." % (f, l, date_en(d), c, dr)
    elif k == 9:
        body = "Hello team,\n\nFor tomorrow's MDT: %s %s, %s %s, %s. DOB %s. Imaging shows progression; oncology to discuss %s.\n" % (f, l, lbl, mv, c, date_en(d), pick(["chemotherapy", "radiotherapy", "palliative care"]))
        t = ["mrn", "date_of_birth"]
    elif k == 10:
        body = "Insurance appeal\n\nMember name: %s %s\nMember DOB: %s\nMember ID: %s%d\nDenied service: %s for %s. We request reconsideration." % (f, l, date_en(d), pick(["XQA", "HMO", "ZRB"]), R.randint(10 ** 8, 10 ** 9), pick(["MRI lumbar spine", "CPAP", "home oxygen"]), c)
        t.append("person_name")
    else:
        body = "Lab requisition\n\nPatient: %s\nDate of Birth: %s\nTests: HbA1c, lipid panel, TSH\nIndication: %s" % (name_intro(f, l, fem), date_en(d), c)
        t.append("person_name")
    return wrap(org, pick(["Referral", "Patient referral", "Re: follow-up", "Records request", "Urgent: patient", "Discharge"]), body), "patient", "phi", t, "referral/letter kind %d" % k


def p_foreign():
    org = pick(ORGS)
    f, l, fem = who()
    d = dob()
    lang = R.choice(["fr", "de", "pt", "es"])
    k = R.randrange(3)
    t = ["date_of_birth"]
    if lang == "fr":
        c = pick(COND_FR)[0]
        if k == 0:
            body = "Cher confrère,\n\nJe vous adresse %s %s %s, né%s le %s, pour un avis concernant son %s.\n\nBien confraternellement," % ("Mme" if fem else "M.", f, l, "e" if fem else "", date_fr(d), c)
        elif k == 1:
            body = "Patient : %s %s\nDate de naissance : %s\nDiagnostic : %s\nTraitement : %s" % (l.upper(), f, date_fr(d), c, pick(DRUGS))
            t.append("person_name")
        else:
            body = "Bonjour,\n\nCi-joint le compte rendu de %s %s (date de naissance %s), hospitalisé%s pour %s.\n\nCordialement," % (f, l, date_fr(d), "e" if fem else "", c)
    elif lang == "de":
        c = pick(COND_DE)[0]
        if k == 0:
            body = "Sehr geehrte Kollegin, sehr geehrter Kollege,\n\nwir berichten über %s %s %s, geb. %s, die/der sich mit %s vorstellte.\n\nMit freundlichen Grüßen" % ("Frau" if fem else "Herrn", f, l, date_de(d), c)
        elif k == 1:
            body = "Patient: %s, %s\nGeburtsdatum: %s\nDiagnose: %s\nMedikation: %s" % (l, f, date_de(d), c, pick(DRUGS))
            t.append("person_name")
        else:
            body = "Hallo,\n\nanbei der Befund von %s %s (geb. am %s). Diagnose: %s. Bitte um Rückruf.\n\nViele Grüße" % (f, l, date_de(d), c)
    elif lang == "pt":
        c = pick(COND_PT)[0]
        if k == 0:
            body = "Prezado colega,\n\nEncaminho %s %s %s, nascid%s em %s, para avaliação de %s.\n\nAtenciosamente," % ("a Sra." if fem else "o Sr.", f, l, "a" if fem else "o", date_pt(d), c)
        elif k == 1:
            body = "Paciente: %s %s\nData de nascimento: %s\nDiagnóstico: %s\nMedicação: %s" % (f, l, date_pt(d), c, pick(DRUGS))
            t.append("person_name")
        else:
            body = "Olá,\n\nSegue o resultado de %s %s (data de nasc. %s). Diagnóstico: %s.\n\nObrigado," % (f, l, date_pt(d), c)
    else:
        c = pick(["diabetes tipo 1", "insuficiencia renal crónica", "cáncer de colon", "epilepsia", "esquizofrenia", "EPOC"])
        fd = "%d/%d/%d" % (d.day, d.month, d.year) if d.day > 12 else "%d de %s de %d" % (d.day, ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre"][d.month - 1], d.year)
        if k == 0:
            body = "Doctor/a:\n\nLe remito a %s %s %s (F. Nac.: %s) con %s de larga evolución.\n\nSaludos cordiales," % ("la Sra." if fem else "el Sr.", f, l, fd, c)
        elif k == 1:
            body = "Datos del paciente\nApellidos: %s\nNombre: %s\nFecha de nacimiento: %s\nDiagnóstico principal: %s" % (l, f, fd, c)
        else:
            body = "Buenas tardes,\n\nLa paciente %s %s, nacida el %s, acudió hoy por %s. Se ajustó el tratamiento.\n\nUn saludo," % (f, l, fd, c)
    return wrap(org, pick(["Patient", "Befund", "Compte rendu", "Encaminhamento", "Informe"]), body, shape=R.choice(["plain", "alt", "html", "plain"])), "patient", "phi", t, "%s letter kind %d" % (lang, k)


def p_attach():
    org = pick(ORGS)
    f, l, fem = who()
    d, c, dr = dob(), pick(COND), pick(DRUGS)
    k = R.randrange(10)
    t = ["date_of_birth"]
    lbl, mv = mrn_shape()
    note = ["CLINIC NOTE", "Patient: %s %s" % (f, l), "DOB: %s" % date_en(d), "%s %s" % (lbl, mv), "Assessment: %s" % c, "Plan: continue %s" % dr]
    if k == 0:
        data, mt = odt(note)
        a = att_part(data, mt, "note_%d.odt" % R.randint(1, 999))
        t += ["person_name", "mrn"]
        why = "ODT clinic note"
    elif k == 1:
        rows = [["Name", "Date of Birth", "Diagnosis"]] + [["%s %s" % (x[0], x[1]), dob(), pick(COND)] for x in [who() for _ in range(R.randint(3, 7))]]
        data, mt = ods(rows)
        a = att_part(data, mt, "list.ods")
        why = "ODS patient list with date cells"
    elif k == 2:
        rows = [["MRN", "Patient", "DOB", "Problem"]] + [["%07d" % R.randint(0, 9999999), "%s, %s" % (x[1], x[0]), dob(), pick(COND)] for x in [who() for _ in range(R.randint(3, 7))]]
        a = att_part(xlsx_inline(rows), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "census.xlsx")
        t = ["date_of_birth", "mrn"]
        why = "XLSX with inline strings and serial date cells"
    elif k == 3:
        a = att_part(pptx([["Case conference", "Presented by the hospitalist team"], ["%s %s, DOB %s" % (f, l, date_en(d)), "History of %s" % c, "Now on %s" % dr]]),
                     "application/vnd.openxmlformats-officedocument.presentationml.presentation", "case_review.pptx")
        why = "PPTX case review naming the patient"
    elif k == 4:
        a = att_part(rtf_doc(["Dear colleague,", "Re: %s %s, date of birth %s" % (f, l, date_en(d)), "This patient has %s and takes %s." % (c, dr)], R.random() < 0.5),
                     pick(["application/rtf", "text/richtext", "application/octet-stream"]), "referral.rtf")
        why = "RTF referral"
    elif k == 5:
        a = att_part(tnef("Patient %s %s" % (f, l), "Patient: %s %s\r\nDOB: %s\r\nDiagnosis: %s\r\nMedication: %s\r\n" % (f, l, date_en(d), c, dr)),
                     "application/ms-tnef", "winmail.dat")
        t.append("person_name")
        why = "winmail.dat with the note in attBody"
    elif k == 6:
        txt = "\n".join(note).encode("utf-16")
        a = att_part(txt, "text/plain; charset=utf-16", "note.txt")
        t += ["person_name", "mrn"]
        why = "UTF-16 text attachment"
    elif k == 7:
        txt = ("Patient;Geburtsdatum;Diagnose\n" + "\n".join("%s %s;%s;%s" % (x[0], x[1], date_de(dob()), pick(COND_DE)[0]) for x in [who() for _ in range(4)])).encode("latin-1", "replace")
        a = att_part(txt, "text/csv; charset=iso-8859-1", "liste.csv")
        why = "latin-1 CSV with German headers"
    elif k == 8:
        tsv = "Last\tFirst\tDOB\tDx\n" + "\n".join("%s\t%s\t%s\t%s" % (x[1], x[0], dob().strftime("%m/%d/%Y"), pick(COND)) for x in [who() for _ in range(5)])
        a = att_part(zipped([("reports/week46.tsv", tsv.encode())]), "application/x-zip-compressed", "week46.zip")
        why = "zipped TSV list"
    else:
        body = "<html><body><p>Summary below.</p><table border=1><tr><th>Patient</th><td>%s %s</td></tr><tr><th>DOB</th><td>%s</td></tr><tr><th>%s</th><td>%s</td></tr><tr><th>Diagnosis</th><td>%s</td></tr></table></body></html>" % (
            xesc(f), xesc(l), date_en(d), xesc(lbl.rstrip(": -")), mv, xesc(c))
        a = att_part(body.encode(), "text/html", "summary.html")
        t += ["person_name", "mrn"]
        why = "HTML key/value table attached"
    text = pick(["Please find attached.", "Attached for your records.", "See attachment.", "As requested, attached."])
    return wrap(org, pick(["Documents", "Records", "Case", "List"]), text, atts=[a], shape=R.choice(["plain", "alt", "fwd"])), "patient", "phi", t, why


def p_body_enc():
    """A short patient note in odd encodings of the body itself."""
    org = pick(ORGS)
    f, l, fem = who()
    d, c = dob(), pick(COND)
    txt = "Patient: %s %s\r\nDOB: %s\r\nDiagnosis: %s\r\nPlease call the family about the results." % (f, l, date_en(d), c)
    cs = R.choice(["utf-16", "iso-8859-1", "windows-1252", "utf-8"])
    enc = R.choice(["b64odd", "qpcut", "b64"])
    core = text_body(txt + signature(org), "plain", enc=enc, cs=cs)
    if R.random() < 0.3:
        core = text_body(html_of(txt), "html", enc=enc, cs=cs)
    return message(org, "Note", core), "patient", "phi", ["date_of_birth", "person_name"], "patient note as %s %s" % (cs, enc)


def p_hl7():
    org = pick(ORGS)
    f, l, fem = who()
    d = dob()
    mrn = "%d" % R.randint(10 ** 5, 10 ** 8)
    k = R.randrange(7)
    kw = {}
    if k == 1:
        kw = dict(sep="\n")
    elif k == 2:
        kw = dict(mllp=True)
    elif k == 3:
        kw = dict(batch=True)
    elif k == 4:
        kw = dict(fs=R.choice(["#", "!", "$"]), comp="^")
    elif k == 5:
        kw = dict(comp="@", rep="*", esc="/", sub="%")
    elif k == 6:
        kw = dict(sep="\r\n", batch=True)
    m = hl7_msg(f, l, d, mrn, **kw)
    where = R.randrange(4)
    if where == 0:
        atts = [att_part(m.encode("latin-1", "replace"), pick(["application/hl7-v2", "application/octet-stream", "text/plain", "x-application/hl7-v2+er7"]), pick(["adt.hl7", "msg.txt", "export.er7", "HL7_%d" % R.randint(1, 99)]))]
        msg = wrap(org, "HL7 message", "Interface message attached for troubleshooting.", atts=atts, shape="plain")
    elif where == 1:
        msg = wrap(org, "Interface error", "The feed rejected this message:\n\n" + m.replace("\x0b", "").replace("\x1c", "").replace("\r\n", "\n").replace("\r", "\n") + "\n", shape=R.choice(["plain", "html", "alt"]))
    elif where == 2:
        atts = [att_part(zipped([("msgs/%d.hl7" % R.randint(1, 999), m.encode("latin-1", "replace"))]), "application/zip", "hl7.zip")]
        msg = wrap(org, "HL7 samples", "Zipped.", atts=atts, shape="plain")
    else:
        atts = [att_part(m.encode("latin-1", "replace"), "application/octet-stream", "dump.bin")]
        msg = wrap(org, "Message dump", "Raw dump from the engine.", atts=atts, shape="fwd")
    return msg, "hl7v2", "phi", ["hl7v2"], "HL7 v2 variant %d placement %d" % (k, where)


def p_fhir():
    org = pick(ORGS)
    f, l, fem = who()
    d, c = dob(), pick(COND)
    mrn = "%08d" % R.randint(0, 10 ** 8)
    k = R.randrange(5)
    if k == 0:
        data, ct, name = fhir_xml_bundle(f, l, d, mrn, fem, c), pick(["application/fhir+xml", "application/xml", "text/xml"]), "bundle.xml"
    elif k == 1:
        lines = [fhir_patient_json(*(list(who()[:2]) + [dob(), "%08d" % R.randint(0, 10 ** 8), R.random() < 0.5])) for _ in range(R.randint(2, 5))]
        lines.insert(0, fhir_patient_json(f, l, d, mrn, fem))
        data, ct, name = ("\n".join(json.dumps(x) for x in lines) + "\n").encode(), pick(["application/fhir+ndjson", "application/x-ndjson", "application/octet-stream"]), "Patient.ndjson"
    elif k == 2:
        pat = fhir_patient_json(f, l, d, mrn, fem)
        b = {"resourceType": "Bundle", "type": "searchset", "total": 3, "entry": [
            {"resource": {"resourceType": "Encounter", "id": "e1", "status": "finished", "subject": {"reference": "Patient/" + pat["id"]}}},
            {"resource": {"resourceType": "Condition", "id": "c1", "code": {"text": c}, "subject": {"reference": "Patient/" + pat["id"]}}},
            {"resource": pat}]}
        data, ct, name = json.dumps(b, indent=R.choice([None, 2, 4])).encode(), pick(["application/json", "application/fhir+json"]), "search.json"
    elif k == 3:
        data, ct, name = ("\ufeff" + json.dumps(fhir_patient_json(f, l, d, mrn, fem), indent=2)).encode("utf-8"), "text/plain", "patient.txt"
    else:
        x = ('<Patient xmlns="http://hl7.org/fhir"><id value="p%d"/><name><family value="%s"/><given value="%s"/></name><birthDate value="%s"/></Patient>' % (R.randint(1, 999), xesc(l), xesc(f), d.isoformat()))
        data, ct, name = zipped([("fhir/patient.xml", x.encode())]), "application/zip", "fhir.zip"
    msg = wrap(org, pick(["FHIR export", "Patient record", "API output"]), "Attached the resource from the sandbox test.", atts=[att_part(data, ct, name)], shape=R.choice(["plain", "alt"]))
    return msg, "fhir", "phi", ["fhir"], "FHIR variant %d" % k


def p_ccda():
    org = pick(ORGS)
    f, l, fem = who()
    d, c = dob(), pick(COND)
    k = R.randrange(5)
    pre = None
    if k in (1, 2):
        pre = pick(["cda", "v3", "hl7"])
    x = ccda_doc(f, l, d, "%09d" % R.randint(0, 10 ** 9), fem, c, pre)
    if k == 2:
        data = x.replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16")
    elif k == 3:
        data = x.replace('encoding="UTF-8"', 'encoding="ISO-8859-1"').encode("latin-1", "replace")
    else:
        data = x.encode()
    ct, name = pick([("application/xml", "ccd.xml"), ("text/xml", "CCD_%d.xml" % R.randint(1, 99)), ("application/octet-stream", "document"), ("application/hl7-cda+xml", "summary.cda")])
    if k == 4:
        data, ct, name = zipped([("IHE_XDM/SUBSET01/DOC0001.XML", data), ("IHE_XDM/SUBSET01/METADATA.XML", b"<x/>")]), "application/zip", "xdm.zip"
    msg = wrap(org, pick(["Transition of care", "CCD", "Summary of care"]), "Summary of care document attached.", atts=[att_part(data, ct, name)], shape=R.choice(["plain", "alt", "fwd"]))
    return msg, "ccda", "phi", ["ccda"], "C-CDA variant %d (%s)" % (k, pre or "default ns")


def p_dicom():
    org = pick(ORGS)
    f, l, fem = who()
    d = dob()
    ts = R.choice(["ile", "ele", "ebe"])
    pre = R.random() < 0.7
    data = dicom(f, l, d, "ID%07d" % R.randint(0, 10 ** 7), ts, pre)
    ct, name = pick([("application/dicom", "IM0001.dcm"), ("application/octet-stream", "IM%04d" % R.randint(1, 9999)), ("application/octet-stream", "image.dcm")])
    if R.random() < 0.2:
        data, ct, name = zipped([("DICOM/ST000/SE000/IM000", data)]), "application/zip", "study.zip"
    msg = wrap(org, pick(["Images", "CT for review", "Study"]), "Image attached for the second read.", atts=[att_part(data, ct, name)], shape="plain")
    return msg, "dicom", "phi", ["dicom"], "DICOM %s %s" % (ts, "with preamble" if pre else "no preamble")


def pdf_tj(lines, info=None):
    """A one-page PDF whose text is shown with TJ arrays (kerned pieces) and hex strings."""
    ops = ["BT /F1 10 Tf 56 780 Td 13 TL"]
    for ln in lines:
        b = ln.encode("cp1252", "replace")
        k = R.randrange(3)
        if k == 0:  # kerned pieces cut inside words
            cuts = sorted(R.sample(range(1, max(2, len(b))), min(3, max(1, len(b) - 1))))
            pieces, last = [], 0
            for c in cuts + [len(b)]:
                pieces.append(b[last:c])
                last = c
            arr = " ".join("(%s) %d" % (x.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)").decode("latin-1"), R.choice([-12, -30, 8, 15])) for x in pieces)
            ops.append("[%s] TJ T*" % arr)
        elif k == 1:  # one hex string
            ops.append("<%s> Tj T*" % b.hex().upper())
        else:
            ops.append("(%s) Tj T*" % b.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)").decode("latin-1"))
    ops.append("ET")
    cb = zlib.compress("\n".join(ops).encode("latin-1"))
    objs = ["<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
            (b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(cb)) + cb + b"\nendstream",
            "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"]
    if info:
        objs.append("<< /Title <FEFF%s> /Producer (ScanDesk 4.1) >>" % info.encode("utf-16-be").hex().upper())
    out = io.BytesIO()
    out.write(b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n")
    offs = []
    for i, o in enumerate(objs, 1):
        offs.append(out.tell())
        out.write(b"%d 0 obj\n" % i + (o if isinstance(o, bytes) else o.encode("latin-1")) + b"\nendobj\n")
    x = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1) + b"".join(b"%010d 00000 n \n" % o for o in offs))
    out.write(b"trailer\n<< /Size %d /Root 1 0 R%s >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, b" /Info 6 0 R" if info else b"", x))
    return out.getvalue()


def docx_parts(body_paras, header_paras=(), table=None):
    W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    def para(p):
        return "<w:p><w:r><w:t xml:space=\"preserve\">%s</w:t></w:r></w:p>" % xesc(p)
    body = "".join(para(p) for p in body_paras)
    if table:
        body += "<w:tbl>" + "".join("<w:tr>%s</w:tr>" % "".join("<w:tc><w:p><w:r><w:t>%s</w:t></w:r></w:p></w:tc>" % xesc(str(c)) for c in row) for row in table) + "</w:tbl>"
    files = [("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/>'
              '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'),
             ("_rels/.rels", '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>'),
             ("word/document.xml", '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document %s><w:body>%s</w:body></w:document>' % (W, body))]
    if header_paras:
        files.append(("word/header1.xml", '<?xml version="1.0"?><w:hdr %s>%s</w:hdr>' % (W, "".join(para(p) for p in header_paras))))
    return zipped(files)


def flowed(text, width=40):
    """format=flowed: long lines cut at spaces, each soft break a trailing space."""
    out = []
    for ln in text.split("\n"):
        while len(ln) > width and " " in ln[10:width]:
            k = ln.rfind(" ", 10, width)
            out.append(ln[:k + 1])
            ln = ln[k + 1:]
        out.append(ln)
    return "\r\n".join(out)


def p_more():
    """Further shapes: PDF TJ/hex text, DOCX tables and headers, flowed text, RFC 2047
    subjects split across words, uuencode, nested forwards, greetings to the patient."""
    org = pick(ORGS)
    f, l, fem = who()
    d, c, dr = dob(), pick(COND), pick(DRUGS)
    lbl, mv = mrn_shape()
    k = R.randrange(12)
    t = ["date_of_birth"]
    atts = []
    text = pick(["Please see attached.", "Attached.", "For your review."])
    shape = R.choice(["plain", "alt"])
    if k == 0:
        atts = [att_part(pdf_tj(["DISCHARGE SUMMARY", "Patient: %s %s" % (f, l), "Date of Birth: %s" % date_en(d), "%s %s" % (lbl, mv), "Diagnosis: %s" % c, "Medications: %s" % dr]), "application/pdf", "DS_%d.pdf" % R.randint(1, 999))]
        t += ["person_name", "mrn"]
        why = "PDF with TJ arrays and hex strings"
    elif k == 1:
        atts = [att_part(pdf_tj(["Scanned document", "Page 1 of 1"], info="%s %s DOB %s %s" % (f, l, date_en(d), c)), "application/pdf", "scan.pdf")]
        why = "PDF whose UTF-16 Title names the patient"
    elif k == 2:
        tb = [["Patient", "%s %s" % (f, l)], ["DOB", date_en(d)], [lbl.rstrip(": -"), mv], ["Diagnosis", c]]
        atts = [att_part(docx_parts(["Referral form", "Please complete below."], table=tb), "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "referral.docx")]
        t += ["person_name", "mrn"]
        why = "DOCX table of key/value cells"
    elif k == 3:
        atts = [att_part(docx_parts(["Thank you for seeing this patient with %s, now on %s." % (c, dr)], header_paras=["%s %s   DOB: %s" % (f, l, date_en(d))]), "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "letter.docx")]
        why = "DOCX whose page header names the patient"
    elif k == 4:
        body = "Patient: %s %s, Date of birth: %s, was seen today with %s and started on %s; please arrange follow-up." % (f, l, date_en(d), c, dr)
        core = ('Content-Type: text/plain; charset="utf-8"; format=flowed\r\nContent-Transfer-Encoding: 8bit\r\n', flowed(body + signature(org).replace("\r\n", "\n"), R.choice([30, 38, 45])))
        return message(org, "Follow-up", core), "patient", "phi", ["date_of_birth", "person_name"], "format=flowed body"
    elif k == 5:
        subj = "%s %s DOB %s - %s" % (f, l, date_en(d), c)
        enc = "".join("=%02X" % b if b > 126 or chr(b) in "?=_ " else chr(b) for b in subj.encode())
        enc = enc.replace("=20", "_")
        cut = len(enc) // 2
        while enc[cut - 1] == "=" or enc[cut - 2] == "=":
            cut -= 1
        extra = "X-Priority: 1\r\n"
        raw = message(org, "x", text_body("See subject, please call back." + signature(org)), extra_hdr=extra).decode()
        raw = raw.replace("Subject: x\r\n", "Subject: =?utf-8?Q?%s?=\r\n =?utf-8?Q?%s?=\r\n" % (enc[:cut], enc[cut:]), 1)
        return raw.encode(), "patient", "phi", ["date_of_birth"], "RFC 2047 Q subject split over two encoded words"
    elif k == 6:
        note = "Patient: %s %s\nDOB: %s\nAssessment: %s\n" % (f, l, date_en(d), c)
        import binascii
        data = note.encode()
        uu = "begin 644 note.txt\n" + "".join(binascii.b2a_uu(data[i:i + 45]).decode() for i in range(0, len(data), 45)) + "`\nend\n"
        text = "Note below (uuencoded by the old system):\n\n" + uu
        t.append("person_name")
        why = "uuencoded note in the body"
    elif k == 7:
        inner = wrap(org, "Patient %s" % l, "Patient: %s %s\nDOB: %s\nProblem: %s" % (f, l, date_en(d), c), shape="plain")
        mid = message(org, "Fwd: Patient %s" % l, multipart("mixed", [text_body("FYI"), ("Content-Type: message/rfc822\r\n", inner.decode("utf-8", "replace"))]))
        core = multipart("mixed", [text_body("Forwarding again." + signature(org)), ("Content-Type: message/rfc822\r\n", mid.decode("utf-8", "replace"))])
        return message(org, "Fwd: Fwd: Patient %s" % l, core), "patient", "phi", ["date_of_birth", "person_name"], "message/rfc822 inside message/rfc822"
    elif k == 8:
        g = pick(["Hello %s %s," % (f, l), "Good morning %s %s," % (f, l), "Dear %s %s," % ("Ms" if fem else "Mr", l), "Hi %s %s," % (f, l)])
        text = "%s\n\nYour biopsy results are back and confirm %s. We would like to start %s next week. Please call the clinic to book.\n\nAddress on file: %d Orchard Row, Nashua, NH 03060" % (g, c, dr, R.randint(2, 999))
        t = ["person_name"]
        why = "greeting to the patient with results, no DOB"
    elif k == 9:
        text = "<html><body><table><tr><td><b>Pat</b><b>ient</b>:</td><td><span>%s</span> <span>%s</span></td></tr><tr><td>D<span>OB</span>:</td><td>%s</td></tr><tr><td>Dx:</td><td>%s</td></tr></table></body></html>" % (xesc(f), xesc(l), date_en(d), xesc(c))
        core = text_body(text, "html")
        return message(org, "Today's patient", core), "patient", "phi", ["date_of_birth"], "HTML table whose labels are split by inline tags"
    elif k == 10:
        cda = ccda_doc(f, l, d, "%09d" % R.randint(0, 10 ** 9), fem, c)
        dr_json = {"resourceType": "DocumentReference", "status": "current", "type": {"text": "Summary of care"},
                   "content": [{"attachment": {"contentType": "application/hl7-cda+xml", "data": base64.b64encode(cda.encode()).decode()}}]}
        atts = [att_part(json.dumps(dr_json).encode(), "application/json", "docref.json")]
        return wrap(org, "DocumentReference", text, atts=atts, shape="plain"), "ccda", "phi", ["ccda"], "C-CDA base64 inside a FHIR DocumentReference"
    else:
        m = hl7_msg(f, l, d, "%d" % R.randint(10 ** 5, 10 ** 8))
        h = "<html><body><p>Error in feed:</p><p>" + "<br>\n".join(xesc(x) for x in m.strip("\r").split("\r")) + "</p></body></html>"
        return message(org, "Feed error", text_body(h, "html")), "hl7v2", "phi", ["hl7v2"], "HL7 pasted in HTML with <br> and entities"
    return wrap(org, pick(["Patient", "Records", "Documents"]), text, atts=atts, shape=shape), "patient", "phi", t, why


def clean_more():
    org = pick(ORGS)
    k = R.randrange(14)
    atts = []
    st = pick(STAFF)
    stn = ("%s %s %s" % st).strip()
    if k == 0:
        s, b = "Intake form template", ("NEW PATIENT INTAKE\n\nPatient Name: ______________________\nDate of Birth: ____/____/______\nMRN: __________\n"
                                        "Reason for visit: ______________\nAllergies: ______________\n\nPlease print this form for the front desk.")
    elif k == 1:
        s, b = "Template for referral letters", ("Dear Dr. [LAST NAME],\n\nRe: [Patient Name] (DOB [MM/DD/YYYY])\n\nThank you for seeing [him/her] for [diagnosis]. "
                                                 "Replace the bracketed fields before sending; never e-mail the completed letter unencrypted.")
    elif k == 2:
        s, b = "Thank you for your gift", ("Dear %s %s,\n\nThank you for your generous gift to the Cancer Research Fund. Your support helps patients "
                                           "with breast cancer and leukemia in our community. A tax receipt is attached." % (pick(GIVEN_F), pick(FAMILY)))
    elif k == 3:
        s, b = "Minutes - diabetes program", ("Present: %s; %s %s, RN; %s %s, PharmD.\nDiscussed: insulin pump training, foot exam rates (82%%), "
                                              "hypoglycemia protocol. Next meeting %s." % (stn, pick(GIVEN_F), pick(FAMILY), pick(GIVEN_M), pick(FAMILY), date_en(datetime.date(2027, 1, R.randint(1, 28)))))
    elif k == 4:
        s, b = "Patient education: foot care", ("Dear Patient,\n\nIf you have diabetes, check your feet every day for cuts, blisters or redness. "
                                                "Wear comfortable shoes and see your doctor if a sore does not heal. Call us at %s with questions." % phone())
    elif k == 5:
        rows = "".join("<tr><td>%s</td><td>%d</td><td>%d</td></tr>" % (g, R.randint(50, 900), R.randint(5, 120)) for g in ["18-39", "40-64", "65-89", "90+"])
        b = "<html><body><p>Diabetes registry by age group (no identifiers):</p><table><tr><th>Age</th><th>Patients</th><th>HbA1c &gt; 9</th></tr>%s</table></body></html>" % rows
        return message(org, "Registry summary", text_body(b, "html")), "hardneg", "clean", [], "clean more kind 5"
    elif k == 6:
        s, b = "W-9 for our clinic", ("Attached is our W-9.\nLegal name: %s LLC\nTax ID (EIN): %02d-%07d\nRemit to: PO Box %d\nVendor number: V%06d" % (org[0], R.randint(10, 99), R.randint(0, 9999999), R.randint(100, 9999), R.randint(0, 999999)))
    elif k == 7:
        s, b = "In memoriam", ("We are sad to share that Dr. %s %s (1941-2026), who led our cardiology department for 30 years, passed away last week. "
                               "A memorial will be held on %s." % (pick(GIVEN_M), pick(FAMILY), date_en(datetime.date(2026, 12, R.randint(1, 28)))))
    elif k == 8:
        s, b = "Interface test plan", ("Test messages for the new ADT feed must use the test patient only:\n"
                                       "PID segment fields: PID-3 medical record number, PID-5 name (LAST^FIRST), PID-7 date of birth (YYYYMMDD).\n"
                                       "Expected ACK: MSA|AA|<control id>. Go-live %s." % date_en(datetime.date(2027, 2, R.randint(1, 28))))
    elif k == 9:
        s, b = "Claim status report", ("Weekly claim status: 412 claims submitted, 37 denied (CO-16 missing info, CO-97 bundled). "
                                       "Top denial codes: CO-16, CO-45, PR-1. Claim batch 2026-11-%02d-0%d processed." % (R.randint(1, 28), R.randint(1, 9)))
    elif k == 10:
        s, b = "Equipment inventory", ("Infusion pumps: model 8015, S/N 12%07d, 12%07d; asset tags A-0%05d, A-0%05d. "
                                       "Defibrillator serial %d-%02d-%04d due for battery on %s." % (R.randint(0, 10 ** 7), R.randint(0, 10 ** 7), R.randint(0, 99999), R.randint(0, 99999), R.randint(100, 899), R.randint(10, 99), R.randint(1000, 9999), date_en(datetime.date(2027, 3, R.randint(1, 28)))))
    elif k == 12:
        s, b = "Phone numbers", ("Useful numbers for the new residents:\nHospital number %d-555-01%02d (switchboard)\nUnit No. 5 North, ext. %d\n"
                                 "Good morning Team Alpha: the asthma clinic moves to room %d on Monday." % (R.randint(201, 989), R.randint(0, 99), R.randint(1000, 9999), R.randint(100, 400)))
    elif k == 13:
        s, b = "Réunion annulée", ("Bonjour à tous,\n\nJe ne le savais pas avant le %s : la réunion sur le diabète et l'insuffisance cardiaque est reportée. "
                                   "Sehr geehrte Kolleginnen und Kollegen, der Befund-Workshop findet am %s statt.\n\nCordialement" % (date_fr(datetime.date(2026, 11, R.randint(1, 28))), date_de(datetime.date(2026, 12, R.randint(1, 28)))))
    else:
        s, b = "Unit update", ("Unit No. 4 West reopens Monday after renovation; unit number 41%03d in the bed board now maps to 4W. "
                               "Staff parking permit 88%04d. Flu clinic on the unit Friday." % (R.randint(0, 999), R.randint(0, 9999)))
    stratum = "lookalike" if k in (0, 1, 6, 8, 9, 10, 11, 12) else "hardneg"
    return wrap(org, s, b, atts=atts), stratum, "clean", [], "clean more kind %d" % k


def x12_isa(es="*", cs=":", st="~"):
    return es.join(["ISA", "00", " " * 10, "00", " " * 10, "ZZ", "RIVERBEND".ljust(15), "ZZ", "CLEARHOUSE".ljust(15), "261104", "0930",
                    "^", "00501", "%09d" % R.randint(0, 10 ** 9), "0", "P", cs]) + st


def p_x12():
    """ASC X12 837 claims, 834 enrollment and 270 eligibility requests, as billing staff send them."""
    f, l, fem = who()
    d, c = dob(), pick(COND)
    es, cs, st = pick([("*", ":", "~"), ("*", ">", "~"), ("|", "^", "\n"), ("*", ":", "~\r\n")])
    if es == "|" and cs == "^":
        cs = ">"
    J = es.join
    k = R.randrange(3)
    segs = [x12_isa(es, cs, st).rstrip(st)]
    if k == 0:
        icd = pick(ICD).replace(".", "")
        segs += [J(["GS", "HC", "RIVERBEND", "CLEARHOUSE", "20261104", "0930", "1", "X", "005010X222A1"]), J(["ST", "837", "0001", "005010X222A1"]),
                 J(["NM1", "85", "2", "RIVERBEND MEDICAL GROUP", "", "", "", "", "XX", npi()]), J(["HL", "2", "1", "22", "0"]), J(["SBR", "P", "18", "", "", "", "", "", "", "CI"]),
                 J(["NM1", "IL", "1", l.upper(), f.upper(), R.choice("ABCDE"), "", "", "MI", "XQ%09d" % R.randint(0, 10 ** 9)]),
                 J(["N3", "%d %s" % (R.randint(1, 999), pick(["ELM ST", "OAK AVE", "RIVER RD"]))]), J(["N4", "NASHUA", "NH", "03060"]),
                 J(["DMG", "D8", d.strftime("%Y%m%d"), "F" if fem else "M"]), J(["CLM", "PCN%06d" % R.randint(0, 10 ** 6), "%d" % R.randint(80, 900), "", "", "11" + cs + "B" + cs + "1", "Y", "A", "Y", "I"]),
                 J(["HI", "ABK" + cs + icd]), J(["SV1", "HC" + cs + pick(["99213", "99214", "93000"]), "150", "UN", "1"]), J(["SE", "12", "0001"])]
        why = "X12 837 claim"
    elif k == 1:
        a, g, sn = ssn_ok()
        segs += [J(["GS", "BE", "EMPLOYER", "HEALTHPLAN", "20261104", "0930", "1", "X", "005010X220A1"]), J(["ST", "834", "0001"]),
                 J(["INS", "Y", "18", "021", "28", "A", "", "", "FT"]), J(["REF", "0F", "E%05d" % R.randint(0, 99999)]),
                 J(["NM1", "IL", "1", l.upper(), f.upper(), "", "", "", "34", "%03d%02d%04d" % (a, g, sn)]),
                 J(["DMG", "D8", d.strftime("%Y%m%d"), "F" if fem else "M"]), J(["HD", "021", "", "HLT", "PPO01", "EMP"]), J(["SE", "8", "0001"])]
        why = "X12 834 enrollment with SSN"
    else:
        segs += [J(["GS", "HS", "RIVERBEND", "PAYER", "20261104", "0930", "1", "X", "005010X279A1"]), J(["ST", "270", "0001"]),
                 J(["NM1", "PR", "2", "HEALTHPLAN", "", "", "", "", "PI", "12345"]),
                 J(["NM1", "IL", "1", l.upper(), f.upper(), "", "", "", "MI", "W%09d" % R.randint(0, 10 ** 9)]),
                 J(["DMG", "D8", d.strftime("%Y%m%d")]), J(["EQ", "30"]), J(["SE", "6", "0001"])]
        why = "X12 270 eligibility request"
    segs += [J(["GE", "1", "1"]), J(["IEA", "1", "%09d" % R.randint(0, 10 ** 9)])]
    data = st.join(segs) + st
    org = pick(ORGS)
    if R.random() < 0.5:
        atts = [att_part(data.encode(), pick(["application/edi-x12", "application/octet-stream", "text/plain"]), pick(["claim.837", "batch.edi", "enroll.x12", "EDI_%d.txt" % R.randint(1, 99)]))]
        msg = wrap(org, pick(["Rejected batch", "EDI file", "834 test file"]), "The clearinghouse rejected the attached file; can you look?", atts=atts, shape="plain")
    else:
        msg = wrap(org, "EDI question", "The payer rejected this transaction:\n\n" + data + "\n\nAny idea why?", shape=R.choice(["plain", "alt"]))
    # an 837 carries diagnoses (phi); an 834 or a 270 identifies members (pii at least)
    return msg, "edi", "phi" if k == 0 else "pii", ["date_of_birth", "person_name"], why


def clean_x12():
    es, cs, st = "*", ":", "~"
    J = es.join
    segs = [x12_isa(es, cs, st).rstrip(st), J(["GS", "FA", "CLEARHOUSE", "RIVERBEND", "20261104", "0931", "2", "X", "005010X231A1"]),
            J(["ST", "999", "0001"]), J(["AK1", "HC", "1", "005010X222A1"]), J(["AK2", "837", "0001"]),
            J(["IK5", "A"]), J(["AK9", "A", "1", "1", "1"]), J(["SE", "6", "0001"]), J(["GE", "1", "2"]), J(["IEA", "1", "%09d" % R.randint(0, 10 ** 9)])]
    org = pick(ORGS)
    msg = wrap(org, "999 acknowledgment", "Acknowledgment for batch 1 attached; all accepted.", atts=[att_part((st.join(segs) + st).encode(), "application/edi-x12", "ack.999")], shape="plain")
    return msg, "lookalike", "clean", [], "X12 999 acknowledgment (no person)"


# ---------------------------------------------------------------- PII makers

def pii():
    org = pick(ORGS)
    f, l, fem = who()
    k = R.randrange(8)
    a, g, s = ssn_ok()
    if k == 0:
        body = "Hi,\n\nFor the I-9 / payroll setup:\nName: %s %s\nSocial Security No.: %03d %02d %04d\nStart: 01/04/2027\n" % (f, l, a, g, s)
        t = ["us_ssn"]
    elif k == 1:
        body = "Employee %s %s - SS#: %03d-%02d-%04d. Please add to the 401(k) plan." % (f, l, a, g, s)
        t = ["us_ssn"]
    elif k == 2:
        body = "Traveller details for the conference booking\n\n%s %s\nDate of Birth: %s\nFrequent flyer: %s%d\n" % (f, l, date_en(dob()), pick(["UA", "DL"]), R.randint(10 ** 7, 10 ** 8))
        t = ["date_of_birth"]
    elif k == 3:
        pre = pick(["4", "52", "34", "6011"])
        cc = luhn(pre, 15 if pre == "34" else 16)
        if R.random() < 0.5:
            cc = "-".join(cc[i:i + 4] for i in range(0, 16, 4)) if len(cc) == 16 else "%s %s %s" % (cc[:4], cc[4:10], cc[10:])
        body = "Please charge the CME registration to my card.\nName on card: %s %s\nCard no: %s\nExpiry 08/28, CVV on request." % (f, l, cc)
        t = ["credit_card"]
    elif k == 4:
        rows = [["Employee", "SSN", "Hire date"]] + [["%s %s" % (x[0], x[1]), "%03d-%02d-%04d" % ssn_ok(), "2026-0%d-01" % R.randint(1, 9)] for x in [who() for _ in range(4)]]
        atts = [att_part(xlsx_inline(rows), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "new_hires.xlsx")]
        return wrap(org, "New hires", "List attached for benefits.", atts=atts, shape="plain"), "pii", "pii", ["us_ssn"], "pii xlsx SSN column"
    elif k == 5:
        body = "Reference check for applicant %s %s\nDOB: %s\nPrevious employer: Hillside Bank\n" % (f, l, date_en(dob()))
        t = ["date_of_birth"]
    elif k == 6:
        body = "Please update my direct deposit.\nBank: Granite State Credit Union\nRouting: 011%06d\nChecking account no. %d\nThanks, %s" % (R.randint(0, 999999), R.randint(10 ** 7, 10 ** 10), f)
        # routing may be invalid; the account with bank words is what counts
        t = ["account_number"]
    else:
        body = "Hola,\n\nPara el seguro de vida necesito: %s %s, fecha de nacimiento %s, número de seguro social %03d-%02d-%04d.\n" % (f, l, date_en(dob()), a, g, s)
        t = ["us_ssn"]
    return wrap(org, pick(["HR", "Payroll", "Booking", "Form", "Update"]), body, shape=R.choice(["plain", "alt", "html", "quote"])), "pii", "pii", t, "pii kind %d" % k


# ---------------------------------------------------------------- clean makers

def clean():
    org = pick(ORGS)
    k = R.randrange(22)
    atts = []
    st = pick(STAFF)
    stn = ("%s %s %s" % st).strip()
    if k == 0:
        s, b = "HIPAA module 3", ("Module 3: identifiers. Under the Safe Harbor method, the 18 identifiers include names, dates (except year) "
                                 "directly related to an individual such as birth date, admission date and discharge date, Social Security numbers, "
                                 "medical record numbers, health plan beneficiary numbers and account numbers. Quiz: which of these is PHI? "
                                 "(a) a patient's MRN, (b) the clinic's fax number. Answer: (a).")
    elif k == 1:
        s, b = "Staff newsletter - November", ("Congratulations to %s, who was named Nurse of the Year! Welcome to our new cardiologist, Dr. %s %s, "
                                               "who joins us from Boston and specialises in heart failure and atrial fibrillation. Our diabetes "
                                               "education class now meets on Tuesdays. Flu shots for staff: 11/18/2026 in the cafeteria." % (stn, pick(GIVEN_F), pick(FAMILY)))
    elif k == 2:
        a, g = R.randint(100, 899), R.randint(10, 99)
        s, b = "Invoice %d-%02d-%04d" % (a, g, R.randint(1000, 9999)), ("Invoice No. %d-%02d-%04d\nPO 4500%06d\nCustomer No. 00%06d\nQty 12 exam table paper, $214.80\nTerms net 30." % (
            a, g, R.randint(1000, 9999), R.randint(0, 999999), R.randint(0, 999999)))
    elif k == 3:
        s, b = "Analyzer service visit", ("Field service report\nInstrument: chemistry analyzer AU-%d\nSerial No.: %d%07d\nS/N of reagent probe: %s-%05d\n"
                                          "Service date: %s\nWork done: replaced cuvette lamp, calibrated ISE module. Next PM due %s." % (
                                              R.randint(400, 900), R.randint(10, 99), R.randint(0, 10 ** 7), pick(["RP", "PX", "QC"]), R.randint(0, 99999), date_en(datetime.date(2026, 11, R.randint(1, 28))), date_en(datetime.date(2027, 5, R.randint(1, 28)))))
    elif k == 4:
        s, b = "Parts order", ("Please order: gasket kit part E11.9-A (qty 4), valve J45.909 (qty 2), filter cartridge model C50.911, "
                               "pump seal F32.1X. Catalog page 118. Ship to loading dock B.")
    elif k == 5:
        s, b = "Meeting: quality council", ("The quality council meets on %s at 3 pm in Conference Room 2. Agenda: sepsis bundle compliance, "
                                            "falls with injury (4 this quarter), CLABSI rate. Dial-in +1 (312) 555-01%02d, passcode 448 120 19#." % (date_en(datetime.date(2026, 12, R.randint(1, 28))), R.randint(0, 99)))
    elif k == 6:
        s, b = "Q3 dashboard", ("Q3 2026: 4,812 visits; 311 patients with diabetes (HbA1c > 9: 14%%); 96 patients with heart failure, readmission rate 11%%. "
                                "Ages 90+: %d patients. Median length of stay 3.8 days. No individual patient data in this report." % R.randint(5, 40))
    elif k == 7:
        rows = [["Provider", "NPI", "Specialty", "Phone"]] + [["Dr. %s %s" % (pick(GIVEN_F + GIVEN_M), pick(FAMILY)), npi(), pick(["Cardiology", "Oncology", "Family Medicine"]), phone()] for _ in range(5)]
        atts = [att_part(xlsx_inline(rows), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "providers.xlsx")]
        s, b = "Provider directory", "Updated provider directory attached."
    elif k == 8:
        s, b = "HL7 interface spec", ("ADT feed spec v3: PID-3 carries the MRN (CX, assigning authority RBMG), PID-5 the patient name (XPN), "
                                      "PID-7 date of birth (TS, YYYYMMDD), PID-19 SSN is not sent. Segments: MSH, EVN, PID, PV1, DG1. "
                                      "Field separator |, encoding characters ^~\\&. Test messages must use synthetic data only.")
    elif k == 9:
        prac = {"resourceType": "Practitioner", "id": "pr%d" % R.randint(1, 999), "identifier": [{"system": "http://hl7.org/fhir/sid/us-npi", "value": npi()}],
                "name": [{"family": st[2].split(",")[0], "given": [st[1]], "prefix": ["Dr."]}], "telecom": [{"system": "phone", "value": phone()}]}
        org_r = {"resourceType": "Organization", "id": "o1", "name": org[0]}
        atts = [att_part(json.dumps({"resourceType": "Bundle", "type": "collection", "entry": [{"resource": prac}, {"resource": org_r}]}).encode(), "application/fhir+json", "directory.json")]
        s, b = "Provider directory export", "FHIR directory export (practitioners and organizations only) attached."
    elif k == 10:
        atts = [att_part(dicom("", "", datetime.date(2000, 1, 1), "", R.choice(["ele", "ile"]), True, blank=True), "application/dicom", "phantom.dcm")]
        s, b = "QA phantom scan", "Water phantom scan for the CT QA log (no patient; de-identified)."
    elif k == 11:
        s, b = "Formulary update", ("P&T committee decisions: apixaban remains preferred over warfarin for non-valvular atrial fibrillation; "
                                    "insulin glargine biosimilar added; NDC 0002-8215-01 discontinued. Effective %s." % date_en(datetime.date(2027, 1, R.randint(1, 28))))
    elif k == 12:
        s, b = "Lunch and learn", ("Join us on Thursday, %s for a lunch and learn on depression screening (PHQ-9) in primary care. "
                                   "Speaker: %s. Lunch provided; RSVP to the front desk." % (date_en(datetime.date(2026, 12, R.randint(1, 28))), stn))
    elif k == 13:
        s, b = "Shipment tracking", ("Your order 112-%07d-%07d has shipped. Tracking 9400 1000 0000 %04d %04d %02d. "
                                     "Items: pulse oximeters (10), BP cuffs adult (6). Delivered by %s." % (R.randint(0, 10 ** 7), R.randint(0, 10 ** 7), R.randint(0, 9999), R.randint(0, 9999), R.randint(0, 99), date_en(datetime.date(2026, 11, R.randint(1, 28)))))
    elif k == 14:
        s, b = "Birthday cake Friday", ("We celebrate November birthdays on Friday at 3 pm: %s, %s %s and %s %s. "
                                        "Cake in the staff lounge!" % (stn, pick(GIVEN_F), pick(FAMILY), pick(GIVEN_M), pick(FAMILY)))
    elif k == 15:
        data, mt = odt(["Clinic Policy CP-12: Release of information", "Before releasing records, verify the requester's identity and the patient's authorization.",
                        "Never include a patient's date of birth, MRN or diagnosis in the subject line of an e-mail.", "Revised: %s" % date_en(datetime.date(2026, 9, 15))])
        atts = [att_part(data, mt, "CP-12.odt")]
        s, b = "Policy CP-12 revised", "Revised policy attached for review."
    elif k == 16:
        s, b = "Reagent lot change", ("New lot for troponin reagent: Lot 24%06d, exp. 2027-06-30; calibrator lot C%07d. "
                                      "QC ranges updated in the LIS. Reference code E11-9920, REF 07%09d." % (R.randint(0, 999999), R.randint(0, 9999999), R.randint(0, 10 ** 9)))
    elif k == 17:
        s, b = "Kursankündigung", ("Liebe Kolleginnen und Kollegen,\n\nam %s findet die Fortbildung zum Thema Diabetes mellitus Typ 2 und Herzinsuffizienz statt. "
                                   "Referentin: Dr. %s %s. Anmeldung bis Ende November.\n\nViele Grüße" % (date_de(datetime.date(2026, 12, R.randint(1, 28))), pick(GIVEN_F), pick(FAMILY)))
    elif k == 18:
        s, b = "Research abstract", ("Methods: we reviewed 1,204 charts of patients with type 1 diabetes seen between 2019 and 2024. "
                                     "Mean age 34 (SD 12); 52% female. Results: 18% had diabetic ketoacidosis at diagnosis. No identifiers were collected.")
    elif k == 19:
        s, b = "Timesheet", ("Employee ID 40%05d, pay period %s to %s, 80 regular hours, 6 overtime. Badge 7%05d. Approved by %s." % (
            R.randint(0, 99999), date_en(datetime.date(2026, 11, 1)), date_en(datetime.date(2026, 11, 14)), R.randint(0, 99999), stn))
    elif k == 20:
        s, b = "Webinar: Medicare updates", ("Topics: Medicare Advantage prior authorization changes, MBI format reminders (11 characters, no S, L, O, I, B, Z), "
                                             "and telehealth billing codes G2012 and 99441. Date: %s, 12:00 ET. Register at the link." % date_en(datetime.date(2026, 12, R.randint(1, 28))))
    else:
        s, b = "Nouvelles du service", ("Bonjour à tous,\n\nLa journée de dépistage du diabète aura lieu le %s. Merci au Dr %s pour l'organisation. "
                                        "Nous avons reçu 214 patients l'an dernier.\n\nCordialement" % (date_fr(datetime.date(2026, 12, R.randint(1, 28))), pick(FAMILY)))
    stratum = "lookalike" if k in (2, 3, 4, 5, 7, 9, 10, 13, 16, 19) else "hardneg"
    return wrap(org, s, b, atts=atts), stratum, "clean", [], "clean kind %d" % k


def main():
    global R
    ap = argparse.ArgumentParser()
    ap.add_argument("outdir")
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--n", type=int, default=400)
    a = ap.parse_args()
    R = random.Random(a.seed)
    makers = [(p_referral, 0.13), (p_foreign, 0.08), (p_attach, 0.10), (p_body_enc, 0.03), (p_more, 0.10), (p_hl7, 0.06),
              (p_fhir, 0.04), (p_ccda, 0.03), (p_dicom, 0.03), (p_x12, 0.03), (pii, 0.08), (clean, 0.19), (clean_more, 0.09),
              (clean_x12, 0.01)]
    os.makedirs(a.outdir, exist_ok=True)
    rows = []
    for i in range(a.n):
        x = R.random()
        for mk, w in makers:
            x -= w
            if x <= 0:
                break
        raw, stratum, expect, types, why = mk()
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
