/*
 * scan_json.c - strict JSON reader for scan-socket requests (see
 * scan_json.h). Every read checks the bytes left; strings are decoded
 * into wiped buffers; nesting is capped. Never logs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/crypto.h>
#include "scan_json.h"

void scan_json_buf_free(struct scan_json_buf *b)
{
	if (b->d) {
		OPENSSL_cleanse(b->d, b->cap);
		free(b->d);
	}
	b->d = NULL;
	b->n = b->cap = 0;
}

/* Room for `more` bytes and a NUL. The old pointer is dead on success. */
static int buf_room(struct scan_json_buf *b, size_t more)
{
	size_t want, cap;
	unsigned char *nd;

	if (more > (size_t)-1 - b->n - 1)
		return -1;
	want = b->n + more + 1;
	if (want <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 64;
	while (cap < want)
		cap = cap > (size_t)-1 / 2 ? want : cap * 2;
	nd = malloc(cap);
	if (!nd)
		return -1;
	if (b->d) {
		memcpy(nd, b->d, b->n);
		OPENSSL_cleanse(b->d, b->cap);
		free(b->d);
	}
	b->d = nd;
	b->cap = cap;
	return 0;
}

int scan_json_buf_put(struct scan_json_buf *b, const unsigned char *p, size_t n)
{
	if (buf_room(b, n) != 0)
		return -1;
	memcpy(b->d + b->n, p, n);
	b->n += n;
	b->d[b->n] = 0;
	return 0;
}

void scan_json_ws(struct scan_json *j)
{
	while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\r' || *j->p == '\n'))
		j->p++;
}

int scan_json_fail(struct scan_json *j, const char *why)
{
	if (!j->err)
		j->err = why;
	return -1;
}

static int hex4(const unsigned char *p, unsigned long *v)
{
	int i;

	*v = 0;
	for (i = 0; i < 4; i++) {
		unsigned char c = p[i];
		*v <<= 4;
		if (c >= '0' && c <= '9') *v |= (unsigned long)(c - '0');
		else if (c >= 'a' && c <= 'f') *v |= (unsigned long)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F') *v |= (unsigned long)(c - 'A' + 10);
		else return -1;
	}
	return 0;
}

static int put_utf8(struct scan_json_buf *b, unsigned long cp)
{
	unsigned char u[4];
	size_t n;

	if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		cp = 0xFFFD;
	if (cp < 0x80) { u[0] = (unsigned char)cp; n = 1; }
	else if (cp < 0x800) { u[0] = (unsigned char)(0xC0 | (cp >> 6)); u[1] = (unsigned char)(0x80 | (cp & 0x3F)); n = 2; }
	else if (cp < 0x10000) { u[0] = (unsigned char)(0xE0 | (cp >> 12)); u[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
		u[2] = (unsigned char)(0x80 | (cp & 0x3F)); n = 3; }
	else { u[0] = (unsigned char)(0xF0 | (cp >> 18)); u[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
		u[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F)); u[3] = (unsigned char)(0x80 | (cp & 0x3F)); n = 4; }
	return scan_json_buf_put(b, u, n);
}

/* A string at j->p (the opening quote). Decoded into `out` (NULL: only
 * checked). `max` caps the decoded length (0 = no cap beyond the line). */
int scan_json_string(struct scan_json *j, struct scan_json_buf *out, size_t max, const char *toolong)
{
	const unsigned char *run;

	if (j->p >= j->end || *j->p != '"')
		return scan_json_fail(j, "expected a string");
	j->p++;
	for (;;) {
		run = j->p;
		while (j->p < j->end && *j->p != '"' && *j->p != '\\' && *j->p >= 0x20)
			j->p++;
		if (out && j->p > run && scan_json_buf_put(out, run, (size_t)(j->p - run)) != 0)
			return j->oom = 1, scan_json_fail(j, "out of memory");
		if (j->p >= j->end)
			return scan_json_fail(j, "unterminated string");
		if (*j->p == '"') {
			j->p++;
			break;
		}
		if (*j->p < 0x20)
			return scan_json_fail(j, "control character in a string");
		/* backslash */
		if (j->end - j->p < 2)
			return scan_json_fail(j, "unterminated string");
		j->p++;
		{
			unsigned char e = *j->p++, c = 0;
			unsigned long cp, lo;

			switch (e) {
			case '"': c = '"'; break;
			case '\\': c = '\\'; break;
			case '/': c = '/'; break;
			case 'b': c = '\b'; break;
			case 'f': c = '\f'; break;
			case 'n': c = '\n'; break;
			case 'r': c = '\r'; break;
			case 't': c = '\t'; break;
			case 'u':
				if (j->end - j->p < 4 || hex4(j->p, &cp) != 0)
					return scan_json_fail(j, "bad \\u escape");
				j->p += 4;
				if (cp >= 0xD800 && cp <= 0xDBFF && j->end - j->p >= 6 && j->p[0] == '\\' &&
				    j->p[1] == 'u' && hex4(j->p + 2, &lo) == 0 && lo >= 0xDC00 && lo <= 0xDFFF) {
					cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
					j->p += 6;
				}
				if (out && put_utf8(out, cp) != 0)
					return j->oom = 1, scan_json_fail(j, "out of memory");
				break;
			default:
				return scan_json_fail(j, "bad escape in a string");
			}
			if (c && out && scan_json_buf_put(out, &c, 1) != 0)
				return j->oom = 1, scan_json_fail(j, "out of memory");
		}
		if (out && max && out->n > max)
			return scan_json_fail(j, toolong);
	}
	if (out && max && out->n > max)
		return scan_json_fail(j, toolong);
	if (out && !out->d && scan_json_buf_put(out, (const unsigned char *)"", 0) != 0)
		return j->oom = 1, scan_json_fail(j, "out of memory");
	return 0;
}

int scan_json_lit(struct scan_json *j, const char *lit)
{
	size_t n = strlen(lit);

	if ((size_t)(j->end - j->p) < n || memcmp(j->p, lit, n) != 0)
		return scan_json_fail(j, "not valid JSON");
	j->p += n;
	return 0;
}

static int number(struct scan_json *j)
{
	const unsigned char *s = j->p;

	if (j->p < j->end && *j->p == '-')
		j->p++;
	if (j->p < j->end && *j->p == '0')
		j->p++;
	else if (j->p < j->end && *j->p >= '1' && *j->p <= '9')
		while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
			j->p++;
	else
		return scan_json_fail(j, "not valid JSON");
	if (j->p < j->end && *j->p == '.') {
		j->p++;
		if (j->p >= j->end || *j->p < '0' || *j->p > '9')
			return scan_json_fail(j, "bad number");
		while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
			j->p++;
	}
	if (j->p < j->end && (*j->p == 'e' || *j->p == 'E')) {
		j->p++;
		if (j->p < j->end && (*j->p == '+' || *j->p == '-'))
			j->p++;
		if (j->p >= j->end || *j->p < '0' || *j->p > '9')
			return scan_json_fail(j, "bad number");
		while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
			j->p++;
	}
	return j->p > s ? 0 : scan_json_fail(j, "bad number");
}

int scan_json_object(struct scan_json *j, scan_json_member_fn member, void *arg)
{
	struct scan_json_buf key = { 0 };
	int rc = -1;

	if (j->p >= j->end || *j->p != '{')
		return scan_json_fail(j, "expected an object");
	if (++j->depth > SCAN_JSON_DEPTH_MAX)
		return scan_json_fail(j, "nested too deeply");
	j->p++;
	scan_json_ws(j);
	if (j->p < j->end && *j->p == '}') {
		j->p++;
		j->depth--;
		return 0;
	}
	for (;;) {
		scan_json_ws(j);
		key.n = 0;
		if (scan_json_string(j, &key, 256, "member name too long") != 0)
			goto out;
		scan_json_ws(j);
		if (j->p >= j->end || *j->p != ':') {
			scan_json_fail(j, "expected ':'");
			goto out;
		}
		j->p++;
		scan_json_ws(j);
		if ((member ? member(j, (const char *)key.d, arg) : scan_json_skip(j)) != 0)
			goto out;
		scan_json_ws(j);
		if (j->p < j->end && *j->p == ',') {
			j->p++;
			continue;
		}
		if (j->p < j->end && *j->p == '}') {
			j->p++;
			break;
		}
		scan_json_fail(j, "expected ',' or '}'");
		goto out;
	}
	j->depth--;
	rc = 0;
out:
	scan_json_buf_free(&key);
	return rc;
}

int scan_json_array(struct scan_json *j, scan_json_elem_fn elem, void *arg)
{
	size_t i = 0;

	if (j->p >= j->end || *j->p != '[')
		return scan_json_fail(j, "expected an array");
	if (++j->depth > SCAN_JSON_DEPTH_MAX)
		return scan_json_fail(j, "nested too deeply");
	j->p++;
	scan_json_ws(j);
	if (j->p < j->end && *j->p == ']') {
		j->p++;
		j->depth--;
		return 0;
	}
	for (;; i++) {
		scan_json_ws(j);
		if ((elem ? elem(j, i, arg) : scan_json_skip(j)) != 0)
			return -1;
		scan_json_ws(j);
		if (j->p < j->end && *j->p == ',') {
			j->p++;
			continue;
		}
		if (j->p < j->end && *j->p == ']') {
			j->p++;
			break;
		}
		return scan_json_fail(j, "expected ',' or ']'");
	}
	j->depth--;
	return 0;
}

int scan_json_skip(struct scan_json *j)
{
	if (j->p >= j->end)
		return scan_json_fail(j, "not valid JSON");
	switch (*j->p) {
	case '{': return scan_json_object(j, NULL, NULL);
	case '[': return scan_json_array(j, NULL, NULL);
	case '"': return scan_json_string(j, NULL, 0, NULL);
	case 't': return scan_json_lit(j, "true");
	case 'f': return scan_json_lit(j, "false");
	case 'n': return scan_json_lit(j, "null");
	default: return number(j);
	}
}

/* A short string member into a fixed buffer. */
int scan_json_short(struct scan_json *j, char *out, size_t outlen, const char *toolong)
{
	struct scan_json_buf b = { 0 };
	int rc = scan_json_string(j, &b, outlen - 1, toolong);

	if (rc == 0)
		snprintf(out, outlen, "%s", (const char *)b.d);
	scan_json_buf_free(&b);
	return rc;
}
