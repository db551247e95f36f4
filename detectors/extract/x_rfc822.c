/*
 * x_rfc822.c - message/rfc822 and message/global parts: embedded messages.
 *
 * The embedded message's header fields become part "<part>.0" and its body
 * parts "<part>.1", ... (IMAP section numbers), by handing the bytes back
 * to the MIME walker with this part as the parent. Nesting is bounded by
 * doc_add_part's max_depth (and MIME_NEST_MAX in mime_parse.c). Never logs.
 */
#include "extract.h"

int x_rfc822_extract(struct phi_doc *d, int part, const unsigned char *p, size_t n)
{
	return mime_parse_message(d, part, p, n);
}
