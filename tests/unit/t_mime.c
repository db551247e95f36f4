/*
 * t_mime.c - the MIME walker: numbering, tolerance, decoding, limits.
 *
 * Every message is built here from C strings (synthetic text, no real
 * identifiers). Checks name the behaviour; on failure only counts and part
 * paths are printed, never decoded text.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "tap.h"
#include "phi/engine.h"
#include "phi/status.h"

static struct phi_engine *eng;

static struct phi_scan *scan_lim(const char *msg, size_t n, const struct phi_limits *lim)
{
	struct phi_scan *s = phi_scan_new(eng, lim, NULL, NULL);
	if (s)
		phi_scan_message(s, (const unsigned char *)msg, n);
	return s;
}

static struct phi_scan *scan(const char *msg)
{
	return scan_lim(msg, strlen(msg), NULL);
}

static const struct phi_part *part(const struct phi_scan *s, const char *path)
{
	const struct phi_doc *d = phi_scan_doc(s);
	size_t i;

	for (i = 0; i < phi_doc_nparts(d); i++)
		if (strcmp(phi_doc_part(d, i)->path, path) == 0)
			return phi_doc_part(d, i);
	return NULL;
}

/* 1 when some segment of part `path` (with field f, or any when f < 0)
 * contains `want`. */
static int has_text(const struct phi_scan *s, const char *path, int f, const char *want)
{
	const struct phi_doc *d = phi_scan_doc(s);
	size_t i, wl = strlen(want);

	for (i = 0; i < phi_doc_nsegments(d); i++) {
		const struct phi_segment *g = phi_doc_segment(d, i);
		if (strcmp(phi_doc_part(d, (size_t)g->part)->path, path) != 0)
			continue;
		if (f >= 0 && (int)g->field != f)
			continue;
		if (g->len >= wl && memmem(g->text, g->len, want, wl))
			return 1;
	}
	return 0;
}

/* The text of the first free-text segment of a part equals `want`. */
static int text_is(const struct phi_scan *s, const char *path, const char *want)
{
	const struct phi_doc *d = phi_scan_doc(s);
	size_t i;

	for (i = 0; i < phi_doc_nsegments(d); i++) {
		const struct phi_segment *g = phi_doc_segment(d, i);
		if (strcmp(phi_doc_part(d, (size_t)g->part)->path, path) == 0 && g->field == PHI_F_NONE)
			return g->len == strlen(want) && memcmp(g->text, want, g->len) == 0;
	}
	return 0;
}

static int unscannable(const struct phi_scan *s, const char *why)
{
	size_t i;

	for (i = 0; i < phi_scan_nfindings(s); i++) {
		const struct phi_finding *f = phi_scan_finding(s, i);
		if (f->type == PHI_T_UNSCANNABLE && strstr(f->why, why))
			return 1;
	}
	return 0;
}

static void paths(const struct phi_scan *s, char *o, size_t osz)
{
	const struct phi_doc *d = phi_scan_doc(s);
	size_t i, k = 0;

	o[0] = 0;
	for (i = 0; i < phi_doc_nparts(d) && k + 1 < osz; i++)
		k += (size_t)snprintf(o + k, osz - k, "%s%s", i ? " " : "", phi_doc_part(d, i)->path);
}

