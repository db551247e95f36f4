/*
 * token.c - portal link and release tokens (see token.h).
 *
 * MACs are compared in constant time. Expiry is part of the MAC input, so
 * extending a link means a new MAC. Recipients are compared in lower case
 * (the domain is case-insensitive; local parts almost always are in
 * practice, and a link must not fail over a capital letter).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "token.h"

static void lower(const char *s, char *out, size_t len)
{
	size_t i;

	for (i = 0; s[i] && i + 1 < len; i++)
		out[i] = (char)tolower((unsigned char)s[i]);
	out[i] = 0;
}

static int portal_mac(const unsigned char key[QCRYPT_KEY_LEN], const char *id, const char *rcpt,
                      long long expires, unsigned char mac[QCRYPT_MAC_LEN])
{
	char r[600], e[32];
	const char *parts[4];

	lower(rcpt, r, sizeof r);
	snprintf(e, sizeof e, "%lld", expires);
	parts[0] = "portal";
	parts[1] = id;
	parts[2] = r;
	parts[3] = e;
	return qcrypt_mac(key, parts, 4, mac);
}

int token_portal_make(const unsigned char key[QCRYPT_KEY_LEN], const char *id, const char *rcpt,
                      long long expires, unsigned n, char *out, size_t outlen)
{
	unsigned char mac[QCRYPT_MAC_LEN];
	char hex[2 * QCRYPT_MAC_LEN + 1];
	int w;

	if (!qstore_id_ok(id) || portal_mac(key, id, rcpt, expires, mac) != 0)
		return -1;
	qcrypt_hex(mac, sizeof mac, hex);
	w = snprintf(out, outlen, "%s.%lld.%u.%s", id, expires, n, hex);
	return w < 0 || (size_t)w >= outlen ? -1 : 0;
}

static int tokchar(int c)
{
	return isalnum(c) || c == '.' || c == '-';
}

/* Split "A.B[.C].MAC" into fields; nf is 3 or 4. */
static int split(const char *s, size_t n, int nf, struct token *t)
{
	char buf[TOKEN_MAX], *f[4], *p, *end;
	int i;

	if (n == 0 || n >= sizeof buf)
		return -1;
	memcpy(buf, s, n);
	buf[n] = 0;
	p = buf;
	for (i = 0; i < nf; i++) {
		f[i] = p;
		if (i < nf - 1) {
			if (!(p = strchr(p, '.')))
				return -1;
			*p++ = 0;
		}
	}
	if (strchr(f[nf - 1], '.') || !qstore_id_ok(f[0]) || strlen(f[0]) >= sizeof t->id)
		return -1;
	memset(t, 0, sizeof *t);
	strcpy(t->id, f[0]);
	t->expires = strtoll(f[1], &end, 10);
	if (*end || !*f[1])
		return -1;
	if (nf == 4) {
		unsigned long r = strtoul(f[2], &end, 10);

		if (*end || !*f[2] || r > 100000)
			return -1;
		t->rcpt = (unsigned)r;
	}
	return qcrypt_unhex(f[nf - 1], strlen(f[nf - 1]), t->mac, sizeof t->mac);
}

int token_portal_parse(const char *s, struct token *t)
{
	size_t i = 0, n = strlen(s);

	/* A token alone, or the first run of token characters in a URL that
	 * parses as one. */
	while (i < n) {
		size_t j = i;

		while (j < n && tokchar((unsigned char)s[j]))
			j++;
		if (j > i && split(s + i, j - i, 4, t) == 0)
			return 0;
		i = j + 1;
	}
	return -1;
}

int token_portal_check(const unsigned char key[QCRYPT_KEY_LEN], const struct token *t, const char *rcpt)
{
	unsigned char mac[QCRYPT_MAC_LEN];
	int ok;

	if (portal_mac(key, t->id, rcpt, t->expires, mac) != 0)
		return 0;
	ok = qcrypt_equal(mac, t->mac, sizeof mac);
	qcrypt_wipe(mac, sizeof mac);
	return ok;
}

static int label_mac(const char *label, const unsigned char key[QCRYPT_KEY_LEN], const char *id,
                     long long expires, unsigned char mac[QCRYPT_MAC_LEN])
{
	char e[32];
	const char *parts[3];

	snprintf(e, sizeof e, "%lld", expires);
	parts[0] = label;
	parts[1] = id;
	parts[2] = e;
	return qcrypt_mac(key, parts, 3, mac);
}

static int make_labelled(const char *label, const unsigned char key[QCRYPT_KEY_LEN], const char *id,
                         long long expires, char *out, size_t outlen)
{
	unsigned char mac[QCRYPT_MAC_LEN];
	char hex[2 * QCRYPT_MAC_LEN + 1];
	int w;

	if (!qstore_id_ok(id) || label_mac(label, key, id, expires, mac) != 0)
		return -1;
	qcrypt_hex(mac, sizeof mac, hex);
	w = snprintf(out, outlen, "%s.%lld.%s", id, expires, hex);
	return w < 0 || (size_t)w >= outlen ? -1 : 0;
}

static int verify_labelled(const char *label, const unsigned char key[QCRYPT_KEY_LEN], const char *s,
                           long long now, struct token *t)
{
	unsigned char mac[QCRYPT_MAC_LEN];
	size_t n;
	int ok;

	while (*s == ' ' || *s == '\t')
		s++;
	n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\r' || s[n - 1] == '\n' || s[n - 1] == '\t'))
		n--;
	if (split(s, n, 3, t) != 0 || label_mac(label, key, t->id, t->expires, mac) != 0)
		return -1;
	ok = qcrypt_equal(mac, t->mac, sizeof mac) && t->expires >= now;
	qcrypt_wipe(mac, sizeof mac);
	return ok ? 0 : -1;
}

int token_release_make(const unsigned char key[QCRYPT_KEY_LEN], const char *id, long long expires,
                       char *out, size_t outlen)
{
	return make_labelled("release", key, id, expires, out, outlen);
}

int token_release_verify(const unsigned char key[QCRYPT_KEY_LEN], const char *s, long long now,
                         struct token *t)
{
	return verify_labelled("release", key, s, now, t);
}

int token_notice_make(const unsigned char key[QCRYPT_KEY_LEN], const char *id, long long expires,
                      char *out, size_t outlen)
{
	return make_labelled("notice", key, id, expires, out, outlen);
}

int token_notice_verify(const unsigned char key[QCRYPT_KEY_LEN], const char *s, long long now,
                        struct token *t)
{
	return verify_labelled("notice", key, s, now, t);
}

int token_url(const char *tmpl, const char *id, const char *tok, char *out, size_t outlen)
{
	size_t o = 0;
	const char *s = tmpl;

	while (*s) {
		const char *ins = NULL;
		size_t skip = 1, n;

		if (strncmp(s, "{id}", 4) == 0)
			ins = id, skip = 4;
		else if (strncmp(s, "{token}", 7) == 0)
			ins = tok, skip = 7;
		n = ins ? strlen(ins) : 1;
		if (o + n + 1 > outlen)
			return -1;
		memcpy(out + o, ins ? ins : s, n);
		o += n;
		s += skip;
	}
	out[o] = 0;
	return 0;
}
