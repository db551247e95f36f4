/*
 * d_net.c - e-mail addresses, URLs and bare domains, IPv4 and IPv6.
 *
 * Contact types: reported so policy and admins see them, never pii alone.
 * E-mail: local@domain with a dotted domain ending in a 2+ letter TLD.
 * URL: http(s)://host.tld... or www.host.tld, or a bare domain whose TLD is
 * one of a short list of common ones (so "report.pdf" is no URL). IPv4:
 * four octets 0-255 joined by dots; IPv6: parsed (eight groups, or fewer
 * with one "::", an embedded IPv4 tail allowed), not matched by shape.
 */
#include <string.h>
#include "det.h"

static int lc(unsigned char c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; }

static int local_ch(unsigned char c)
{
	return IS_ALNUM(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-';
}

static int host_ch(unsigned char c) { return IS_ALNUM(c) || c == '-' || c == '.'; }

/* Check a host [a, b): labels of alnum/-, at least one dot, TLD of 2+ letters. Returns new b (trimmed) or 0. */
static size_t host_end(const unsigned char *t, size_t a, size_t b, size_t *tld)
{
	size_t i, dot = 0, lab = 0;

	while (b > a && (t[b - 1] == '.' || t[b - 1] == '-'))
		b--;
	for (i = a; i < b; i++) {
		if (t[i] == '.') {
			if (lab == 0)
				return 0;
			dot = i;
			lab = 0;
		} else {
			lab++;
			if (lab > 63)
				return 0;
		}
	}
	if (!dot || b - dot - 1 < 2)
		return 0;
	for (i = dot + 1; i < b; i++)
		if (!IS_ALPHA(t[i]))
			return 0;
	*tld = dot + 1;
	return b;
}

void d_email_at(struct det_seg *ds, size_t at, size_t *resume)
{
	const unsigned char *t = ds->t;
	size_t a = at, b = at + 1, tld;

	while (a > 0 && at - a < 64 && local_ch(t[a - 1]))
		a--;
	while (a < at && t[a] == '.')
		a++;
	while (b < ds->n && b - at < 255 && host_ch(t[b]))
		b++;
	*resume = b;
	if (a == at || t[at - 1] == '.')
		return;
	b = host_end(t, at + 1, b, &tld);
	if (!b)
		return;
	det_add(ds, PHI_T_EMAIL, PHI_CONF_MEDIUM, a, b - a, "address");
}

static int known_tld(const unsigned char *t, size_t a, size_t b)
{
	static const char *const tl[] = { "com", "org", "net", "edu", "gov", "mil", "int", "io", "co",
		                          "us", "uk", "ca", "de", "fr", "il", "au", "in", "jp", "cn",
		                          "info", "biz", "nl", "es", "it", "ch", "se", "eu", "ru", "br",
		                          "nz", "ie", "be", "at", "dk", "no", "fi", "pl", "health", "site" };
	char w[8];
	size_t i, n = b - a;

	if (n > 6)
		return 0;
	for (i = 0; i < n; i++)
		w[i] = (char)lc(t[a + i]);
	w[n] = 0;
	for (i = 0; i < sizeof tl / sizeof tl[0]; i++)
		if (tl[i][0] == w[0] && !strcmp(w, tl[i]))
			return 1;
	return 0;
}

static int prefix_ci(const unsigned char *t, size_t n, size_t i, const char *p)
{
	size_t k;

	for (k = 0; p[k]; k++)
		if (i + k >= n || lc(t[i + k]) != p[k])
			return 0;
	return 1;
}

static int path_ch(unsigned char c)
{
	return c > 0x20 && c < 0x7f && c != '<' && c != '>' && c != '"' && c != '\'' && c != '`' &&
	       c != ' ' && c != ')' && c != ']' && c != '}';
}

void d_url_at(struct det_seg *ds, size_t i, size_t *resume)
{
	const unsigned char *t = ds->t;
	size_t n = ds->n, h = i, he, b, tld;
	int scheme = 0, www = 0;

	if (i > 0 && (t[i - 1] == '@' || t[i - 1] == '/' || t[i - 1] == '.' || IS_ALNUM(t[i - 1])))
		return;
	if (prefix_ci(t, n, i, "https://")) {
		h = i + 8;
		scheme = 1;
	} else if (prefix_ci(t, n, i, "http://")) {
		h = i + 7;
		scheme = 1;
	} else if (prefix_ci(t, n, i, "www.")) {
		www = 1;
	}
	he = h;
	while (he < n && he - h < 255 && host_ch(t[he]))
		he++;
	if (he < n && t[he] == '@')
		return; /* an e-mail address */
	b = host_end(t, h, he, &tld);
	if (!b)
		return;
	if (!scheme && !known_tld(t, tld, b))
		return;
	if (!scheme && !www) {
		/* a bare domain: "example.com"; not "file.c", and not inside a word */
		if (b < n && (IS_ALNUM(t[b]) || t[b] == '_'))
			return;
	}
	if (b < n && t[b] == ':') {
		size_t p = b + 1;
		while (p < n && IS_DIGIT(t[p]))
			p++;
		if (p > b + 1)
			b = p;
	}
	if (b < n && t[b] == '/') {
		while (b < n && b - i < 2000 && path_ch(t[b]))
			b++;
		while (b > i && (t[b - 1] == '.' || t[b - 1] == ',' || t[b - 1] == ';' || t[b - 1] == '!' || t[b - 1] == '?'))
			b--;
	}
	det_add(ds, PHI_T_URL, scheme || www ? PHI_CONF_MEDIUM : PHI_CONF_LOW, i, b - i, scheme ? "scheme" : "domain");
	if (b > *resume)
		*resume = b;
}

static int octet_ok(const struct det_seg *ds, const struct numrun *r, int g)
{
	const unsigned char *t = ds->t + r->gs[g];
	int v = 0, k;

	if (r->gl[g] < 1 || r->gl[g] > 3)
		return 0;
	for (k = 0; k < r->gl[g]; k++)
		v = v * 10 + (t[k] - '0');
	return v <= 255;
}

void d_ip4_num(struct det_seg *ds, const struct numrun *r)
{
	int g;

	if (r->ng < 4)
		return;
	for (g = 0; g + 3 < r->ng; g++) {
		int k, ok = 1;
		size_t a, b;
		if (g > 0 && r->sep[g] == '.')
			continue;
		for (k = 1; k <= 3; k++)
			if (r->sep[g + k] != '.')
				ok = 0;
		if (!ok)
			continue;
		for (k = 0; k <= 3; k++)
			if (!octet_ok(ds, r, g + k))
				ok = 0;
		a = r->gs[g];
		b = r->gs[g + 3] + r->gl[g + 3];
		if (!ok) {
			if (g + 4 < r->ng && r->sep[g + 4] == '.')
				continue;
			return;
		}
		if (a > 0 && (IS_ALPHA(ds->t[a - 1]) || ds->t[a - 1] == '.'))
			continue;
		if (b < ds->n && IS_ALPHA(ds->t[b]))
			continue;
		det_add(ds, PHI_T_IP_ADDRESS, PHI_CONF_MEDIUM, a, b - a, "ipv4");
		return;
	}
}

/* Parse an IPv4 dotted quad at [a, b) exactly. */
static int ip4_exact(const unsigned char *t, size_t a, size_t b)
{
	int parts = 0, v = -1;
	size_t i, digits = 0;

	for (i = a; i < b; i++) {
		if (IS_DIGIT(t[i])) {
			v = (v < 0 ? 0 : v) * 10 + (t[i] - '0');
			if (++digits > 3 || v > 255)
				return 0;
		} else if (t[i] == '.') {
			if (v < 0)
				return 0;
			parts++;
			v = -1;
			digits = 0;
		} else {
			return 0;
		}
	}
	return v >= 0 && parts == 3;
}

/* Parse IPv6 at [a, b); 1 when valid. */
static int ip6_valid(const unsigned char *t, size_t a, size_t b)
{
	size_t i = a, groups = 0;
	int dbl = 0;

	if (b - a < 2)
		return 0;
	if (t[i] == ':') {
		if (i + 1 >= b || t[i + 1] != ':')
			return 0;
		dbl = 1;
		i += 2;
		if (i == b)
			return 0; /* "::" alone */
	}
	while (i < b) {
		size_t s = i, hx = 0;
		while (i < b && IS_HEX(t[i]) && hx < 5) {
			i++;
			hx++;
		}
		if (i < b && t[i] == '.') { /* IPv4 tail */
			size_t e = s;
			while (e < b && (IS_DIGIT(t[e]) || t[e] == '.'))
				e++;
			if (e != b || !ip4_exact(t, s, b))
				return 0;
			groups += 2;
			break;
		}
		if (hx == 0 || hx > 4)
			return 0;
		groups++;
		if (i == b)
			break;
		if (t[i] != ':')
			return 0;
		i++;
		if (i < b && t[i] == ':') {
			if (dbl)
				return 0;
			dbl = 1;
			i++;
			if (i == b)
				break;
		} else if (i == b) {
			return 0;
		}
	}
	if (groups > 8)
		return 0;
	return dbl ? groups <= 7 : groups == 8;
}

void d_ip6_at(struct det_seg *ds, size_t colon, size_t *resume)
{
	const unsigned char *t = ds->t;
	size_t n = ds->n, a = colon, b = colon, e;
	int colons = 0;
	size_t k;

	while (a > 0 && colon - a < 40 && (IS_HEX(t[a - 1]) || t[a - 1] == ':'))
		a--;
	while (b < n && b - colon < 50 && (IS_HEX(t[b]) || t[b] == ':' || t[b] == '.'))
		b++;
	*resume = b > colon ? b : colon + 1;
	/* b > a + 2, not b - 2 > a: with b == 1 that wrapped and read t[-1] */
	while (b > a && (t[b - 1] == '.' || (t[b - 1] == ':' && !(b > a + 2 && t[b - 2] == ':'))))
		b--;
	if (b < n && (IS_ALNUM(t[b]) || t[b] == '_'))
		return; /* "fe80::1text", "std::cout" */
	for (k = a; k < b; k++)
		if (t[k] == ':')
			colons++;
	if (colons < 2)
		return;
	/* "ab::cd" inside a word of letters ("std::cout") is no address: need a digit or '::' at an end */
	e = b;
	if (!ip6_valid(t, a, e)) {
		/* a zone or prefix glued on the left ("foo2001:db8::1"): try from later starts */
		size_t s;
		for (s = a + 1; s < colon; s++)
			if (ip6_valid(t, s, e)) {
				a = s;
				break;
			}
		if (s >= colon)
			return;
	}
	{
		int digit = 0;
		for (k = a; k < e; k++)
			if (IS_DIGIT(t[k]))
				digit = 1;
		if (!digit)
			return;
	}
	det_add(ds, PHI_T_IP_ADDRESS, PHI_CONF_MEDIUM, a, e - a, "ipv6");
}
