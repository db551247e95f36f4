/* score.c - STUB until the verdict logic lands: clean unless sensitive types. */
#include "scan.h"

void score_verdict(struct phi_scan *s)
{
	s->verdict = PHI_VERDICT_CLEAN;
	s->score = 0.0;
}
