/*
 * t_core.c - the scan core: bounded buffers, doc limits (parts, depth,
 * decoded bytes), part numbering, redaction, and the type vocabulary.
 */
#include <stdlib.h>
#include <string.h>
#include "tap.h"
#include "scan.h"
#include "phi/buf.h"
#include "phi/report.h"

static void test_buf(void)
{
	struct phi_buf b;
	int rc;

	phi_buf_init(&b, 8);
	T_EQ_INT(phi_buf_append(&b, "abcd", 4), PHI_OK, "buf appends within its maximum");
	T_EQ_INT(phi_buf_append(&b, "efgh", 4), PHI_OK, "buf fills exactly to its maximum");
	rc = phi_buf_append(&b, "i", 1);
	T_EQ_INT(rc, PHI_ELIMIT, "buf refuses a byte past its maximum");
	T_EQ_INT(b.len, 8, "buf keeps its contents after a refused append");
	T_OK(b.data[8] == 0, "buf stays NUL-terminated");
	phi_buf_free(&b);
	T_OK(b.data == NULL && b.len == 0, "buf free leaves an empty buffer");
}

static struct phi_scan *new_scan(unsigned max_parts, unsigned max_depth, size_t max_decoded)
{
	struct phi_limits l;
	phi_limits_default(&l);
	l.max_parts = max_parts;
	l.max_depth = max_depth;
	l.max_decoded_bytes = max_decoded;
	return phi_scan_new(NULL, &l, NULL, NULL);
}

static int count_type(const struct phi_scan *s, enum phi_type t)
{
	return (int)phi_scan_type_counts(s)[t];
}

static void test_doc_numbering(void)
{
	struct phi_scan *s = new_scan(100, 10, 1 << 20);
	struct phi_doc *d = &s->doc;
	int h, a, b, b1, b2, e;

	h = doc_add_headers_part(d, -1);
	a = doc_add_part(d, -1, "text/plain", NULL, PHI_FMT_TEXT, 3, 0);
	b = doc_add_part(d, -1, "multipart/mixed", NULL, PHI_FMT_MULTIPART, 0, 0);
	b1 = doc_add_part(d, b, "text/plain", NULL, PHI_FMT_TEXT, 3, 0);
	b2 = doc_add_part(d, b, "message/rfc822", "fwd.eml", PHI_FMT_RFC822, 3, 1);
	e = doc_add_headers_part(d, b2);
	T_EQ_STR(d->parts[h].path, "0", "message headers are part 0");
	T_EQ_STR(d->parts[a].path, "1", "first top-level part is 1");
	T_EQ_STR(d->parts[b].path, "2", "second top-level part is 2");
	T_EQ_STR(d->parts[b1].path, "2.1", "child parts are numbered under their parent");
	T_EQ_STR(d->parts[b2].path, "2.2", "siblings count up");
	T_EQ_STR(d->parts[e].path, "2.2.0", "embedded message headers are parent.0");
	T_EQ_STR(d->parts[b2].filename, "fwd.eml", "part keeps its file name");
	T_EQ_INT(d->parts[b1].depth, 1, "child depth is parent depth + 1");
	phi_scan_free(s);
}

static void test_doc_limits(void)
{
	struct phi_scan *s = new_scan(4, 2, 10);
	struct phi_doc *d = &s->doc;
	int p0, p1, p2, p3, rc;

	p0 = doc_add_part(d, -1, "multipart/mixed", NULL, PHI_FMT_MULTIPART, 0, 0);
	p1 = doc_add_part(d, p0, "multipart/mixed", NULL, PHI_FMT_MULTIPART, 0, 0);
	p2 = doc_add_part(d, p1, "multipart/mixed", NULL, PHI_FMT_MULTIPART, 0, 0);
	T_OK(p0 >= 0 && p1 >= 0 && p2 >= 0, "parts within the limits are added");
	p3 = doc_add_part(d, p2, "text/plain", NULL, PHI_FMT_TEXT, 0, 0);
	T_EQ_INT(p3, PHI_ELIMIT, "a part deeper than max_depth is refused");
	T_EQ_INT(count_type(s, PHI_T_UNSCANNABLE), 1, "max_depth adds an unscannable finding");
	T_OK(d->parts[p2].unscannable, "the parent of the refused part is marked unscannable");
	T_OK(doc_add_part(d, -1, "text/plain", NULL, PHI_FMT_TEXT, 0, 0) >= 0, "the last part within max_parts is added");
	rc = doc_add_part(d, -1, "text/plain", NULL, PHI_FMT_TEXT, 0, 0);
	T_EQ_INT(rc, PHI_ELIMIT, "a part past max_parts is refused");
	rc = doc_add_part(d, -1, "text/plain", NULL, PHI_FMT_TEXT, 0, 0);
	T_EQ_INT(count_type(s, PHI_T_UNSCANNABLE), 2, "max_parts is reported once");
	T_EQ_INT(doc_add_text(d, p0, PHI_F_NONE, NULL, (const unsigned char *)"0123456789", 10, 0), PHI_OK,
	         "text up to max_decoded_bytes is kept");
	T_EQ_INT(doc_add_text(d, p0, PHI_F_NONE, NULL, (const unsigned char *)"x", 1, 10), PHI_ELIMIT,
	         "text past max_decoded_bytes is refused");
	T_EQ_INT(phi_doc_nsegments(d), 1, "refused text adds no segment");
	phi_scan_free(s);
}

