/*
 * mlfi_act.c - release, store, portal notices, rewrite, hold, Subject and
 * audit at end of message (see mlfi_act.h; the order is apply()'s in mlfi.c).
 *
 * Order matters for "nothing lost": the encrypted copy is written (and
 * fsynced) before the MTA is told to discard or before the body is
 * replaced; notices are submitted before any recipient is removed, so a
 * failure can still answer tempfail with the message untouched.
 * Logs carry ids, counts and domains only; never the subject, addresses'
 * local parts or the link tokens.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include "mlfi_act.h"
#include "audit.h"
#include "dest.h"
#include "log.h"
#include "notice.h"
#include "submit.h"
#include "token.h"

#define RELEASE_WHAT "release"

static struct qstore *open_store(const struct conf *c)
{
	char why[QSTORE_WHY_MAX];
	struct qstore *q;

	if (!c->have_quarantine_key) {
		LOG_AT(LOG_ERR, "quarantine: no quarantine_key_file configured");
		return NULL;
	}
	if (!(q = qstore_dir_open(c->quarantine_dir, c->quarantine_key, why, sizeof why)))
		LOG_AT(LOG_ERR, "quarantine: %s", why);
	return q;
}

/* "<a@b>" -> "a@b" into out. */
static void bare(const char *a, char *out, size_t len)
{
	size_t n;

	while (*a == ' ' || *a == '<')
		a++;
	n = strcspn(a, ">");
	if (n >= len)
		n = len - 1;
	memcpy(out, a, n);
	out[n] = 0;
}

int mlfi_act_release(struct mctx *m)
{
	const struct conf *c = m->conf;
	struct token t;
	struct qstore *q;
	int rc;

	if (!m->release[0])
		return 0;
	if (!c->have_quarantine_key ||
	    token_release_verify(c->quarantine_key, m->release, (long long)time(NULL), &t) != 0) {
		LOG_AT(LOG_WARNING, "%s: X-PHI-Release header not valid (forged, altered or expired): scanned as usual",
		       m->queue_id);
		return 0;
	}
	if (!(q = open_store(c)))
		return 0;
	rc = q->ops->mark_used(q, t.id, RELEASE_WHAT);
	qstore_close(q);
	if (rc != 0) {
		LOG_AT(LOG_WARNING, "%s: release token for %s %s: scanned as usual", m->queue_id, t.id,
		       rc == 1 ? "already used (replay)" : "could not be marked used");
		return 0;
	}
	LOG_AT(LOG_INFO, "%s: released quarantine entry %s (token used once)", m->queue_id, t.id);
	return 1;
}

/* Fill the item from the message; strings borrowed from m, the sender
 * and recipients copied (free_item). Recipients: those whose applied
 * action is `which`, or all for POLICY_REDIRECT. */
static int make_item(struct mctx *m, const struct decide_result *d, enum policy_action which,
                     long long expires, struct qstore_item *it)
{
	const char *rule = NULL;
	char dom[128];
	size_t i;

	memset(it, 0, sizeof *it);
	if (qstore_new_id(it->meta.id) != 0)
		return -1;
	/* the rule that sent these recipients here, for list --rule */
	for (i = 0; d->rcpt && i < d->nrcpt && !rule; i++)
		if (d->rcpt[i].pd.action == which)
			rule = d->rcpt[i].pd.rule_name;
	if (!rule)
		rule = d->worst.rule_name;
	it->meta.time = (long long)time(NULL);
	it->meta.expires = expires;
	snprintf(it->meta.queue_id, sizeof it->meta.queue_id, "%s", m->queue_id);
	snprintf(it->meta.incident, sizeof it->meta.incident, "%s", d->incident);
	snprintf(it->meta.rule, sizeof it->meta.rule, "%s", rule ? rule : "-");
	snprintf(it->meta.action, sizeof it->meta.action, "%s", policy_action_name(which));
	snprintf(it->meta.types, sizeof it->meta.types, "%s", d->types);
	if (dest_domain(m->sender ? m->sender : "", dom, sizeof dom) != 0)
		snprintf(dom, sizeof dom, "-");
	log_clean(dom, (size_t)-1, it->meta.sender_domain, sizeof it->meta.sender_domain);
	it->meta.size = m->msg.len;
	it->subject = m->subject ? m->subject : "";
	it->msg = m->msg.data;
	it->msglen = m->msg.len;
	it->sender = malloc(MCTX_ADDR_MAX + 1);
	it->rcpts = calloc(m->nrcpt ? m->nrcpt : 1, sizeof *it->rcpts);
	if (!it->sender || !it->rcpts)
		return -1;
	bare(m->sender ? m->sender : "", it->sender, MCTX_ADDR_MAX + 1);
	for (i = 0; i < m->nrcpt; i++) {
		if (which != POLICY_REDIRECT && d->rcpt && i < d->nrcpt && d->rcpt[i].pd.action != which)
			continue;
		if (!(it->rcpts[it->nrcpt] = malloc(MCTX_ADDR_MAX + 1)))
			return -1;
		bare(m->rcpts[i], it->rcpts[it->nrcpt], MCTX_ADDR_MAX + 1);
		it->nrcpt++;
	}
	it->meta.nrcpt = (unsigned)it->nrcpt;
	return 0;
}

