/*
 * t_dicom.c - DICOM extractor over byte arrays built here: explicit VR LE
 * with defined and undefined length sequences, implicit VR LE, explicit VR
 * BE, deflated, no preamble, character sets, a lying length, deep nesting
 * and garbage. Synthetic patients; values compared, never printed.
 */
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include "tap.h"
#include "scanfix.h"
#include "scan.h"
#include "extract/extract.h"

struct bb {
	unsigned char d[65536];
	size_t n;
	int be;        /* big endian numbers */
};

static void u16(struct bb *b, unsigned v)
{
	if (b->be) {
		b->d[b->n++] = (unsigned char)(v >> 8);
		b->d[b->n++] = (unsigned char)v;
	} else {
		b->d[b->n++] = (unsigned char)v;
		b->d[b->n++] = (unsigned char)(v >> 8);
	}
}

static void u32(struct bb *b, unsigned long v)
{
	if (b->be) {
		u16(b, (unsigned)(v >> 16));
		u16(b, (unsigned)(v & 0xFFFF));
	} else {
		u16(b, (unsigned)(v & 0xFFFF));
		u16(b, (unsigned)(v >> 16));
	}
}

static void raw(struct bb *b, const void *p, size_t n)
{
	memcpy(b->d + b->n, p, n);
	b->n += n;
}

/* Explicit VR element; value padded to even length with a space. */
static void ex(struct bb *b, unsigned g, unsigned e, const char *vr, const char *val)
{
	size_t n = strlen(val), pad = n & 1;
	int lng = !strcmp(vr, "OB") || !strcmp(vr, "OW") || !strcmp(vr, "SQ") || !strcmp(vr, "UN") ||
	          !strcmp(vr, "UT");

	u16(b, g);
	u16(b, e);
	raw(b, vr, 2);
	if (lng) {
		u16(b, 0);
		u32(b, (unsigned long)(n + pad));
	} else {
		u16(b, (unsigned)(n + pad));
	}
	raw(b, val, n);
	if (pad)
		raw(b, !strcmp(vr, "UI") ? "\0" : " ", 1);
}

static void im(struct bb *b, unsigned g, unsigned e, const char *val)
{
	size_t n = strlen(val), pad = n & 1;

	u16(b, g);
	u16(b, e);
	u32(b, (unsigned long)(n + pad));
	raw(b, val, n);
	if (pad)
		raw(b, " ", 1);
}

static void tagonly(struct bb *b, unsigned g, unsigned e, unsigned long len)
{
	u16(b, g);
	u16(b, e);
	u32(b, len);
}

/* preamble + meta group naming transfer syntax ts */
static void meta(struct bb *b, const char *ts)
{
	memset(b->d, 0, 128);
	b->n = 128;
	raw(b, "DICM", 4);
	b->be = 0;
	ex(b, 0x0002, 0x0001, "OB", "\001");
	ex(b, 0x0002, 0x0002, "UI", "1.2.840.10008.5.1.4.1.1.7");
	ex(b, 0x0002, 0x0010, "UI", ts);
}

static struct phi_scan *run(const struct bb *b)
{
	struct phi_scan *s = phi_scan_new(NULL, NULL, NULL, NULL);
	int part = doc_add_part(&s->doc, -1, "application/dicom", NULL, PHI_FMT_BINARY, b->n, 0);
	int rc = x_dicom_extract(&s->doc, part, b->d, b->n);
	T_EQ_INT(rc, PHI_OK, "extract returns ok");
	return s;
}


static void patient(struct bb *b, void (*el)(struct bb *, unsigned, unsigned, const char *, const char *))
{
	el(b, 0x0008, 0x0020, "DA", "20260105");
	el(b, 0x0008, 0x0090, "PN", "Welby^Marcus");
	el(b, 0x0008, 0x1030, "LO", "CT CHEST W CONTRAST");
	el(b, 0x0010, 0x0010, "PN", "Quill^Norah^B");
	el(b, 0x0010, 0x0020, "LO", "PID-558201");
	el(b, 0x0010, 0x0030, "DA", "19640229");
	el(b, 0x0010, 0x1040, "LO", "7 Birch Ct, Dover");
	el(b, 0x0010, 0x1060, "PN", "Marsh^Edith");
}

