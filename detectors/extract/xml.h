/*
 * xml.h - a small pull tokenizer for untrusted XML (OOXML, ODF, C-CDA, FHIR
 * XML, XMP).
 *
 * Never fetches anything and never expands entities other than the five
 * predefined ones and numeric character references: a DOCTYPE (with any
 * internal subset) is skipped whole, so billion-laughs and external entities
 * do nothing. Nesting is capped (max_depth). Not a validating parser: it is
 * tolerant of broken documents and reports XML_ERROR only when it cannot go
 * on. Names are returned with and without their namespace prefix.
 */
#ifndef PHI_XML_H
#define PHI_XML_H

#include <stddef.h>
#include "phi/buf.h"

enum xml_tok {
	XML_EOF = 0,
	XML_ERROR,   /* r->error says why; stop reading */
	XML_OPEN,    /* <name attr="v" ...>  (also for <name/>, followed by XML_CLOSE) */
	XML_CLOSE,   /* </name> or the end of <name/> */
	XML_TEXT     /* character data or CDATA, entities decoded, in r->text */
};

struct xml_reader {
	const unsigned char *p, *end;    /* borrowed input cursor */
	const unsigned char *start;      /* borrowed start, for offsets */
	unsigned depth, max_depth;
	const unsigned char *name;       /* OPEN/CLOSE: qualified name (borrowed), name_len bytes */
	size_t name_len;
	const unsigned char *local;      /* the part after ':' */
	size_t local_len;
	const unsigned char *attrs;      /* OPEN: raw attribute text (borrowed) */
	size_t attrs_len;
	int self_closing;                /* internal: pending CLOSE of <x/> */
	struct phi_buf text;             /* owned: TEXT decoded; also attribute scratch */
	size_t text_offset;              /* TEXT: byte offset of the run in the input */
	const char *error;               /* constant reason on XML_ERROR */
};

/* Start reading n bytes (UTF-8 expected). Text runs are capped at max_text bytes. */
void xml_init(struct xml_reader *r, const unsigned char *p, size_t n, unsigned max_depth,
              size_t max_text);

/* Next token. */
enum xml_tok xml_next(struct xml_reader *r);

/* After XML_OPEN: the value of attribute `local_name` (prefix ignored),
 * entity-decoded into *out (reset first). Returns 1 if present, 0 if not. */
int xml_attr(const struct xml_reader *r, const char *local_name, struct phi_buf *out);

/* Does the current OPEN/CLOSE local name equal s? */
int xml_is(const struct xml_reader *r, const char *s);

/* Decode the predefined and numeric references of p[0..n) (invalid numeric
 * ones become U+FFFD, other &name; stay literal), appending to out what fits
 * under its max. Returns PHI_OK or PHI_ENOMEM. (Additive; for callers that
 * hold raw attribute or text bytes.) */
int xml_decode(const unsigned char *p, size_t n, struct phi_buf *out);

/* Free the reader's buffers. */
void xml_free(struct xml_reader *r);

#endif
