#!/usr/bin/env python3
"""Write the fuzz seed corpora: small valid (and a few broken) files of
every format, built here from synthetic values (no real person's data).
Usage: seeds.py OUTDIR  -> OUTDIR/<target>/<name>"""
import base64, gzip, io, os, struct, sys, zipfile, zlib

out = sys.argv[1]


def put(target, name, data):
    d = os.path.join(out, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())


HL7 = ("MSH|^~\\&|LAB|CLINIC|EHR|HOSP|20240101120000||ORU^R01|MSG0001|P|2.5\r"
       "PID|1||MRN0012345^^^CLINIC^MR||Roe^Jane^Q||19610314|F|||12 Elm Street^^Springfield^MA^01101||(413)555-0143|||||ACCT778899|123-45-6788\r"
       "OBX|1|TX|DX^Diagnosis||Type 2 diabetes mellitus||||||F\r")
FHIR = ('{"resourceType":"Bundle","entry":[{"resource":{"resourceType":"Patient","id":"p1",'
        '"identifier":[{"type":{"coding":[{"code":"MR"}]},"value":"MRN0012345"}],'
        '"name":[{"family":"Roe","given":["Jane"]}],"birthDate":"1961-03-14"}},'
        '{"resource":{"resourceType":"Condition","code":{"text":"Type 2 diabetes"}}}]}')
CCDA = ('<?xml version="1.0"?><ClinicalDocument xmlns="urn:hl7-org:v3"><recordTarget><patientRole>'
        '<id root="2.16.840.1.113883.19.5" extension="MRN0012345"/><addr><streetAddressLine>12 Elm Street</streetAddressLine>'
        '<city>Springfield</city><state>MA</state><postalCode>01101</postalCode></addr>'
        '<patient><name><given>Jane</given><family>Roe</family></name><birthTime value="19610314"/></patient>'
        '</patientRole></recordTarget><component><structuredBody><component><section><title>Problems</title>'
        '<text><table><tr><td>Type 2 diabetes</td></tr></table></text></section></component></structuredBody></component>'
        '</ClinicalDocument>')
LETTER = "Dear colleague,\nPatient: Jane Roe, DOB 03/14/1961, MRN 0012345, SSN 123-45-6788.\nDiagnosis: type 2 diabetes; HbA1c 8.1%.\n"


def dicom():
    def el(g, e, vr, val):
        if len(val) % 2:
            val += b" "
        return struct.pack("<HH", g, e) + vr + struct.pack("<H", len(val)) + val
    ts = b"1.2.840.10008.1.2.1\0"
    meta = el(2, 0x10, b"UI", ts)
    meta = struct.pack("<HH", 2, 0) + b"UL" + struct.pack("<HI", 4, len(meta)) + meta
    body = (el(0x8, 0x1030, b"LO", b"CT CHEST") + el(0x10, 0x10, b"PN", b"Roe^Jane") +
            el(0x10, 0x20, b"LO", b"MRN0012345") + el(0x10, 0x30, b"DA", b"19610314"))
    return b"\0" * 128 + b"DICM" + meta + body


def pdf(text):
    content = ("BT /F1 12 Tf 72 720 Td (%s) Tj ET" % text).encode()
    comp = zlib.compress(content)
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /Contents 4 0 R >>",
            b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(comp) + comp + b"\nendstream"]
    o = io.BytesIO()
    o.write(b"%PDF-1.4\n")
    for i, b in enumerate(objs, 1):
        o.write(b"%d 0 obj\n" % i + b + b"\nendobj\n")
    o.write(b"trailer\n<< /Root 1 0 R >>\n%%EOF\n")
    return o.getvalue()


def docx(text):
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", '<w:document xmlns:w="x"><w:body><w:p><w:r><w:t>%s</w:t></w:r>'
                   '<w:r><w:t>%s</w:t></w:r></w:p></w:body></w:document>' % (text[:10], text[10:]))
    return b.getvalue()


def zipped(name, data):
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(name, data)
    return b.getvalue()


def png_text(text):
    def chunk(t, d):
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xffffffff)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)) +
            chunk(b"tEXt", b"Comment\0" + text.encode()) + chunk(b"IDAT", zlib.compress(b"\0\0")) + chunk(b"IEND", b""))