static void free_item(struct qstore_item *it)
{
	size_t i;

	free(it->sender);
	for (i = 0; i < it->nrcpt; i++)
		free(it->rcpts[i]);
	free(it->rcpts);
	it->sender = NULL;
	it->rcpts = NULL;
	it->nrcpt = 0;
}

int mlfi_act_store(struct mctx *m, const struct decide_result *d, enum policy_action which,
                   long long expires, char qid[QSTORE_ID_MAX])
{
	struct qstore_item it;
	struct qstore *q;
	int rc = -1;

	qid[0] = 0;
	if (m->truncated) {
		/* Only part of the message was kept: a copy would lose the rest. */
		LOG_AT(LOG_WARNING, "%s: message larger than max_message_bytes: cannot be stored", m->queue_id);
		return -1;
	}
	if (make_item(m, d, which, expires, &it) != 0) {
		LOG_AT(LOG_ERR, "%s: quarantine: out of memory", m->queue_id);
		free_item(&it);
		return -1;
	}
	if ((q = open_store(m->conf)) != NULL) {
		if (q->ops->put(q, &it) != 0)
			LOG_AT(LOG_ERR, "%s: quarantine write failed: %s", m->queue_id, q->why);
		else {
			rc = 0;
			snprintf(qid, QSTORE_ID_MAX, "%s", it.meta.id);
			LOG_AT(LOG_INFO, "%s: stored %zu recipient(s) for %s as %s incident=%s", m->queue_id, it.nrcpt,
			       policy_action_name(which), qid, d->incident);
		}
		qstore_close(q);
	}
	free_item(&it);
	return rc;
}

void mlfi_act_unstore(const struct conf *c, char qid[QSTORE_ID_MAX])
{
	struct qstore *q;

	if (!qid[0])
		return;
	/* nothing was sent in place of the message: drop the copy, the MTA retries */
	if ((q = open_store(c)) != NULL) {
		q->ops->del(q, qid);
		qstore_close(q);
	}
	qid[0] = 0;
}

int mlfi_act_hold(SMFICTX *ctx, const struct mctx *m, const struct decide_result *d)
{
	char reason[96];

	snprintf(reason, sizeof reason, "phimilter incident %s", d->incident);
	if (smfi_quarantine(ctx, reason) != MI_SUCCESS) {
		LOG_AT(LOG_ERR, "%s: the MTA refused smfi_quarantine", m->queue_id);
		return -1;
	}
	LOG_AT(LOG_INFO, "%s: held in the MTA's hold queue incident=%s", m->queue_id, d->incident);
	return 0;
}

int mlfi_act_portal_notices(const struct mctx *m, const struct decide_result *d, const struct outcome_plan *p,
                            const char *qid, long long expires, char **inplace_body)
{
	const struct conf *c = m->conf;
	char expires_s[64], tok[TOKEN_MAX], link[2048], sender[MCTX_ADDR_MAX + 1], to[MCTX_ADDR_MAX + 1];
	size_t i, sent = 0;
	time_t et = (time_t)expires;
	struct tm tm;

	*inplace_body = NULL;
	gmtime_r(&et, &tm);
	strftime(expires_s, sizeof expires_s, "%d %B %Y, %H:%M UTC", &tm);
	bare(m->sender ? m->sender : "", sender, sizeof sender);
	for (i = 0; i < m->nrcpt && i < p->n; i++) {
		char *body, *msg, *rc[1];
		char why[256];
		int ok;

		if (p->what[i] != REPLY_O_PORTAL)
			continue;
		bare(m->rcpts[i], to, sizeof to);
		/* N in the token is the recipient's place in the stored list: all
		 * recipients are stored for a redirect, so it is i */
		if (token_portal_make(c->portal_key, qid, to, expires, (unsigned)i, tok, sizeof tok) != 0 ||
		    token_url(c->portal_url, qid, tok, link, sizeof link) != 0 ||
		    !(body = notice_portal_body(c, sender, link, expires_s, d->incident))) {
			LOG_AT(LOG_ERR, "%s: portal link could not be made", m->queue_id);
			goto fail;
		}
		if (i == p->inplace) {
			*inplace_body = body; /* the message itself becomes this notice */
			continue;
		}
		msg = notice_portal_message(c, to, body, d->incident, (unsigned)i);
		free(body);
		rc[0] = to;
		why[0] = 0;
		ok = msg && submit_message(c->submission, c->notice_from, rc, 1, (unsigned char *)msg, strlen(msg),
		                           why, sizeof why) == 0;
		free(msg);
		if (!ok) {
			LOG_AT(LOG_ERR, "%s: portal notice not submitted: %s", m->queue_id, why[0] ? why : "out of memory");
			goto fail;
		}
		sent++;
	}
	LOG_AT(LOG_INFO, "%s: %zu portal notice(s) sent separately%s for %s incident=%s", m->queue_id, sent,
	       *inplace_body ? ", one in place" : "", qid, d->incident);
	return 0;
fail:
	free(*inplace_body);
	*inplace_body = NULL;
	return -1;
}