static void test_explicit_le(void)
{
	static struct bb b;
	struct phi_scan *s;

	meta(&b, "1.2.840.10008.1.2.1");
	ex(&b, 0x0008, 0x0005, "CS", "ISO_IR 100");
	patient(&b, ex);
	/* defined-length sequence with one defined-length item */
	{
		struct bb it = { .n = 0 };
		ex(&it, 0x0008, 0x0104, "LO", "Chest pain");
		u16(&b, 0x0008); u16(&b, 0x1032); raw(&b, "SQ", 2); u16(&b, 0);
		u32(&b, (unsigned long)it.n + 8);
		tagonly(&b, 0xFFFE, 0xE000, (unsigned long)it.n);
		raw(&b, it.d, it.n);
	}
	/* undefined-length sequence, undefined-length item, delimiters */
	u16(&b, 0x0040); u16(&b, 0x0275); raw(&b, "SQ", 2); u16(&b, 0); u32(&b, 0xFFFFFFFFul);
	tagonly(&b, 0xFFFE, 0xE000, 0xFFFFFFFFul);
	ex(&b, 0x0032, 0x1060, "LO", "Rule out embolism");
	tagonly(&b, 0xFFFE, 0xE00D, 0);
	tagonly(&b, 0xFFFE, 0xE0DD, 0);
	ex(&b, 0x0010, 0x2154, "SH", "555-0142");
	/* Latin-1 text after the sequences */
	ex(&b, 0x0010, 0x1001, "PN", "M\xFCller^Ana");
	/* pixel data, skipped: encapsulated fragments */
	u16(&b, 0x7FE0); u16(&b, 0x0010); raw(&b, "OB", 2); u16(&b, 0); u32(&b, 0xFFFFFFFFul);
	tagonly(&b, 0xFFFE, 0xE000, 4); raw(&b, "\x10\x00\x10\x00", 4);
	tagonly(&b, 0xFFFE, 0xE000, 4); raw(&b, "Q\0\0\0", 4);
	tagonly(&b, 0xFFFE, 0xE0DD, 0);
	s = run(&b);
	T_OK(x_dicom_sniff(b.d, b.n), "sniff DICM preamble");
	T_EQ_INT(s->doc.parts[0].format, PHI_FMT_DICOM, "format set to dicom");
	T_OK(seg_has(s, "(0010,0010) PatientName", PHI_F_PATIENT_NAME, "Norah B Quill"), "PN rendered given middle family");
	T_OK(seg_has(s, "(0010,0020) PatientID", PHI_F_PATIENT_ID, "PID-558201"), "PatientID");
	T_OK(seg_has(s, "(0010,0030) PatientBirthDate", PHI_F_BIRTH_DATE, "19640229"), "PatientBirthDate");
	T_OK(seg_has(s, "(0010,1040) PatientAddress", PHI_F_ADDRESS, "7 Birch Ct, Dover"), "PatientAddress");
	T_OK(seg_has(s, "(0010,1060) PatientMotherBirthName", PHI_F_RELATIVE_NAME, "Edith Marsh"), "mother's birth name is relative");
	T_OK(seg_has(s, "(0008,0090) ReferringPhysicianName", PHI_F_NONE, "Marcus Welby"), "referring physician is not patient");
	T_OK(seg_has(s, "(0008,1030) StudyDescription", PHI_F_CLINICAL, "CT CHEST W CONTRAST"), "StudyDescription clinical");
	T_OK(seg_has(s, "(0008,0020) StudyDate", PHI_F_PATIENT_OTHER, "20260105"), "StudyDate patient other");
	T_OK(seg_has(s, "(0008,0104) CodeMeaning", PHI_F_CLINICAL, "Chest pain"), "defined-length sequence item read");
	T_OK(seg_has(s, "(0032,1060) RequestedProcedureDescription", PHI_F_CLINICAL, "Rule out embolism"),
	     "undefined-length sequence item read");
	T_OK(seg_has(s, "(0010,2154) PatientTelephoneNumbers", PHI_F_PHONE, "555-0142"), "element after sequences read");
	T_OK(seg_has(s, "(0010,1001) OtherPatientNames", PHI_F_PATIENT_NAME, "Ana M\xC3\xBCller"), "latin-1 converted to UTF-8");
	T_EQ_INT(s->doc.parts[0].unscannable, 0, "well-formed file is scannable");
	phi_scan_free(s);
}

