/*
 * t_ids.c - the identifier detectors on synthetic text: check digits
 * (Luhn, NPI, DEA, ABA, VIN), Medicare MBI layout, cards, phones, e-mail,
 * URL, IPv4/IPv6, dates of birth, labelled ids (MRN, member id, account,
 * routing), ICD-10/CPT/NDC with and without cues, names, addresses.
 * Each row: text, type, whether that type must be found (any confidence,
 * or at least medium when `min` says so).
 */
#include <stdlib.h>
#include <string.h>
#include "tap.h"
#include "scanfix.h"
#include "scan.h"
#include "detect/det.h"

static struct phi_engine *eng;

static struct phi_scan *scan_str(const char *txt)
{
	struct phi_scan *s = phi_scan_new(eng, NULL, NULL, NULL);
	size_t n = strlen(txt);
	int part = doc_add_part(&s->doc, -1, "text/plain", NULL, PHI_FMT_TEXT, n, 0);

	doc_add_text(&s->doc, part, PHI_F_NONE, NULL, (const unsigned char *)txt, n, 0);
	detect_run(s);
	score_verdict(s);
	return s;
}


#define L PHI_CONF_LOW
#define M PHI_CONF_MEDIUM
#define H PHI_CONF_HIGH

static const struct {
	const char *name, *text;
	enum phi_type type;
	enum phi_confidence min;
	int want;
} rows[] = {
	{ "card accepts a Luhn-valid Visa", "card 4111 1111 1111 1111 exp 09/29", PHI_T_CREDIT_CARD, H, 1 },
	{ "card accepts a bare Mastercard", "5555555555554444", PHI_T_CREDIT_CARD, L, 1 },
	{ "card without card words is low", "serial 5555555555554444", PHI_T_CREDIT_CARD, M, 0 },
	{ "card rejects a Luhn failure", "card 4111 1111 1111 1112", PHI_T_CREDIT_CARD, L, 0 },
	{ "card rejects a leading 1 prefix", "1111111111111117", PHI_T_CREDIT_CARD, L, 0 },
	{ "card near an order number is low", "order number 4111111111111111", PHI_T_CREDIT_CARD, M, 0 },
	{ "npi accepts a valid number with label", "NPI 1234567893", PHI_T_NPI, H, 1 },
	{ "npi accepts dashed 4-3-3", "1234-567-893", PHI_T_NPI, L, 1 },
	{ "npi rejects a bad check digit", "NPI 1234567890", PHI_T_NPI, L, 0 },
	{ "npi rejects first digit 9", "NPI 9234567893", PHI_T_NPI, L, 0 },
	{ "dea accepts a valid check digit", "DEA AB1234563", PHI_T_DEA_NUMBER, H, 1 },
	{ "dea rejects a bad check digit", "DEA AB1234564", PHI_T_DEA_NUMBER, L, 0 },
	{ "vin accepts a valid check digit", "VIN 1M8GDM9AXKP042788", PHI_T_VEHICLE_ID, H, 1 },
	{ "vin rejects a bad check digit", "VIN 1M8GDM9A1KP042788", PHI_T_VEHICLE_ID, L, 0 },
	{ "mbi accepts the CMS layout", "Medicare 1EG4-TE5-MK73", PHI_T_MEDICARE_MBI, H, 1 },
	{ "mbi accepts no dashes", "1EG4TE5MK73", PHI_T_MEDICARE_MBI, L, 1 },
	{ "mbi rejects excluded letter B", "1BG4-TE5-MK73", PHI_T_MEDICARE_MBI, L, 0 },
	{ "mbi rejects letter O", "1EG4-TE5-OK73", PHI_T_MEDICARE_MBI, L, 0 },
	{ "mbi rejects a letter first", "AEG4-TE5-MK73", PHI_T_MEDICARE_MBI, L, 0 },
	{ "hicn needs a medicare label", "HICN 512443921A", PHI_T_HEALTH_PLAN_ID, H, 1 },
	{ "phone accepts (NNN) NNN-NNNN", "call (415) 555-0132", PHI_T_PHONE, L, 1 },
	{ "phone accepts NNN.NNN.NNNN", "tel 212.736.5000", PHI_T_PHONE, M, 1 },
	{ "phone rejects area code N11", "411-736-5000", PHI_T_PHONE, L, 0 },
	{ "phone rejects area code with 9 second", "291-736-5000", PHI_T_PHONE, L, 0 },
	{ "phone rejects ten bare digits without a phone word", "id 2127365000", PHI_T_PHONE, L, 0 },
	{ "fax is told by its label", "Fax 212-736-5001", PHI_T_FAX, L, 1 },
	{ "phone accepts an international number", "+44 20 7946 0958", PHI_T_PHONE, L, 1 },
	{ "email accepts local@domain.tld", "write to jane.roe@example.org today", PHI_T_EMAIL, L, 1 },
	{ "email rejects a domain without a dot", "root@localhost", PHI_T_EMAIL, L, 0 },
	{ "url accepts http://host.tld/path", "see http://www.example.com/a?b=1", PHI_T_URL, L, 1 },
	{ "url rejects a host without a TLD", "http://intranet", PHI_T_URL, L, 0 },
	{ "url rejects a file name", "open report.pdf now", PHI_T_URL, L, 0 },
	{ "ipv4 accepts four octets", "host 192.168.1.10 down", PHI_T_IP_ADDRESS, L, 1 },
	{ "ipv4 rejects an octet over 255", "192.168.1.256", PHI_T_IP_ADDRESS, L, 0 },
	{ "ipv4 rejects a version number", "version 1.2.3", PHI_T_IP_ADDRESS, L, 0 },
	{ "ipv6 accepts a compressed address", "gw fe80::1 up", PHI_T_IP_ADDRESS, L, 1 },
	{ "ipv6 rejects a C++ scope", "std::cout", PHI_T_IP_ADDRESS, L, 0 },
	{ "ipv6 rejects a clock time", "at 12:34:56", PHI_T_IP_ADDRESS, L, 0 },
	{ "dob accepts MM/DD/YYYY after DOB", "DOB: 03/14/1962", PHI_T_DATE_OF_BIRTH, H, 1 },
	{ "dob accepts Month D, YYYY after born", "born March 14, 1962", PHI_T_DATE_OF_BIRTH, H, 1 },
	{ "dob accepts YYYY-MM-DD after date of birth", "date of birth 1962-03-14", PHI_T_DATE_OF_BIRTH, H, 1 },
	{ "dob accepts DD Mon YYYY", "D.O.B. 14 Mar 1962", PHI_T_DATE_OF_BIRTH, H, 1 },
	{ "dob rejects a date without a label", "meeting on 03/14/2025", PHI_T_DATE_OF_BIRTH, L, 0 },
	{ "dob rejects a future date", "DOB 03/14/2199", PHI_T_DATE_OF_BIRTH, L, 0 },
	{ "dob rejects a date over 120 years ago", "DOB 03/14/1850", PHI_T_DATE_OF_BIRTH, L, 0 },
	{ "dob rejects February 30", "DOB 02/30/1962", PHI_T_DATE_OF_BIRTH, L, 0 },
	{ "age over 89 is reported", "a 92-year-old patient", PHI_T_DATE_OF_BIRTH, L, 1 },
	{ "age 90 and older bracket is not", "patients aged 90 and older", PHI_T_DATE_OF_BIRTH, L, 0 },
	{ "mrn accepts a labelled value", "MRN: 00482913", PHI_T_MRN, H, 1 },
	{ "mrn accepts medical record number", "medical record number 4471023", PHI_T_MRN, H, 1 },
	{ "mrn rejects a value with too few digits", "MRN: ABCDE12", PHI_T_MRN, L, 0 },
	{ "member id with health words is a health plan id", "Member ID: W123456789, diagnosis asthma", PHI_T_HEALTH_PLAN_ID, M, 1 },
	{ "policy number without health words is low", "Policy number: 88123456 for the car", PHI_T_HEALTH_PLAN_ID, M, 0 },
	{ "account number on an invoice is low", "Invoice 2231. Account number 41491267196", PHI_T_ACCOUNT_NUMBER, M, 0 },
	{ "mbi without a label or health words is low", "ref 1EG4TE5MK73", PHI_T_MEDICARE_MBI, M, 0 },
	{ "name label without dob or health is low", "Name: Bob Jones\nplease be patient", PHI_T_PERSON_NAME, M, 0 },
	{ "dear name in a newsletter about cancer is low", "Dear Jane Smith,\nOur cancer research and chemotherapy trials grew.", PHI_T_PERSON_NAME, M, 0 },
	{ "account number is found", "checking account number 41491267196", PHI_T_ACCOUNT_NUMBER, M, 1 },
	{ "a web account number without bank words is low", "your account number 41491267 was created", PHI_T_ACCOUNT_NUMBER, M, 0 },
	{ "routing number needs the ABA check", "routing number 021000021", PHI_T_ACCOUNT_NUMBER, M, 1 },
	{ "routing number rejects a bad check", "routing number 021000022", PHI_T_ACCOUNT_NUMBER, L, 0 },
	{ "icd10 accepts a code after diagnosis", "Diagnosis: E11.9 type 2 diabetes", PHI_T_ICD10, M, 1 },
	{ "icd10 rejects a part number", "part number E11.9 in stock", PHI_T_ICD10, L, 0 },
	{ "icd10 rejects a code shape without a cue", "room B12.4 on the left", PHI_T_ICD10, L, 0 },
	{ "cpt accepts five digits after CPT", "CPT 99213 billed", PHI_T_CPT, M, 1 },
	{ "cpt rejects five digits without a cue", "ZIP 99213", PHI_T_CPT, L, 0 },
	{ "ndc accepts 5-4-2 after NDC", "NDC 12345-6789-01", PHI_T_NDC, M, 1 },
	{ "name after a patient label", "Patient: Jane Roe\nDOB: 03/14/1962", PHI_T_PERSON_NAME, M, 1 },
	{ "name rejects a heading after patient", "Patient: Rights and Responsibilities", PHI_T_PERSON_NAME, L, 0 },
	{ "name rejects a form placeholder", "Patient Name: Full Name\nDOB: MM/DD/YYYY", PHI_T_PERSON_NAME, L, 0 },
	{ "dear name is medium with health words", "Dear Sal Flatley,\nYou were treated for acute bronchitis; take metformin.", PHI_T_PERSON_NAME, M, 1 },
	{ "dear name is low without health words", "Dear Sal Flatley,\nthe meeting moved to Friday.", PHI_T_PERSON_NAME, M, 0 },
	{ "street address is found", "Address: 3140 Erdman Valley Suite 912, Norwood, MA 02062", PHI_T_ADDRESS, M, 1 },
	{ "zip needs a state or label", "Norwood, MA 02062", PHI_T_ZIP_CODE, M, 1 },
	{ "zip rejects a bare five digits", "there were 02062 rows", PHI_T_ZIP_CODE, L, 0 },
	{ "table column DOB is read", "Last,First,DOB\nRoe,Jane,1962-03-14\nDoe,Jim,1970-01-02\n", PHI_T_DATE_OF_BIRTH, H, 1 },
	/* written dates of birth: ordinals before the month, other languages */
	{ "dob accepts an ordinal day before the month", "DOB 3rd April 1979", PHI_T_DATE_OF_BIRTH, H, 1 },
	{ "dob accepts 8th November 2001", "Date of Birth: 8th November 2001", PHI_T_DATE_OF_BIRTH, H, 1 },
	{ "dob accepts 1st of July", "born on the 1st of July 1998", PHI_T_DATE_OF_BIRTH, H, 1 },
	{ "dob accepts French: nee le 3 avril", "Mme Jeanne Roe, n\xc3\xa9" "e le 3 avril 1979, pour", PHI_T_DATE_OF_BIRTH, H, 1 },
	{ "dob accepts French: date de naissance fevrier", "Date de naissance : 14 f\xc3\xa9vrier 1962", PHI_T_DATE_OF_BIRTH, H, 1 },
	{ "dob accepts German: geb. 03.04.1979", "Frau Erika Roe, geb. 23.04.1979, stellte sich vor", PHI_T_DATE_OF_BIRTH, H, 1 },
	{ "dob accepts German: Geburtsdatum 3. M\xc3\xa4rz", "Geburtsdatum: 3. M\xc3\xa4rz 1955", PHI_T_DATE_OF_BIRTH, H, 1 },
	{ "dob accepts Portuguese: nascida em 3 de marco", "nascida em 3 de mar\xc3\xa7o de 1979", PHI_T_DATE_OF_BIRTH, H, 1 },
	{ "dob accepts Portuguese: data de nascimento", "Data de nascimento: 23/04/1979", PHI_T_DATE_OF_BIRTH, H, 1 },
	{ "dob rejects an ordinal meeting date", "the meeting on the 3rd April 2026", PHI_T_DATE_OF_BIRTH, L, 0 },
	{ "dob rejects French negation ne le", "Je ne le savais pas avant le 3 avril 2026, la r\xc3\xa9union", PHI_T_DATE_OF_BIRTH, L, 0 },
	{ "checking account keeps its bank meaning after a booking word", "Subject: Booking\n\nPlease update my direct deposit.\nBank: Granite State Credit Union\nChecking account no. 7050171235", PHI_T_ACCOUNT_NUMBER, M, 1 },
	{ "customer account on an invoice stays low", "Invoice INV-20441\nCustomer account: 100045512\nAmount due $120", PHI_T_ACCOUNT_NUMBER, M, 0 },
	{ "mrn after Encounter #", "Encounter #: 99812234, asthma", PHI_T_MRN, H, 1 },
	{ "mrn after CSN", "CSN 7781234502 discharged with pneumonia", PHI_T_MRN, H, 1 },
	{ "visit number 3 of 10 is no record number", "visit number 3 of 10 for physical therapy", PHI_T_MRN, L, 0 },
	{ "mrn rejects a phone number after Hospital number", "Hospital number 617-555-0142 for the switchboard.", PHI_T_MRN, L, 0 },
	{ "health words of a French letter", "son insuffisance cardiaque", PHI_T_MEDICAL_TERM, L, 1 },
	{ "health words of a German letter", "bei bekannter Herzinsuffizienz", PHI_T_MEDICAL_TERM, L, 1 },
	{ "health words of a Spanish letter: EPOC", "con EPOC de larga evoluci\xc3\xb3n", PHI_T_MEDICAL_TERM, L, 1 },
	{ "health words of a Portuguese letter", "com insufici\xc3\xaancia renal", PHI_T_MEDICAL_TERM, L, 1 },
	/* names: greetings, table cells, the reader's health or a charity's */
	{ "name after Good morning with the reader's results", "Good morning Rainer Iwanowski,\n\nYour biopsy results are back and confirm urinary tract infection.", PHI_T_PERSON_NAME, M, 1 },
	{ "name after Patient<TAB> in a table row", "Patient\tCoralie Whitcombe\t\nDiagnosis\tasthma\t\n", PHI_T_PERSON_NAME, M, 1 },
	{ "dear donor of a cancer fund is no patient", "Dear Folasade Oberholzer,\n\nThank you for your generous gift to the Cancer Research Fund. A tax receipt is attached.", PHI_T_PERSON_NAME, M, 0 },
	{ "dear reader of a charity walk is no patient", "Dear Anselm Brightwater,\nJoin your colleagues at the Diabetes Walk on Sunday.", PHI_T_PERSON_NAME, M, 0 },
	{ "name of an initial and a surname after a patient label", "Patient Name: A. Kettering\nDate of birth: 2-Sep-05", PHI_T_PERSON_NAME, M, 1 },
	{ "name with surname particles after a patient label", "Patient: Chiara van der Berg\nDOB: 03/14/1962", PHI_T_PERSON_NAME, M, 1 },
	{ "age after a name with particles", "Update on Chiara Van der Berg, 102-year-old resident with dementia.", PHI_T_DATE_OF_BIRTH, M, 1 },
	{ "pasted HL7 with other encoding characters", "The feed rejected this:\nMSH|@*!%|EPIC|A|B|C|2026||ADT@A01|1|P|2.4\nPID|1||231@@@H@MR||ZAMORA@JANNIK||19910105\n", PHI_T_HL7V2, H, 1 },
	{ "pasted HL7 with another field separator", "Rejected:\nMSH#^~\\&#EPIC#A#B#C#2026##ADT^A01#1#P#2.4\nPID#1##231^^^H^MR##ZAMORA^JANNIK##19910105\n", PHI_T_HL7V2, H, 1 },
	{ "MSH in prose is no HL7", "MSH|1 and MSH| are notes; PID|x||y||Roe", PHI_T_HL7V2, L, 0 },
	/* record numbers under other labels */
	{ "mrn after Hospital Number", "Hospital Number: A8412081", PHI_T_MRN, H, 1 },
	{ "mrn after Hosp No.", "Hosp No. B9993667", PHI_T_MRN, H, 1 },
	{ "mrn after Unit No. with a patient near", "Patient: Jane Roe\nUnit No. 64743797", PHI_T_MRN, H, 1 },
	{ "unit no alone is an apartment or a ward", "Unit No. 12034, Harbor Towers, keys at the desk", PHI_T_MRN, L, 0 },
	/* names after titles and labels of other languages */
	{ "name after Patiente with a title", "Patiente : Mme Jeanne Roe", PHI_T_PERSON_NAME, M, 1 },
	{ "name after Patientin: Frau", "Sehr geehrte Damen, Patientin: Frau Erika Roe, Diagnose folgt", PHI_T_PERSON_NAME, M, 1 },
};

