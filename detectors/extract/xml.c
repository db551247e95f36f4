/* xml.c - STUB until the real tokenizer lands: reports end of input. */
#include <string.h>
#include "xml.h"

void xml_init(struct xml_reader *r, const unsigned char *p, size_t n, unsigned max_depth, size_t max_text)
{
	memset(r, 0, sizeof *r);
	r->p = r->start = p;
	r->end = p + n;
	r->max_depth = max_depth;
	phi_buf_init(&r->text, max_text);
}

enum xml_tok xml_next(struct xml_reader *r)
{
	(void)r;
	return XML_EOF;
}

int xml_attr(const struct xml_reader *r, const char *local_name, struct phi_buf *out)
{
	(void)r; (void)local_name; (void)out;
	return 0;
}

int xml_is(const struct xml_reader *r, const char *s)
{
	return r->local_len == strlen(s) && memcmp(r->local, s, r->local_len) == 0;
}

void xml_free(struct xml_reader *r)
{
	phi_buf_free(&r->text);
}
