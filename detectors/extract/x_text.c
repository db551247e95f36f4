/* x_text.c - STUB: the whole part is one free-text segment. */
#include "extract.h"

int x_text_extract(struct phi_doc *d, int part, const unsigned char *p, size_t n)
{
	return doc_add_text(d, part, PHI_F_NONE, NULL, p, n, 0);
}