/* One CSV/XLSX cell under header `hdr`. */
static struct phi_scan *scan_cell(const char *hdr, const char *val)
{
	struct phi_scan *s = phi_scan_new(eng, NULL, NULL, NULL);
	size_t n = strlen(val);
	int part = doc_add_part(&s->doc, -1, "text/csv", NULL, PHI_FMT_CSV, n, 0);

	doc_add_text(&s->doc, part, PHI_F_TABLE_CELL, hdr, (const unsigned char *)val, n, 0);
	detect_run(s);
	score_verdict(s);
	return s;
}

struct seg {
	enum phi_field f;
	const char *name, *text;
};

/* Segments of one part of format fmt. */
static struct phi_scan *scan_part(enum phi_format fmt, const struct seg *segs, size_t nseg)
{
	struct phi_scan *s = phi_scan_new(eng, NULL, NULL, NULL);
	int part = doc_add_part(&s->doc, -1, "application/fhir+json", NULL, fmt, 100, 0);
	size_t i;

	for (i = 0; i < nseg; i++)
		doc_add_text(&s->doc, part, segs[i].f, segs[i].name, (const unsigned char *)segs[i].text,
		             strlen(segs[i].text), 0);
	detect_run(s);
	score_verdict(s);
	return s;
}

/* A name label in a clinical document counts only when the document names a patient. */
static void clinical_names(void)
{
	static const struct seg staff[] = { { PHI_F_NONE, NULL, "name: Northgate Orthopedics\nfamily: Wasik\nPiotr\n" } };
	static const struct seg pat[] = { { PHI_F_NONE, NULL, "name: Northgate Orthopedics\n" },
		                          { PHI_F_PATIENT_NAME, "Patient.name", "Zed Quux" } };
	struct phi_scan *s = scan_part(PHI_FMT_FHIR, staff, 1);

	T_EQ_INT(finding_has(s, PHI_T_PERSON_NAME, PHI_CONF_MEDIUM), 0,
	         "name label in a FHIR bundle without a patient stays low");
	T_OK(s->verdict != PHI_VERDICT_PHI, "FHIR bundle of practitioners is not phi");
	phi_scan_free(s);
	s = scan_part(PHI_FMT_FHIR, pat, 2);
	T_OK(s->verdict == PHI_VERDICT_PHI, "FHIR bundle with a Patient name is phi");
	phi_scan_free(s);
}

