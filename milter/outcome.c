/*
 * outcome.c - the per-recipient plan (see outcome.h for the rules).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "outcome.h"
#include "dest.h"

void outcome_free(struct outcome_plan *p)
{
	free(p->what);
	free(p->keep);
	p->what = NULL;
	p->keep = NULL;
	p->n = 0;
}

int outcome_reject_notice(const struct conf *c, const struct mctx *m, enum policy_tri notify_sender)
{
	if (!m->sender || !m->sender[0] || strcmp(m->sender, "<>") == 0 || notify_sender == POLICY_NO)
		return 0;
	if (notify_sender == POLICY_YES || c->sender_notice == CONF_SN_ALL)
		return 1;
	return c->sender_notice == CONF_SN_INTERNAL && dest_classify(c, m->sender) == DEST_INTERNAL;
}

static enum reply_outcome outcome_of(enum policy_action a, int hold)
{
	switch (a) {
	case POLICY_ACCEPT: return hold ? REPLY_O_HELD : REPLY_O_DELIVERED;
	case POLICY_TAG: return hold ? REPLY_O_HELD : REPLY_O_TAGGED;
	case POLICY_REDIRECT: return REPLY_O_PORTAL;
	case POLICY_QUARANTINE: return REPLY_O_QUARANTINED;
	default: return REPLY_O_REFUSED;
	}
}

/* Whole-message answers when recipients cannot be handled one by one:
 * none at all (judged by d->action), or more than were stored. */
static void whole(const struct conf *c, const struct mctx *m, const struct decide_result *d,
                  struct outcome_plan *p)
{
	size_t i;

	if (d->action <= POLICY_TAG) {
		p->tag = d->action == POLICY_TAG;
		p->subject_prefix = p->tag && d->tag_subject && *d->tag_subject;
		for (i = 0; i < p->n; i++) {
			p->keep[i] = 1;
			p->what[i] = outcome_of(d->rcpt && i < d->nrcpt ? d->rcpt[i].pd.action : d->action, 0);
		}
	} else {
		/* refused for all: nothing partial can be done safely */
		p->answer = OUTCOME_REJECT;
		p->notify_sender = outcome_reject_notice(c, m, d->notify_sender);
		for (i = 0; i < p->n; i++)
			p->what[i] = REPLY_O_REFUSED;
	}
}

int outcome_plan(const struct conf *c, const struct mctx *m, const struct decide_result *d,
                 struct outcome_plan *p)
{
	size_t i, n = m->nrcpt, kept = 0;
	unsigned nblocked = 0, kinds = 0, seen[4] = { 0 };

	memset(p, 0, sizeof *p);
	p->inplace = (size_t)-1;
	p->n = n;
	p->what = calloc(n ? n : 1, sizeof *p->what);
	p->keep = calloc(n ? n : 1, 1);
	if (!p->what || !p->keep) {
		outcome_free(p);
		return -1;
	}
	p->notify_officer = d->notify_officer && c->privacy_officer && c->privacy_officer[0];
	if (!n || !d->rcpt || d->nrcpt < n || (m->rcpt_dropped && d->action > POLICY_TAG)) {
		whole(c, m, d, p);
		goto count;
	}
	for (i = 0; i < n; i++) {
		enum policy_action a = d->rcpt[i].pd.action;

		p->nact[a < POLICY__COUNT ? a : POLICY_REJECT]++;
		if (a == POLICY_QUARANTINE && c->quarantine_method == CONF_QM_MTA_HOLD)
			p->hold = 1;
	}
	if (p->nact[POLICY_REJECT] == n) {
		p->answer = OUTCOME_REJECT;
		p->notify_sender = outcome_reject_notice(c, m, d->notify_sender);
		for (i = 0; i < n; i++)
			p->what[i] = REPLY_O_REFUSED;
		goto count;
	}
	p->store_quarantine = p->nact[POLICY_QUARANTINE] && !p->hold;
	p->store_redirect = p->nact[POLICY_REDIRECT] > 0;
	for (i = 0; i < n; i++) {
		enum policy_action a = d->rcpt[i].pd.action;

		/* under mta-hold the quarantined recipients stay: the MTA holds them */
		p->keep[i] = a <= POLICY_TAG || (a == POLICY_QUARANTINE && p->hold);
		p->what[i] = outcome_of(a, p->hold);
		if (p->keep[i])
			kept++;
		if (a == POLICY_TAG && p->keep[i])
			p->tag = 1;
		/* kinds of outcome the sender would see: delivered, portal, held, refused */
		seen[a <= POLICY_TAG ? 0 : a == POLICY_REDIRECT ? 1 : a == POLICY_QUARANTINE ? 2 : 3] = 1;
		if (a > POLICY_TAG && a != POLICY_REDIRECT)
			nblocked++;
	}
	if (!kept) {
		if (p->nact[POLICY_REDIRECT]) {
			for (i = 0; i < n && d->rcpt[i].pd.action != POLICY_REDIRECT; i++)
				;
			p->inplace = i; /* this one's copy becomes its notice */
			p->keep[i] = 1;
		} else {
			p->answer = OUTCOME_DISCARD; /* only quarantined (stored) and refused */
		}
	}
	/* A held message is tagged for whoever releases it. */
	if (p->hold)
		p->tag = 1;
	p->subject_prefix = p->tag && d->tag_subject && *d->tag_subject && p->inplace == (size_t)-1;
	for (i = 0; i < 4; i++)
		kinds += seen[i];
	p->mixed = kinds > 1;
	/* The sender hears whenever some recipients were treated differently,
	 * except when the only difference is the portal the sender asked for
	 * with the secure keyword; a rule's notify_sender = no is the admin's
	 * word and wins. A whole quarantine or redirect is told only when a
	 * rule says notify_sender = yes (the reply was 250: nothing else tells). */
	if (d->notify_sender == POLICY_NO)
		p->notify_sender = 0;
	else if (p->mixed)
		p->notify_sender = nblocked > 0 || !d->secure;
	else
		p->notify_sender = d->notify_sender == POLICY_YES && (nblocked > 0 || p->nact[POLICY_REDIRECT]);
	if (!m->sender || !m->sender[0] || strcmp(m->sender, "<>") == 0)
		p->notify_sender = 0;
count:
	for (i = 0; i < n; i++)
		p->count[p->what[i]]++;
	if (p->answer == OUTCOME_REJECT || !d->rcpt || d->nrcpt < n) {
		memset(p->nact, 0, sizeof p->nact);
		p->nact[p->answer == OUTCOME_REJECT ? POLICY_REJECT : d->action] = (unsigned)n;
	}
	return 0;
}

void outcome_counts(const struct outcome_plan *p, char *buf, size_t len)
{
	size_t used = 0;
	int a;

	if (!len)
		return;
	buf[0] = 0;
	for (a = 0; a < POLICY__COUNT; a++) {
		int w;

		if (!p->nact[a])
			continue;
		w = snprintf(buf + used, len - used, "%s%s:%u", used ? "," : "",
		             policy_action_name((enum policy_action)a), p->nact[a]);
		if (w < 0 || (size_t)w >= len - used) {
			buf[used] = 0;
			break;
		}
		used += (size_t)w;
	}
	if (!used)
		snprintf(buf, len, "-");
}
