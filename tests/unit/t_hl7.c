/*
 * t_hl7.c - HL7 v2 extractor: fields get the right PHI_F_* and field name,
 * escapes and encoding characters are honoured, pasted messages inside text
 * are found, hostile input ends. Synthetic patients only; values are
 * compared, never printed.
 */
#include <stdlib.h>
#include <string.h>
#include "tap.h"
#include "scan.h"
#include "extract/extract.h"

static struct phi_scan *run(const char *msg, size_t n)
{
	struct phi_scan *s = phi_scan_new(NULL, NULL, NULL, NULL);
	int part = doc_add_part(&s->doc, -1, "text/plain", NULL, PHI_FMT_TEXT, n, 0);
	int rc = x_hl7_extract(&s->doc, part, (const unsigned char *)msg, n);
	T_EQ_INT(rc, PHI_OK, "extract returns ok");
	return s;
}

/* 1 when a segment named `name` has field f and text equal to want. */
static int has(const struct phi_scan *s, const char *name, enum phi_field f, const char *want)
{
	size_t i;

	for (i = 0; i < s->doc.nsegs; i++) {
		const struct phi_segment *g = &s->doc.segs[i];
		if (g->field_name && strcmp(g->field_name, name) == 0 && g->field == f &&
		    g->len == strlen(want) && memcmp(g->text, want, g->len) == 0)
			return 1;
	}
	return 0;
}

/* 1 when a segment named `name` has field f and contains want. */
static int has_sub(const struct phi_scan *s, const char *name, enum phi_field f, const char *want)
{
	size_t i;

	for (i = 0; i < s->doc.nsegs; i++) {
		const struct phi_segment *g = &s->doc.segs[i];
		if (g->field_name && strcmp(g->field_name, name) == 0 && g->field == f &&
		    memmem(g->text, g->len, want, strlen(want)))
			return 1;
	}
	return 0;
}

static size_t count_field(const struct phi_scan *s, enum phi_field f)
{
	size_t i, k = 0;

	for (i = 0; i < s->doc.nsegs; i++)
		k += s->doc.segs[i].field == f;
	return k;
}

static const char adt[] =
	"MSH|^~\\&|ADT1|GOOD HEALTH HOSPITAL|GHH LAB|ELAB-3|202601011200||ADT^A01|MSG00001|P|2.5.1\r"
	"EVN|A01|202601011200\r"
	"PID|1||PATID9911^^^GHH^MR~555443333^^^USSSA^SS||ZZTEST^ALBERTA^Q^JR||19610615|F||2106-3^White^HL70005|"
	"12 ELMWOOD LN^^SPRINGVILLE^NC^27001^USA||^PRN^PH^^1^919^5551234|(919)555-9876||||AC0045|333-22-1111\r"
	"NK1|1|ZZTEST^BERNARD^^^^|SPO^Spouse|12 ELMWOOD LN^^SPRINGVILLE^NC^27001|(919)555-0001\r"
	"PV1|1|I|2000^2012^01||||004777^DOCTOR^ARNOLD^A|||SUR||||ADM|A0\r"
	"DG1|1||E11.9^Type 2 diabetes mellitus without complications^I10\r"
	"OBX|1|ST|1234-5^Glucose^LN||Glucose high \\T\\ fasting \\F\\ note||||||F\r"
	"IN1|1|PLAN77||||||||||||||||||||||||||||||||||MEMB-4411\r";

