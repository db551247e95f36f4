/*
 * dest.c - which kind of place a recipient is: internal, partner, external,
 * social or chat (see dest.h for the matching rules).
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>
#include "dest.h"

const char *dest_class_name(enum dest_class d)
{
	switch (d) {
	case DEST_INTERNAL: return "internal";
	case DEST_PARTNER: return "partner";
	case DEST_SOCIAL: return "social";
	case DEST_CHAT: return "chat";
	default: return "external";
	}
}

int dest_domain(const char *addr, char *out, size_t outlen)
{
	const char *s = addr, *e, *at;
	size_t n, i;

	if (!outlen)
		return -1;
	out[0] = 0;
	while (*s == ' ' || *s == '\t' || *s == '<')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '>'))
		e--;
	at = NULL;
	for (const char *q = s; q < e; q++)
		if (*q == '@')
			at = q;
	if (!at)
		return 1;
	s = at + 1;
	while (e > s && e[-1] == '.')
		e--;
	n = (size_t)(e - s);
	if (n == 0 || n >= outlen)
		return -1;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (!isalnum(c) && c != '-' && c != '.' && c != '_' && c != '[' && c != ']' && c != ':') {
			out[0] = 0;
			return -1;
		}
		out[i] = (char)tolower(c);
	}
	out[n] = 0;
	return 0;
}

int dest_domain_matches(const char *domain, const char *entry)
{
	size_t dl = strlen(domain), el = strlen(entry);

	if (el == 0 || el > dl)
		return 0;
	if (strcasecmp(domain + (dl - el), entry) != 0)
		return 0;
	return dl == el || domain[dl - el - 1] == '.';
}

/* Longest entry of `l` matching `domain`, or 0. */
static size_t best_match(const struct conf_list *l, const char *domain)
{
	size_t i, best = 0;

	for (i = 0; i < l->n; i++)
		if (dest_domain_matches(domain, l->v[i]) && strlen(l->v[i]) > best)
			best = strlen(l->v[i]);
	return best;
}

enum dest_class dest_classify(const struct conf *c, const char *addr)
{
	/* Stricter classes later so that ">=" lets them win ties. */
	static const enum dest_class order[] = { DEST_INTERNAL, DEST_PARTNER, DEST_SOCIAL, DEST_CHAT };
	const struct conf_list *lists[4];
	char domain[256];
	enum dest_class cls = DEST_EXTERNAL;
	size_t best = 0, i, m;
	int rc = dest_domain(addr, domain, sizeof domain);

	if (rc == 1)
		return DEST_INTERNAL;
	if (rc != 0)
		return DEST_EXTERNAL;
	lists[0] = &c->internal_domains;
	lists[1] = &c->partner_domains;
	lists[2] = &c->social_domains;
	lists[3] = &c->chat_domains;
	for (i = 0; i < 4; i++) {
		m = best_match(lists[i], domain);
		if (m && m >= best) {
			best = m;
			cls = order[i];
		}
	}
	return cls;
}