static void imw(struct bb *b, unsigned g, unsigned e, const char *vr, const char *v)
{
	(void)vr;
	im(b, g, e, v);
}

static void test_implicit(void)
{
	static struct bb b;
	struct phi_scan *s;

	meta(&b, "1.2.840.10008.1.2");
	patient(&b, imw);
	/* an implicit undefined-length sequence of an unknown tag */
	tagonly(&b, 0x0009, 0x1010, 0xFFFFFFFFul);
	tagonly(&b, 0xFFFE, 0xE000, 0xFFFFFFFFul);
	im(&b, 0x0010, 0x21B0, "Prior MI 2019");
	tagonly(&b, 0xFFFE, 0xE00D, 0);
	tagonly(&b, 0xFFFE, 0xE0DD, 0);
	s = run(&b);
	T_OK(seg_has(s, "(0010,0010) PatientName", PHI_F_PATIENT_NAME, "Norah B Quill"), "implicit: PatientName");
	T_OK(seg_has(s, "(0010,0030) PatientBirthDate", PHI_F_BIRTH_DATE, "19640229"), "implicit: BirthDate");
	T_OK(seg_has(s, "(0010,21B0) AdditionalPatientHistory", PHI_F_CLINICAL, "Prior MI 2019"), "implicit: nested history");
	phi_scan_free(s);
}

static void test_big_endian(void)
{
	static struct bb b;
	struct phi_scan *s;

	meta(&b, "1.2.840.10008.1.2.2");
	b.be = 1;
	patient(&b, ex);
	s = run(&b);
	T_OK(seg_has(s, "(0010,0020) PatientID", PHI_F_PATIENT_ID, "PID-558201"), "big endian: PatientID");
	T_OK(seg_has(s, "(0010,0010) PatientName", PHI_F_PATIENT_NAME, "Norah B Quill"), "big endian: PatientName");
	phi_scan_free(s);
}

static void test_deflated(void)
{
	static struct bb b, ds;
	unsigned char z[8192];
	z_stream zs;
	struct phi_scan *s;

	ds.n = 0;
	patient(&ds, ex);
	memset(&zs, 0, sizeof zs);
	deflateInit2(&zs, 9, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY);
	zs.next_in = ds.d;
	zs.avail_in = (unsigned)ds.n;
	zs.next_out = z;
	zs.avail_out = sizeof z;
	deflate(&zs, Z_FINISH);
	meta(&b, "1.2.840.10008.1.2.1.99");
	raw(&b, z, sizeof z - zs.avail_out);
	deflateEnd(&zs);
	s = run(&b);
	T_OK(seg_has(s, "(0010,0010) PatientName", PHI_F_PATIENT_NAME, "Norah B Quill"), "deflated: PatientName");
	phi_scan_free(s);
}

static void test_no_preamble(void)
{
	static struct bb b;
	struct phi_scan *s;

	b.n = 0;
	b.be = 0;
	ex(&b, 0x0008, 0x0005, "CS", "ISO_IR 192");
	ex(&b, 0x0010, 0x0010, "PN", "Zo\xC3\xAB^Lin");
	s = run(&b);
	T_OK(x_dicom_sniff(b.d, b.n), "sniff without preamble");
	T_OK(seg_has(s, "(0010,0010) PatientName", PHI_F_PATIENT_NAME, "Lin Zo\xC3\xAB"), "no preamble, UTF-8 name");
	phi_scan_free(s);
	b.n = 0;
	im(&b, 0x0008, 0x0020, "20250101");
	im(&b, 0x0010, 0x0020, "IMPL-1");
	s = run(&b);
	T_OK(x_dicom_sniff(b.d, b.n), "sniff implicit without preamble");
	T_OK(seg_has(s, "(0010,0020) PatientID", PHI_F_PATIENT_ID, "IMPL-1"), "no preamble implicit guessed");
	phi_scan_free(s);
	T_OK(!x_dicom_sniff((const unsigned char *)"Hello there, plain text", 23), "sniff rejects text");
}

