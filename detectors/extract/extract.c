/* extract.c - STUB until the dispatcher lands: everything is text. */
#include "extract.h"

int extract_part(struct phi_doc *d, int part, const unsigned char *p, size_t n)
{
	return x_text_extract(d, part, p, n);
}