static void t_numbering(void)
{
	const char *m =
		"From: a@example.org\r\nSubject: nest\r\nMIME-Version: 1.0\r\n"
		"Content-Type: multipart/mixed; boundary=\"OUT\"\r\n\r\n"
		"preamble is not read\r\n"
		"--OUT\r\nContent-Type: text/plain\r\n\r\nfirst body\r\n"
		"--OUT\r\nContent-Type: multipart/alternative; boundary=IN\r\n\r\n"
		"--IN\r\nContent-Type: text/plain\r\n\r\nalt plain\r\n"
		"--IN\r\nContent-Type: text/html\r\n\r\n<p>alt html</p>\r\n"
		"--IN--\r\n"
		"--OUT\r\nContent-Type: text/plain; name=notes.txt\r\n"
		"Content-Disposition: attachment; filename=\"notes.txt\"\r\n\r\nattached\r\n"
		"--OUT--\r\nepilogue is not read\r\n";
	struct phi_scan *s = scan(m);
	const struct phi_part *p;
	char got[256];

	paths(s, got, sizeof got);
	T_EQ_STR(got, "0 1 2 2.1 2.2 3", "multipart children are numbered 1, 2, 2.1, 2.2, 3 (IMAP style)");
	T_OK(text_is(s, "1", "first body"), "first part text ends before the CRLF of the delimiter");
	T_OK(text_is(s, "2.1", "alt plain"), "nested alternative plain text");
	T_OK(has_text(s, "2.2", PHI_F_NONE, "alt html"), "nested html read as html");
	p = part(s, "2.2");
	T_OK(p && p->format == PHI_FMT_HTML, "text/html part has format html");
	p = part(s, "2");
	T_OK(p && p->format == PHI_FMT_MULTIPART, "multipart container has format multipart");
	p = part(s, "3");
	T_OK(p && p->attachment && p->filename && strcmp(p->filename, "notes.txt") == 0,
	     "attachment flag and filename from Content-Disposition");
	T_OK(has_text(s, "3", PHI_F_FILENAME, "notes.txt"), "filename is a filename segment");
	T_OK(!has_text(s, "1", -1, "preamble") && !has_text(s, "3", -1, "epilogue"),
	     "preamble and epilogue are not read");
	T_OK(has_text(s, "0", PHI_F_SUBJECT, "nest"), "subject is a subject segment of part 0");
	T_OK(phi_scan_subject(s) && strcmp(phi_scan_subject(s), "nest") == 0, "decoded subject is set");
	phi_scan_free(s);
}

static void t_single_and_tolerance(void)
{
	struct phi_scan *s;
	char got[256];
	const char *lf = "Subject: lf only\nContent-Type: text/plain\n\nline one\nline two\n";
	const char *crlf = "Subject: lf only\r\nContent-Type: text/plain\r\n\r\nline one\r\nline two\r\n";
	const char *noblank = "Subject: no blank line\nX-A: b\nthis is the body\n";
	static const char nul[] = "Subject: nul\0byte here\nX-Junk: \0\0\0\nContent-Type: text/plain\n\nafter nul header\n";
	const char *nofinal =
		"Content-Type: multipart/mixed; boundary=b1\n\n--b1\n\npart one\n--b1\n\npart two without end\n";
	const char *pad =
		"Content-Type: multipart/mixed; boundary=\"b1\"\n\n--b1  \t\n\nwith padding\n--b1x\nnot a delimiter\n--b1--  \n";
	const char *nob = "Content-Type: multipart/mixed\n\nno boundary at all\n";
	const char *stray = "Subject: s\ngarbage line\nContent-Type: text/plain\nContent-Transfer-Encoding: base64\n\n"
		"YmVoaW5kIGEgc3RyYXkgbGluZQ==\n";
	const char *noblank2 = "Subject: s\nHello,\nPatient: body line\n\nmore\n";

	s = scan(lf);
	paths(s, got, sizeof got);
	T_EQ_STR(got, "0 1", "single-part body is part 1");
	T_OK(text_is(s, "1", "line one\nline two\n"), "LF-only message decoded");
	phi_scan_free(s);
	s = scan(crlf);
	T_OK(text_is(s, "1", "line one\r\nline two\r\n"), "CRLF message decoded");
	phi_scan_free(s);

	s = scan(noblank);
	T_OK(has_text(s, "1", PHI_F_NONE, "this is the body"), "missing blank line: body starts at the first non-header line");
	T_OK(has_text(s, "0", PHI_F_SUBJECT, "no blank line"), "missing blank line: headers still read");
	phi_scan_free(s);

	s = scan(stray);
	T_OK(text_is(s, "1", "behind a stray line"), "stray line in the header block does not hide the Content-Type");
	T_OK(has_text(s, "0", PHI_F_HEADER, "garbage line"), "the stray header line is still scanned");
	phi_scan_free(s);
	s = scan(noblank2);
	T_OK(has_text(s, "1", PHI_F_NONE, "Patient: body line"), "body without blank line keeps header-like body lines");
	phi_scan_free(s);

	s = scan_lim(nul, sizeof nul - 1, NULL);
	T_OK(has_text(s, "1", PHI_F_NONE, "after nul header"), "NUL bytes in headers: body still read");
	T_OK(has_text(s, "0", PHI_F_SUBJECT, "byte here"), "NUL bytes in subject: rest of the subject kept");
	phi_scan_free(s);

	s = scan(nofinal);
	T_OK(text_is(s, "2", "part two without end\n"), "missing final boundary: last part runs to the end");
	phi_scan_free(s);

	s = scan(pad);
	T_OK(has_text(s, "1", PHI_F_NONE, "not a delimiter"), "--boundaryX is not a delimiter");
	T_OK(has_text(s, "1", PHI_F_NONE, "with padding"), "delimiter with trailing blanks");
	paths(s, got, sizeof got);
	T_EQ_STR(got, "0 1", "close delimiter with trailing blanks ends the multipart");
	phi_scan_free(s);

	s = scan(nob);
	T_OK(has_text(s, "1", PHI_F_NONE, "no boundary at all"), "multipart without boundary read as text");
	phi_scan_free(s);
}