static void test_encapsulated(void)
{
	static struct bb b;
	struct phi_scan *s;
	size_t i;
	int child = 0, text = 0;

	meta(&b, "1.2.840.10008.1.2.1");
	ex(&b, 0x0010, 0x0010, "PN", "Quill^Norah");
	ex(&b, 0x0042, 0x0012, "LO", "text/plain");
	ex(&b, 0x0042, 0x0011, "OB", "Discharge note for Ada Byrne");
	s = run(&b);
	for (i = 0; i < s->doc.nparts; i++)
		if (s->doc.parts[i].parent == 0 && strcmp(s->doc.parts[i].content_type, "text/plain") == 0)
			child = 1;
	for (i = 0; i < s->doc.nsegs; i++)
		if (s->doc.segs[i].part == 1 && memmem(s->doc.segs[i].text, s->doc.segs[i].len, "Ada Byrne", 9))
			text = 1;
	T_OK(child, "encapsulated document becomes a child part of its MIME type");
	T_OK(text, "encapsulated document is extracted");
	phi_scan_free(s);
}

static void test_hostile(void)
{
	static struct bb b;
	struct phi_scan *s;
	size_t i;

	/* a lying length: PatientID claims more than the file holds */
	meta(&b, "1.2.840.10008.1.2.1");
	ex(&b, 0x0010, 0x0010, "PN", "Quill^Norah");
	u16(&b, 0x0010); u16(&b, 0x0020); raw(&b, "LO", 2); u16(&b, 0xFFF0);
	raw(&b, "short", 5);
	s = run(&b);
	T_OK(seg_has(s, "(0010,0010) PatientName", PHI_F_PATIENT_NAME, "Norah Quill"), "lying length: earlier fields kept");
	T_EQ_INT(s->doc.parts[0].unscannable, 1, "lying length: part unscannable");
	phi_scan_free(s);

	/* a sequence whose length runs past the end */
	meta(&b, "1.2.840.10008.1.2.1");
	u16(&b, 0x0008); u16(&b, 0x1032); raw(&b, "SQ", 2); u16(&b, 0); u32(&b, 0x7FFFFFF0ul);
	s = run(&b);
	T_EQ_INT(s->doc.parts[0].unscannable, 1, "sequence past the end: unscannable");
	phi_scan_free(s);

	/* 2000 nested undefined-length sequences */
	meta(&b, "1.2.840.10008.1.2.1");
	for (i = 0; i < 2000; i++) {
		u16(&b, 0x0008); u16(&b, 0x1032); raw(&b, "SQ", 2); u16(&b, 0); u32(&b, 0xFFFFFFFFul);
		tagonly(&b, 0xFFFE, 0xE000, 0xFFFFFFFFul);
	}
	s = run(&b);
	T_EQ_INT(s->doc.parts[0].unscannable, 1, "deep nesting stops at the depth cap");
	phi_scan_free(s);

	/* garbage after DICM */
	meta(&b, "1.2.840.10008.1.2");
	for (i = 0; i < 30000; i++)
		b.d[b.n++] = (unsigned char)(i * 131 + 7);
	s = run(&b);
	T_OK(1, "garbage ends");
	phi_scan_free(s);

	/* deflate data that is not deflate */
	meta(&b, "1.2.840.10008.1.2.1.99");
	raw(&b, "\xFF\xFF\xFF\xFF not deflate", 16);
	s = run(&b);
	T_EQ_INT(s->doc.parts[0].unscannable, 1, "bad deflate is unscannable");
	phi_scan_free(s);
}

int main(void)
{
	test_explicit_le();
	test_implicit();
	test_big_endian();
	test_deflated();
	test_no_preamble();
	test_encapsulated();
	test_hostile();
	return tap_done();
}
