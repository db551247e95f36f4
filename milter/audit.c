/*
 * audit.c - JSON-lines audit records (see audit.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <openssl/sha.h>
#include "audit.h"
#include "qcrypt.h"

static void add(struct audit_rec *r, const char *s, size_t n)
{
	if (r->over || r->len + n + 3 > sizeof r->buf) {
		r->over = 1;
		return;
	}
	memcpy(r->buf + r->len, s, n);
	r->len += n;
	r->buf[r->len] = 0;
}

static void adds(struct audit_rec *r, const char *s)
{
	add(r, s, strlen(s));
}

static void esc(struct audit_rec *r, const char *s)
{
	char u[8];

	add(r, "\"", 1);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\') {
			u[0] = '\\';
			u[1] = (char)c;
			add(r, u, 2);
		} else if (c < 0x20 || c >= 0x7f) {
			snprintf(u, sizeof u, "\\u%04x", c);
			add(r, u, 6);
		} else
			add(r, (const char *)&c, 1);
	}
	add(r, "\"", 1);
}

void audit_begin(struct audit_rec *r, const char *kind)
{
	char ts[32];
	time_t t = time(NULL);
	struct tm tm;

	r->len = 0;
	r->over = 0;
	r->buf[0] = 0;
	gmtime_r(&t, &tm);
	strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%SZ", &tm);
	adds(r, "{\"time\":\"");
	adds(r, ts);
	adds(r, "\",\"kind\":");
	esc(r, kind);
}

void audit_str(struct audit_rec *r, const char *key, const char *val)
{
	size_t keep = r->len;

	adds(r, ",");
	esc(r, key);
	adds(r, ":");
	esc(r, val && *val ? val : "-");
	if (r->over)
		r->len = keep, r->buf[keep] = 0;
}

void audit_num(struct audit_rec *r, const char *key, long long val)
{
	char n[32];
	size_t keep = r->len;

	snprintf(n, sizeof n, "%lld", val);
	adds(r, ",");
	esc(r, key);
	adds(r, ":");
	adds(r, n);
	if (r->over)
		r->len = keep, r->buf[keep] = 0;
}

void audit_counts(struct audit_rec *r, const char *key, const char *pairs)
{
	size_t keep = r->len;
	const char *s = pairs ? pairs : "";
	int first = 1;

	adds(r, ",");
	esc(r, key);
	adds(r, ":{");
	while (*s && strcmp(s, "-") != 0) {
		const char *e = strchr(s, ','), *c;
		char name[80], num[24];
		size_t n;

		if (!e)
			e = s + strlen(s);
		c = memchr(s, ':', (size_t)(e - s));
		if (c && (size_t)(c - s) < sizeof name && (size_t)(e - c - 1) < sizeof num) {
			n = (size_t)(c - s);
			memcpy(name, s, n);
			name[n] = 0;
			memcpy(num, c + 1, (size_t)(e - c - 1));
			num[e - c - 1] = 0;
			if (!first)
				adds(r, ",");
			esc(r, name);
			adds(r, ":");
			adds(r, num[0] ? num : "0");
			first = 0;
		}
		s = *e ? e + 1 : e;
	}
	adds(r, "}");
	if (r->over)
		r->len = keep, r->buf[keep] = 0;
}

int audit_write(const char *path, struct audit_rec *r)
{
	int fd, e;
	ssize_t w;

	r->over = 0;
	adds(r, "}\n");
	if (!path || !*path)
		return 0;
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return -1;
	w = write(fd, r->buf, r->len);
	e = errno;
	close(fd);
	errno = e;
	return w == (ssize_t)r->len ? 0 : -1;
}

void audit_hash(const char *s, char out[17])
{
	unsigned char h[SHA256_DIGEST_LENGTH];

	if (!s || !*s) {
		strcpy(out, "-");
		return;
	}
	SHA256((const unsigned char *)s, strlen(s), h);
	qcrypt_hex(h, 8, out);
}