static void t_transfer(void)
{
	const char *m =
		"Content-Type: multipart/mixed; boundary=zz\n\n"
		"--zz\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\n"
		"SGVs*bG8g\r\n!d29y  bGQ\n" /* junk and no padding */
		"--zz\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\n"
		"caf=C3=A9 soft=\nbreak =ZZ bad=3d ok=  \ntrail   \n"
		"--zz\nContent-Type: text/plain; charset=iso-8859-1\nContent-Transfer-Encoding: 8bit\n\n"
		"caf\xe9\n"
		"--zz\nContent-Type: text/plain\nContent-Transfer-Encoding: x-unknown\n\nas is\n"
		"--zz\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: BASE64\n\n"
		"YWJj\nZA==\nZWY=\n" /* padding in the middle */
		"--zz\nContent-Type: text/plain\nContent-Transfer-Encoding: x-uuencode\n\n"
		"begin 644 t.txt\n,:&5L;&\\@=V]R;&0*\n`\nend\n"
		"--zz--\n";
	struct phi_scan *s = scan(m);

	T_OK(text_is(s, "1", "Hello world"), "base64 skips junk and tolerates missing padding");
	T_OK(text_is(s, "2", "caf\xc3\xa9 softbreak =ZZ bad= oktrail"),
	     "quoted-printable: =XX, soft breaks, bad escapes kept, blank-padded soft break, trailing blanks dropped");
	T_OK(text_is(s, "3", "caf\xc3\xa9"), "iso-8859-1 body converted to UTF-8");
	T_OK(text_is(s, "4", "as is"), "unknown transfer encoding read as is");
	T_OK(text_is(s, "5", "abcdef"), "base64 resumes after padding in the middle");
	T_OK(text_is(s, "6", "hello world\n"), "x-uuencode transfer encoding decoded");
	phi_scan_free(s);
}