def message(parts):
    bnd = "b1"
    s = ("From: nurse@clinic.example.org\r\nTo: someone@outside.example\r\nSubject: =?UTF-8?B?%s?=\r\n"
         "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=%s\r\n\r\n" %
         (base64.b64encode("Lab results for Jane Roe".encode()).decode(), bnd))
    for ctype, name, data in parts:
        s += "--%s\r\nContent-Type: %s\r\n" % (bnd, ctype)
        if name:
            s += "Content-Disposition: attachment; filename*=UTF-8''%s\r\n" % name
        s += "Content-Transfer-Encoding: base64\r\n\r\n"
        s += base64.encodebytes(data if isinstance(data, bytes) else data.encode()).decode().replace("\n", "\r\n")
    return s + "--%s--\r\n" % bnd


def tnef(body, subject, attachments=(), rtf=None):
    """A TNEF stream (winmail.dat): attSubject, attMAPIProps with PR_BODY (and
    PR_RTF_COMPRESSED), then each (name, data) attachment."""
    def attr(lvl, aid, data):
        return struct.pack("<BII", lvl, aid, len(data)) + data + struct.pack("<H", sum(data) & 0xFFFF)

    def prop(ptype, pid, data):
        return struct.pack("<HHII", ptype, pid, 1, len(data)) + data + b"\0" * (-len(data) % 4)

    out = struct.pack("<IH", 0x223E9F78, 1) + attr(1, 0x00089006, struct.pack("<I", 0x10000))
    out += attr(1, 0x00069007, struct.pack("<II", 1252, 0)) + attr(1, 0x00018004, subject.encode() + b"\0")
    props = [prop(0x001E, 0x1000, body.encode() + b"\0")]
    if rtf is not None:
        props.append(prop(0x0102, 0x1009, rtf))
    out += attr(1, 0x00069003, struct.pack("<I", len(props)) + b"".join(props))
    for name, data in attachments:
        out += attr(2, 0x00069002, struct.pack("<HIHHI", 1, 0xFFFFFFFF, 0, 0, 0))
        data = data if isinstance(data, bytes) else data.encode()
        out += attr(2, 0x00018010, name.encode() + b"\0") + attr(2, 0x0006800F, data)
        out += attr(2, 0x00069005, struct.pack("<I", 1) + prop(0x001F, 0x3707, (name + "\0").encode("utf-16-le")))
    return out


def lzfu_literal(raw, compressed=True):
    """Compressed RTF: MELA (stored), or LZFu of literals and the end marker."""
    if not compressed:
        return struct.pack("<IIII", len(raw) + 12, len(raw), 0x414C454D, 0) + raw
    end = (207 + len(raw)) % 4096
    tokens = [(0, bytes([c])) for c in raw] + [(1, struct.pack(">H", end << 4))]
    body = b""
    for i in range(0, len(tokens), 8):
        run = tokens[i:i + 8]
        body += bytes([sum(ref << k for k, (ref, _) in enumerate(run))]) + b"".join(t for _, t in run)
    crc = ~zlib.crc32(body, 0xFFFFFFFF) & 0xFFFFFFFF  # MS-OXRTFCP: from 0, no final xor
    return struct.pack("<IIII", len(body) + 12, len(raw), 0x75465A4C, crc) + body


put("text", "letter.txt", LETTER)
put("text", "hl7.txt", "see below\n" + HL7.replace("\r", "\n"))
put("message", "plain.eml", "From: a@clinic.example.org\r\nTo: b@outside.example\r\nSubject: hi\r\n\r\n" + LETTER)
put("message", "qp.eml", "Subject: x\r\nContent-Type: text/plain; charset=iso-8859-1\r\n"
    "Content-Transfer-Encoding: quoted-printable\r\n\r\nPatient: Jos=E9 Roe=\r\n DOB 03/14/1961\r\n")
put("message", "mixed.eml", message([("text/plain", None, LETTER), ("application/pdf", "labs.pdf", pdf("SSN 123-45-6788")),
                                     ("application/zip", "export.zip", zipped("p.hl7", HL7)),
                                     ("text/html", None, "<table><tr><td>DOB:</td><td>03/14/1961</td></tr></table>")]))
put("message", "fwd.eml", "Subject: Fwd\r\nContent-Type: message/rfc822\r\n\r\nSubject: inner\r\n\r\n" + LETTER)
put("message", "broken.eml", "Content-Type: multipart/mixed; boundary=zz\r\n\r\n--zz\r\nContent-Type: text/plain\r\n"
    "Content-Transfer-Encoding: base64\r\n\r\nUGF0aWVudDo*** garbage ===\r\n--zz\r\n")
