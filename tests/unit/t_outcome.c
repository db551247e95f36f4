/*
 * t_outcome.c - the per-recipient plan (milter/outcome.c): who keeps the
 * original, who is removed, what is stored, which notices go out, and the
 * answer, for every mix of accept / tag / redirect / quarantine / reject.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tap.h"
#include "outcome.h"

static char s_internal[] = "example.org";
static char *internal_v[] = { s_internal };
static char officer[] = "privacy@example.org", empty[] = "";
static char sender_in[] = "<alice@example.org>", sender_out[] = "<eve@outside.example>", null_sender[] = "<>";
static char r0[] = "<carol@example.org>", r1[] = "<bob@outside.example>", r2[] = "<fans@social.example>",
            r3[] = "<lab@partner.example>";
static char *rcpts[] = { r0, r1, r2, r3 };

static struct conf c;
static struct mctx m;
static struct decide_result d;
static struct decide_rcpt dr[4];

/* A message to n recipients with these applied actions. */
static void setup(size_t n, const enum policy_action *a)
{
	size_t i;

	memset(&m, 0, sizeof m);
	memset(&d, 0, sizeof d);
	memset(dr, 0, sizeof dr);
	m.conf = &c;
	m.sender = sender_in;
	m.rcpts = rcpts;
	m.nrcpt = n;
	d.rcpt = dr;
	d.nrcpt = n;
	d.action = POLICY_ACCEPT;
	for (i = 0; i < n; i++) {
		dr[i].dest = i == 0 ? DEST_INTERNAL : i == 1 ? DEST_EXTERNAL : i == 2 ? DEST_SOCIAL : DEST_PARTNER;
		dr[i].pd.action = a[i];
		dr[i].pd.rule_name = "r";
		dr[i].pd.description = "d";
		if (a[i] > d.action)
			d.action = a[i];
	}
}

static int plan(struct outcome_plan *p)
{
	return outcome_plan(&c, &m, &d, p);
}