static void test_adt(void)
{
	struct phi_scan *s = run(adt, sizeof adt - 1);

	T_EQ_INT(s->doc.parts[0].format, PHI_FMT_HL7V2, "format set to hl7v2");
	T_OK(has(s, "PID-5", PHI_F_PATIENT_NAME, "ALBERTA Q ZZTEST"), "PID-5 rendered given middle family");
	T_OK(has(s, "PID-3", PHI_F_PATIENT_ID, "PATID9911"), "PID-3 MR is a patient id");
	T_OK(has(s, "PID-3", PHI_F_SSN, "555443333"), "PID-3 typed SS is an ssn");
	T_OK(has(s, "PID-7", PHI_F_BIRTH_DATE, "19610615"), "PID-7 birth date kept as is");
	T_OK(has(s, "PID-11", PHI_F_ADDRESS, "12 ELMWOOD LN SPRINGVILLE NC 27001 USA"), "PID-11 address joined");
	T_OK(has(s, "PID-13", PHI_F_PHONE, "1 919 5551234"), "PID-13 phone from XTN components");
	T_OK(has(s, "PID-14", PHI_F_PHONE, "(919)555-9876"), "PID-14 phone");
	T_OK(has(s, "PID-18", PHI_F_PATIENT_OTHER, "AC0045"), "PID-18 account is patient other");
	T_OK(has(s, "PID-19", PHI_F_SSN, "333-22-1111"), "PID-19 ssn");
	T_OK(has(s, "PID-8", PHI_F_PATIENT_OTHER, "F"), "PID-8 sex is patient other");
	T_OK(has(s, "NK1-2", PHI_F_RELATIVE_NAME, "BERNARD ZZTEST"), "NK1-2 relative name");
	T_OK(has(s, "NK1-5", PHI_F_PHONE, "(919)555-0001"), "NK1-5 phone");
	T_OK(has_sub(s, "DG1", PHI_F_CLINICAL, "E11.9 Type 2 diabetes mellitus without complications I10"),
	     "DG1 diagnosis text is clinical");
	T_OK(has_sub(s, "OBX", PHI_F_CLINICAL, "Glucose high & fasting | note"), "OBX escapes decoded");
	T_OK(has(s, "IN1-36", PHI_F_PATIENT_OTHER, "MEMB-4411"), "IN1-36 member id");
	T_OK(has(s, "IN1-2", PHI_F_PATIENT_OTHER, "PLAN77"), "IN1-2 plan");
	T_OK(has_sub(s, "PV1", PHI_F_NONE, "004777 DOCTOR ARNOLD A"), "PV1 attending doctor is free text");
	phi_scan_free(s);
}

static void test_custom_enc(void)
{
	/* '#' field separator... no: only '|' is accepted as MSH-1; custom
	 * component/repetition/escape/subcomponent characters. */
	static const char m[] =
		"MSH|*@!%|A|B|C|D|2026||ADT*A08|1|P|2.3\n"
		"PID|||ID1@ID2||ROE%X*JANE*!S!ANN||19700101\n";
	struct phi_scan *s = run(m, sizeof m - 1);

	T_OK(has(s, "PID-5", PHI_F_PATIENT_NAME, "JANE *ANN ROE X"), "custom encoding chars split and unescape");
	T_OK(has(s, "PID-3", PHI_F_PATIENT_ID, "ID1") && has(s, "PID-3", PHI_F_PATIENT_ID, "ID2"),
	     "repetitions emitted separately");
	phi_scan_free(s);
}

static void test_pasted(void)
{
	static const char m[] =
		"Hi team,\nplease look at the message below, it failed.\n\n"
		"  MSH|^~\\&|X|Y|Z|W|2026||ORU^R01|9|P|2.5\r\n"
		"PID|1||MRN-77120^^^H^MR||DOE^JOHNNY||20010203\r\n"
		"\nThanks, call me at 555-0100\n"
		"FHS|^~\\&|F\nBHS|^~\\&|B\nMSH|^~\\&|X|Y|Z|W|2026||ADT^A01|10|P|2.5\n"
		"PID|1||SECOND-1||SMITH^ANNA\n";
	struct phi_scan *s = run(m, sizeof m - 1);
	size_t i;
	int text_before = 0, text_after = 0;

	T_OK(x_hl7_sniff((const unsigned char *)m, sizeof m - 1), "sniff finds MSH after other lines");
	T_OK(has(s, "PID-5", PHI_F_PATIENT_NAME, "JOHNNY DOE"), "pasted message patient name");
	T_OK(has(s, "PID-3", PHI_F_PATIENT_ID, "SECOND-1"), "second message in batch read");
	T_OK(has(s, "PID-5", PHI_F_PATIENT_NAME, "ANNA SMITH"), "second message name");
	for (i = 0; i < s->doc.nsegs; i++) {
		const struct phi_segment *g = &s->doc.segs[i];
		if (g->field == PHI_F_NONE && !g->field_name) {
			if (g->part_offset == 0)
				text_before = 1;
			else if (g->len > 5 && memmem(g->text, g->len, "Thanks", 6))
				text_after = 1;
		}
	}
	T_OK(text_before, "text before the message kept as free text");
	T_OK(text_after, "text between messages kept as free text");
	phi_scan_free(s);
}

static void test_embedded(void)
{
	static const char m[] =
		"MSH|^~\\&|A|B|C|D|2026||ORU^R01|1|P|2.5\r"
		"PID|1||E-1||ROE^JAN\r"
		"OBX|1|ED|PDF^Report||^text^plain^Base64^RGlzY2hhcmdlIG5vdGUgZm9yIEFkYSBCeXJuZQ==||||||F\r";
	struct phi_scan *s = run(m, sizeof m - 1);
	size_t i;
	int child = 0, text = 0, raw = 0;

	for (i = 0; i < s->doc.nparts; i++)
		if (s->doc.parts[i].parent == 0 && strcmp(s->doc.parts[i].content_type, "text/plain") == 0)
			child = 1;
	for (i = 0; i < s->doc.nsegs; i++) {
		const struct phi_segment *g = &s->doc.segs[i];
		if (g->part == 1 && memmem(g->text, g->len, "Ada Byrne", 9))
			text = 1;
		if (memmem(g->text, g->len, "RGlzY2hh", 8))
			raw = 1;
	}
	T_OK(child, "OBX ED base64 becomes a child part");
	T_OK(text, "OBX ED child is extracted");
	T_OK(!raw, "OBX ED base64 not emitted as text");
	phi_scan_free(s);
}