static void test_doc_utf8(void)
{
	struct phi_scan *s = new_scan(10, 10, 1 << 20);
	struct phi_doc *d = &s->doc;
	const unsigned char bad[] = { 'a', 0xC3, 0xA9, 0xFF, 0, 'b', 0xE2, 0x82 };
	int p = doc_add_part(d, -1, "text/plain", NULL, PHI_FMT_TEXT, sizeof bad, 0);
	const struct phi_segment *sg;

	doc_add_text(d, p, PHI_F_NONE, "f", bad, sizeof bad, 0);
	sg = phi_doc_segment(d, 0);
	T_OK(sg && sg->len == sizeof bad, "segment keeps the byte length of its text");
	T_OK(sg && memcmp(sg->text, "a\xC3\xA9??b??", 8) == 0, "invalid UTF-8 and NUL bytes become '?'");
	T_EQ_STR(sg ? sg->field_name : NULL, "f", "segment keeps its field name");
	phi_scan_free(s);
}

static void test_redact(void)
{
	char out[PHI_SAMPLE_MAX];

	finding_redact(PHI_T_US_SSN, (const unsigned char *)"123-45-6788", 11, out);
	T_EQ_STR(out, "***-**-6788", "ssn sample keeps only the last four digits");
	finding_redact(PHI_T_CREDIT_CARD, (const unsigned char *)"4111 1111 1111 1111", 19, out);
	T_EQ_STR(out, "**** **** **** 1111", "card sample keeps only the last four digits");
	finding_redact(PHI_T_PERSON_NAME, (const unsigned char *)"Jane Roe", 8, out);
	T_EQ_STR(out, "J*** R**", "name sample keeps initials only");
	finding_redact(PHI_T_EMAIL, (const unsigned char *)"jane.roe@example.net", 20, out);
	T_EQ_STR(out, "j***@example.net", "email sample keeps the first letter and the domain");
	finding_redact(PHI_T_DATE_OF_BIRTH, (const unsigned char *)"03/14/1961", 10, out);
	T_OK(strpbrk(out, "0123456789") == NULL, "date of birth sample has no digits");
	finding_redact(PHI_T_MRN, (const unsigned char *)"A12", 3, out);
	T_EQ_STR(out, "***", "short values are masked whole");
}

static void test_vocabulary(void)
{
	int t, ok = 1;

	for (t = 0; t < PHI_T__COUNT; t++)
		if (phi_type_from_name(phi_type_name((enum phi_type)t)) != t && t != PHI_T_CUSTOM)
			ok = 0;
	T_OK(ok, "every type name maps back to its type");
	T_EQ_STR(phi_type_name(PHI_T_US_SSN), "us_ssn", "contract name of us_ssn");
	T_EQ_INT(phi_type_from_name("custom:foo"), PHI_T_CUSTOM, "custom:NAME is the custom type");
	T_EQ_INT(phi_type_from_name("nonsense"), -1, "unknown names are refused");
	T_EQ_INT(phi_type_class(PHI_T_PHONE), PHI_CLASS_CONTACT, "phone is a contact type");
}

static void test_findings_dedup(void)
{
	struct phi_scan *s = new_scan(10, 10, 1 << 20);
	struct phi_doc *d = &s->doc;
	int p = doc_add_part(d, -1, "text/plain", "a.txt", PHI_FMT_TEXT, 11, 0);
	const struct phi_segment *sg;
	const struct phi_finding *f;

	doc_add_text(d, p, PHI_F_NONE, NULL, (const unsigned char *)"x 123-45-6788", 13, 100);
	sg = phi_doc_segment(d, 0);
	finding_add(s, sg, PHI_T_US_SSN, PHI_CONF_LOW, 2, 11, "");
	finding_add(s, sg, PHI_T_US_SSN, PHI_CONF_HIGH, 2, 11, "");
	T_EQ_INT(phi_scan_nfindings(s), 1, "the same finding twice is recorded once");
	f = phi_scan_finding(s, 0);
	T_EQ_INT(f->confidence, PHI_CONF_HIGH, "a duplicate keeps the higher confidence");
	T_EQ_INT(f->offset, 102, "offset counts from the start of the part");
	T_EQ_STR(f->filename, "a.txt", "finding carries the part's file name");
	T_EQ_STR(f->part, "1", "finding carries the part path");
	phi_scan_free(s);
}

static void test_json(void)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);

	phi_json_string(m, "a\"b\\c\n\x01");
	fclose(m);
	T_EQ_STR(buf, "\"a\\\"b\\\\c\\n\\u0001\"", "JSON strings are escaped");
	free(buf);
}

int main(void)
{
	test_buf();
	test_doc_numbering();
	test_doc_limits();
	test_doc_utf8();
	test_redact();
	test_vocabulary();
	test_findings_dedup();
	test_json();
	return tap_done();
}
