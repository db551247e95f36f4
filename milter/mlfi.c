/*
 * mlfi.c - the libmilter callbacks: each copies what libmilter hands over
 * into the per-connection context (mctx.c) and returns; end-of-message
 * runs the scan, asks decide.c what to do for each recipient, lets
 * outcome.c turn that into a plan for the envelope and message, and
 * applies the plan with smfi_* (apply(): the steps that can fail first).
 *
 * Failure rule: any trouble (no context, no config, out of memory, scan
 * error, too many concurrent scans) answers with the config's on_error
 * (tempfail by default), never accept because something broke. Logging
 * never carries message content (see log.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "metrics.h"
#include "mlfi.h"
#include "conf.h"
#include "decide.h"
#include "log.h"
#include "mctx.h"
#include "mlfi_act.h"
#include "notice.h"
#include "outcome.h"
#include "scan_slots.h"
#include "phi/status.h"
#include "reply.h"

#define REQUESTED_ACTIONS (SMFIF_ADDHDRS | SMFIF_CHGHDRS | SMFIF_QUARANTINE | SMFIF_DELRCPT | \
                           SMFIF_CHGBODY | SMFIF_ADDRCPT)

static const char *own_header_names[MCTX_H__COUNT] = {
	"X-PHI-Scanned", "X-PHI-Verdict", "X-PHI-Findings", "X-PHI-Release",
	"X-PHI-Notice"
};

static unsigned active_messages; /* atomic: messages between MAIL and EOM/abort */

