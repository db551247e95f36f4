#!/usr/bin/python3
"""tests/lib/portal_msgs.py: the messages of the portal tests.

    portal_msgs.py --dir DIR --ssn SSN

Writes DIR/lab-report.pdf (a small valid PDF with binary bytes in it, for
the byte-exact download check) and DIR/a.eml (text body + that PDF),
DIR/b.eml (an HTML body carrying a script, an event handler and a remote
image, + the PDF), DIR/c.eml (text + the PDF). The synthetic SSN with
health words is in the PDF only, so phimilter redirects every message for
outside recipients while the bodies (and the screenshots) show no identifier.
"""
import argparse
import base64
import os


def pdf_bytes(ssn):
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 144] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        None,
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    text = (b"BT /F1 11 Tf 20 100 Td (Lab report for the diabetes clinic) Tj 0 -16 Td "
            b"(Patient SSN %s was diagnosed with diabetes mellitus type 2) Tj 0 -16 Td "
            b"(and started on metformin; HbA1c 7.9 percent) Tj ET" % ssn.encode())
    objs[3] = b"<< /Length %d >>\nstream\n" % len(text) + text + b"\nendstream"
    out = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"
    offs = []
    for i, o in enumerate(objs, 1):
        offs.append(len(out))
        out += b"%d 0 obj\n" % i + o + b"\nendobj\n"
    x = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offs)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, x)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", required=True)
    ap.add_argument("--ssn", required=True)
    a = ap.parse_args()
    pdf = pdf_bytes(a.ssn)
    with open(os.path.join(a.dir, "lab-report.pdf"), "wb") as f:
        f.write(pdf)
    b64 = base64.encodebytes(pdf).decode().replace("\n", "\r\n")
    hdr = ("From: Alice Example <alice@example.org>\r\nTo: <%s>\r\nSubject: %s\r\n"
           "Date: Tue, 01 Dec 2026 10:05:00 +0000\r\nMessage-ID: <%s@example.org>\r\nMIME-Version: 1.0\r\n")
    text = ("Hello,\r\n\r\nhere are the lab results for the follow-up appointment at the\r\n"
            "clinic next month; the report is attached.\r\n\r\n"
            "A tag written in the text must show as text: <script>alert(1)</script>\r\n\r\nAlice\r\n")
    att = ("Content-Type: application/pdf; name=\"lab-report.pdf\"\r\n"
           "Content-Disposition: attachment; filename=\"lab-report.pdf\"\r\n"
           "Content-Transfer-Encoding: base64\r\n\r\n" + b64)
    with open(os.path.join(a.dir, "a.eml"), "w", newline="") as f:
        f.write(hdr % ("bob@outside.example", "Lab results for the follow-up", "portal-a"))
        f.write('Content-Type: multipart/mixed; boundary="b-1"\r\n\r\n'
                "--b-1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" + text +
                "\r\n--b-1\r\n" + att + "\r\n--b-1--\r\n")
    html = ("<html><head><style>p{color:red}</style><script>document.title='pwned'</script></head>"
            "<body><p>Results are attached for the clinic.</p>"
            "<img src=\"https://tracker.invalid/x.png\" onerror=\"alert(2)\">"
            "<script>alert('x')</script><p>Regards &amp; thanks</p></body></html>\r\n")
    with open(os.path.join(a.dir, "b.eml"), "w", newline="") as f:
        f.write(hdr % ("bob@outside.example", "Lab results (web page)", "portal-b"))
        f.write('Content-Type: multipart/mixed; boundary="b-2"\r\n\r\n'
                "--b-2\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" + html +
                "\r\n--b-2\r\n" + att + "\r\n--b-2--\r\n")
    with open(os.path.join(a.dir, "c.eml"), "w", newline="") as f:
        f.write(hdr % ("dave@outside.example", "Lab results C", "portal-c"))
        f.write('Content-Type: multipart/mixed; boundary="b-3"\r\n\r\n'
                "--b-3\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" + text +
                "\r\n--b-3\r\n" + att + "\r\n--b-3--\r\n")


if __name__ == "__main__":
    main()
