/*
 * score.c - the verdict of a message from its findings (CONTRACTS.md).
 *
 *   phi    a clinical document naming a patient (hl7v2, fhir, ccda, dicom),
 *          a patient-roster match, an MRN (a medical record number says the
 *          person is a patient), or a person identified (a sensitive
 *          identifier, or a name given as a patient's) together with health
 *          information anywhere in the message;
 *   pii    a sensitive identifier of medium or high confidence without it;
 *   clean  everything else: contact details, provider ids, health words
 *          without a person, low-confidence findings, unscannable parts
 *          (policy decides about those).
 * The score (0..1) grows with the confidence of the deciding findings and
 * with health words near them rather than elsewhere.
 */
#include "scan.h"

void score_verdict(struct phi_scan *s)
{
	size_t i;
	int clinical = 0, health = 0, health_near = 0, mrn = 0;
	int sens = 0, sens_high = 0, person = 0, weak = 0;
	double sc;

	for (i = 0; i < s->nf; i++) {
		const struct phi_finding *f = &s->f[i];
		enum phi_type_class cls = phi_type_class(f->type);

		if (f->type == PHI_T_UNSCANNABLE)
			continue;
		if (f->health_context && f->confidence >= PHI_CONF_MEDIUM &&
		    (cls == PHI_CLASS_SENSITIVE || f->type == PHI_T_PERSON_NAME))
			health_near = 1;
		switch (cls) {
		case PHI_CLASS_CLINICAL:
			clinical = 1;
			break;
		case PHI_CLASS_HEALTH:
			health = 1;
			break;
		case PHI_CLASS_SENSITIVE:
			if (f->type == PHI_T_PATIENT_ROSTER) {
				clinical = 1;
				break;
			}
			if (f->confidence < PHI_CONF_MEDIUM) {
				weak++;
				break;
			}
			sens++;
			if (f->confidence == PHI_CONF_HIGH)
				sens_high++;
			if (f->type == PHI_T_MRN)
				mrn = 1;
			break;
		default:
			if (f->type == PHI_T_PERSON_NAME && f->confidence >= PHI_CONF_MEDIUM)
				person++;
			else if (f->type != PHI_T_UNSCANNABLE)
				weak++;
			break;
		}
	}
	if (clinical || mrn || ((sens || person) && (health || health_near))) {
		s->verdict = PHI_VERDICT_PHI;
		sc = 0.75;
		if (clinical)
			sc += 0.2;
		if (sens_high || mrn)
			sc += 0.1;
		if (health_near)
			sc += 0.1;
		if (sc > 0.99)
			sc = 0.99;
	} else if (sens) {
		s->verdict = PHI_VERDICT_PII;
		sc = 0.5 + 0.1 * (sens_high ? 2 : 1) + (sens > 1 ? 0.1 : 0.0);
	} else {
		s->verdict = PHI_VERDICT_CLEAN;
		sc = weak || person || health ? 0.1 + 0.05 * (person ? 2 : 0) + (health ? 0.05 : 0.0) : 0.0;
		if (sc > 0.3)
			sc = 0.3;
	}
	s->score = sc;
}
