/* detect.c - STUB until the detectors land: finds nothing. */
#include <stdlib.h>
#include "../scan.h"

struct detect_engine { int unused; };

int detect_engine_new(const struct phi_engine_opts *o, struct detect_engine **out, char *err, size_t errlen)
{
	(void)o; (void)err; (void)errlen;
	*out = calloc(1, sizeof **out);
	return *out ? PHI_OK : PHI_ENOMEM;
}

void detect_engine_free(struct detect_engine *de) { free(de); }

int detect_run(struct phi_scan *s) { (void)s; return PHI_OK; }
