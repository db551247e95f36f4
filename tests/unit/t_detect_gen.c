/*
 * t_detect_gen.c - detection rows that generalise beyond the development
 * corpus, from the review of the held-out-style set of tests/gen/: accented
 * names and Spanish letters, phrase plurals, ages over 89 after a name,
 * dashed HICNs, vCard/label forms of a birth date; and the hard negatives
 * that once looked like PHI (a vendor's remit-to bank details, an employer's
 * group number, an MBI-shaped order id, "can you send ... diabetes", an age
 * bracket in a study). Built-in vocabulary (no terms_dir); invented values.
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


#define NONE PHI_T__COUNT

static const struct {
	const char *name, *text;
	int verdict;
	enum phi_type must;          /* found at medium or more (NONE: not checked) */
} rows[] = {
	/* accented names, Spanish letters */
	{ "spanish patient label, accented name, Spanish date",
	  "Paciente: Joaqu\xc3\xadn \xc3\x81lvarez\nFecha de nacimiento: 10 de enero de 1989\nDiagn\xc3\xb3stico: asma\n",
	  PHI_VERDICT_PHI, PHI_T_PERSON_NAME },
	{ "spanish date of birth after its label",
	  "Nombre del paciente: Ana Obi\nF. de nacimiento: 3 de marzo de 1950\n", PHI_VERDICT_PHI,
	  PHI_T_DATE_OF_BIRTH },
	{ "spanish greeting with health words addressed to the reader",
	  "Estimada In\xc3\xa9s Mu\xc3\xb1oz:\n\nLe recordamos su cita para el control de su diabetes tipo 2.\n",
	  PHI_VERDICT_PHI, PHI_T_PERSON_NAME },
	{ "nacido el with a Spanish month and an accented health word",
	  "Nacido el 5 de septiembre de 1961. Hipertensi\xc3\xb3n arterial en tratamiento.\n", PHI_VERDICT_PHI,
	  PHI_T_DATE_OF_BIRTH },
	{ "Latin Extended-A letters in a Last, First name",
	  "Patient: Dvo\xc5\x99\xc3\xa1k, Zden\xc4\x9bk\nDOB 1970-02-03\nDx: gout\n", PHI_VERDICT_PHI,
	  PHI_T_PERSON_NAME },
	{ "accented name before its DOB label",
	  "Ren\xc3\xa9" "e Pe\xc3\xb1" "a (DOB 04/05/1972) called about her asthma inhaler.\n", PHI_VERDICT_PHI,
	  PHI_T_PERSON_NAME },
	/* vocabulary and labels */
	{ "plural of a phrase's last word is a health term",
	  "Kwame Acheampong, DOB 08/11/1965 - kidney stones\n", PHI_VERDICT_PHI, PHI_T_DATE_OF_BIRTH },
	{ "work note: evaluated for a strain", "Employee: Ana Obi\nDOB: 1/2/1970\n\nWas evaluated on 11/02/2026 for lumbar strain.\n",
	  PHI_VERDICT_PHI, PHI_T_DATE_OF_BIRTH },
	{ "vCard-style BDAY label", "FN:Ana Obi\nBDAY:1957-03-12\n", PHI_VERDICT_PII, PHI_T_DATE_OF_BIRTH },
	{ "birth: with a colon", "Traveller Ana Obi, birth: 03/12/1957, seat 14C\n", PHI_VERDICT_PII,
	  PHI_T_DATE_OF_BIRTH },
	{ "age over 89 right after a name", "Update on Ana Obi, 94-year-old resident with dementia.\n",
	  PHI_VERDICT_PHI, PHI_T_DATE_OF_BIRTH },
	{ "dashed legacy HICN with a Medicare label",
	  "Medicare claim number (HICN): 512-44-3921A\nDiagnosis: gout\n", PHI_VERDICT_PHI, PHI_T_HEALTH_PLAN_ID },
	{ "letter to a named patient about what they were treated for",
	  "Dear Sal Roe,\n\nYou were treated for pneumonia. Call us if symptoms return.\n", PHI_VERDICT_PHI,
	  PHI_T_PERSON_NAME },
	{ "member id with a diagnosis is a health plan id",
	  "Member: Ana Obi\nMember ID: W884412907\nDiagnosis codes: E11.9\n", PHI_VERDICT_PHI, PHI_T_HEALTH_PLAN_ID },
	{ "a name set off by commas after 'the patient'", "the patient, Jane Roe, was admitted with sepsis\n",
	  PHI_VERDICT_PHI, PHI_T_PERSON_NAME },
	{ "a form hint between the label and the name",
	  "Patient Name (Last, First): Roe, Jane\nDiagnosis: asthma\n", PHI_VERDICT_PHI, PHI_T_PERSON_NAME },
	{ "a middle initial A. is not the article a", "Patient: Ximena A. Okonkwo\nDx: migraine\n", PHI_VERDICT_PHI,
	  PHI_T_PERSON_NAME },
	{ "a claim above a member id does not make it a reference number",
	  "Claim 576262\n\nMember ID: ZGP93852083\nDiagnosis codes: F41.1\n", PHI_VERDICT_PHI, PHI_T_HEALTH_PLAN_ID },
	{ "a Medicaid id alone is a health plan number (pii)", "Medicaid ID: 12345678A\n", PHI_VERDICT_PII,
	  PHI_T_HEALTH_PLAN_ID },
	{ "a two-digit year with a month name", "DOB: 3-Mar-57\n", PHI_VERDICT_PII, PHI_T_DATE_OF_BIRTH },
	{ "eight digits MMDDYYYY when they are no YYYYMMDD", "DOB#: 03121957\n", PHI_VERDICT_PII, PHI_T_DATE_OF_BIRTH },
	/* hard negatives */
	{ "an airline member id is not a health plan's", "Member ID: 12345678 for your SkyMiles account\n",
	  PHI_VERDICT_CLEAN, NONE },
	{ "a list of patients, staff and visitors names nobody",
	  "Every patient, Staff Member, and visitor must wear a mask.\n", PHI_VERDICT_CLEAN, NONE },
	{ "a reply to a vendor that mentions diabetes names no patient",
	  "Hi Mark Jensen,\n\nThanks for the demo. Can you send pricing for the diabetes registry module?\n",
	  PHI_VERDICT_CLEAN, NONE },
	{ "a vendor's remit-to bank details are a business's",
	  "Invoice INV-44812, net 30.\nRemit to: Acme Medical Supply\nBank: First Valley Bank\n"
	  "Routing number: 021000021\nAccount number: 4471029931\n", PHI_VERDICT_CLEAN, NONE },
	{ "an employer plan's group number with health words",
	  "Our plan renews January 1. Group number: 8821300. The plan covers flu shots and diabetes education.\n",
	  PHI_VERDICT_CLEAN, NONE },
	{ "an MBI-shaped order id near supply words", "Order ID 4TR9AC3KD21 shipped: insulin syringes, 10 boxes.\n",
	  PHI_VERDICT_CLEAN, NONE },
	{ "an age bracket in a study names nobody", "In our study, 94-year-old patients with dementia did well.\n",
	  PHI_VERDICT_CLEAN, NONE },
	{ "a survey to the valued patient", "Dear Valued Patient,\n\nThank you for choosing us for your care.\n",
	  PHI_VERDICT_CLEAN, NONE },
	{ "a Spanish flu-shot notice", "Estimados pacientes: la vacuna contra la gripe ya est\xc3\xa1 disponible.\n",
	  PHI_VERDICT_CLEAN, NONE },
	{ "a Spanish appointment date without a birth label", "Su cita es el 10 de enero de 2027 a las 9.\n",
	  PHI_VERDICT_CLEAN, NONE },
};

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
		int ok = (int)s->verdict == rows[i].verdict &&
		         (rows[i].must == NONE || finding_has(s, rows[i].must, PHI_CONF_MEDIUM));
		T_OK(ok, rows[i].name);
		if (!ok) {
			size_t k;
			printf("#   verdict %s\n", phi_verdict_name(s->verdict));
			for (k = 0; k < s->nf; k++)
				printf("#   %s %d %s\n", phi_type_name(s->f[k].type), (int)s->f[k].confidence,
				       s->f[k].why);
		}
		phi_scan_free(s);
	}
	phi_engine_free(eng);
	return tap_done();
}