static void t_flowed(void)
{
	const char *m =
		"Content-Type: multipart/mixed; boundary=zz\n\n"
		"--zz\nContent-Type: text/plain; charset=utf-8; format=flowed\n\n"
		"Patient: Jane \r\nRoe, seen \r\ntoday.\r\n> quoted \r\n> line\r\n-- \r\nsig\r\n"
		"--zz\nContent-Type: text/plain; format=\"Flowed\"; delsp=yes\n\n"
		"Hyphen-\r\n ated wo \r\nrd\r\n"
		"--zz\nContent-Type: text/plain\n\n"
		"not \r\nflowed\r\n"
		"--zz--\n";
	struct phi_scan *s = scan(m);

	T_OK(text_is(s, "1", "Patient: Jane Roe, seen today.\r\n> quoted line\r\n-- \r\nsig"),
	     "format=flowed: soft breaks joined, quote depth kept, signature line not flowed");
	T_OK(text_is(s, "2", "Hyphen-\r\nated word"), "delsp=yes: the soft-break space removed; space-stuffing undone");
	T_OK(text_is(s, "3", "not \r\nflowed"), "fixed text/plain kept as it is");
	phi_scan_free(s);
}

static void t_words(void)
{
	const char *m =
		"Subject: =?UTF-8?B?Q2Fmw6k=?= =?ISO-8859-1?Q?_cr=E8me?=\r\n"
		"  plain =?utf-8?q?tail?=\r\n"
		"From: =?UTF-8?Q?Jos=C3=A9_Example?= <jose@example.org>\r\n"
		"Content-Type: multipart/mixed; boundary=\"=_b\"\r\n\r\n"
		"--=_b\r\nContent-Type: application/octet-stream\r\n"
		"Content-Disposition: attachment;\r\n filename*0*=UTF-8''r%C3%A9sum;\r\n filename*1=\"e.txt\"\r\n\r\nplain text attachment\r\n"
		"--=_b\r\nContent-Type: text/plain; name=\"=?UTF-8?Q?lab_r=C3=A9sultat.txt?=\"\r\n\r\nx\r\n"
		"--=_b\r\nContent-Type: text/plain\r\nContent-Disposition: inline; filename*=iso-8859-1'en'caf%E9.txt\r\n\r\ny\r\n"
		"--=_b--\r\n";
	struct phi_scan *s = scan(m);
	const struct phi_part *p;

	T_OK(phi_scan_subject(s) && strcmp(phi_scan_subject(s), "Caf\xc3\xa9 cr\xc3\xa8me  plain tail") == 0,
	     "RFC 2047 B and Q words, charsets, adjacent words joined, folding unfolded");
	T_OK(has_text(s, "0", PHI_F_HEADER, "Jos\xc3\xa9 Example"), "From display name decoded");
	T_OK(!has_text(s, "0", PHI_F_HEADER, "jose@example.org"), "From address itself is not a segment");
	p = part(s, "1");
	T_OK(p && p->filename && strcmp(p->filename, "r\xc3\xa9sume.txt") == 0, "RFC 2231 continuation with charset");
	T_OK(p && p->attachment, "disposition attachment sets the flag");
	T_OK(p && p->format == PHI_FMT_TEXT, "octet-stream that is text is read as text");
	p = part(s, "2");
	T_OK(p && p->filename && strcmp(p->filename, "lab r\xc3\xa9sultat.txt") == 0, "RFC 2047 word in a name parameter");
	p = part(s, "3");
	T_OK(p && p->filename && strcmp(p->filename, "caf\xc3\xa9.txt") == 0, "RFC 2231 single extended value with language");
	T_OK(p && !p->attachment, "inline is not an attachment");
	phi_scan_free(s);
}

