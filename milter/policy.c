/*
 * policy.c - the rule matcher: first matching rule per recipient, and the
 * fallbacks when the installation cannot do what a rule asks (see
 * policy.h; the parser is policy_parse.c, the shipped rules policy.rules).
 *
 * Why a redirect falls back to `block` and a quarantine to reject: a rule
 * written for a site with a portal must never let PHI out in the clear on
 * a site without one; refusing is the one outcome that is always possible.
 */
#include <string.h>
#include <strings.h>
#include "policy.h"

const char *policy_action_name(enum policy_action a)
{
	switch (a) {
	case POLICY_TAG: return "tag";
	case POLICY_REDIRECT: return "redirect";
	case POLICY_QUARANTINE: return "quarantine";
	case POLICY_REJECT: return "reject";
	default: return "accept";
	}
}

enum policy_reason policy_reason_of(const struct policy_facts *f)
{
	if (f->verdict == PHI_VERDICT_PHI)
		return POLICY_R_PHI;
	if (f->verdict == PHI_VERDICT_PII)
		return POLICY_R_PII;
	return f->unscannable_limit ? POLICY_R_UNSCANNED : POLICY_R_CLEAN;
}

static unsigned verdict_bit(const struct policy_facts *f)
{
	switch (policy_reason_of(f)) {
	case POLICY_R_PHI: return POLICY_V_PHI;
	case POLICY_R_PII: return POLICY_V_PII;
	case POLICY_R_UNSCANNED: return POLICY_V_UNSCANNED;
	default: return POLICY_V_CLEAN;
	}
}

/* "<User@Example.ORG>" -> "user@example.org" (cut to fit). */
static void bare_lower(const char *a, char *out, size_t len)
{
	size_t o = 0;

	while (*a == ' ' || *a == '<')
		a++;
	for (; *a && *a != '>' && o + 1 < len; a++)
		out[o++] = (char)(*a >= 'A' && *a <= 'Z' ? *a + 32 : *a);
	while (o > 0 && out[o - 1] == '.')
		o--; /* a trailing dot of the domain */
	out[o] = 0;
}

int policy_addrs_match(const struct policy_addrs *l, const char *addr)
{
	char a[600], dom[300];
	size_t i;
	int have_dom;

	if (!l->n || !addr)
		return 0;
	bare_lower(addr, a, sizeof a);
	if (!a[0])
		return 0; /* the null sender matches no entry */
	have_dom = dest_domain(a, dom, sizeof dom) == 0;
	for (i = 0; i < l->n; i++) {
		const char *e = l->v[i];

		if (strchr(e, '@')) {
			if (strcmp(a, e) == 0)
				return 1;
		} else if (have_dom && dest_domain_matches(dom, e))
			return 1;
	}
	return 0;
}

static int subject_has(const struct policy_addrs *words, const char *subject)
{
	size_t i;

	if (!subject)
		return 0;
	for (i = 0; i < words->n; i++)
		if (words->v[i][0] && strcasestr(subject, words->v[i]))
			return 1;
	return 0;
}

/* Is some finding (of `types`, or of any real type when 0) at least `min` sure? */
static int confident(const struct policy_facts *f, unsigned long long types, int min)
{
	int t;

	for (t = 0; t < PHI_T__COUNT; t++) {
		if (types ? !(types & (1ull << t)) : t == PHI_T_UNSCANNABLE)
			continue;
		if (f->max_conf[t] >= min)
			return 1;
	}
	return 0;
}

static int tri_ok(enum policy_tri want, int have)
{
	return want == POLICY_ANY || (want == POLICY_YES) == (have != 0);
}

static int rule_matches(const struct policy_rule *r, const struct policy_facts *f, enum dest_class dest,
                        const char *addr)
{
	if (r->dest_mask && !(r->dest_mask & (1u << dest)))
		return 0;
	if (r->verdict_mask && !(r->verdict_mask & verdict_bit(f)))
		return 0;
	if (!tri_ok(r->unscannable, f->unscannable_limit || f->unscannable_other))
		return 0;
	if (r->types_any && !(f->types & r->types_any))
		return 0;
	if (r->types_all && (f->types & r->types_all) != r->types_all)
		return 0;
	if (r->min_confidence && !confident(f, r->types_any, r->min_confidence))
		return 0;
	if (r->senders.n && !policy_addrs_match(&r->senders, f->sender))
		return 0;
	if (r->recipients.n && !policy_addrs_match(&r->recipients, addr))
		return 0;
	if (r->subject_words.n && !subject_has(&r->subject_words, f->subject))
		return 0;
	if (r->attach_mask && !(r->attach_mask & f->attach))
		return 0;
	return tri_ok(r->secure, f->secure);
}

/* What the rule's action becomes on this installation. */
static enum policy_action effective(const struct policy_rule *r, const struct policy_facts *f)
{
	enum policy_action blocked = f->blocked_quarantine && f->store ? POLICY_QUARANTINE : POLICY_REJECT;
	enum policy_action a = r->block ? blocked : r->action;

	if (a == POLICY_REDIRECT && !f->portal)
		a = blocked;
	if (a == POLICY_QUARANTINE && !f->store)
		a = POLICY_REJECT;
	return a;
}

void policy_eval(const struct policy *p, const struct policy_facts *f, enum dest_class dest,
                 const char *addr, struct policy_decision *out)
{
	size_t i;
	int monitor = f->mode == CONF_MODE_MONITOR;

	memset(out, 0, sizeof *out);
	out->reason = policy_reason_of(f);
	out->rule_name = "none";
	out->description = "No rule of the policy matched";
	out->action = out->would = POLICY_ACCEPT;
	if (dest >= DEST__COUNT)
		dest = DEST_EXTERNAL;
	for (i = 0; p && i < p->n; i++) {
		const struct policy_rule *r = &p->rule[i];

		if (!rule_matches(r, f, dest, addr))
			continue;
		out->rule = r;
		out->rule_name = r->name;
		out->description = r->description ? r->description : r->name;
		out->would = effective(r, f);
		out->action = out->would;
		if ((monitor || r->monitor) && out->action > POLICY_TAG)
			out->action = POLICY_TAG; /* trial: report, tag at most */
		return;
	}
}