int mlfi_act_rewrite(SMFICTX *ctx, const struct mctx *m, const char *body)
{
	int h;
	unsigned k;

	if (smfi_replacebody(ctx, (unsigned char *)body, (int)strlen(body)) != MI_SUCCESS) {
		LOG_AT(LOG_ERR, "%s: could not replace the body", m->queue_id);
		return -1;
	}
	for (h = 0; h < MCTX_HC__COUNT; h++)
		for (k = m->hdr_count[h]; k >= 1; k--)
			smfi_chgheader(ctx, (char *)mctx_hc_name(h), (int)k, NULL);
	smfi_addheader(ctx, "Subject", NOTICE_PORTAL_SUBJECT);
	smfi_addheader(ctx, "Content-Type", "text/plain; charset=utf-8");
	smfi_addheader(ctx, "Auto-Submitted", "auto-generated");
	return 0;
}

void mlfi_act_subject(SMFICTX *ctx, const struct mctx *m, int strip_keyword, const char *prefix)
{
	const char *kw = m->conf->secure_keyword, *p, *src = m->subject ? m->subject : "";
	char subj[MCTX_ADDR_MAX + 1], out[MCTX_ADDR_MAX + 200];
	size_t n, k = strlen(kw), o;
	int changed = 0;

	out[0] = 0;
	snprintf(subj, sizeof subj, "%s", src);
	if (strip_keyword && k && (p = strcasestr(src, kw))) {
		n = (size_t)(p - src);
		o = n;
		p += k;
		if (o > 0 && subj[o - 1] == ' ' && *p == ' ')
			p++;
		else if (o == 0)
			while (*p == ' ')
				p++;
		snprintf(subj + o, sizeof subj - o, "%s", p);
		changed = 1;
	}
	/* the stored copy is cut at MCTX_ADDR_MAX: a longer Subject keeps its
	 * text and goes without the prefix rather than be shortened */
	if (prefix && *prefix && !strcasestr(subj, prefix) && strlen(src) < MCTX_ADDR_MAX) {
		snprintf(out, sizeof out, "%s%s%s", prefix, subj[0] ? " " : "", subj);
		if (m->subject)
			smfi_chgheader(ctx, "Subject", 1, out);
		else
			smfi_addheader(ctx, "Subject", out);
		changed = 0;
	}
	if (changed)
		smfi_chgheader(ctx, "Subject", 1, subj);
	qcrypt_wipe(subj, sizeof subj);
	qcrypt_wipe(out, sizeof out);
}

void mlfi_act_audit(const struct mctx *m, const struct decide_result *d, const char *action, const char *qid,
                    const char *rid, const struct outcome_plan *p)
{
	struct audit_rec r;
	char dom[128], h[17], cls[200], acts[200];

	if (!m->conf->audit_log[0])
		return;
	if (dest_domain(m->sender ? m->sender : "", dom, sizeof dom) != 0)
		snprintf(dom, sizeof dom, "-");
	audit_hash(m->message_id, h);
	decide_class_counts(d, cls, sizeof cls);
	if (p)
		outcome_counts(p, acts, sizeof acts);
	else
		snprintf(acts, sizeof acts, "-");
	audit_begin(&r, "decision");
	audit_str(&r, "incident", d->incident);
	audit_str(&r, "queue_id", m->queue_id);
	audit_str(&r, "message_id_hash", h);
	audit_str(&r, "sender_domain", dom);
	audit_counts(&r, "recipients", cls);
	audit_str(&r, "mode", conf_mode_name(m->conf->mode));
	audit_str(&r, "verdict", phi_verdict_name(d->verdict));
	audit_counts(&r, "types", d->types);
	audit_str(&r, "rule", d->worst.rule_name);
	audit_str(&r, "action", action);
	audit_str(&r, "would", policy_action_name(d->would));
	audit_str(&r, "quarantine_id", qid);
	/* recipients per applied action: a mixed message shows who got what */
	audit_counts(&r, "actions", acts);
	if (rid && rid[0])
		audit_str(&r, "redirect_id", rid);
	if (p && p->notify_officer)
		audit_str(&r, "officer_notified", "yes");
	if (audit_write(m->conf->audit_log, &r) != 0)
		LOG_AT(LOG_ERR, "%s: audit_log could not be written", m->queue_id);
}

int mlfi_act_is_notice(const struct mctx *m)
{
	const struct conf *c = m->conf;
	const unsigned char *key = c->have_quarantine_key ? c->quarantine_key : c->portal_key;
	struct token t;

	if (!m->notice[0] || (!c->have_quarantine_key && !c->have_portal_key))
		return 0;
	if (token_notice_verify(key, m->notice, (long long)time(NULL), &t) != 0) {
		LOG_AT(LOG_WARNING, "%s: X-PHI-Notice header not valid: scanned as usual", m->queue_id);
		return 0;
	}
	return 1;
}

