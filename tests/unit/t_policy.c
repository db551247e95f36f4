/*
 * t_policy.c - the matcher (policy.c): the built-in rules reproduce every
 * cell of the CONTRACTS.md default table, the unscannable rule and monitor
 * mode; then each condition, first match wins, per-rule monitor and the
 * fallbacks, on rules built here.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tap.h"
#include "policy.h"

static const char *vname[] = { "clean", "pii", "phi" };

/* want[dest][verdict] in enforce mode, no portal */
static const enum policy_action table[DEST__COUNT][3] = {
	[DEST_INTERNAL] = { POLICY_ACCEPT, POLICY_TAG, POLICY_TAG },
	[DEST_PARTNER] = { POLICY_ACCEPT, POLICY_TAG, POLICY_TAG },
	[DEST_EXTERNAL] = { POLICY_ACCEPT, POLICY_REJECT, POLICY_REJECT },
	[DEST_SOCIAL] = { POLICY_ACCEPT, POLICY_REJECT, POLICY_REJECT },
	[DEST_CHAT] = { POLICY_ACCEPT, POLICY_REJECT, POLICY_REJECT },
};

static struct policy *builtin;

static void facts(struct policy_facts *f, enum phi_verdict v, int ulimit, int uother, enum conf_mode mode,
                  int portal)
{
	memset(f, 0, sizeof *f);
	f->verdict = v;
	f->unscannable_limit = ulimit;
	f->unscannable_other = uother;
	f->mode = mode;
	f->portal = portal;
	f->store = portal;
}

static void decide(enum dest_class d, enum phi_verdict v, int ulimit, int uother, enum conf_mode mode,
                   int portal, struct policy_decision *out)
{
	struct policy_facts f;

	facts(&f, v, ulimit, uother, mode, portal);
	policy_eval(builtin, &f, d, "someone@example.net", out);
}

