/*
 * t_score.c - the verdict rules of CONTRACTS.md, on findings made by hand:
 * contact details alone are clean, a sensitive identifier is pii, the same
 * with health information is phi, a clinical document is phi, low
 * confidence and unscannable never decide, health words alone are clean.
 */
#include <string.h>
#include "tap.h"
#include "scan.h"

struct want_f {
	enum phi_type t;
	enum phi_confidence c;
};

static const struct {
	const char *name;
	struct want_f f[4];
	int nf;
	enum phi_verdict v;
} rows[] = {
	{ "no findings is clean", { { 0, 0 } }, 0, PHI_VERDICT_CLEAN },
	{ "phone, e-mail and address alone are clean",
	  { { PHI_T_PHONE, PHI_CONF_HIGH }, { PHI_T_EMAIL, PHI_CONF_HIGH }, { PHI_T_ADDRESS, PHI_CONF_HIGH } }, 3,
	  PHI_VERDICT_CLEAN },
	{ "a provider NPI alone is clean", { { PHI_T_NPI, PHI_CONF_HIGH } }, 1, PHI_VERDICT_CLEAN },
	{ "an ssn without health words is pii", { { PHI_T_US_SSN, PHI_CONF_MEDIUM } }, 1, PHI_VERDICT_PII },
	{ "a low-confidence ssn alone is clean", { { PHI_T_US_SSN, PHI_CONF_LOW } }, 1, PHI_VERDICT_CLEAN },
	{ "an ssn with a health term is phi",
	  { { PHI_T_US_SSN, PHI_CONF_HIGH }, { PHI_T_MEDICAL_TERM, PHI_CONF_LOW } }, 2, PHI_VERDICT_PHI },
	{ "a card with an icd code is phi",
	  { { PHI_T_CREDIT_CARD, PHI_CONF_MEDIUM }, { PHI_T_ICD10, PHI_CONF_MEDIUM } }, 2, PHI_VERDICT_PHI },
	{ "health words without a person are clean",
	  { { PHI_T_MEDICAL_TERM, PHI_CONF_LOW }, { PHI_T_ICD10, PHI_CONF_MEDIUM } }, 2, PHI_VERDICT_CLEAN },
	{ "a patient-labelled name with health words is phi",
	  { { PHI_T_PERSON_NAME, PHI_CONF_MEDIUM }, { PHI_T_MEDICAL_TERM, PHI_CONF_LOW } }, 2, PHI_VERDICT_PHI },
	{ "a low-confidence name with health words is clean",
	  { { PHI_T_PERSON_NAME, PHI_CONF_LOW }, { PHI_T_MEDICAL_TERM, PHI_CONF_LOW } }, 2, PHI_VERDICT_CLEAN },
	{ "an mrn is phi", { { PHI_T_MRN, PHI_CONF_HIGH } }, 1, PHI_VERDICT_PHI },
	{ "an hl7v2 document is phi", { { PHI_T_HL7V2, PHI_CONF_HIGH } }, 1, PHI_VERDICT_PHI },
	{ "a roster match is phi", { { PHI_T_PATIENT_ROSTER, PHI_CONF_HIGH } }, 1, PHI_VERDICT_PHI },
	{ "unscannable alone is clean", { { PHI_T_UNSCANNABLE, PHI_CONF_HIGH } }, 1, PHI_VERDICT_CLEAN },
	{ "unscannable does not lift pii to phi",
	  { { PHI_T_US_SSN, PHI_CONF_HIGH }, { PHI_T_UNSCANNABLE, PHI_CONF_HIGH } }, 2, PHI_VERDICT_PII },
};

int main(void)
{
	size_t i;
	int k;

	for (i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		struct phi_scan *s = phi_scan_new(NULL, NULL, NULL, NULL);
		int part = doc_add_part(&s->doc, -1, "text/plain", NULL, PHI_FMT_TEXT, 1, 0);
		for (k = 0; k < rows[i].nf; k++) {
			finding_add_part(s, part, rows[i].f[k].t, rows[i].f[k].c, "test");
			s->f[s->nf - 1].offset = (size_t)k; /* distinct places */
		}
		score_verdict(s);
		T_EQ_STR(phi_verdict_name(s->verdict), phi_verdict_name(rows[i].v), rows[i].name);
		T_OK(s->score >= 0.0 && s->score <= 1.0, "score stays within 0..1");
		if (rows[i].v == PHI_VERDICT_PHI)
			T_OK(s->score >= 0.7, "a phi verdict scores at least 0.7");
		phi_scan_free(s);
	}
	return tap_done();
}
