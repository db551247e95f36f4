/* charset.c - STUB until the charset converter lands: copies bytes. */
#include "charset.h"
#include "phi/status.h"

int charset_to_utf8(const char *cs, const unsigned char *p, size_t n, struct phi_buf *out)
{
	(void)cs;
	return phi_buf_append(out, p, n);
}

int charset_is_utf8(const unsigned char *p, size_t n)
{
	(void)p; (void)n;
	return 1;
}