int main(void)
{
	struct outcome_plan p;
	char buf[200];

	memset(&c, 0, sizeof c);
	c.internal_domains.v = internal_v;
	c.internal_domains.n = 1;
	c.privacy_officer = officer;
	c.sender_notice = CONF_SN_INTERNAL;
	c.quarantine_method = CONF_QM_STORE;

	{ /* accept + tag: both keep it, tagged, no notice */
		enum policy_action a[] = { POLICY_TAG, POLICY_ACCEPT };

		setup(2, a);
		d.tag_subject = "[PHI]";
		T_OK(plan(&p) == 0, "plan made");
		T_OK(p.answer == OUTCOME_CONTINUE && p.keep[0] && p.keep[1], "accept + tag: both keep the original");
		T_OK(p.tag && p.subject_prefix, "accept + tag: tagged, subject prefix");
		T_OK(!p.notify_sender && !p.mixed, "accept + tag: not mixed, no sender notice");
		T_OK(p.what[0] == REPLY_O_TAGGED && p.what[1] == REPLY_O_DELIVERED, "accept + tag: outcomes");
		outcome_counts(&p, buf, sizeof buf);
		T_EQ_STR(buf, "accept:1,tag:1", "counts per applied action");
		outcome_free(&p);
	}
	{ /* every recipient refused: 550, sender notice for an internal sender */
		enum policy_action a[] = { POLICY_REJECT, POLICY_REJECT };

		setup(2, a);
		plan(&p);
		T_OK(p.answer == OUTCOME_REJECT, "all reject: 550");
		T_OK(p.notify_sender, "all reject: internal sender gets the notice (sender_notice = internal)");
		T_OK(p.what[0] == REPLY_O_REFUSED && p.what[1] == REPLY_O_REFUSED, "all reject: both refused");
		outcome_counts(&p, buf, sizeof buf);
		T_EQ_STR(buf, "reject:2", "all reject: counts");
		outcome_free(&p);
		m.sender = sender_out;
		plan(&p);
		T_OK(!p.notify_sender, "all reject: an outside sender gets no notice by default");
		outcome_free(&p);
		d.notify_sender = POLICY_YES;
		plan(&p);
		T_OK(p.notify_sender, "all reject: notify_sender = yes tells an outside sender too");
		outcome_free(&p);
		m.sender = sender_in;
		d.notify_sender = POLICY_NO;
		plan(&p);
		T_OK(!p.notify_sender, "all reject: notify_sender = no tells nobody");
		outcome_free(&p);
		m.sender = null_sender;
		d.notify_sender = POLICY_YES;
		plan(&p);
		T_OK(!p.notify_sender, "all reject: never a notice to the null sender");
		outcome_free(&p);
	}
	{ /* tag + redirect + reject: the PHI message to inside, outside, social */
		enum policy_action a[] = { POLICY_TAG, POLICY_REDIRECT, POLICY_REJECT };

		setup(3, a);
		plan(&p);
		T_OK(p.answer == OUTCOME_CONTINUE, "tag + redirect + reject: delivered to who is left");
		T_OK(p.keep[0] && !p.keep[1] && !p.keep[2], "tag + redirect + reject: only the internal one stays");
		T_OK(p.store_redirect && !p.store_quarantine && p.inplace == (size_t)-1,
		     "tag + redirect + reject: portal copy, notice sent separately");
		T_OK(p.mixed && p.notify_sender && p.tag, "tag + redirect + reject: mixed, sender told, tagged");
		T_OK(p.what[1] == REPLY_O_PORTAL && p.what[2] == REPLY_O_REFUSED, "tag + redirect + reject: outcomes");
		T_OK(!p.notify_officer, "no rule asked for the officer");
		outcome_free(&p);
		d.notify_officer = 1;
		plan(&p);
		T_OK(p.notify_officer, "notify_officer with privacy_officer set: officer notice");
		outcome_free(&p);
		c.privacy_officer = empty;
		plan(&p);
		T_OK(!p.notify_officer, "notify_officer without privacy_officer: no officer notice");
		outcome_free(&p);
		c.privacy_officer = officer;
	}
	{ /* redirect + reject: nobody left but the redirected: rewritten in place */
		enum policy_action a[] = { POLICY_REJECT, POLICY_REDIRECT, POLICY_REDIRECT };

		setup(3, a);
		plan(&p);
		T_OK(p.answer == OUTCOME_CONTINUE && p.inplace == 1, "reject + redirect: the first redirected one in place");
		T_OK(!p.keep[0] && p.keep[1] && !p.keep[2], "reject + redirect: only the in-place recipient stays");
		T_OK(!p.subject_prefix && !p.tag, "in place: no tag, no prefix");
		T_OK(p.notify_sender, "reject + redirect: sender told");
		outcome_free(&p);
	}
	{ /* every recipient redirected: in place, no sender notice by default */
		enum policy_action a[] = { POLICY_REDIRECT, POLICY_REDIRECT };

		setup(2, a);
		plan(&p);
		T_OK(p.inplace == 0 && p.keep[0] && !p.keep[1] && !p.mixed && !p.notify_sender,
		     "all redirect: in place, the rest get separate notices, no sender notice");
		outcome_free(&p);
	}
	{ /* [secure]: accept + redirect, the sender asked: no notice */
		enum policy_action a[] = { POLICY_ACCEPT, POLICY_REDIRECT };

		setup(2, a);
		d.secure = 1;
		plan(&p);
		T_OK(p.mixed && !p.notify_sender, "[secure] accept + redirect: no sender notice");
		outcome_free(&p);
		d.secure = 0;
		plan(&p);
		T_OK(p.notify_sender, "policy accept + redirect: the sender is told");
		outcome_free(&p);
	}
	{ /* quarantine + tag: one entry for the held one, the other delivered */
		enum policy_action a[] = { POLICY_TAG, POLICY_ACCEPT, POLICY_ACCEPT, POLICY_QUARANTINE };

		setup(4, a);
		plan(&p);
		T_OK(p.store_quarantine && !p.hold && !p.keep[3] && p.keep[0] && p.keep[1] && p.keep[2],
		     "tag + quarantine (store): entry for the held one, removed; the rest keep it");
		T_OK(p.what[3] == REPLY_O_QUARANTINED && p.notify_sender, "tag + quarantine: sender told");
		outcome_counts(&p, buf, sizeof buf);
		T_EQ_STR(buf, "accept:2,tag:1,quarantine:1", "tag + quarantine: counts");
		outcome_free(&p);
		c.quarantine_method = CONF_QM_MTA_HOLD;
		plan(&p);
		T_OK(p.hold && !p.store_quarantine && p.keep[3] && p.keep[0], "mta-hold: the whole message held, nobody removed");
		T_OK(p.what[0] == REPLY_O_HELD && p.what[3] == REPLY_O_QUARANTINED && p.tag, "mta-hold: outcomes, tagged");
		outcome_free(&p);
		c.quarantine_method = CONF_QM_STORE;
	}
	{ /* quarantine + reject: nobody left: store, discard */
		enum policy_action a[] = { POLICY_QUARANTINE, POLICY_REJECT };

		setup(2, a);
		plan(&p);
		T_OK(p.answer == OUTCOME_DISCARD && p.store_quarantine, "quarantine + reject: store then discard");
		T_OK(p.notify_sender, "quarantine + reject: sender told");
		outcome_free(&p);
		c.quarantine_method = CONF_QM_MTA_HOLD;
		plan(&p);
		T_OK(p.answer == OUTCOME_CONTINUE && p.hold && p.keep[0] && !p.keep[1],
		     "mta-hold, quarantine + reject: refused removed, the rest held");
		outcome_free(&p);
		c.quarantine_method = CONF_QM_STORE;
	}
	{ /* every recipient quarantined: store, discard, no notice unless asked */
		enum policy_action a[] = { POLICY_QUARANTINE, POLICY_QUARANTINE };

		setup(2, a);
		plan(&p);
		T_OK(p.answer == OUTCOME_DISCARD && p.store_quarantine && !p.notify_sender, "all quarantine: store, discard");
		outcome_free(&p);
		d.notify_sender = POLICY_YES;
		plan(&p);
		T_OK(p.notify_sender, "all quarantine with notify_sender = yes: the sender is told");
		outcome_free(&p);
	}
	{ /* mixed with notify_sender = no: the admin's word wins */
		enum policy_action a[] = { POLICY_TAG, POLICY_REJECT };

		setup(2, a);
		d.notify_sender = POLICY_NO;
		plan(&p);
		T_OK(p.mixed && !p.notify_sender && !p.keep[1] && p.keep[0], "mixed, notify_sender = no: no notice");
		outcome_free(&p);
	}
	{ /* too many recipients to handle one by one: refused as a whole */
		enum policy_action a[] = { POLICY_TAG, POLICY_REDIRECT };

		setup(2, a);
		m.rcpt_dropped = 10;
		plan(&p);
		T_OK(p.answer == OUTCOME_REJECT, "dropped recipients and a blocked one: 550 for all");
		outcome_free(&p);
		a[1] = POLICY_TAG;
		setup(2, a);
		m.rcpt_dropped = 10;
		d.action = POLICY_TAG;
		plan(&p);
		T_OK(p.answer == OUTCOME_CONTINUE && p.tag && p.keep[0] && p.keep[1], "dropped recipients, all allowed: delivered");
		outcome_free(&p);
	}
	{ /* no recipient at all */
		setup(0, NULL);
		d.rcpt = NULL;
		d.action = POLICY_REJECT;
		plan(&p);
		T_OK(p.answer == OUTCOME_REJECT, "no recipients, judged reject: 550");
		outcome_free(&p);
	}
	return tap_done();
}
