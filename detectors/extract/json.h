/*
 * json.h - a bounded pull tokenizer for untrusted JSON (FHIR, generic JSON).
 *
 * Tolerant reader, not a validator: it returns one token at a time and gives
 * XML-style events for objects and arrays. Nesting is capped (max_depth, at
 * most JSON_DEPTH_CAP); strings are unescaped into r->text (\uXXXX with
 * surrogate pairs to UTF-8; a lone surrogate or bad escape becomes U+FFFD),
 * capped at max_text bytes (the rest of a longer string is skipped and
 * r->truncated set). Numbers are returned as their text. Several top-level
 * values in a row (NDJSON, concatenated JSON) are accepted. Never allocates
 * beyond the text buffer's maximum; every call consumes input or ends.
 */
#ifndef PHI_JSON_H
#define PHI_JSON_H

#include <stddef.h>
#include "phi/buf.h"

#define JSON_DEPTH_CAP 128u

enum json_tok {
	JSON_EOF = 0,
	JSON_ERROR,        /* r->error says why; stop reading */
	JSON_OBJ_BEGIN,
	JSON_OBJ_END,
	JSON_ARR_BEGIN,
	JSON_ARR_END,
	JSON_KEY,          /* an object member name, decoded in r->text */
	JSON_STRING,       /* decoded in r->text */
	JSON_NUMBER,       /* as written, in r->text */
	JSON_TRUE,
	JSON_FALSE,
	JSON_NULL
};

struct json_reader {
	const unsigned char *p, *end;   /* borrowed input cursor */
	const unsigned char *start;     /* borrowed, for offsets */
	unsigned depth, max_depth;
	unsigned char stack[JSON_DEPTH_CAP]; /* 'o' object, 'a' array */
	int state;                      /* internal: what may come next */
	struct phi_buf text;            /* owned: KEY/STRING/NUMBER text */
	size_t tok_offset;              /* byte offset of the current token in the input */
	int truncated;                  /* the last string was cut at max_text */
	const char *error;              /* constant reason on JSON_ERROR */
};

/* Start reading n bytes. max_depth 0 or above JSON_DEPTH_CAP means the cap. */
void json_init(struct json_reader *r, const unsigned char *p, size_t n, unsigned max_depth,
               size_t max_text);

/* The next token. After JSON_EOF or JSON_ERROR the same is returned again. */
enum json_tok json_next(struct json_reader *r);

/* Free the reader's buffer (wiped). */
void json_free(struct json_reader *r);

/* Append the UTF-8 encoding of code point cp to b (U+FFFD when invalid). */
int json_put_utf8(struct phi_buf *b, unsigned long cp);

#endif
