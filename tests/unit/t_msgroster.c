/*
 * t_msgroster.c - the message's own roster: values of structured patient
 * fields (HL7 PID, CSV columns) found in the free text of other parts.
 * Invented patients only; output shows no values.
 */
#include <stdio.h>
#include <string.h>
#include "tap.h"
#include "scan.h"
#include "detect/ext.h"

static void add_seg(struct phi_scan *s, int part, enum phi_field f, const char *fname, const char *t)
{
	doc_add_text(&s->doc, part, f, fname, (const unsigned char *)t, strlen(t), 0);
}

/* Confidence of the finding of type t at offset off in part path, 0 if none. */
static int conf_at(const struct phi_scan *s, enum phi_type t, const char *part, long off)
{
	size_t i;

	for (i = 0; i < s->nf; i++)
		if (s->f[i].type == t && strcmp(s->f[i].part, part) == 0 &&
		    (off < 0 || s->f[i].offset == (size_t)off))
			return (int)s->f[i].confidence;
	return 0;
}

static long offset_of(const char *hay, const char *needle)
{
	const char *p = strstr(hay, needle);
	return p ? (long)(p - hay) : -2;
}

static void test_hl7(void)
{
	struct phi_scan *s = phi_scan_new(NULL, NULL, NULL, NULL);
	const char *body = "Hi team, attached is the ADT for Zebulon A. Quixtrand (MRN 7730142), "
	                   "born 03/14/1962. Mr. Quixtrand asked for a copy. Zebulon is fine.";
	const char *subj = "QUIXTRAND, ZEBULON - labs";
	int hdr = doc_add_headers_part(&s->doc, -1);
	int text = doc_add_part(&s->doc, -1, "text/plain", NULL, PHI_FMT_TEXT, strlen(body), 0);
	int hl7 = doc_add_part(&s->doc, -1, "application/hl7-v2", "adt.hl7", PHI_FMT_HL7V2, 200, 1);
	const char *rec_note = "NTE Zebulon Quixtrand tolerated the procedure";
	int rc;

	add_seg(s, hdr, PHI_F_SUBJECT, "Subject", subj);
	add_seg(s, text, PHI_F_NONE, NULL, body);
	add_seg(s, hl7, PHI_F_PATIENT_NAME, "PID-5", "QUIXTRAND^ZEBULON^A^^^");
	add_seg(s, hl7, PHI_F_PATIENT_ID, "PID-3", "7730142^^^GENHOSP^MR");
	add_seg(s, hl7, PHI_F_BIRTH_DATE, "PID-7", "19620314");
	add_seg(s, hl7, PHI_F_NONE, NULL, rec_note);

	rc = msgroster_scan(s);
	T_EQ_INT(rc, PHI_OK, "msgroster_scan succeeds");
	T_EQ_INT(conf_at(s, PHI_T_PERSON_NAME, "1", offset_of(body, "Zebulon A.")), PHI_CONF_HIGH,
	         "HL7 patient name in the body (middle initial) is person_name high");
	T_EQ_INT(conf_at(s, PHI_T_PERSON_NAME, "1", offset_of(body, "Mr. Quixtrand")), PHI_CONF_HIGH,
	         "\"Mr. Family\" in the body is person_name high");
	T_EQ_INT(conf_at(s, PHI_T_PERSON_NAME, "1", offset_of(body, "Zebulon is")), 0,
	         "a given name alone is not tied to the patient");
	T_EQ_INT(conf_at(s, PHI_T_MRN, "1", offset_of(body, "7730142")), PHI_CONF_HIGH,
	         "HL7 patient id in the body is mrn high");
	T_EQ_INT(conf_at(s, PHI_T_DATE_OF_BIRTH, "1", offset_of(body, "03/14/1962")), PHI_CONF_HIGH,
	         "HL7 birth date in another format in the body is date_of_birth high");
	T_EQ_INT(conf_at(s, PHI_T_PERSON_NAME, "0", 0), PHI_CONF_HIGH,
	         "\"FAMILY, GIVEN\" in the Subject is person_name high");
	T_EQ_INT(conf_at(s, PHI_T_PERSON_NAME, "2", -1), 0,
	         "free text inside the record's own part is left to the record");
	phi_scan_free(s);
}

static void test_csv_cells(void)
{
	struct phi_scan *s = phi_scan_new(NULL, NULL, NULL, NULL);
	const char *body = "Ana Brightwater and Oskar Lindqvist-Moe called; DOB 1988-07-21.";
	int text = doc_add_part(&s->doc, -1, "text/plain", NULL, PHI_FMT_TEXT, strlen(body), 0);
	int c = doc_add_part(&s->doc, -1, "text/csv", "list.csv", PHI_FMT_CSV, 100, 1);

	add_seg(s, text, PHI_F_NONE, NULL, body);
	add_seg(s, c, PHI_F_TABLE_CELL, "First Name", "Ana");
	add_seg(s, c, PHI_F_TABLE_CELL, "Last Name", "Brightwater");
	add_seg(s, c, PHI_F_TABLE_CELL, "Date of Birth", "07/21/1988");
	add_seg(s, c, PHI_F_TABLE_CELL, "Provider Name", "Oskar Lindqvist-Moe");
	add_seg(s, c, PHI_F_TABLE_CELL, "Notes", "1234567");

	msgroster_scan(s);
	T_EQ_INT(conf_at(s, PHI_T_PERSON_NAME, "1", 0), PHI_CONF_HIGH,
	         "given and family name cells of a CSV row match the body");
	T_EQ_INT(conf_at(s, PHI_T_DATE_OF_BIRTH, "1", offset_of(body, "1988")), PHI_CONF_HIGH,
	         "a DOB column matches an ISO date in the body");
	T_EQ_INT(conf_at(s, PHI_T_PERSON_NAME, "1", offset_of(body, "Oskar")), 0,
	         "a provider name column is not a patient");
	phi_scan_free(s);
}

static void test_nothing(void)
{
	struct phi_scan *s = phi_scan_new(NULL, NULL, NULL, NULL);
	const char *body = "Zebulon Quixtrand";
	int text = doc_add_part(&s->doc, -1, "text/plain", NULL, PHI_FMT_TEXT, strlen(body), 0);

	add_seg(s, text, PHI_F_NONE, NULL, body);
	msgroster_scan(s);
	T_EQ_INT(s->nf, 0, "no structured record: no message-roster findings");
	phi_scan_free(s);
}

int main(void)
{
	test_hl7();
	test_csv_cells();
	test_nothing();
	return tap_done();
}
