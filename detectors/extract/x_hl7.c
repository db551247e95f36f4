/* x_hl7.c - STUB until its owner lands the real extractor: records nothing. */
#include "extract.h"

int x_hl7_sniff(const unsigned char *p, size_t n)
{
	(void)p; (void)n;
	return 0;
}

int x_hl7_extract(struct phi_doc *d, int part, const unsigned char *p, size_t n)
{
	(void)d; (void)part; (void)p; (void)n;
	return PHI_OK;
}