/* Ambiguous or unreadable structure. */
static void t_ambiguous_and_encrypted(void)
{
	const char *two =
		"Content-Type: text/plain\nContent-Type: multipart/mixed; boundary=h\n\n"
		"--h\nContent-Type: text/plain\nContent-Transfer-Encoding: base64\n\naGlkZGVu\n--h--\n";
	const char *enc =
		"Content-Type: multipart/mixed; boundary=e\n\n"
		"--e\nContent-Type: application/pkcs7-mime; smime-type=enveloped-data\n"
		"Content-Transfer-Encoding: base64\n\nMIAGCSqGSIb3DQEHA6CAMIACAQAx\n"
		"--e\nContent-Type: application/octet-stream\n\n-----BEGIN PGP MESSAGE-----\n\nhQEMA\n-----END PGP MESSAGE-----\n"
		"--e--\n";
	struct phi_scan *s = scan(two);

	T_OK(text_is(s, "1", "hidden"), "repeated Content-Type: the multipart reading wins");
	phi_scan_free(s);
	s = scan(enc);
	T_OK(unscannable(s, "encrypted") && part(s, "1") && part(s, "1")->unscannable,
	     "S/MIME enveloped data is unscannable (encrypted)");
	T_OK(part(s, "2") && part(s, "2")->unscannable, "armoured PGP message is unscannable (encrypted)");
	phi_scan_free(s);
}

/* Raw 8-bit header text is read in the message's own charset. */
static void t_raw_header_charset(void)
{
	const char *m = "Subject: caf\xe9 \xa4\nContent-Type: text/plain; charset=iso-8859-15\n\nx\n";
	const char *u = "Subject: caf\xc3\xa9\nContent-Type: text/plain; charset=iso-8859-15\n\nx\n";
	struct phi_scan *s = scan(m);

	T_OK(phi_scan_subject(s) && strcmp(phi_scan_subject(s), "caf\xc3\xa9 \xe2\x82\xac") == 0,
	     "raw 8-bit subject read in the Content-Type charset");
	phi_scan_free(s);
	s = scan(u);
	T_OK(phi_scan_subject(s) && strcmp(phi_scan_subject(s), "caf\xc3\xa9") == 0,
	     "raw UTF-8 subject stays UTF-8 whatever the charset says");
	phi_scan_free(s);
}

static void t_rfc822_digest(void)
{
	const char *m =
		"Subject: outer\n"
		"Content-Type: multipart/mixed; boundary=o\n\n"
		"--o\n\nouter text\n"
		"--o\nContent-Type: message/rfc822\n\n"
		"Subject: inner subject\nContent-Type: multipart/alternative; boundary=i\n\n"
		"--i\nContent-Type: text/plain\n\ninner plain\n--i\nContent-Type: text/plain\n\ninner two\n--i--\n"
		"--o\nContent-Type: multipart/digest; boundary=d\n\n"
		"--d\n\nSubject: digest one\n\ndigest body one\n"
		"--d\nContent-Type: text/plain\n\nnot a message\n"
		"--d--\n"
		"--o\nContent-Type: message/rfc822\n\nSubject: single\n\nsingle body\n"
		"--o--\n";
	struct phi_scan *s = scan(m);
	const struct phi_part *p;
	char got[256];

	paths(s, got, sizeof got);
	T_EQ_STR(got, "0 1 2 2.0 2.1 2.2 3 3.1 3.1.0 3.1.1 3.2 4 4.0 4.1",
	         "embedded messages: headers N.0, body parts N.1 ...; digest children");
	T_OK(has_text(s, "2.0", PHI_F_SUBJECT, "inner subject"), "embedded subject is a subject segment of N.0");
	T_OK(phi_scan_subject(s) && strcmp(phi_scan_subject(s), "outer") == 0, "message subject is the top one");
	T_OK(text_is(s, "2.2", "inner two"), "embedded multipart body parts read");
	p = part(s, "3.1");
	T_OK(p && strcmp(p->content_type, "message/rfc822") == 0 && p->format == PHI_FMT_RFC822,
	     "digest part without content-type defaults to message/rfc822");
	T_OK(text_is(s, "3.1.1", "digest body one"), "digest message body read");
	T_OK(text_is(s, "3.2", "not a message"), "digest part with a type keeps it");
	T_OK(text_is(s, "4.1", "single body"), "single-part embedded message body is N.1");
	phi_scan_free(s);
}

