/*
 * json.c - bounded pull tokenizer for untrusted JSON (see json.h).
 *
 * A small state machine over a cursor: every read checks the bytes left,
 * nesting is a fixed-size stack, strings go into a phi_buf with a maximum.
 * Tolerances: single top-level values may follow one another (NDJSON);
 * a trailing comma before a closing bracket is accepted. Never logs.
 */
#include <string.h>
#include "phi/status.h"
#include "json.h"

enum { S_VALUE, S_KEY, S_AFTER, S_DONE };

void json_init(struct json_reader *r, const unsigned char *p, size_t n, unsigned max_depth,
               size_t max_text)
{
	memset(r, 0, sizeof *r);
	r->p = r->start = p;
	r->end = p + n;
	r->max_depth = (max_depth == 0 || max_depth > JSON_DEPTH_CAP) ? JSON_DEPTH_CAP : max_depth;
	r->state = S_VALUE;
	phi_buf_init(&r->text, max_text);
}

void json_free(struct json_reader *r)
{
	phi_buf_free(&r->text);
}

int json_put_utf8(struct phi_buf *b, unsigned long cp)
{
	unsigned char u[4];
	size_t n;

	if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF) || cp == 0)
		cp = 0xFFFD;
	if (cp < 0x80) {
		u[0] = (unsigned char)cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = (unsigned char)(0xC0 | cp >> 6);
		u[1] = (unsigned char)(0x80 | (cp & 0x3F));
		n = 2;
	} else if (cp < 0x10000) {
		u[0] = (unsigned char)(0xE0 | cp >> 12);
		u[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
		u[2] = (unsigned char)(0x80 | (cp & 0x3F));
		n = 3;
	} else {
		u[0] = (unsigned char)(0xF0 | cp >> 18);
		u[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
		u[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
		u[3] = (unsigned char)(0x80 | (cp & 0x3F));
		n = 4;
	}
	return phi_buf_append(b, u, n);
}

static enum json_tok fail(struct json_reader *r, const char *why)
{
	r->error = why;
	r->state = S_DONE;
	return JSON_ERROR;
}

static void skip_ws(struct json_reader *r)
{
	while (r->p < r->end && (*r->p == ' ' || *r->p == '\t' || *r->p == '\n' || *r->p == '\r'))
		r->p++;
}

/* 4 hex digits at p (bounds checked by the caller), or -1. */
static long hex4(const unsigned char *p)
{
	long v = 0;
	int i;

	for (i = 0; i < 4; i++) {
		unsigned char c = p[i];
		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= c - '0';
		else if (c >= 'a' && c <= 'f')
			v |= c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			v |= c - 'A' + 10;
		else
			return -1;
	}
	return v;
}

static void put(struct json_reader *r, const void *s, size_t n)
{
	if (r->truncated)
		return;
	if (phi_buf_append(&r->text, s, n) != PHI_OK)
		r->truncated = 1;
}

static void put_cp(struct json_reader *r, unsigned long cp)
{
	if (!r->truncated && json_put_utf8(&r->text, cp) != PHI_OK)
		r->truncated = 1;
}

/* At the opening quote: decode the string into r->text. 0 or -1 (unterminated). */
static int read_string(struct json_reader *r)
{
	phi_buf_reset(&r->text);
	r->truncated = 0;
	r->p++;
	while (r->p < r->end) {
		const unsigned char *q = r->p;
		/* copy a run of plain bytes at once */
		while (q < r->end && *q != '"' && *q != '\\')
			q++;
		if (q > r->p)
			put(r, r->p, (size_t)(q - r->p));
		r->p = q;
		if (r->p >= r->end)
			break;
		if (*r->p == '"') {
			r->p++;
			if (!r->text.data)
				phi_buf_append(&r->text, "", 0);
			return 0;
		}
		/* backslash */
		if (r->end - r->p < 2) {
			r->p = r->end;
			break;
		}
		switch (r->p[1]) {
		case '"': put(r, "\"", 1); r->p += 2; break;
		case '\\': put(r, "\\", 1); r->p += 2; break;
		case '/': put(r, "/", 1); r->p += 2; break;
		case 'b': put(r, "\b", 1); r->p += 2; break;
		case 'f': put(r, "\f", 1); r->p += 2; break;
		case 'n': put(r, "\n", 1); r->p += 2; break;
		case 'r': put(r, "\r", 1); r->p += 2; break;
		case 't': put(r, "\t", 1); r->p += 2; break;
		case 'u': {
			long hi = r->end - r->p >= 6 ? hex4(r->p + 2) : -1, lo;
			if (hi < 0) {
				put_cp(r, 0xFFFD);
				r->p += 2;
				break;
			}
			r->p += 6;
			if (hi >= 0xD800 && hi <= 0xDBFF && r->end - r->p >= 6 && r->p[0] == '\\' &&
			    r->p[1] == 'u' && (lo = hex4(r->p + 2)) >= 0xDC00 && lo <= 0xDFFF) {
				r->p += 6;
				put_cp(r, 0x10000 + (((unsigned long)hi - 0xD800) << 10) +
				              ((unsigned long)lo - 0xDC00));
			} else {
				put_cp(r, (unsigned long)hi);  /* lone surrogates become U+FFFD */
			}
			break;
		}
		default:
			put_cp(r, 0xFFFD);
			r->p += 2;
			break;
		}
	}
	return -1;
}

static enum json_tok read_value(struct json_reader *r)
{
	unsigned char c = *r->p;
	const unsigned char *q;

	r->tok_offset = (size_t)(r->p - r->start);
	switch (c) {
	case '{':
	case '[':
		if (r->depth >= r->max_depth)
			return fail(r, "depth");
		r->stack[r->depth++] = c == '{' ? 'o' : 'a';
		r->p++;
		r->state = c == '{' ? S_KEY : S_VALUE;
		return c == '{' ? JSON_OBJ_BEGIN : JSON_ARR_BEGIN;
	case '"':
		if (read_string(r) < 0)
			return fail(r, "unterminated string");
		r->state = S_AFTER;
		return JSON_STRING;
	case 't':
	case 'f':
	case 'n': {
		const char *w = c == 't' ? "true" : c == 'f' ? "false" : "null";
		size_t k = strlen(w);
		if ((size_t)(r->end - r->p) < k || memcmp(r->p, w, k) != 0)
			return fail(r, "bad literal");
		r->p += k;
		r->state = S_AFTER;
		return c == 't' ? JSON_TRUE : c == 'f' ? JSON_FALSE : JSON_NULL;
	}
	default:
		if (c == '-' || (c >= '0' && c <= '9')) {
			q = r->p;
			while (q < r->end && (*q == '-' || *q == '+' || *q == '.' || *q == 'e' ||
			                      *q == 'E' || (*q >= '0' && *q <= '9')))
				q++;
			phi_buf_reset(&r->text);
			r->truncated = 0;
			put(r, r->p, (size_t)(q - r->p));
			r->p = q;
			r->state = S_AFTER;
			return JSON_NUMBER;
		}
		return fail(r, "unexpected byte");
	}
}

static enum json_tok close_one(struct json_reader *r, unsigned char c)
{
	if (r->depth == 0 || r->stack[r->depth - 1] != (c == '}' ? 'o' : 'a'))
		return fail(r, "mismatched close");
	r->depth--;
	r->p++;
	r->state = S_AFTER;
	return c == '}' ? JSON_OBJ_END : JSON_ARR_END;
}

enum json_tok json_next(struct json_reader *r)
{
	unsigned char c;

	/* at most two passes: a comma, then the token after it */
	for (;;) {
		if (r->state == S_DONE)
			return r->error ? JSON_ERROR : JSON_EOF;
		skip_ws(r);
		if (r->p >= r->end) {
			if (r->depth == 0) {
				r->state = S_DONE;
				return JSON_EOF;
			}
			return fail(r, "truncated");
		}
		c = *r->p;
		r->tok_offset = (size_t)(r->p - r->start);
		switch (r->state) {
		case S_AFTER:
			if (r->depth == 0) {
				r->state = S_VALUE;   /* NDJSON: another top-level value */
				continue;
			}
			if (c == ',') {
				r->p++;
				r->state = r->stack[r->depth - 1] == 'o' ? S_KEY : S_VALUE;
				continue;
			}
			if (c == '}' || c == ']')
				return close_one(r, c);
			return fail(r, "expected , or close");
		case S_KEY:
			if (c == '}')
				return close_one(r, c);
			if (c != '"')
				return fail(r, "expected key");
			if (read_string(r) < 0)
				return fail(r, "unterminated key");
			skip_ws(r);
			if (r->p >= r->end || *r->p != ':')
				return fail(r, "expected :");
			r->p++;
			r->state = S_VALUE;
			return JSON_KEY;
		default: /* S_VALUE */
			if (c == ']' && r->depth > 0 && r->stack[r->depth - 1] == 'a')
				return close_one(r, c);   /* [] or trailing comma */
			if (c == '}' && r->depth > 0 && r->stack[r->depth - 1] == 'o')
				return close_one(r, c);   /* {"a":} tolerated as end */
			return read_value(r);
		}
	}
}