static void cells(void)
{
	static const struct {
		const char *name, *hdr, *val;
		enum phi_type type;
		int want;
	} c[] = {
		{ "DOB column holding an Excel serial date", "DOB", "28950", PHI_T_DATE_OF_BIRTH, 1 },
		{ "DOB column holding a serial with .0", "Date of Birth", "28950.0", PHI_T_DATE_OF_BIRTH, 1 },
		{ "DOB column rejects a serial in the future", "DOB", "79000", PHI_T_DATE_OF_BIRTH, 0 },
		{ "DOB column rejects a fraction of a day", "DOB", "28950.5", PHI_T_DATE_OF_BIRTH, 0 },
		{ "serial in another column is no date", "Qty", "28950", PHI_T_DATE_OF_BIRTH, 0 },
		{ "Geburtsdatum column", "Geburtsdatum", "03.04.1979", PHI_T_DATE_OF_BIRTH, 1 },
		{ "date de naissance column", "Date de naissance", "1979-04-03", PHI_T_DATE_OF_BIRTH, 1 },
		{ "Hospital No column", "Hospital No", "A1234567", PHI_T_MRN, 1 },
	};
	size_t i;

	for (i = 0; i < sizeof c / sizeof c[0]; i++) {
		struct phi_scan *s = scan_cell(c[i].hdr, c[i].val);
		T_EQ_INT(finding_has(s, c[i].type, PHI_CONF_LOW), c[i].want, c[i].name);
		phi_scan_free(s);
	}
}

int main(void)
{
	char err[256];
	size_t i;

	if (phi_engine_new(NULL, &eng, err, sizeof err) != PHI_OK) {
		printf("Bail out! engine: %s\n", err);
		return 1;
	}
	for (i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		struct phi_scan *s = scan_str(rows[i].text);
		T_EQ_INT(finding_has(s, rows[i].type, rows[i].min), rows[i].want, rows[i].name);
		phi_scan_free(s);
	}
	cells();
	clinical_names();
	T_OK(cs_luhn("79927398713", 11), "luhn accepts the textbook number");
	T_OK(!cs_luhn("79927398710", 11), "luhn rejects a changed check digit");
	T_OK(cs_npi("1234567893"), "npi check accepts 1234567893");
	T_OK(cs_dea("BB1388568"), "dea check accepts BB1388568");
	T_OK(cs_aba("111000025"), "aba check accepts 111000025");
	T_OK(!cs_aba("991000025"), "aba check rejects prefix 99");
	T_OK(cs_vin("1M8GDM9AXKP042788"), "vin check accepts remainder 10 as X");
	phi_engine_free(eng);
	return tap_done();
}
