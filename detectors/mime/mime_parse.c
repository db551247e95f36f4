/* mime_parse.c - STUB until the MIME walker lands: the whole message is one text part. */
#include "../scan.h"

int mime_parse_message(struct phi_doc *d, int parent, const unsigned char *p, size_t n)
{
	int part = doc_add_part(d, parent, "text/plain", NULL, PHI_FMT_TEXT, n, 0);
	if (part < 0)
		return part;
	return extract_part(d, part, p, n);
}