static void default_table(void)
{
	struct policy_decision pd;
	struct policy_facts f;
	char name[160];
	int d, v;

	for (d = 0; d < DEST__COUNT; d++)
		for (v = 0; v < 3; v++) {
			const char *dn = dest_class_name((enum dest_class)d);

			decide((enum dest_class)d, (enum phi_verdict)v, 0, 0, CONF_MODE_ENFORCE, 0, &pd);
			snprintf(name, sizeof name, "enforce %s x %s -> %s", dn, vname[v], policy_action_name(table[d][v]));
			T_EQ_STR(policy_action_name(pd.action), policy_action_name(table[d][v]), name);
			snprintf(name, sizeof name, "enforce %s x %s: would equals action", dn, vname[v]);
			T_EQ_INT(pd.would, pd.action, name);
			snprintf(name, sizeof name, "%s x %s: a rule named for its class, with a description", dn, vname[v]);
			T_OK(pd.rule && pd.description && strstr(pd.rule_name, dn), name);
			decide((enum dest_class)d, (enum phi_verdict)v, 0, 0, CONF_MODE_MONITOR, 0, &pd);
			snprintf(name, sizeof name, "monitor %s x %s never blocks", dn, vname[v]);
			T_OK(pd.action <= POLICY_TAG && pd.would == table[d][v], name);
		}

	decide(DEST_EXTERNAL, PHI_VERDICT_PHI, 0, 0, CONF_MODE_ENFORCE, 1, &pd);
	T_EQ_STR(policy_action_name(pd.action), "redirect", "external phi with a portal -> redirect");
	decide(DEST_EXTERNAL, PHI_VERDICT_PII, 0, 0, CONF_MODE_ENFORCE, 1, &pd);
	T_EQ_STR(policy_action_name(pd.action), "reject", "external pii with a portal -> reject");
	decide(DEST_SOCIAL, PHI_VERDICT_PHI, 0, 0, CONF_MODE_ENFORCE, 1, &pd);
	T_EQ_STR(policy_action_name(pd.action), "reject", "social phi with a portal -> reject");
	decide(DEST_INTERNAL, PHI_VERDICT_PHI, 0, 0, CONF_MODE_ENFORCE, 1, &pd);
	T_EQ_STR(policy_action_name(pd.action), "tag", "internal phi with a portal -> tag");
	decide(DEST_EXTERNAL, PHI_VERDICT_PHI, 0, 0, CONF_MODE_MONITOR, 1, &pd);
	T_OK(pd.action == POLICY_TAG && pd.would == POLICY_REDIRECT, "monitor: redirect becomes tag");

	for (d = 0; d < DEST__COUNT; d++) {
		int inside = d == DEST_INTERNAL || d == DEST_PARTNER;
		const char *dn = dest_class_name((enum dest_class)d);

		decide((enum dest_class)d, PHI_VERDICT_CLEAN, 1, 0, CONF_MODE_ENFORCE, 0, &pd);
		snprintf(name, sizeof name, "clean but unscannable by limit to %s -> %s", dn, inside ? "tag" : "reject");
		T_EQ_STR(policy_action_name(pd.action), inside ? "tag" : "reject", name);
		snprintf(name, sizeof name, "unscannable to %s: reason unscanned", dn);
		T_EQ_INT(pd.reason, POLICY_R_UNSCANNED, name);
		decide((enum dest_class)d, PHI_VERDICT_CLEAN, 0, 1, CONF_MODE_ENFORCE, 0, &pd);
		snprintf(name, sizeof name, "clean, unscannable for another reason, to %s -> %s", dn,
		         inside ? "tag" : "accept");
		T_EQ_STR(policy_action_name(pd.action), inside ? "tag" : "accept", name);
	}
	decide(DEST_EXTERNAL, PHI_VERDICT_CLEAN, 1, 0, CONF_MODE_ENFORCE, 1, &pd);
	T_EQ_STR(policy_action_name(pd.action), "reject", "unscannable external is rejected even with a portal");
	decide(DEST_EXTERNAL, PHI_VERDICT_PHI, 1, 0, CONF_MODE_ENFORCE, 0, &pd);
	T_EQ_INT(pd.reason, POLICY_R_PHI, "phi plus unscannable: reason is phi");
	decide(DEST_SOCIAL, PHI_VERDICT_CLEAN, 1, 0, CONF_MODE_MONITOR, 0, &pd);
	T_OK(pd.action == POLICY_TAG && pd.would == POLICY_REJECT, "monitor: unscannable social tags, would reject");

	/* The sender's secure keyword: external mail through the portal whatever the verdict. */
	facts(&f, PHI_VERDICT_CLEAN, 0, 0, CONF_MODE_ENFORCE, 1);
	f.secure = 1;
	policy_eval(builtin, &f, DEST_EXTERNAL, "a@example.net", &pd);
	T_OK(pd.action == POLICY_REDIRECT && strcmp(pd.rule_name, "sender.secure_keyword") == 0,
	     "secure keyword: clean external mail is redirected by sender.secure_keyword");
	policy_eval(builtin, &f, DEST_INTERNAL, "a@example.org", &pd);
	T_EQ_STR(policy_action_name(pd.action), "accept", "secure keyword: internal mail is not redirected");
	f.verdict = PHI_VERDICT_PII;
	policy_eval(builtin, &f, DEST_EXTERNAL, "a@example.net", &pd);
	T_EQ_STR(policy_action_name(pd.action), "redirect", "secure keyword: external pii is redirected, not rejected");

	/* blocked_action = quarantine turns the reject rows into quarantine, with a store only. */
	facts(&f, PHI_VERDICT_PII, 0, 0, CONF_MODE_ENFORCE, 0);
	f.blocked_quarantine = 1;
	policy_eval(builtin, &f, DEST_EXTERNAL, "a@example.net", &pd);
	T_EQ_STR(policy_action_name(pd.action), "reject", "blocked_action quarantine without a store -> reject");
	f.store = 1;
	policy_eval(builtin, &f, DEST_EXTERNAL, "a@example.net", &pd);
	T_EQ_STR(policy_action_name(pd.action), "quarantine", "blocked_action quarantine with a store -> quarantine");
	f.verdict = PHI_VERDICT_PHI;
	policy_eval(builtin, &f, DEST_EXTERNAL, "a@example.net", &pd);
	T_EQ_STR(policy_action_name(pd.action), "quarantine", "external phi, no portal, blocked quarantine -> quarantine");
}

/* ---- rules built here --------------------------------------------------- */

static char *dup(const char *s)
{
	char *p = malloc(strlen(s) + 1);

	if (p)
		strcpy(p, s);
	return p;
}

static void addrs(struct policy_addrs *l, const char *a, const char *b)
{
	l->v = calloc(2, sizeof *l->v);
	l->v[l->n++] = dup(a);
	if (b)
		l->v[l->n++] = dup(b);
}

static struct policy_rule *rule(struct policy *p, const char *name, enum policy_action a)
{
	struct policy_rule *r = &p->rule[p->n++];

	memset(r, 0, sizeof *r);
	snprintf(r->name, sizeof r->name, "%s", name);
	r->description = dup(name);
	r->action = a;
	return r;
}

static void free_addrs(struct policy_addrs *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
}

