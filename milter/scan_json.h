/*
 * scan_json.h - the strict (RFC 8259) JSON reader of the scan socket's
 * requests, and the wiped byte string it decodes into.
 *
 * Not a tolerant tokenizer like detectors/extract/json.c: a request that
 * is not exactly valid JSON is refused, never guessed at. The caller walks
 * objects and arrays with call-backs per member or element, decoding only
 * what it wants and skipping (while still checking) the rest. Nesting is
 * capped at SCAN_JSON_DEPTH_MAX. The first problem is kept in j->err (a
 * constant reason, never input text). Never logs. Used by scan_request.c.
 */
#ifndef PHI_SCAN_JSON_H
#define PHI_SCAN_JSON_H

#include <stddef.h>

#define SCAN_JSON_DEPTH_MAX 32

/* A growable byte string, NUL-terminated when d is set, wiped when freed
 * (it holds message text). Zero-initialise before use. */
struct scan_json_buf {
	unsigned char *d;  /* owned */
	size_t n, cap;
};

void scan_json_buf_free(struct scan_json_buf *b);
/* Append n bytes; 0, or -1 when out of memory. The old d is dead. */
int scan_json_buf_put(struct scan_json_buf *b, const unsigned char *p, size_t n);

/* Reader state over borrowed input. */
struct scan_json {
	const unsigned char *p, *end;
	const char *err;         /* first problem (constant), or NULL */
	unsigned depth;
	int oom;                 /* the problem was memory */
};

/* Called per object member (key decoded, NUL-terminated) or array element,
 * with j->p at the value; must consume the value. 0 or -1. */
typedef int (*scan_json_member_fn)(struct scan_json *j, const char *key, void *arg);
typedef int (*scan_json_elem_fn)(struct scan_json *j, size_t i, void *arg);

void scan_json_ws(struct scan_json *j);
/* Record `why` (if nothing was recorded yet) and return -1. */
int scan_json_fail(struct scan_json *j, const char *why);
/* An object / array at j->p; NULL call-backs skip the members. */
int scan_json_object(struct scan_json *j, scan_json_member_fn member, void *arg);
int scan_json_array(struct scan_json *j, scan_json_elem_fn elem, void *arg);
/* Any value, checked and skipped. */
int scan_json_skip(struct scan_json *j);
/* The literal `lit` ("null", "true", "false"). */
int scan_json_lit(struct scan_json *j, const char *lit);
/* A string, decoded (escapes, surrogate pairs; a lone surrogate becomes
 * U+FFFD) into out, or only checked when out is NULL. Decoded longer than
 * max (0 = no cap): fails with `toolong`. An empty string still sets d. */
int scan_json_string(struct scan_json *j, struct scan_json_buf *out, size_t max, const char *toolong);
/* A string into a fixed buffer (at most outlen-1 bytes, else `toolong`). */
int scan_json_short(struct scan_json *j, char *out, size_t outlen, const char *toolong);

#endif