static void test_other_fs(void)
{
	/* MSH-1 is whatever byte follows "MSH": '#' and '!' here, repeated
	 * after the encoding characters */
	static const char m[] =
		"MSH#^~\\&#EPIC#CLINIC#LAB#HOSP#202611010830##ADT^A04#77#P#2.5.1\r"
		"PID#1##4471023^^^CLIN^MR##ROE^JANE^Q##19790403#F\r";
	static const char b[] = "FHS!^~\\&!A!B\rBHS!^~\\&!A!B\rMSH!^~\\&!A!B!C!D!2026!!ADT^A01!1!P!2.3\r"
	                        "PID!1!!X99^^^H^MR!!DOE^JOHN!!19800101\r";
	static const char prose[] = "MSH#1 was the first step; MSH# is our code\n";
	struct phi_scan *s = run(m, sizeof m - 1);

	T_EQ_INT(s->doc.parts[0].format, PHI_FMT_HL7V2, "'#' field separator: an hl7v2 message");
	T_OK(has(s, "PID-5", PHI_F_PATIENT_NAME, "JANE Q ROE"), "'#' separator: PID-5 is the patient name");
	T_OK(has(s, "PID-7", PHI_F_BIRTH_DATE, "19790403"), "'#' separator: PID-7 birth date");
	phi_scan_free(s);
	s = run(b, sizeof b - 1);
	T_OK(has(s, "PID-5", PHI_F_PATIENT_NAME, "JOHN DOE"), "'!' separator in an FHS/BHS batch");
	phi_scan_free(s);
	T_OK(x_hl7_sniff((const unsigned char *)m, sizeof m - 1), "sniff accepts another field separator");
	{
		/* MLLP framing: VT before MSH, FS CR after the last segment */
		static const char mllp[] = "\x0bMSH|^~\\&|A|B|C|D|2026||ADT^A01|1|P|2.5\rPID|1||Q77^^^H^MR||ROE^ANN||19700101\r\x1c\r";
		T_OK(x_hl7_sniff((const unsigned char *)mllp, sizeof mllp - 1), "sniff accepts MLLP framing");
		s = run(mllp, sizeof mllp - 1);
		T_OK(has(s, "PID-5", PHI_F_PATIENT_NAME, "ANN ROE"), "MLLP-framed message: PID-5 read");
		phi_scan_free(s);
	}
	T_OK(!x_hl7_sniff((const unsigned char *)prose, sizeof prose - 1), "sniff rejects MSH# in prose");
}

static void test_sniff(void)
{
	static const char no[] = "This mentions MSH|^~ but not at a line start";
	static const char bom[] = "\xEF\xBB\xBFMSH|^~\\&|A\rPID|1||X\r";

	T_OK(!x_hl7_sniff((const unsigned char *)no, sizeof no - 1), "sniff rejects mid-line MSH");
	T_OK(x_hl7_sniff((const unsigned char *)bom, sizeof bom - 1), "sniff accepts a BOM");
	T_OK(!x_hl7_sniff((const unsigned char *)"", 0), "sniff of empty input");
}

static void test_hostile(void)
{
	size_t n = 300000, i;
	char *b = malloc(n);
	struct phi_scan *s;

	/* MSH then a huge PID full of separators and dangling escapes */
	memcpy(b, "MSH|^~\\&|\rPID|", 14);
	for (i = 14; i < n; i++)
		b[i] = "|^~\\&X"[i % 6];
	s = run(b, n);
	T_OK(1, "separator storm ends");
	phi_scan_free(s);
	/* truncated header segments */
	s = run("MSH|", 4);
	T_EQ_INT(count_field(s, PHI_F_PATIENT_NAME), 0, "bare MSH has no fields");
	phi_scan_free(s);
	s = run("MSH|^~\\&\rPID|1||\\X4\\|\\", 21);
	T_OK(1, "dangling escape ends");
	phi_scan_free(s);
	free(b);
}

int main(void)
{
	test_adt();
	test_custom_enc();
	test_pasted();
	test_embedded();
	test_sniff();
	test_other_fs();
	test_hostile();
	return tap_done();
}
