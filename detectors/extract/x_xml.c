/* x_xml.c - STUB until its owner lands the real extractor: reads it as plain text. */
#include "extract.h"

int x_xml_extract(struct phi_doc *d, int part, const unsigned char *p, size_t n)
{
	return x_text_extract(d, part, p, n);
}
