/*
 * t_x12.c - ASC X12 EDI extractor: ISA sniffing and separators, the persons'
 * NM1 names and ids, N3/N4 addresses, DMG birth dates, REF*SY, HI codes as
 * clinical text; providers stay free text; pasted interchanges found in
 * prose; the verdict of an 837 claim; hostile input ends. Synthetic people
 * only; values compared, never printed.
 */
#include <stdlib.h>
#include <string.h>
#include "tap.h"
#include "scanfix.h"
#include "scan.h"
#include "extract/extract.h"

static struct phi_scan *run(const char *msg, size_t n)
{
	struct phi_scan *s = phi_scan_new(NULL, NULL, NULL, NULL);
	int part = doc_add_part(&s->doc, -1, "application/edi-x12", NULL, PHI_FMT_TEXT, n, 0);
	int rc = x_x12_extract(&s->doc, part, (const unsigned char *)msg, n);
	T_EQ_INT(rc, PHI_OK, "extract returns ok");
	return s;
}

static int has(const struct phi_scan *s, enum phi_field f, const char *want)
{
	size_t i;

	for (i = 0; i < s->doc.nsegs; i++) {
		const struct phi_segment *g = &s->doc.segs[i];
		if (g->field == f && g->len == strlen(want) && memcmp(g->text, want, g->len) == 0)
			return 1;
	}
	return 0;
}

#define ISA "ISA*00*          *00*          *ZZ*CLINIC         *ZZ*PAYER          *261101*1200*^*00501*000000905*0*P*:~"

static const char c837[] =
	ISA "\r\nGS*HC*CLINIC*PAYER*20261101*1200*905*X*005010X222A1~\r\n"
	"ST*837*0001*005010X222A1~BHT*0019*00*0123*20261101*1200*CH~"
	"NM1*85*2*RIVERBEND MEDICAL GROUP*****XX*1234567893~"
	"HL*2*1*22*0~SBR*P*18*******CI~"
	"NM1*IL*1*QUUX*ZED*A***MI*XQA123456789~N3*12 ELM ST~N4*SALEM*MA*01970~DMG*D8*19790403*M~"
	"CLM*A37YH556*500***11:B:1*Y*A*Y*I~HI*ABK:I509*ABF:E119~SV1*HC:99214*500*UN*1***1~"
	"SE*15*0001~GE*1*905~IEA*1*000000905~\r\n";

static void test_837(void)
{
	struct phi_scan *s = run(c837, sizeof c837 - 1);

	T_EQ_INT(s->doc.parts[0].format, PHI_FMT_X12, "format set to x12");
	T_OK(has(s, PHI_F_PATIENT_NAME, "ZED A QUUX"), "NM1*IL: first middle last as the patient name");
	T_OK(has(s, PHI_F_NONE, "Member ID: XQA123456789"), "NM1*IL id written as a member id");
	T_OK(has(s, PHI_F_ADDRESS, "12 ELM ST") && has(s, PHI_F_ADDRESS, "SALEM MA 01970"), "N3/N4 address");
	T_OK(has(s, PHI_F_BIRTH_DATE, "19790403"), "DMG-02 birth date");
	T_OK(has(s, PHI_F_CLINICAL, "Diagnosis codes: I50.9 E11.9"), "HI codes dotted, clinical");
	T_OK(!has(s, PHI_F_PATIENT_NAME, "RIVERBEND MEDICAL GROUP"), "billing provider NM1*85 is no patient");
	T_OK(x_x12_sniff((const unsigned char *)c837, sizeof c837 - 1), "sniff accepts an ISA interchange");
	phi_scan_free(s);
}

static void test_834_and_separators(void)
{
	/* '|' elements, '>' components, newline as the segment terminator */
	static const char m[] =
		"ISA|00|          |00|          |ZZ|EMPLOYER       |ZZ|PLAN           |261101|1200|^|00501|000000001|0|P|>\n"
		"ST|834|0001\nINS|Y|18|021|28\nREF|0F|E1001\nREF|SY|219871234\n"
		"NM1|IL|1|ROE|ANN||||34|219871234\nDMG|D8|19800101|F\nIEA|1|000000001\n";
	struct phi_scan *s = run(m, sizeof m - 1);

	T_OK(has(s, PHI_F_PATIENT_NAME, "ANN ROE"), "834: member name with '|' separators and newline terminators");
	T_OK(has(s, PHI_F_SSN, "219871234"), "NM1 id qualified 34 is an SSN; REF*SY too");
	T_OK(has(s, PHI_F_BIRTH_DATE, "19800101"), "834: DMG birth date");
	phi_scan_free(s);
}

static void test_sniff_and_pasted(void)
{
	static const char prose[] = "ISA is our internal audit group; ISA*00 was a typo.";
	static const char pasted[] = "Hi, the clearinghouse rejected this one:\n\n" ISA
		"ST*270*1~NM1*IL*1*ROE*JANE****MI*W123456789~DMG*D8*19700102~SE*3*1~IEA*1*1~\nThanks\n";
	struct phi_scan *s = phi_scan_new(NULL, NULL, NULL, NULL);
	int part = doc_add_part(&s->doc, -1, "text/plain", NULL, PHI_FMT_TEXT, sizeof pasted - 1, 0);
	size_t i;
	int child = 0;

	T_OK(!x_x12_sniff((const unsigned char *)prose, sizeof prose - 1), "sniff rejects ISA in prose");
	T_OK(!x_x12_sniff((const unsigned char *)"ISA*00*", 7), "sniff rejects a cut ISA");
	x_text_extract(&s->doc, part, (const unsigned char *)pasted, sizeof pasted - 1);
	for (i = 0; i < s->doc.nparts; i++)
		if (s->doc.parts[i].format == PHI_FMT_X12)
			child = 1;
	T_OK(child, "an interchange pasted in prose becomes an x12 child part");
	T_OK(has(s, PHI_F_PATIENT_NAME, "JANE ROE"), "pasted 270: the subscriber's name");
	phi_scan_free(s);
}

static void test_verdict(void)
{
	struct phi_engine *eng;
	char err[256];
	struct phi_scan *s;

	if (phi_engine_new(NULL, &eng, err, sizeof err) != PHI_OK) {
		T_OK(0, "engine");
		return;
	}
	s = phi_scan_new(eng, NULL, NULL, NULL);
	{
		int part = doc_add_part(&s->doc, -1, "application/edi-x12", "claim.837", PHI_FMT_TEXT, sizeof c837 - 1, 1);
		x_x12_extract(&s->doc, part, (const unsigned char *)c837, sizeof c837 - 1);
	}
	detect_run(s);
	score_verdict(s);
	T_OK(s->verdict == PHI_VERDICT_PHI, "an 837 claim naming a patient with diagnoses is phi");
	T_OK(finding_has(s, PHI_T_DATE_OF_BIRTH, PHI_CONF_HIGH), "837: date of birth reported");
	phi_scan_free(s);
	phi_engine_free(eng);
}

static void test_hostile(void)
{
	size_t n = 400000, i;
	char *b = malloc(n);
	struct phi_scan *s;

	memcpy(b, ISA, sizeof ISA - 1);
	for (i = sizeof ISA - 1; i < n; i++)
		b[i] = "NM1*IL~:*"[i % 9];
	s = run(b, n);
	T_OK(1, "separator storm ends");
	phi_scan_free(s);
	s = run(ISA, 60);
	T_OK(1, "cut header ends");
	phi_scan_free(s);
	free(b);
}

int main(void)
{
	test_837();
	test_834_and_separators();
	test_sniff_and_pasted();
	test_verdict();
	test_hostile();
	return tap_done();
}