static char *build_nested(unsigned depth, size_t *len)
{
	size_t cap = depth * 120 + 256, k = 0;
	char *m = malloc(cap);
	unsigned i;

	if (!m)
		return NULL;
	k += (size_t)snprintf(m + k, cap - k, "Subject: deep\n");
	for (i = 0; i < depth; i++)
		k += (size_t)snprintf(m + k, cap - k, "Content-Type: multipart/mixed; boundary=b%u\n\n--b%u\n", i, i);
	k += (size_t)snprintf(m + k, cap - k, "Content-Type: text/plain\n\ndeepest\n");
	*len = k;
	return m;
}

static void t_limits(void)
{
	struct phi_limits lim;
	struct phi_scan *s;
	size_t len = 0, k = 0, cap, i;
	char *m;

	m = build_nested(50, &len);
	s = scan_lim(m, len, NULL);
	T_OK(s && unscannable(s, "limit max_depth"), "50-deep multipart nesting is unscannable (max_depth)");
	T_OK(s && phi_doc_nparts(phi_scan_doc(s)) <= PHI_DEFAULT_MAX_DEPTH + 3, "nesting stops at max_depth");
	phi_scan_free(s);
	free(m);

	cap = 10000 * 40 + 200;
	m = malloc(cap);
	k += (size_t)snprintf(m + k, cap - k, "Content-Type: multipart/mixed; boundary=p\n\n");
	for (i = 0; i < 10000; i++)
		k += (size_t)snprintf(m + k, cap - k, "--p\n\npart %zu\n", i);
	k += (size_t)snprintf(m + k, cap - k, "--p--\n");
	s = scan_lim(m, k, NULL);
	T_OK(s && unscannable(s, "limit max_parts"), "10 000 parts are unscannable (max_parts)");
	T_EQ_INT(phi_doc_nparts(phi_scan_doc(s)), PHI_DEFAULT_MAX_PARTS, "parts stop at max_parts");
	phi_scan_free(s);
	free(m);

	phi_limits_default(&lim);
	lim.max_header_bytes = 100;
	m = malloc(1000);
	k = (size_t)snprintf(m, 1000, "Subject: ");
	for (i = 0; i < 300; i++)
		m[k++] = 'x';
	k += (size_t)snprintf(m + k, 1000 - k, "\nComments: short\n\nbody\n");
	s = scan_lim(m, k, &lim);
	T_OK(s && unscannable(s, "limit max_header_bytes"), "header longer than max_header_bytes is cut and noted");
	T_OK(s && phi_scan_subject(s) && strlen(phi_scan_subject(s)) >= 99 && strlen(phi_scan_subject(s)) <= 100, "cut header keeps max_header_bytes");
	T_OK(s && has_text(s, "1", PHI_F_NONE, "body"), "body after a cut header is read");
	phi_scan_free(s);
	free(m);

	phi_limits_default(&lim);
	lim.max_decoded_bytes = 64;
	m = malloc(400);
	k = (size_t)snprintf(m, 400, "Subject: s\n\n");
	for (i = 0; i < 200; i++)
		m[k++] = 'a';
	s = scan_lim(m, k, &lim);
	T_OK(s && unscannable(s, "limit max_decoded_bytes"), "decoded text past max_decoded_bytes is noted");
	phi_scan_free(s);
	free(m);
}

static void t_uuencode_and_pasted(void)
{
	const char *m =
		"Subject: uu\n\nSee attached:\n\nbegin 644 lab.txt\n"
		",:&5L;&\\@=V]R;&0*\n`\nend\n\nMSH|^~\\&|LAB|HOSP|||20240101||ORU^R01|1|P|2.5\nPID|1||12345\n\nbye\n";
	struct phi_scan *s = scan(m);
	const struct phi_part *p = part(s, "1.1");

	T_OK(p && p->filename && strcmp(p->filename, "lab.txt") == 0, "uuencoded block becomes a child part with its name");
	T_OK(text_is(s, "1.1", "hello world\n"), "uuencoded block decoded");
	p = part(s, "1.2");
	T_OK(p && p->format == PHI_FMT_HL7V2, "pasted HL7 v2 becomes an hl7v2 child part");
	T_OK(p && p->size > 0 && p->size < 80, "pasted HL7 region ends at its last segment line");
	T_OK(has_text(s, "1", PHI_F_NONE, "bye"), "text around pasted blocks stays in the part");
	phi_scan_free(s);
}

