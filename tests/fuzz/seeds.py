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