static struct mctx *priv(SMFICTX *ctx)
{
	return smfi_getpriv(ctx);
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

static void update_queue_id(SMFICTX *ctx, struct mctx *m)
{
	const char *qid = smfi_getsymval(ctx, "{i}");

	if (qid && *qid)
		log_clean(qid, (size_t)-1, m->queue_id, sizeof m->queue_id);
}

/* End the message (if any) and keep the in-progress count right. */
static void message_end(struct mctx *m)
{
	if (m && m->conf) {
		mctx_end(m);
		__atomic_sub_fetch(&active_messages, 1, __ATOMIC_RELAXED);
	}
}

/* Answer per on_error. `why` is a short constant reason for the log. */
static sfsistat fail(SMFICTX *ctx, struct mctx *m, const char *why)
{
	enum conf_on_error oe = m && m->conf ? m->conf->on_error : CONF_ON_ERROR_TEMPFAIL;
	char incident[REPLY_ID_MAX];
	struct reply r;

	reply_incident_id(incident, sizeof incident);
	metrics_error(why);
	LOG_AT(LOG_WARNING, "%s: error=%s on_error=%s incident=%s", m ? m->queue_id : "-", why,
	       conf_on_error_name(oe), incident);
	message_end(m);
	switch (oe) {
	case CONF_ON_ERROR_ACCEPT:
		return SMFIS_ACCEPT;
	case CONF_ON_ERROR_REJECT:
		reply_build_error(&r, incident, 0);
		smfi_setreply(ctx, "550", "5.7.1", r.line[0]);
		return SMFIS_REJECT;
	default:
		reply_build_error(&r, incident, 1);
		smfi_setreply(ctx, "451", "4.7.1", r.line[0]);
		return SMFIS_TEMPFAIL;
	}
}

static sfsistat mlfi_negotiate(SMFICTX *ctx, unsigned long f0, unsigned long f1, unsigned long f2,
                               unsigned long f3, unsigned long *pf0, unsigned long *pf1,
                               unsigned long *pf2, unsigned long *pf3)
{
	(void)f1; (void)f2; (void)f3;
	*pf0 = f0 & (REQUESTED_ACTIONS | SMFIF_SETSYMLIST);
	*pf1 = 0; /* every callback, no protocol shortcuts */
	*pf2 = *pf3 = 0;
	if (!(f0 & SMFIF_ADDHDRS))
		LOG_AT(LOG_WARNING, "MTA does not allow adding headers: tagging will not work");
	if (f0 & SMFIF_SETSYMLIST) {
		smfi_setsymlist(ctx, SMFIM_CONNECT, "{client_addr} {daemon_name}");
		smfi_setsymlist(ctx, SMFIM_ENVFROM, "{auth_authen} {i}");
		smfi_setsymlist(ctx, SMFIM_DATA, "{i}");
		smfi_setsymlist(ctx, SMFIM_EOM, "{i}");
	}
	return SMFIS_CONTINUE;
}

static sfsistat mlfi_connect(SMFICTX *ctx, char *host, _SOCK_ADDR *addr)
{
	struct mctx *m = mctx_new();
	const char *a;

	(void)host; (void)addr;
	if (!m)
		return fail(ctx, NULL, "out_of_memory");
	if ((a = smfi_getsymval(ctx, "{client_addr}")) != NULL)
		log_clean(a, (size_t)-1, m->client_addr, sizeof m->client_addr);
	if (smfi_setpriv(ctx, m) != MI_SUCCESS) {
		mctx_free(m);
		return fail(ctx, NULL, "setpriv");
	}
	return SMFIS_CONTINUE;
}

static sfsistat mlfi_helo(SMFICTX *ctx, char *helo)
{
	(void)helo;
	return priv(ctx) ? SMFIS_CONTINUE : fail(ctx, NULL, "no_context");
}

static sfsistat mlfi_envfrom(SMFICTX *ctx, char **argv)
{
	struct mctx *m = priv(ctx);
	struct conf *c;
	const char *auth;

	if (!m)
		return fail(ctx, NULL, "no_context");
	message_end(m);
	if (!(c = conf_acquire_current()))
		return fail(ctx, m, "no_config");
	mctx_begin(m, c); /* takes the reference */
	__atomic_add_fetch(&active_messages, 1, __ATOMIC_RELAXED);
	auth = smfi_getsymval(ctx, "{auth_authen}");
	m->authenticated = auth && *auth;
	update_queue_id(ctx, m);
	if (mctx_set_sender(m, argv && argv[0] ? argv[0] : "") != 0)
		return fail(ctx, m, "out_of_memory");
	return SMFIS_CONTINUE;
}

static sfsistat mlfi_envrcpt(SMFICTX *ctx, char **argv)
{
	struct mctx *m = priv(ctx);

	if (!m || !m->conf)
		return fail(ctx, m, "no_context");
	if (mctx_add_rcpt(m, argv && argv[0] ? argv[0] : "") != 0)
		return fail(ctx, m, "out_of_memory");
	return SMFIS_CONTINUE;
}

static sfsistat mlfi_data(SMFICTX *ctx)
{
	struct mctx *m = priv(ctx);

	if (!m || !m->conf)
		return fail(ctx, m, "no_context");
	update_queue_id(ctx, m);
	return SMFIS_CONTINUE;
}

static const char *store_error(int rc)
{
	return rc == MCTX_EBUDGET ? "max_inflight_bytes" : "out_of_memory";
}

static sfsistat mlfi_header(SMFICTX *ctx, char *name, char *value)
{
	struct mctx *m = priv(ctx);
	int rc;

	if (!m || !m->conf)
		return fail(ctx, m, "no_context");
	if ((rc = mctx_add_header(m, name, value)) != 0)
		return fail(ctx, m, store_error(rc));
	return SMFIS_CONTINUE;
}

static sfsistat mlfi_eoh(SMFICTX *ctx)
{
	struct mctx *m = priv(ctx);
	int rc;

	if (!m || !m->conf)
		return fail(ctx, m, "no_context");
	if ((rc = mctx_end_headers(m)) != 0)
		return fail(ctx, m, store_error(rc));
	return SMFIS_CONTINUE;
}

static sfsistat mlfi_body(SMFICTX *ctx, unsigned char *p, size_t n)
{
	struct mctx *m = priv(ctx);
	int rc;

	if (!m || !m->conf)
		return fail(ctx, m, "no_context");
	if ((rc = mctx_add_body(m, p, n)) != 0)
		return fail(ctx, m, store_error(rc));
	return SMFIS_CONTINUE;
}

struct tick_state {
	SMFICTX *ctx;
	double last;
};

/* Called by the scanner now and then: keep the MTA from timing us out,
 * but at most once a second (each call is a packet to the MTA). */
static void tick(void *arg)
{
	struct tick_state *t = arg;
	double n = now_ms();

	if (n - t->last >= 1000.0) {
		smfi_progress(t->ctx);
		t->last = n;
	}
}

/* Remove X-PHI-* headers that came with the message: only we set them. */
static void drop_forged_headers(SMFICTX *ctx, const struct mctx *m)
{
	int h;
	unsigned i;

	for (h = 0; h < MCTX_H__COUNT; h++)
		for (i = m->own_headers[h]; i >= 1; i--)
			smfi_chgheader(ctx, (char *)own_header_names[h], (int)i, NULL);
}

/* The encrypted copy could not be written (or a notice not sent): 451
 * whatever on_error says, since accepting would let the message out
 * without its copy and rejecting would lose it. */
static sfsistat store_failed(SMFICTX *ctx, struct mctx *m, const char *incident)
{
	LOG_AT(LOG_WARNING, "%s: error=quarantine_store answer=tempfail incident=%s", m->queue_id, incident);
	smfi_setreply(ctx, "451", "4.7.1", "Message could not be processed right now; please try again later");
	return SMFIS_TEMPFAIL;
}

/* Our headers on a message that passes. */
static void mark_scanned(SMFICTX *ctx, const struct mctx *m)
{
	char scanned[64];

	drop_forged_headers(ctx, m);
	snprintf(scanned, sizeof scanned, "phimilter %s", phi_version());
	if (smfi_addheader(ctx, "X-PHI-Scanned", scanned) != MI_SUCCESS)
		LOG_AT(LOG_WARNING, "%s: could not add X-PHI-Scanned", m->queue_id);
}

/* The 550 5.7.1 reply with the whole explanation. */
static sfsistat refuse(SMFICTX *ctx, const struct mctx *m, const struct phi_scan *s,
                       const struct decide_result *d)
{
	struct reply r;
	const char *lines[REPLY_MAX_LINES + 1];

	decide_reply(m->conf, s, d, &r);
	reply_lines(&r, lines);
	if (smfi_setmlreply(ctx, "550", "5.7.1", lines[0], lines[1], lines[2], lines[3], lines[4],
	                    lines[5], lines[6], lines[7], lines[8], lines[9], lines[10], lines[11],
	                    lines[12], lines[13], lines[14], lines[15], lines[16], lines[17],
	                    lines[18], lines[19], lines[20], lines[21], lines[22], lines[23],
	                    lines[24], lines[25], lines[26], lines[27], lines[28], lines[29],
	                    lines[30], lines[31], (char *)NULL) != MI_SUCCESS)
		smfi_setreply(ctx, "550", "5.7.1", r.line[0]);
	return SMFIS_REJECT;
}

/* Carry out the plan (outcome.h). Returns the answer, or -1 when the
 * store, the hold or a notice failed (the caller answers store_failed).
 *
 * Order, for "nothing lost": first everything that can fail and leaves
 * the message as it is - the MTA hold, the store writes, every notice
 * (portal, privacy officer, sender) - and only then the envelope and
 * message changes (smfi_delrcpt, the in-place rewrite, headers). A
 * failure on the way deletes the store entries already written, and the
 * tempfail makes the MTA keep the original and retry. qid: the quarantine
 * entry, rid: the portal copy. */
static int apply(SMFICTX *ctx, struct mctx *m, const struct phi_scan *s, const struct decide_result *d,
                 const struct outcome_plan *p, char qid[QSTORE_ID_MAX], char rid[QSTORE_ID_MAX])
{
	const struct conf *c = m->conf;
	long long expires = (long long)time(NULL) + (long long)c->portal_link_days * 86400;
	char why[256], *inplace = NULL;
	size_t i;

	if (p->answer == OUTCOME_REJECT) {
		/* the officer first: a failure tempfails before the sender hears */
		if (p->notify_officer && notice_officer_send(c, m, d, p, "", why, sizeof why) != 0) {
			LOG_AT(LOG_ERR, "%s: privacy officer notice not submitted: %s", m->queue_id, why);
			return -1;
		}
		/* the 550 reply tells the sender anyway: a failed notice is logged only */
		if (p->notify_sender) {
			if (notice_sender_send(c, m, s, d, p, why, sizeof why) == 0)
				LOG_AT(LOG_INFO, "%s: sender notified of the refusal incident=%s", m->queue_id, d->incident);
			else
				LOG_AT(LOG_ERR, "%s: sender notice not submitted: %s", m->queue_id, why);
		}
		return refuse(ctx, m, s, d);
	}
	if (p->hold && mlfi_act_hold(ctx, m, d) != 0)
		return -1;
	if (p->store_quarantine && mlfi_act_store(m, d, POLICY_QUARANTINE, 0, qid) != 0)
		goto fail;
	if (p->store_redirect && (mlfi_act_store(m, d, POLICY_REDIRECT, expires, rid) != 0 ||
	                          mlfi_act_portal_notices(m, d, p, rid, expires, &inplace) != 0))
		goto fail;
	if (p->notify_officer && notice_officer_send(c, m, d, p, qid, why, sizeof why) != 0) {
		LOG_AT(LOG_ERR, "%s: privacy officer notice not submitted: %s", m->queue_id, why);
		goto fail;
	}
	if (p->notify_sender && notice_sender_send(c, m, s, d, p, why, sizeof why) != 0) {
		LOG_AT(LOG_ERR, "%s: sender notice not submitted: %s", m->queue_id, why);
		goto fail;
	}
	if (p->answer == OUTCOME_DISCARD) {
		LOG_AT(LOG_INFO, "%s: quarantined %u, refused %u: nobody left, the MTA's copy is discarded incident=%s",
		       m->queue_id, p->count[REPLY_O_QUARANTINED], p->count[REPLY_O_REFUSED], d->incident);
		return SMFIS_DISCARD;
	}
	/* Now the changes: nothing below can leave a recipient without its copy. */
	for (i = 0; i < p->n; i++)
		if (!p->keep[i] && smfi_delrcpt(ctx, m->rcpts[i]) != MI_SUCCESS)
			LOG_AT(LOG_WARNING, "%s: could not remove recipient %zu", m->queue_id, i + 1);
	if (inplace) {
		if (mlfi_act_rewrite(ctx, m, inplace) != 0)
			goto fail;
		free(inplace);
		inplace = NULL;
	} else if (d->secure || p->subject_prefix)
		mlfi_act_subject(ctx, m, d->secure, p->subject_prefix ? d->tag_subject : NULL);
	mark_scanned(ctx, m);
	if (p->tag) {
		smfi_addheader(ctx, "X-PHI-Verdict", (char *)phi_verdict_name(d->verdict));
		if (d->findings_hdr[0])
			smfi_addheader(ctx, "X-PHI-Findings", (char *)d->findings_hdr);
	}
	if (p->mixed || p->inplace != (size_t)-1)
		LOG_AT(LOG_INFO, "%s: recipients delivered=%u tagged=%u portal=%u quarantined=%u refused=%u held=%u%s "
		       "sender_notice=%s officer_notice=%s incident=%s",
		       m->queue_id, p->count[REPLY_O_DELIVERED], p->count[REPLY_O_TAGGED], p->count[REPLY_O_PORTAL],
		       p->count[REPLY_O_QUARANTINED], p->count[REPLY_O_REFUSED], p->count[REPLY_O_HELD],
		       p->inplace != (size_t)-1 ? " (message rewritten in place)" : "", p->notify_sender ? "yes" : "no",
		       p->notify_officer ? "yes" : "no", d->incident[0] ? d->incident : "-");
	return SMFIS_CONTINUE;
fail:
	free(inplace);
	mlfi_act_unstore(c, qid);
	mlfi_act_unstore(c, rid);
	return -1;
}

/* Only part of the message was kept (max_message_bytes): no whole copy
 * can be stored, and a tempfail would come back forever. Recipients
 * whose action needs the copy are refused instead. */
static void truncated_downgrade(const struct conf *c, const struct mctx *m, struct decide_result *d)
{
	size_t i;
	int changed = 0;

	for (i = 0; d->rcpt && i < d->nrcpt; i++) {
		enum policy_action *a = &d->rcpt[i].pd.action;

		if (*a == POLICY_REDIRECT || (*a == POLICY_QUARANTINE && c->quarantine_method == CONF_QM_STORE)) {
			*a = POLICY_REJECT;
			changed = 1;
		}
	}
	if (d->action == POLICY_REDIRECT || (d->action == POLICY_QUARANTINE && c->quarantine_method == CONF_QM_STORE)) {
		d->action = POLICY_REJECT;
		changed = 1;
	}
	if (changed)
		LOG_AT(LOG_WARNING, "%s: too large to store (max_message_bytes): refused instead of stored",
		       m->queue_id);
}

/* Debug: the part tree (structure only: part number, declared type
 * cleaned, detected format, size), never names or content. */
static void log_parts(const struct mctx *m, const struct phi_scan *s)
{
	const struct phi_doc *doc = phi_scan_doc(s);
	size_t i, n = phi_doc_nparts(doc);

	for (i = 0; i < n && i < 200; i++) {
		const struct phi_part *p = phi_doc_part(doc, i);
		char path[PHI_PART_MAX], ct[48];
		size_t k;

		/* archive entry paths carry the entry's name after a '/' */
		for (k = 0; p->path && p->path[k] && p->path[k] != '/' && k + 1 < sizeof path; k++)
			path[k] = p->path[k];
		path[k] = 0;
		log_clean(p->content_type, (size_t)-1, ct, sizeof ct);
		log_write(LOG_DEBUG, "%s: part=%s%s depth=%u type=%s format=%s size=%zu attachment=%d unscannable=%d",
		          m->queue_id, path[0] ? path : "-", p->path && p->path[k] == '/' ? "/entry" : "",
		          p->depth, ct, phi_format_name(p->format), p->size, p->attachment, p->unscannable);
	}
}

static sfsistat mlfi_eom(SMFICTX *ctx)
{
	struct mctx *m = priv(ctx);
	struct conf *c;
	struct phi_scan *s;
	struct tick_state ts;
	struct decide_result d = { 0 };
	struct outcome_plan p;
	char line[1024], qid[QSTORE_ID_MAX], rid[QSTORE_ID_MAX];
	double t0;
	int rc, released;
	sfsistat ret;

	if (!m || !(c = m->conf))
		return fail(ctx, m, "no_context");
	update_queue_id(ctx, m);
	/* A message re-injected by `phictl quarantine release` passes once. */
	released = m->release[0] && mlfi_act_release(m);
	if (released || (m->notice[0] && mlfi_act_is_notice(m))) {
		memset(&d, 0, sizeof d);
		d.worst.rule_name = released ? "admin.release" : "own.notice";
		mark_scanned(ctx, m);
		mlfi_act_audit(m, &d, released ? "release" : "notice", "-", "", NULL);
		message_end(m);
		return SMFIS_CONTINUE;
	}
	/* A cap on concurrent scans: past it the MTA is told to retry (per
	 * on_error) instead of every connection thread scanning at once. */
	if (scan_slot_take(c->max_scans) != 0)
		return fail(ctx, m, "max_scans");
	t0 = now_ms();
	ts.ctx = ctx;
	ts.last = t0;
	s = phi_scan_new(c->engine, &c->limits, tick, &ts);
	if (!s) {
		scan_slot_give();
		return fail(ctx, m, "out_of_memory");
	}
	if (m->truncated)
		phi_scan_mark_truncated(s, "limit max_message_bytes");
	rc = phi_scan_message(s, m->msg.data ? m->msg.data : (const unsigned char *)"", m->msg.len);
	scan_slot_give();
	if (rc != PHI_OK) {
		LOG_AT(LOG_WARNING, "%s: scan failed: %s", m->queue_id, phi_strerror(rc));
		phi_scan_free(s);
		return fail(ctx, m, "scan");
	}
	if (decide_message(c, m, s, &d) != 0) {
		decide_free(&d);
		phi_scan_free(s);
		return fail(ctx, m, "out_of_memory");
	}
	if (d.timed_out) {
		/* Out of time is trouble on our side (load, a slow part), not a
		 * property of the message: answer like a scan error, and the MTA
		 * retries when on_error is tempfail. */
		decide_free(&d);
		phi_scan_free(s);
		return fail(ctx, m, "timeout");
	}
	if (m->truncated)
		truncated_downgrade(c, m, &d);
	if (outcome_plan(c, m, &d, &p) != 0) {
		decide_free(&d);
		phi_scan_free(s);
		return fail(ctx, m, "out_of_memory");
	}
	/* every notice and store entry names an incident, also for a rule
	 * that only tags and asks for the privacy officer */
	if (!d.incident[0] && (p.notify_officer || p.notify_sender || p.store_quarantine || p.store_redirect ||
	                       p.hold || p.answer != OUTCOME_CONTINUE))
		reply_incident_id(d.incident, sizeof d.incident);
	decide_log_line(c, m, s, &d, (unsigned long)(now_ms() - t0), line, sizeof line);
	LOG_AT(LOG_INFO, "%s", line);
	metrics_message(d.verdict, d.action, s, (unsigned long)(now_ms() - t0));
	if (LOG_DEBUG <= log_level_current)
		log_parts(m, s);
	qid[0] = rid[0] = 0;
	rc = apply(ctx, m, s, &d, &p, qid, rid);
	phi_scan_free(s);
	if (!qid[0] && rid[0]) { /* the portal copy alone: quarantine_id names it, as before */
		snprintf(qid, sizeof qid, "%s", rid);
		rid[0] = 0;
	}
	mlfi_act_audit(m, &d, rc < 0 ? "tempfail" : policy_action_name(d.action), qid, rid, &p);
	outcome_free(&p);
	ret = rc < 0 ? store_failed(ctx, m, d.incident) : (sfsistat)rc;
	decide_free(&d);
	message_end(m);
	return ret;
}

static sfsistat mlfi_abort(SMFICTX *ctx)
{
	message_end(priv(ctx));
	return SMFIS_CONTINUE;
}

static sfsistat mlfi_close(SMFICTX *ctx)
{
	struct mctx *m = priv(ctx);

	message_end(m);
	mctx_free(m);
	smfi_setpriv(ctx, NULL);
	return SMFIS_CONTINUE;
}

static sfsistat mlfi_unknown(SMFICTX *ctx, const char *cmd)
{
	(void)ctx; (void)cmd;
	return SMFIS_CONTINUE;
}

struct smfiDesc mlfi_desc = {
	.xxfi_name = "phimilter",
	.xxfi_version = SMFI_VERSION,
	.xxfi_flags = REQUESTED_ACTIONS,
	.xxfi_connect = mlfi_connect,
	.xxfi_helo = mlfi_helo,
	.xxfi_envfrom = mlfi_envfrom,
	.xxfi_envrcpt = mlfi_envrcpt,
	.xxfi_header = mlfi_header,
	.xxfi_eoh = mlfi_eoh,
	.xxfi_body = mlfi_body,
	.xxfi_eom = mlfi_eom,
	.xxfi_abort = mlfi_abort,
	.xxfi_close = mlfi_close,
	.xxfi_unknown = mlfi_unknown,
	.xxfi_data = mlfi_data,
	.xxfi_negotiate = mlfi_negotiate,
};

unsigned mlfi_active_messages(void)
{
	return __atomic_load_n(&active_messages, __ATOMIC_RELAXED);
}

unsigned mlfi_wait_idle(unsigned seconds)
{
	unsigned i, n = mlfi_active_messages();

	for (i = 0; n && i < seconds * 10; i++) {
		usleep(100000);
		n = mlfi_active_messages();
	}
	return n;
}