/* The same message with CRLF and LF line ends gives the same parts and texts. */
static void t_line_end_independence(void)
{
	const char *lf =
		"Subject: =?utf-8?q?same?=\nContent-Type: multipart/mixed; boundary=q\n\n"
		"--q\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\n"
		"one=\ntwo\n--q\nContent-Type: text/plain\nContent-Transfer-Encoding: base64\n\naGVsbG8=\n--q--\n";
	char crlf[1024];
	size_t i, k = 0;
	struct phi_scan *a, *b;
	char pa[128], pb[128];

	for (i = 0; lf[i] && k + 2 < sizeof crlf; i++) {
		if (lf[i] == '\n')
			crlf[k++] = '\r';
		crlf[k++] = lf[i];
	}
	crlf[k] = 0;
	a = scan(lf);
	b = scan(crlf);
	paths(a, pa, sizeof pa);
	paths(b, pb, sizeof pb);
	T_EQ_STR(pa, pb, "CRLF and LF give the same part tree");
	T_OK(text_is(a, "1", "onetwo") && text_is(b, "1", "onetwo"), "QP soft break the same with CRLF and LF");
	T_OK(text_is(a, "2", "hello") && text_is(b, "2", "hello"), "base64 the same with CRLF and LF");
	phi_scan_free(a);
	phi_scan_free(b);
}

/* Hostile shapes end with a verdict, without crashing. */
static void t_hostile(void)
{
	static const char *const cases[] = {
		"", "\n", "Subject", ":\n\n", "Content-Type: multipart/mixed; boundary=\n\n--\n--\n",
		"Content-Type: multipart/mixed; boundary=a\n\n--a", "Content-Type: multipart/mixed; boundary=a\n\n--a\n",
		"Content-Type: text/plain; charset=\"\n\nx", "Content-Type: ;;;===\"\"\"\n\nx",
		"Content-Type: message/rfc822\n\n", "Subject: =?utf-8?B?\n\n", "Subject: =?x?Q?=?=\n\n",
		"Content-Disposition: attachment; filename*0*=''%; filename*99=x; filename*1000=y\n\n",
		"Content-Type: text/plain\nContent-Transfer-Encoding: base64\n\n====\n",
		"Content-Type: text/plain\nContent-Transfer-Encoding: quoted-printable\n\n=\n=",
		"\nbegin 644 x\nM\n", "Content-Type: text/html\n\n<script", "Content-Type: text/html\n\n<a href=\"x>",
		"Content-Type: text/html\n\n&#xFFFFFFFFFF; &#0; &#55296; &", "{\"resourceType\"", "<ClinicalDocument",
	};
	size_t i, ok = 0;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct phi_scan *s = scan(cases[i]);
		ok += s != NULL;
		phi_scan_free(s);
	}
	T_EQ_INT(ok, sizeof cases / sizeof cases[0], "hostile fragments all scan");
}