static void free_built(struct policy *p)
{
	size_t i;

	for (i = 0; i < p->n; i++) {
		free(p->rule[i].description);
		free_addrs(&p->rule[i].senders);
		free_addrs(&p->rule[i].recipients);
		free_addrs(&p->rule[i].subject_words);
	}
	free(p->rule);
}

static const char *eval(const struct policy *p, const struct policy_facts *f, enum dest_class d,
                        const char *addr, struct policy_decision *pd)
{
	policy_eval(p, f, d, addr, pd);
	return pd->rule_name;
}

static void conditions(void)
{
	struct policy p = { 0 };
	struct policy_rule *r;
	struct policy_facts f;
	struct policy_decision pd;

	p.rule = calloc(16, sizeof *p.rule);
	r = rule(&p, "img.social", POLICY_REJECT);
	r->dest_mask = 1u << DEST_SOCIAL;
	r->attach_mask = POLICY_A_IMAGE;
	r = rule(&p, "research.trial", POLICY_QUARANTINE);
	addrs(&r->senders, "research.example.org", "pi@example.org");
	r->dest_mask = 1u << DEST_PARTNER;
	r->monitor = 1;
	r = rule(&p, "ssn.sure", POLICY_REJECT);
	r->types_any = 1ull << PHI_T_US_SSN;
	r->min_confidence = PHI_CONF_HIGH;
	r = rule(&p, "both", POLICY_TAG);
	r->types_all = (1ull << PHI_T_MRN) | (1ull << PHI_T_DATE_OF_BIRTH);
	r = rule(&p, "subject", POLICY_REDIRECT);
	addrs(&r->subject_words, "Lab results", NULL);
	r = rule(&p, "vip", POLICY_REJECT);
	addrs(&r->recipients, "ceo@partner.example", NULL);
	r = rule(&p, "unscannable", POLICY_TAG);
	r->unscannable = POLICY_YES;
	r = rule(&p, "pii-chat", POLICY_REJECT);
	r->verdict_mask = POLICY_V_PII | POLICY_V_PHI;
	r->dest_mask = 1u << DEST_CHAT;
	r->block = 1;

	facts(&f, PHI_VERDICT_CLEAN, 0, 0, CONF_MODE_ENFORCE, 0);
	T_EQ_STR(eval(&p, &f, DEST_SOCIAL, "x@facebookmail.com", &pd), "none", "nothing matches: no rule");
	T_EQ_STR(policy_action_name(pd.action), "accept", "no rule: accept");
	T_OK(pd.rule == NULL && pd.description[0], "no rule: NULL rule, a description still");

	f.attach = POLICY_A_PDF;
	T_EQ_STR(eval(&p, &f, DEST_SOCIAL, "x@facebookmail.com", &pd), "none", "a pdf is not an image");
	f.attach = POLICY_A_PDF | POLICY_A_IMAGE;
	T_EQ_STR(eval(&p, &f, DEST_SOCIAL, "x@facebookmail.com", &pd), "img.social", "an image to social matches");
	T_EQ_STR(policy_action_name(pd.action), "reject", "an image to social: clean message rejected");
	T_EQ_STR(eval(&p, &f, DEST_EXTERNAL, "x@example.net", &pd), "none", "an image outside social: other dest");
	f.attach = 0;

	f.sender = "<PI@Example.ORG>";
	T_EQ_STR(eval(&p, &f, DEST_PARTNER, "a@partner.example", &pd), "research.trial", "sender address, any case");
	T_OK(pd.action == POLICY_TAG && pd.would == POLICY_REJECT,
	     "per-rule monitor: tags, would quarantine (no store: reject)");
	f.store = 1;
	eval(&p, &f, DEST_PARTNER, "a@partner.example", &pd);
	T_OK(pd.action == POLICY_TAG && pd.would == POLICY_QUARANTINE, "per-rule monitor with a store: would quarantine");
	f.sender = "lab@labs.research.example.org";
	T_EQ_STR(eval(&p, &f, DEST_PARTNER, "a@partner.example", &pd), "research.trial", "sender subdomain of an entry");
	f.sender = "lab@research.example.org.evil.example";
	T_EQ_STR(eval(&p, &f, DEST_PARTNER, "a@partner.example", &pd), "none", "a look-alike domain does not match");
	f.sender = "<>";
	T_EQ_STR(eval(&p, &f, DEST_PARTNER, "a@partner.example", &pd), "none", "the null sender matches no entry");
	f.sender = NULL;

	f.types = 1ull << PHI_T_US_SSN;
	f.max_conf[PHI_T_US_SSN] = PHI_CONF_MEDIUM;
	T_EQ_STR(eval(&p, &f, DEST_INTERNAL, "a@example.org", &pd), "none", "min_confidence high: medium ssn no");
	f.max_conf[PHI_T_US_SSN] = PHI_CONF_HIGH;
	T_EQ_STR(eval(&p, &f, DEST_INTERNAL, "a@example.org", &pd), "ssn.sure", "min_confidence high: high ssn yes");
	f.types = 1ull << PHI_T_MRN;
	f.max_conf[PHI_T_MRN] = PHI_CONF_HIGH;
	T_EQ_STR(eval(&p, &f, DEST_INTERNAL, "a@example.org", &pd), "none", "all_types: mrn alone is not enough");
	f.types |= 1ull << PHI_T_DATE_OF_BIRTH;
	T_EQ_STR(eval(&p, &f, DEST_INTERNAL, "a@example.org", &pd), "both", "all_types: mrn and dob");
	f.types = 0;

	f.subject = "Re: LAB RESULTS for Monday";
	T_EQ_STR(eval(&p, &f, DEST_EXTERNAL, "a@example.net", &pd), "subject", "subject word, any case");
	T_EQ_STR(policy_action_name(pd.action), "reject", "redirect without a portal falls back to block: reject");
	f.portal = 1;
	eval(&p, &f, DEST_EXTERNAL, "a@example.net", &pd);
	T_EQ_STR(policy_action_name(pd.action), "redirect", "redirect with a portal");
	f.portal = 0;
	f.blocked_quarantine = 1;
	eval(&p, &f, DEST_EXTERNAL, "a@example.net", &pd);
	T_EQ_STR(policy_action_name(pd.action), "quarantine", "redirect without a portal, blocked quarantine: quarantine");
	f.blocked_quarantine = 0;
	f.subject = NULL;

	T_EQ_STR(eval(&p, &f, DEST_PARTNER, "<CEO@partner.example>", &pd), "vip", "recipient address matches");
	T_EQ_STR(eval(&p, &f, DEST_PARTNER, "cfo@partner.example", &pd), "none", "another recipient does not");

	f.unscannable_other = 1;
	T_EQ_STR(eval(&p, &f, DEST_PARTNER, "cfo@partner.example", &pd), "unscannable", "unscannable = yes");
	f.unscannable_other = 0;

	f.verdict = PHI_VERDICT_PII;
	T_EQ_STR(eval(&p, &f, DEST_CHAT, "x@chat.example", &pd), "pii-chat", "verdict list and dest");
	T_EQ_STR(policy_action_name(pd.action), "reject", "block with blocked_action reject: reject");
	f.blocked_quarantine = 1;
	eval(&p, &f, DEST_CHAT, "x@chat.example", &pd);
	T_EQ_STR(policy_action_name(pd.action), "quarantine", "block with blocked quarantine and a store");
	f.store = 0;
	eval(&p, &f, DEST_CHAT, "x@chat.example", &pd);
	T_EQ_STR(policy_action_name(pd.action), "reject", "block without a store: reject");
	f.mode = CONF_MODE_MONITOR;
	eval(&p, &f, DEST_CHAT, "x@chat.example", &pd);
	T_OK(pd.action == POLICY_TAG && pd.would == POLICY_REJECT, "global monitor: tag, would reject");
	f.mode = CONF_MODE_ENFORCE;
	f.verdict = PHI_VERDICT_CLEAN;
	f.unscannable_limit = 1;
	T_EQ_STR(eval(&p, &f, DEST_CHAT, "x@chat.example", &pd), "unscannable", "clean+limit is not verdict pii");
	f.unscannable_limit = 0;

	/* First match wins: the same facts matched by two rules go to the first. */
	f.attach = POLICY_A_IMAGE;
	f.verdict = PHI_VERDICT_PII;
	T_EQ_STR(eval(&p, &f, DEST_CHAT, "x@chat.example", &pd), "pii-chat", "second rule when the first does not match");
	f.attach = POLICY_A_IMAGE;
	T_EQ_STR(eval(&p, &f, DEST_SOCIAL, "x@social.example", &pd), "img.social", "first of two matching rules wins");

	T_OK(policy_reason_of(&f) == POLICY_R_PII, "reason of pii facts");
	free_built(&p);
}

int main(void)
{
	builtin = policy_parse(policy_default_text, strlen(policy_default_text), "built-in", ".", stderr);
	T_OK(builtin != NULL, "the built-in rules parse");
	if (builtin)
		default_table();
	conditions();
	T_OK(POLICY_ACCEPT < POLICY_TAG && POLICY_TAG < POLICY_REDIRECT && POLICY_REDIRECT < POLICY_QUARANTINE &&
	     POLICY_QUARANTINE < POLICY_REJECT,
	     "actions ordered by severity");
	policy_free(builtin);
	return tap_done();
}
