/*
 * phiscan.c - libphiscan, the scan-socket client (see include/phi/scan_client.h).
 *
 * Connection, line framing, request building (JSON strings, base64) and a
 * reader for top-level reply members. It knows nothing of the daemon's
 * internals: only the protocol of CONTRACTS.md, so it serves as the
 * reference for clients in other languages too (gateways/README.md).
 * Never logs; request buffers are wiped before they are freed (they hold
 * the message).
 */
#include <errno.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>
#include "phi/scan_client.h"

#define PHISCAN_REPLY_MAX (64u << 20)

struct phiscan {
	int fd;
	char *buf;           /* owned: bytes received and not yet returned */
	size_t len, cap;
	char err[160];
};

static int set_err(struct phiscan *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int set_err(struct phiscan *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->err, sizeof c->err, fmt, ap);
	va_end(ap);
	return -1;
}

const char *phiscan_error(const struct phiscan *c)
{
	return c ? c->err : "no connection";
}

static int connect_unix(const char *path, char *err, size_t errlen)
{
	struct sockaddr_un sa;
	int fd;

	if (strlen(path) >= sizeof sa.sun_path) {
		snprintf(err, errlen, "socket path too long");
		return -1;
	}
	memset(&sa, 0, sizeof sa);
	sa.sun_family = AF_UNIX;
	memcpy(sa.sun_path, path, strlen(path));
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
		return -1;
	}
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
		snprintf(err, errlen, "connect %s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

static int connect_inet(const char *rest, int family, char *err, size_t errlen)
{
	const char *at = strchr(rest, '@');
	char port[16], host[256];
	struct addrinfo hints, *res = NULL, *ai;
	int fd = -1, rc;

	if (!at || (size_t)(at - rest) >= sizeof port || strlen(at + 1) >= sizeof host) {
		snprintf(err, errlen, "bad address (inet:PORT@HOST)");
		return -1;
	}
	memcpy(port, rest, (size_t)(at - rest));
	port[at - rest] = 0;
	snprintf(host, sizeof host, "%s", at + 1);
	memset(&hints, 0, sizeof hints);
	hints.ai_family = family;
	hints.ai_socktype = SOCK_STREAM;
	if ((rc = getaddrinfo(host, port, &hints, &res)) != 0) {
		snprintf(err, errlen, "%s: %s", host, gai_strerror(rc));
		return -1;
	}
	snprintf(err, errlen, "no address");
	for (ai = res; ai; ai = ai->ai_next) {
		if ((fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol)) < 0)
			continue;
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
			break;
		snprintf(err, errlen, "connect %s port %s: %s", host, port, strerror(errno));
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	return fd;
}

int phiscan_connect(const char *addr, int timeout_ms, struct phiscan **out, char *err, size_t errlen)
{
	struct phiscan *c;
	int fd;

	*out = NULL;
	if (!addr) {
		snprintf(err, errlen, "no address");
		return -1;
	}
	if (strncmp(addr, "unix:", 5) == 0)
		fd = connect_unix(addr + 5, err, errlen);
	else if (strncmp(addr, "local:", 6) == 0)
		fd = connect_unix(addr + 6, err, errlen);
	else if (addr[0] == '/')
		fd = connect_unix(addr, err, errlen);
	else if (strncmp(addr, "inet:", 5) == 0)
		fd = connect_inet(addr + 5, AF_INET, err, errlen);
	else if (strncmp(addr, "inet6:", 6) == 0)
		fd = connect_inet(addr + 6, AF_INET6, err, errlen);
	else {
		snprintf(err, errlen, "bad address %s (unix:/path or inet:PORT@HOST)", addr);
		return -1;
	}
	if (fd < 0)
		return -1;
	if (timeout_ms > 0) {
		struct timeval tv;
		tv.tv_sec = timeout_ms / 1000;
		tv.tv_usec = (timeout_ms % 1000) * 1000;
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
		setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
	}
	if (!(c = calloc(1, sizeof *c))) {
		close(fd);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	c->fd = fd;
	*out = c;
	return 0;
}

void phiscan_close(struct phiscan *c)
{
	if (!c)
		return;
	if (c->fd >= 0)
		close(c->fd);
	free(c->buf);
	free(c);
}

static int write_all(struct phiscan *c, const char *p, size_t n)
{
	while (n) {
		ssize_t w = send(c->fd, p, n, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return set_err(c, "send: %s", w < 0 ? strerror(errno) : "nothing written");
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int phiscan_send(struct phiscan *c, const char *line, size_t len)
{
	c->err[0] = 0;
	if (write_all(c, line, len) != 0)
		return -1;
	if (!len || line[len - 1] != '\n')
		return write_all(c, "\n", 1);
	return 0;
}

int phiscan_recv(struct phiscan *c, char **reply, size_t *len)
{
	size_t scanned = 0;

	*reply = NULL;
	c->err[0] = 0;
	for (;;) {
		char *nl = c->len > scanned ? memchr(c->buf + scanned, '\n', c->len - scanned) : NULL;
		ssize_t r;

		if (nl) {
			size_t ll = (size_t)(nl - c->buf);
			char *o = malloc(ll + 1);
			if (!o)
				return set_err(c, "out of memory");
			memcpy(o, c->buf, ll);
			o[ll] = 0;
			memmove(c->buf, nl + 1, c->len - ll - 1);
			c->len -= ll + 1;
			*reply = o;
			*len = ll;
			return 0;
		}
		scanned = c->len;
		if (c->len >= PHISCAN_REPLY_MAX)
			return set_err(c, "reply too long");
		if (c->cap - c->len < 4096) {
			size_t ncap = c->cap ? c->cap * 2 : 8192;
			char *nb = realloc(c->buf, ncap);
			if (!nb)
				return set_err(c, "out of memory");
			c->buf = nb;
			c->cap = ncap;
		}
		r = recv(c->fd, c->buf + c->len, c->cap - c->len, 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return set_err(c, "%s", errno == EAGAIN || errno == EWOULDBLOCK ? "timed out" : strerror(errno));
		if (r == 0)
			return set_err(c, "connection closed by the daemon");
		c->len += (size_t)r;
	}
}

int phiscan_call(struct phiscan *c, const char *line, size_t len, char **reply, size_t *replylen)
{
	if (phiscan_send(c, line, len) != 0)
		return -1;
	return phiscan_recv(c, reply, replylen);
}

/* ---- building requests ---- */

struct obuf {
	char *d;
	size_t n, cap;
	int oom;
};

static void oput(struct obuf *b, const char *p, size_t n)
{
	if (b->oom)
		return;
	if (b->cap - b->n < n + 1) {
		size_t ncap = b->cap ? b->cap : 256;
		char *nd;
		while (ncap - b->n < n + 1)
			ncap *= 2;
		if (!(nd = malloc(ncap))) {
			b->oom = 1;
			return;
		}
		if (b->d) {
			memcpy(nd, b->d, b->n);
			memset(b->d, 0, b->cap);
			free(b->d);
		}
		b->d = nd;
		b->cap = ncap;
	}
	memcpy(b->d + b->n, p, n);
	b->n += n;
	b->d[b->n] = 0;
}

static void os(struct obuf *b, const char *s)
{
	oput(b, s, strlen(s));
}

/* Length of a valid UTF-8 sequence at p (1..4), or 0. */
static size_t utf8_len(const unsigned char *p, size_t n)
{
	size_t k, i;
	unsigned long cp;

	if (p[0] < 0x80)
		return 1;
	if ((p[0] & 0xE0) == 0xC0) { k = 2; cp = p[0] & 0x1F; }
	else if ((p[0] & 0xF0) == 0xE0) { k = 3; cp = p[0] & 0x0F; }
	else if ((p[0] & 0xF8) == 0xF0) { k = 4; cp = p[0] & 0x07; }
	else return 0;
	if (n < k)
		return 0;
	for (i = 1; i < k; i++) {
		if ((p[i] & 0xC0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3F);
	}
	if ((k == 2 && cp < 0x80) || (k == 3 && cp < 0x800) || (k == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
	    (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	return k;
}

static void ostr(struct obuf *b, const unsigned char *p, size_t n)
{
	size_t i = 0;

	os(b, "\"");
	while (i < n) {
		unsigned char ch = p[i];
		size_t k;
		char esc[8];

		if (ch == '"') { os(b, "\\\""); i++; continue; }
		if (ch == '\\') { os(b, "\\\\"); i++; continue; }
		if (ch == '\n') { os(b, "\\n"); i++; continue; }
		if (ch == '\r') { os(b, "\\r"); i++; continue; }
		if (ch == '\t') { os(b, "\\t"); i++; continue; }
		if (ch < 0x20 || ch == 0x7f) {
			snprintf(esc, sizeof esc, "\\u%04x", ch);
			os(b, esc);
			i++;
			continue;
		}
		k = utf8_len(p + i, n - i);
		if (!k) {
			os(b, "\\ufffd");
			i++;
			continue;
		}
		oput(b, (const char *)p + i, k);
		i += k;
	}
	os(b, "\"");
}

static void ob64(struct obuf *b, const unsigned char *p, size_t n)
{
	static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	char q[4];
	size_t i;

	os(b, "\"");
	for (i = 0; i + 2 < n; i += 3) {
		q[0] = tab[p[i] >> 2];
		q[1] = tab[((p[i] & 3) << 4) | (p[i + 1] >> 4)];
		q[2] = tab[((p[i + 1] & 15) << 2) | (p[i + 2] >> 6)];
		q[3] = tab[p[i + 2] & 63];
		oput(b, q, 4);
	}
	if (n - i == 1) {
		q[0] = tab[p[i] >> 2];
		q[1] = tab[(p[i] & 3) << 4];
		q[2] = q[3] = '=';
		oput(b, q, 4);
	} else if (n - i == 2) {
		q[0] = tab[p[i] >> 2];
		q[1] = tab[((p[i] & 3) << 4) | (p[i + 1] >> 4)];
		q[2] = tab[(p[i + 1] & 15) << 2];
		q[3] = '=';
		oput(b, q, 4);
	}
	os(b, "\"");
}

static void ocstr(struct obuf *b, const char *s)
{
	ostr(b, (const unsigned char *)s, strlen(s));
}

int phiscan_request_json(const char *id, const char *channel, const char *sender,
                         const char *const *rcpts, size_t nrcpt, const unsigned char *text,
                         size_t textlen, const struct phiscan_file *files, size_t nfiles,
                         char **out, size_t *outlen)
{
	struct obuf b = { NULL, 0, 0, 0 };
	size_t i;

	os(&b, "{\"id\":");
	if (id)
		ocstr(&b, id);
	else
		os(&b, "null");
	if (channel) {
		os(&b, ",\"channel\":");
		ocstr(&b, channel);
	}
	if (sender) {
		os(&b, ",\"sender\":");
		ocstr(&b, sender);
	}
	os(&b, ",\"recipients\":[");
	for (i = 0; i < nrcpt; i++) {
		if (i)
			os(&b, ",");
		ocstr(&b, rcpts[i] ? rcpts[i] : "");
	}
	os(&b, "]");
	if (text) {
		os(&b, ",\"text\":");
		ostr(&b, text, textlen);
	}
	if (nfiles) {
		os(&b, ",\"attachments\":[");
		for (i = 0; i < nfiles; i++) {
			os(&b, i ? ",{" : "{");
			if (files[i].filename) {
				os(&b, "\"filename\":");
				ocstr(&b, files[i].filename);
				os(&b, ",");
			}
			if (files[i].content_type) {
				os(&b, "\"content_type\":");
				ocstr(&b, files[i].content_type);
				os(&b, ",");
			}
			os(&b, "\"data\":");
			ob64(&b, files[i].data ? files[i].data : (const unsigned char *)"", files[i].len);
			os(&b, "}");
		}
		os(&b, "]");
	}
	os(&b, "}\n");
	if (b.oom) {
		if (b.d) {
			memset(b.d, 0, b.cap);
			free(b.d);
		}
		*out = NULL;
		return -1;
	}
	*out = b.d;
	*outlen = b.n;
	return 0;
}

/* ---- reading replies: top-level members only ---- */

static const char *skip_ws(const char *p)
{
	while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
		p++;
	return p;
}

/* End of the string starting at the quote p, or NULL. */
static const char *skip_string(const char *p)
{
	for (p++; *p; p++) {
		if (*p == '\\') {
			if (!*++p)
				return NULL;
		} else if (*p == '"')
			return p + 1;
	}
	return NULL;
}

static const char *skip_value(const char *p, unsigned depth)
{
	p = skip_ws(p);
	if (depth > 64)
		return NULL;
	if (*p == '"')
		return skip_string(p);
	if (*p == '{' || *p == '[') {
		char close = *p == '{' ? '}' : ']';
		p = skip_ws(p + 1);
		if (*p == close)
			return p + 1;
		for (;;) {
			if (close == '}') {
				if (*p != '"' || !(p = skip_string(p)))
					return NULL;
				p = skip_ws(p);
				if (*p++ != ':')
					return NULL;
			}
			if (!(p = skip_value(p, depth + 1)))
				return NULL;
			p = skip_ws(p);
			if (*p == ',') {
				p = skip_ws(p + 1);
				continue;
			}
			return *p == close ? p + 1 : NULL;
		}
	}
	if (!*p)
		return NULL;
	while (*p && *p != ',' && *p != '}' && *p != ']' && *p != ' ' && *p != '\n')
		p++;
	return p;
}

int phiscan_reply_raw(const char *reply, const char *key, const char **vp, size_t *vlen)
{
	const char *p = skip_ws(reply ? reply : ""), *ks, *ke, *v, *ve;
	size_t kl = strlen(key);

	if (*p != '{')
		return -1;
	p = skip_ws(p + 1);
	while (*p == '"') {
		ks = p + 1;
		if (!(ke = skip_string(p)))
			return -1;
		p = skip_ws(ke);
		if (*p++ != ':')
			return -1;
		v = skip_ws(p);
		if (!(ve = skip_value(v, 0)))
			return -1;
		if ((size_t)(ke - 1 - ks) == kl && memcmp(ks, key, kl) == 0) {
			*vp = v;
			*vlen = (size_t)(ve - v);
			return 0;
		}
		p = skip_ws(ve);
		if (*p != ',')
			return -1;
		p = skip_ws(p + 1);
	}
	return -1;
}

static int hexv(char ch)
{
	if (ch >= '0' && ch <= '9') return ch - '0';
	if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
	return -1;
}

int phiscan_reply_str(const char *reply, const char *key, char *out, size_t outlen)
{
	const char *v;
	size_t vl, i, o = 0;

	if (outlen)
		out[0] = 0;
	if (phiscan_reply_raw(reply, key, &v, &vl) != 0 || vl < 2 || v[0] != '"')
		return -1;
	for (i = 1; i + 1 < vl && o + 4 < outlen; i++) {
		char ch = v[i];
		if (ch == '\\' && i + 2 < vl) {
			ch = v[++i];
			switch (ch) {
			case 'n': out[o++] = '\n'; break;
			case 'r': out[o++] = '\r'; break;
			case 't': out[o++] = '\t'; break;
			case 'b': out[o++] = '\b'; break;
			case 'f': out[o++] = '\f'; break;
			case 'u': {
				unsigned long cp = 0;
				int k, h;
				for (k = 0; k < 4 && i + 1 < vl; k++) {
					if ((h = hexv(v[++i])) < 0)
						break;
					cp = (cp << 4) | (unsigned long)h;
				}
				/* BMP only; surrogates and bad escapes become '?' */
				if (cp < 0x80) out[o++] = (char)cp;
				else if (cp < 0x800) { out[o++] = (char)(0xC0 | (cp >> 6)); out[o++] = (char)(0x80 | (cp & 0x3F)); }
				else if (cp >= 0xD800 && cp <= 0xDFFF) out[o++] = '?';
				else { out[o++] = (char)(0xE0 | (cp >> 12)); out[o++] = (char)(0x80 | ((cp >> 6) & 0x3F));
					out[o++] = (char)(0x80 | (cp & 0x3F)); }
				break;
			}
			default: out[o++] = ch; break;
			}
		} else {
			out[o++] = ch;
		}
	}
	if (outlen)
		out[o < outlen ? o : outlen - 1] = 0;
	return 0;
}

int phiscan_reply_bool(const char *reply, const char *key)
{
	const char *v;
	size_t vl;

	if (phiscan_reply_raw(reply, key, &v, &vl) != 0)
		return -1;
	if (vl == 4 && memcmp(v, "true", 4) == 0)
		return 1;
	if (vl == 5 && memcmp(v, "false", 5) == 0)
		return 0;
	return -1;
}
