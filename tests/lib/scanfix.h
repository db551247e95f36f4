/*
 * scanfix.h - lookups the unit tests share over a finished scan: is there a
 * segment with this field and text, is there a finding of this type.
 * Header-only, like tap.h; include after scan.h.
 */
#ifndef PHI_SCANFIX_H
#define PHI_SCANFIX_H

#include <string.h>
#include "scan.h"

/* A segment of field f whose text is exactly want (and whose field_name is
 * name, unless name is NULL). */
static inline int seg_has(const struct phi_scan *s, const char *name, enum phi_field f, const char *want)
{
	size_t i;

	for (i = 0; i < s->doc.nsegs; i++) {
		const struct phi_segment *g = &s->doc.segs[i];
		if (g->field == f && (!name || (g->field_name && strcmp(g->field_name, name) == 0)) &&
		    g->len == strlen(want) && memcmp(g->text, want, g->len) == 0)
			return 1;
	}
	return 0;
}

/* A finding of type t with at least confidence min. */
static inline int finding_has(const struct phi_scan *s, enum phi_type t, enum phi_confidence min)
{
	size_t i;

	for (i = 0; i < s->nf; i++)
		if (s->f[i].type == t && s->f[i].confidence >= min)
			return 1;
	return 0;
}

#endif