put("x_zip", "docx.zip", docx("Patient: Jane Roe, diagnosis asthma"))
put("x_zip", "nested.zip", zipped("inner.zip", zipped("a.txt", LETTER)))
put("x_gzip", "a.gz", gzip.compress(LETTER.encode()))
put("x_pdf", "a.pdf", pdf("Patient Jane Roe DOB 03/14/1961"))
put("x_rtf", "a.rtf", r"{\rtf1\ansi\ansicpg1252{\fonttbl{\f0 Arial;}}\f0 Patient: Jos\'e9 Roe\par DOB 03/14/1961\u8212?\par}")
put("x_csv", "a.csv", "mrn,first_name,last_name,dob\n0012345,Jane,Roe,1961-03-14\n\"0012346\",\"Ann, M\",Poe,1970-01-02\n")
put("x_ical", "a.ics", "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nSUMMARY:Follow-up Jane Roe\r\nDESCRIPTION:diabetes\\, HbA1c\r\n "
    "review\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
put("x_ical", "a.vcf", "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Jane Roe\r\nBDAY:1961-03-14\r\nTEL:413-555-0143\r\nEND:VCARD\r\n")
put("x_image", "a.png", png_text("Patient Jane Roe"))
put("x_image", "a.jpg", b"\xff\xd8\xff\xfe\x00\x12Patient Jane Roe\xff\xd9")
put("x_xml", "a.xml", '<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x "xx">]><a><b>Patient &amp; Jane</b><![CDATA[DOB 1961]]></a>')
put("x_xml", "ccda.xml", CCDA)
put("x_html", "a.html", "<html><head><style>p{}</style><script>x()</script></head><body><p>Patient&nbsp;Jane Roe</p>"
    "<table><tr><td>DOB:</td><td>03/14/1961</td></tr></table>&#x41;&eacute;</body></html>")
put("x_hl7", "a.hl7", HL7)
# X12 837 claim with a subscriber (NM1*IL), birth date (DMG) and a diagnosis
# (HI); a second set with other delimiters, and a cut-off interchange.
X12 = ("ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *240101*1200*^*00501*000000001*0*P*:~"
       "GS*HC*SENDER*RECEIVER*20240101*1200*1*X*005010X222A1~ST*837*0001*005010X222A1~"
       "NM1*IL*1*ROE*JANE****MI*MRN0012345~N3*12 ELM STREET~N4*SPRINGFIELD*MA*01101~"
       "DMG*D8*19610314*F~HI*ABK:E119~SE*8*0001~GE*1*1~IEA*1*000000001~")
put("x_x12", "claim.x12", X12)
put("x_x12", "pipes.x12", X12.replace("*", "|").replace("~", "\n"))
put("x_x12", "cut.x12", X12[:150])
put("x_fhir", "a.json", FHIR)
put("x_fhir", "a.xml", '<Patient xmlns="http://hl7.org/fhir"><name><family value="Roe"/><given value="Jane"/></name>'
    '<birthDate value="1961-03-14"/></Patient>')
put("x_json", "a.json", '{"a":[1,2,{"b":"c\\u00e9\\ud83d\\ude00"}],"dob":"1961-03-14"}')
put("x_ccda", "a.xml", CCDA)
put("x_dicom", "a.dcm", dicom())
put("x_rfc822", "a.eml", "Subject: inner\r\nContent-Type: text/plain\r\n\r\n" + LETTER)
put("x_tnef", "letter.tnef", tnef(LETTER, "Referral for Jane Roe", [("labs.pdf", pdf("MRN 0012345")), ("a.txt", LETTER)]))
put("x_tnef", "rtf.tnef", tnef("", "RTF note", rtf=lzfu_literal(
    rb"{\rtf1\ansi Patient: Jane Roe\par DOB 03/14/1961\par}")))
put("x_tnef", "mela.tnef", tnef("", "RTF note", rtf=lzfu_literal(rb"{\rtf1 MRN 0012345\par}", False)))
put("message", "winmail.eml", message([("text/plain", None, "See the attached note."),
                                       ("application/ms-tnef", "winmail.dat", tnef(LETTER, "Referral", [("a.txt", LETTER)]))]))


# --- PDF fonts without ToUnicode (pdf_font.c) and HEIC/BMP (x_image.c) ---

def gid_of(ch):
    o = ord(ch)
    if ch == " ": return 3
    if ch == ":": return 5
    if "A" <= ch <= "Z": return 10 + o - 65
    if "a" <= ch <= "z": return 40 + o - 97
    if "0" <= ch <= "9": return 70 + o - 48
    return 0


def sfnt(symbol=False, cmap=True, post=True):
    """A TrueType with only a cmap (format 4: (3,1), or (3,0) with code 0xF000+ord-0x1F)
    and a post format 2 table naming the glyphs of gid_of."""
    if symbol:
        segs = [(0xF001, 0xF05B, 0, 4), (0xFFFF, 0xFFFF, 1, 0)]
        garr = [gid_of(chr(c + 0x1F)) for c in range(1, 0x5C)]
    else:
        segs = [(0x20, 0x20, 3 - 0x20, 0), (0x30, 0x39, 70 - 0x30, 0), (0x3A, 0x3A, 0, 8),
                (0x41, 0x5A, 10 - 0x41, 0), (0x61, 0x7A, 40 - 0x61, 0), (0xFFFF, 0xFFFF, 1, 0)]
        garr = [5]
    n = len(segs)
    sub = struct.pack(">HHHHHHH", 4, 0, 0, 2 * n, 0, 0, 0)
    sub += b"".join(struct.pack(">H", s[1]) for s in segs) + b"\0\0"
    sub += b"".join(struct.pack(">H", s[0]) for s in segs)
    sub += b"".join(struct.pack(">H", s[2] & 0xFFFF) for s in segs)
    sub += b"".join(struct.pack(">H", s[3]) for s in segs)
    sub += b"".join(struct.pack(">H", g) for g in garr)
    sub = sub[:2] + struct.pack(">H", len(sub)) + sub[4:]
    cm = struct.pack(">HHHHI", 0, 1, 3, 0 if symbol else 1, 12) + sub
    idx = []
    for g in range(80):
        chs = [c for c in range(0x20, 0x7F) if g and gid_of(chr(c)) == g]
        idx.append(258 if g == 5 else (chs[0] - 0x20 + 3) if chs else 0)
    pt = struct.pack(">I", 0x20000) + b"\0" * 28 + struct.pack(">H", 80) + b"".join(struct.pack(">H", i) for i in idx) + b"\x05colon"
    tables = ([(b"cmap", cm)] if cmap else []) + ([(b"post", pt)] if post else [])
    off = 12 + 16 * len(tables)
    head = struct.pack(">IHHHH", 0x10000, len(tables), 0, 0, 0)
    body = b""
    for tag, data in tables:
        head += tag + struct.pack(">III", 0, off + len(body), len(data))
        body += data
    return head + body


def pdf_objs(objs, streams):
    o = io.BytesIO()
    o.write(b"%PDF-1.5\n")
    for n in sorted(set(objs) | set(streams)):
        o.write(b"%d 0 obj\n" % n)
        if n in streams:
            z = zlib.compress(streams[n])
            o.write(b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(z) + z + b"\nendstream")
        else:
            o.write(objs[n])
        o.write(b"\nendobj\n")
    o.write(b"trailer\n<< /Root 1 0 R >>\n%%EOF\n")
    return o.getvalue()


def pdf_font(font5, content, more=None, streams=None):
    objs = {1: b"<< /Type /Catalog /Pages 2 0 R >>", 2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            3: b"<< /Type /Page /Parent 2 0 R /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
            5: font5}
    objs.update(more or {})
    st = {4: content}
    st.update(streams or {})
    return pdf_objs(objs, st)


def pdf_type0(text, font, c2g=None):
    hexs = "".join("%04X" % gid_of(c) for c in text)
    more = {6: b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /AAAAAA+F /CIDSystemInfo << /Registry (Adobe) "
               b"/Ordering (Identity) /Supplement 0 >> /FontDescriptor 7 0 R /CIDToGIDMap "
               + (b"9 0 R" if c2g else b"/Identity") + b" >>",
            7: b"<< /Type /FontDescriptor /FontName /AAAAAA+F /Flags 4 /FontFile2 8 0 R >>"}
    st = {8: font}
    if c2g:
        st[9] = c2g
    return pdf_font(b"<< /Type /Font /Subtype /Type0 /BaseFont /AAAAAA+F /Encoding /Identity-H /DescendantFonts [6 0 R] >>",
                    ("BT /F1 12 Tf 72 700 Td <%s> Tj ET" % hexs).encode(), more, st)


NAME = "Patient: Jane Roe MRN: 0012345"
put("x_pdf", "type0-truetype-cmap4.pdf", pdf_type0(NAME, sfnt()))
put("x_pdf", "type0-truetype-post.pdf", pdf_type0(NAME, sfnt(cmap=False)))
put("x_pdf", "type0-cidtogidmap.pdf", pdf_type0(NAME, sfnt(), c2g=b"".join(struct.pack(">H", g) for g in range(128))))
def cff_font():
    """A bare CFF naming the glyphs of gid_of in a format-0 charset (':' by the custom string 'colon')."""
    top_len = 12
    hdr = b"\x01\x00\x04\x04" + b"\x00\x01\x01\x01\x02F" + b"\x00\x01\x01\x01" + bytes([1 + top_len])
    strs_at = len(hdr) + top_len
    charset_at = strs_at + 8 + 2 + 2
    cs_at = charset_at + 1 + 2 * 79
    top = b"\x1d" + struct.pack(">I", charset_at) + b"\x0f" + b"\x1d" + struct.pack(">I", cs_at) + b"\x11"
    sids = []
    for g in range(1, 80):
        chs = [c for c in range(0x20, 0x7F) if gid_of(chr(c)) == g]
        sids.append(0 if not chs else 391 if chs[0] == 0x3A else chs[0] - 0x20 + 1)
    charset = b"\0" + b"".join(struct.pack(">H", x) for x in sids)
    chars = struct.pack(">HB", 80, 1) + bytes(range(1, 82)) + b"\x0e" * 80
    return hdr + top + b"\x00\x01\x01\x01\x06colon" + b"\x00\x00" + charset + chars


put("x_pdf", "truetype-symbol.pdf", pdf_font(
    b"<< /Type /Font /Subtype /TrueType /BaseFont /AAAAAA+S /FontDescriptor 7 0 R >>",
    b"BT /F1 12 Tf 72 700 Td (" + b"".join(b"\\%03o" % (ord(c) - 0x1F) for c in NAME) + b") Tj ET",
    {7: b"<< /Type /FontDescriptor /FontName /AAAAAA+S /Flags 4 /FontFile2 8 0 R >>"}, {8: sfnt(symbol=True)}))
put("x_pdf", "type3-differences.pdf", pdf_font(
    b"<< /Type /Font /Subtype /Type3 /FontBBox [0 0 1 1] /FontMatrix [0.001 0 0 0.001 0 0] /CharProcs << >> "
    b"/FirstChar 1 /LastChar 8 /Encoding << /Type /Encoding /Differences [1 /J /a /n /e /space /R /o /uni0030 /u0031 /two.alt] >> >>",
    b"BT /F1 1 Tf 50 50 Td (\\001\\002\\003\\004\\005\\006\\007\\004\\005\\010\\010\\011\\012) Tj ET"))

put("x_pdf", "type0-cff.pdf", pdf_type0(NAME, cff_font()).replace(b"/CIDFontType2", b"/CIDFontType0")
    .replace(b"/FontFile2", b"/FontFile3"))


def heic(exif_tiff, xmp):
    def box(t, p):
        return struct.pack(">I", 8 + len(p)) + t + p
    def infe(iid, typ, extra=b""):
        return box(b"infe", b"\2\0\0\0" + struct.pack(">HH", iid, 0) + typ + b"\0" + extra)
    exif = struct.pack(">I", 6) + b"Exif\0\0" + exif_tiff
    out, mdat_at = b"", 0
    for _ in range(2):  # the second pass knows where mdat starts
        iinf = box(b"iinf", b"\0\0\0\0" + struct.pack(">H", 3) + infe(1, b"hvc1") + infe(2, b"Exif") +
                   infe(3, b"mime", b"application/rdf+xml\0"))
        iloc = box(b"iloc", b"\1\0\0\0" + bytes([0x44, 0]) + struct.pack(">H", 3) +
                   struct.pack(">HHHHII", 1, 0, 0, 1, mdat_at + 8, 8) +
                   struct.pack(">HHHHII", 2, 0, 0, 1, mdat_at + 16, len(exif)) +
                   struct.pack(">HHHHII", 3, 1, 0, 1, 0, len(xmp)))
        meta = box(b"meta", b"\0\0\0\0" + box(b"hdlr", b"\0" * 8 + b"pict" + b"\0" * 13) + iinf + iloc + box(b"idat", xmp))
        head = box(b"ftyp", b"heic\0\0\0\0mif1heic") + meta
        mdat_at = len(head)
        out = head + box(b"mdat", b"hevcdata" + exif)
    return out


def tiff_desc(text):
    t = text.encode() + b"\0"
    return b"MM\0*" + struct.pack(">IH", 8, 1) + struct.pack(">HHII", 0x010E, 2, len(t), 26) + b"\0\0\0\0" + t


put("x_image", "exif-xmp.heic", heic(tiff_desc("Patient Jane Roe MRN 0012345"),
                                     b"<x:xmpmeta xmlns:x='adobe:ns:meta/'><dc:title>Jane Roe wound</dc:title></x:xmpmeta>"))
put("x_image", "a.bmp", b"BM" + struct.pack("<IIIIiiHHIIiiII", 58, 0, 54, 40, 1, 1, 1, 24, 0, 4, 2835, 2835, 0, 0) + b"\0\0\xff\0")