/* The dispatcher: declared type, extension and magic pick the format. */
static void t_dispatch(void)
{
	const char *m =
		"Content-Type: multipart/mixed; boundary=d\n\n"
		"--d\nContent-Type: application/octet-stream\nContent-Transfer-Encoding: base64\n\n"
		"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n"
		"--d\nContent-Type: application/octet-stream; name=scan.bin\n\n%PDF-1.4\n%\xe2\xe3\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
		"--d\nContent-Type: application/octet-stream\nContent-Disposition: attachment; filename=visit.csv\n\nname,dob\nA,B\n"
		"--d\nContent-Type: image/png\nContent-Transfer-Encoding: base64\n\niVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==\n"
		"--d\nContent-Type: text/calendar\n\nBEGIN:VCALENDAR\nEND:VCALENDAR\n"
		"--d\nContent-Type: audio/basic\n\n\x01\x02"
		"\n--d\nContent-Type: application/json\n\n{\"a\": \"b\"}\n"
		"--d--\n";
	const struct phi_part *p;
	struct phi_scan *s = scan(m);

	p = part(s, "1");
	T_OK(p && p->format == PHI_FMT_BINARY, "octet-stream that is not text is recorded as binary");
	p = part(s, "2");
	T_OK(p && p->format == PHI_FMT_PDF, "octet-stream with PDF magic is read as PDF");
	p = part(s, "3");
	T_OK(p && p->format == PHI_FMT_CSV, "octet-stream named .csv is read as CSV");
	p = part(s, "4");
	T_OK(p && p->format == PHI_FMT_IMAGE, "image/png is an image part");
	p = part(s, "5");
	T_OK(p && p->format == PHI_FMT_ICAL, "text/calendar is read as iCalendar");
	p = part(s, "6");
	T_OK(p && p->format == PHI_FMT_AUDIO, "audio is recorded, not read");
	p = part(s, "7");
	T_OK(p && (p->format == PHI_FMT_JSON || p->format == PHI_FMT_FHIR), "application/json read as JSON");
	phi_scan_free(s);
}

/* Inputs end against a PROT_NONE page: any over-read faults. */
static void t_guard_page(void)
{
	static const char *const cases[] = {
		"Subject: =?utf-8?Q?abc",
		"Content-Type: multipart/mixed; boundary=abc\n\n--ab",
		"Content-Type: text/plain; name*0*=utf-8''%4",
		"Content-Type: text/plain\nContent-Transfer-Encoding: quoted-printable\n\nabc=4",
		"Content-Type: text/plain\nContent-Transfer-Encoding: base64\n\nYWJ",
		"Content-Type: text/html\n\n<p>&#x4",
		"Content-Type: text/html\n\n<img alt=\"x",
		"Content-Type: text/html\n\n<!--",
		"\n\nbegin 644 f\n#86)C",
		"\n\nMSH|^~\\&",
		"Content-Type: text/plain; charset=utf-16\n\n\xff\xfe\x41",
	};
	long pg = sysconf(_SC_PAGESIZE);
	unsigned char *map = mmap(NULL, (size_t)pg * 2, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	size_t i, ok = 0;

	if (map == MAP_FAILED || mprotect(map + pg, (size_t)pg, PROT_NONE) != 0) {
		T_OK(0, "guard page mapped");
		return;
	}
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		size_t n = strlen(cases[i]);
		unsigned char *at = map + pg - n;
		struct phi_scan *s;
		memcpy(at, cases[i], n);
		s = scan_lim((const char *)at, n, NULL);
		ok += s != NULL;
		phi_scan_free(s);
	}
	T_EQ_INT(ok, sizeof cases / sizeof cases[0], "inputs ending at a guard page are not over-read");
	munmap(map, (size_t)pg * 2);
}

int main(void)
{
	char err[256];

	if (phi_engine_new(NULL, &eng, err, sizeof err) != PHI_OK) {
		printf("Bail out! engine: %s\n", err);
		return 1;
	}
	t_numbering();
	t_single_and_tolerance();
	t_transfer();
	t_flowed();
	t_words();
	t_rfc822_digest();
	t_raw_header_charset();
	t_ambiguous_and_encrypted();
	t_limits();
	t_uuencode_and_pasted();
	t_line_end_independence();
	t_hostile();
	t_dispatch();
	t_guard_page();
	phi_engine_free(eng);
	return tap_done();
}
