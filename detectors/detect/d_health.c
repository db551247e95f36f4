/*
 * d_health.c - medical_term findings: the health words of the message.
 *
 * The verdict needs to know that health information is present; the first
 * few health-term hits of a message (at most MEDTERM_MAX) are reported as
 * low-confidence medical_term findings, which alone never change the
 * verdict (health words without a person are not PHI). The word "patient"
 * counts: it says the person named near it is someone's patient.
 */
#include "det.h"

#define MEDTERM_MAX 3

void d_medterm_hits(struct det_seg *ds)
{
	size_t i;

	if (!(ds->allcats & (K_HEALTH | K_PATIENT)))
		return;
	*ds->msg_health = 1;
	for (i = 0; i < ds->nhits && *ds->medterms < MEDTERM_MAX; i++)
		if (ds->hits[i].cats & (K_HEALTH | K_PATIENT)) {
			det_add(ds, PHI_T_MEDICAL_TERM, PHI_CONF_LOW, ds->hits[i].start,
			        ds->hits[i].end - ds->hits[i].start, "health term");
			(*ds->medterms)++;
		}
}
