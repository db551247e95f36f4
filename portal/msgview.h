/*
 * msgview.h - a stored message as the portal shows it: From, Date and
 * Subject decoded to UTF-8, one text body (the first text/plain part; when
 * there is none, the first text/html part turned into plain text: tags
 * dropped, script and style contents dropped, entities decoded), and every
 * other leaf part as an attachment with its decoded original bytes.
 *
 * Uses the detectors' MIME helpers (detectors/mime: header decoding,
 * parameters, base64, quoted-printable, charsets) rather than a second
 * decoder. Bounded: nesting depth, parts, attachments and text size are
 * capped; what is past a cap is left out, never a crash. Nothing here is
 * HTML-escaped: the page layer (page.c) escapes every value it prints.
 * No libmicrohttpd; never logs.
 */
#ifndef PHI_PORTAL_MSGVIEW_H
#define PHI_PORTAL_MSGVIEW_H

#include <stddef.h>
#include "phi/buf.h"

#define MSGVIEW_ATT_MAX 64
#define MSGVIEW_DEPTH_MAX 8
#define MSGVIEW_PARTS_MAX 200
#define MSGVIEW_TEXT_MAX (1u << 20)

struct msgview_att {
	char *name;           /* owned: decoded file name, never empty */
	char *ctype;          /* owned: lower-case type/subtype as declared */
	struct phi_buf data;  /* owned: the decoded bytes */
};

struct msgview {
	char *from, *date, *subject;   /* owned, UTF-8, "" when absent */
	struct phi_buf text;           /* owned: the body as plain UTF-8 text */
	int text_from_html;            /* the body was HTML, shown as text */
	struct msgview_att att[MSGVIEW_ATT_MAX];
	size_t natt;
	size_t nparts;                 /* leaf parts seen */
};

/* Parse msg[0..len). 0, or -1 when out of memory (v is then freed). */
int msgview_parse(const unsigned char *msg, size_t len, struct msgview *v);

/* Free (and wipe) everything v holds. NULL is fine. */
void msgview_free(struct msgview *v);

/* HTML to plain text (exported for the tests): tags dropped, the contents
 * of script, style, head and template dropped, block elements end lines,
 * entities decoded. Appends to out. */
int msgview_html_text(const unsigned char *p, size_t n, struct phi_buf *out);

#endif
