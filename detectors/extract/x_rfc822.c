/* x_rfc822.c - STUB until the MIME owner lands it: read as text. */
#include "extract.h"

int x_rfc822_extract(struct phi_doc *d, int part, const unsigned char *p, size_t n)
{
	return x_text_extract(d, part, p, n);
}
