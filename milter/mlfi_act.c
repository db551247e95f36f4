/*
 * mlfi_act.c - release, quarantine, redirect and audit at end of message
 * (see mlfi_act.h).
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
#include "submit.h"
#include "token.h"

#define RELEASE_WHAT "release"
#define NOTICE_SUBJECT "A secure message is waiting for you"

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

/* Fill the item from the message; strings borrowed from m, rcpts in
 * `rc` (bare addresses, caller frees the array and strings). */
static int make_item(struct mctx *m, const struct decide_result *d, const char *action,
                     long long expires, struct qstore_item *it)
{
	char dom[128];
	size_t i;

	memset(it, 0, sizeof *it);
	if (qstore_new_id(it->meta.id) != 0)
		return -1;
	it->meta.time = (long long)time(NULL);
	it->meta.expires = expires;
	snprintf(it->meta.queue_id, sizeof it->meta.queue_id, "%s", m->queue_id);
	snprintf(it->meta.incident, sizeof it->meta.incident, "%s", d->incident);
	snprintf(it->meta.rule, sizeof it->meta.rule, "%s", d->worst.rule ? d->worst.rule : "-");
	snprintf(it->meta.action, sizeof it->meta.action, "%s", action);
	snprintf(it->meta.types, sizeof it->meta.types, "%s", d->types);
	if (dest_domain(m->sender ? m->sender : "", dom, sizeof dom) != 0)
		snprintf(dom, sizeof dom, "-");
	log_clean(dom, (size_t)-1, it->meta.sender_domain, sizeof it->meta.sender_domain);
	it->meta.nrcpt = (unsigned)m->nrcpt;
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
		if (!(it->rcpts[i] = malloc(MCTX_ADDR_MAX + 1)))
			return -1;
		bare(m->rcpts[i], it->rcpts[i], MCTX_ADDR_MAX + 1);
		it->nrcpt++;
	}
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

static int store(struct mctx *m, const struct decide_result *d, const char *action, long long expires,
                 struct qstore_item *it, char qid[QSTORE_ID_MAX])
{
	struct qstore *q;
	int rc = -1;

	if (m->truncated) {
		/* Only part of the message was kept: a copy would lose the rest. */
		LOG_AT(LOG_WARNING, "%s: message larger than max_message_bytes: cannot be stored", m->queue_id);
		return -1;
	}
	if (make_item(m, d, action, expires, it) != 0) {
		LOG_AT(LOG_ERR, "%s: quarantine: out of memory", m->queue_id);
		return -1;
	}
	if (!(q = open_store(m->conf)))
		return -1;
	if (q->ops->put(q, it) != 0)
		LOG_AT(LOG_ERR, "%s: quarantine write failed: %s", m->queue_id, q->why);
	else {
		rc = 0;
		snprintf(qid, QSTORE_ID_MAX, "%s", it->meta.id);
	}
	qstore_close(q);
	return rc;
}

int mlfi_act_quarantine(SMFICTX *ctx, struct mctx *m, const struct decide_result *d,
                        char qid[QSTORE_ID_MAX])
{
	struct qstore_item it;
	char reason[96];
	int rc;

	if (m->conf->quarantine_method == CONF_QM_MTA_HOLD) {
		snprintf(reason, sizeof reason, "phimilter incident %s", d->incident);
		if (smfi_quarantine(ctx, reason) != MI_SUCCESS) {
			LOG_AT(LOG_ERR, "%s: the MTA refused smfi_quarantine", m->queue_id);
			return -1;
		}
		return SMFIS_CONTINUE;
	}
	rc = store(m, d, "quarantine", 0, &it, qid);
	free_item(&it);
	if (rc != 0)
		return -1;
	LOG_AT(LOG_INFO, "%s: quarantined as %s incident=%s", m->queue_id, qid, d->incident);
	return SMFIS_DISCARD;
}

/* Read a template from the config's templates/ directory, or NULL. */
static char *read_template(const struct conf *c, const char *name)
{
	char path[4096];
	FILE *f;
	char *buf;
	size_t n;

	snprintf(path, sizeof path, "%s/templates/%s", c->dir, name);
	if (!(f = fopen(path, "r")))
		return NULL;
	buf = malloc(8192);
	n = buf ? fread(buf, 1, 8191, f) : 0;
	fclose(f);
	if (buf)
		buf[n] = 0;
	return buf;
}

/* Fill {sender} {link} {expires} {incident}; CRLF line ends. */
static char *notice_body(const struct conf *c, const char *sender, const char *link, const char *expires,
                         const char *incident)
{
	static const char builtin[] =
		"{sender} has sent you a message through the secure portal.\n"
		"\n"
		"It is not in this e-mail. To read it, open this link (it is for you\n"
		"only: a one-time code will be sent to this address):\n"
		"\n"
		"{link}\n"
		"\n"
		"The link expires on {expires}.\n"
		"\n"
		"Reference: {incident}\n";
	char *tmpl = read_template(c, "portal_notice.txt"), *out;
	const char *s = tmpl ? tmpl : builtin;
	size_t cap = strlen(s) * 2 + strlen(link) * 4 + 1024, o = 0;

	if (!(out = malloc(cap))) {
		free(tmpl);
		return NULL;
	}
	while (*s && o + 600 + strlen(link) < cap) {
		const char *ins = NULL;
		size_t skip = 1;

		if (strncmp(s, "{sender}", 8) == 0)
			ins = sender, skip = 8;
		else if (strncmp(s, "{link}", 6) == 0)
			ins = link, skip = 6;
		else if (strncmp(s, "{expires}", 9) == 0)
			ins = expires, skip = 9;
		else if (strncmp(s, "{incident}", 10) == 0)
			ins = incident, skip = 10;
		if (ins) {
			size_t n = strnlen(ins, 512 + strlen(link));

			memcpy(out + o, ins, n);
			o += n;
		} else if (*s == '\n') {
			out[o++] = '\r';
			out[o++] = '\n';
		} else if (*s != '\r')
			out[o++] = *s;
		s += skip;
	}
	out[o] = 0;
	free(tmpl);
	return out;
}

static char *notice_message(const struct conf *c, const char *to, const char *body, const char *incident,
                            unsigned n)
{
	char date[64];
	time_t t = time(NULL);
	struct tm tm;
	size_t cap = strlen(body) + 2048;
	char *msg = malloc(cap);

	if (!msg)
		return NULL;
	gmtime_r(&t, &tm);
	strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S +0000", &tm);
	snprintf(msg, cap,
	         "From: %s\r\nTo: <%s>\r\nSubject: " NOTICE_SUBJECT "\r\nDate: %s\r\n"
	         "Message-ID: <%s.%u@phimilter>\r\nAuto-Submitted: auto-generated\r\n"
	         "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
	         "Content-Transfer-Encoding: 8bit\r\n\r\n%s",
	         c->notice_from, to, date, incident, n, body);
	return msg;
}

int mlfi_act_redirect(SMFICTX *ctx, struct mctx *m, const struct decide_result *d,
                      char qid[QSTORE_ID_MAX], int *rewritten)
{
	const struct conf *c = m->conf;
	struct qstore_item it;
	long long expires = (long long)time(NULL) + (long long)c->portal_link_days * 86400;
	char expires_s[64], tok[TOKEN_MAX], link[2048], sender[MCTX_ADDR_MAX + 1];
	unsigned char *redir = NULL;
	size_t i, nred = 0, inplace = (size_t)-1;
	char *inplace_body = NULL;
	int rc = -1;
	time_t et = (time_t)expires;
	struct tm tm;

	*rewritten = 0;
	if (m->rcpt_dropped) {
		LOG_AT(LOG_WARNING, "%s: too many recipients to redirect one by one", m->queue_id);
		return -1;
	}
	if (store(m, d, "redirect", expires, &it, qid) != 0) {
		free_item(&it);
		return -1;
	}
	gmtime_r(&et, &tm);
	strftime(expires_s, sizeof expires_s, "%d %B %Y, %H:%M UTC", &tm);
	bare(m->sender ? m->sender : "", sender, sizeof sender);
	if (!(redir = calloc(m->nrcpt ? m->nrcpt : 1, 1)))
		goto out;
	for (i = 0; i < m->nrcpt; i++)
		if (d->class_action[dest_classify(c, m->rcpts[i])] == POLICY_REDIRECT) {
			redir[i] = 1;
			nred++;
		}
	/* First every notice that goes separately (nothing changed yet if one fails). */
	for (i = 0; i < m->nrcpt; i++) {
		char *body, *msg;
		char *to[1];
		char why[256];
		int ok;

		if (!redir[i])
			continue;
		if (token_portal_make(c->portal_key, it.meta.id, it.rcpts[i], expires, (unsigned)i, tok,
		                      sizeof tok) != 0 ||
		    token_url(c->portal_url, it.meta.id, tok, link, sizeof link) != 0 ||
		    !(body = notice_body(c, sender, link, expires_s, d->incident))) {
			LOG_AT(LOG_ERR, "%s: portal link could not be made", m->queue_id);
			goto out;
		}
		if (nred == m->nrcpt && inplace == (size_t)-1) {
			inplace = i; /* every recipient redirected: the message becomes this one's notice */
			inplace_body = body;
			continue;
		}
		msg = notice_message(c, it.rcpts[i], body, d->incident, (unsigned)i);
		free(body);
		to[0] = it.rcpts[i];
		ok = msg && submit_message(c->submission, c->notice_from, to, 1, (unsigned char *)msg, strlen(msg),
		                           why, sizeof why) == 0;
		free(msg);
		if (!ok) {
			LOG_AT(LOG_ERR, "%s: portal notice not submitted: %s", m->queue_id, why);
			goto out;
		}
	}
	/* Then the envelope and the message. */
	for (i = 0; i < m->nrcpt; i++)
		if (redir[i] && i != inplace && smfi_delrcpt(ctx, m->rcpts[i]) != MI_SUCCESS)
			LOG_AT(LOG_WARNING, "%s: could not remove a redirected recipient", m->queue_id);
	if (inplace != (size_t)-1) {
		int h;
		unsigned k;

		if (smfi_replacebody(ctx, (unsigned char *)inplace_body, (int)strlen(inplace_body)) != MI_SUCCESS) {
			LOG_AT(LOG_ERR, "%s: could not replace the body", m->queue_id);
			goto out;
		}
		for (h = 0; h < MCTX_HC__COUNT; h++)
			for (k = m->hdr_count[h]; k >= 1; k--)
				smfi_chgheader(ctx, (char *)mctx_hc_name(h), (int)k, NULL);
		smfi_addheader(ctx, "Subject", NOTICE_SUBJECT);
		smfi_addheader(ctx, "Content-Type", "text/plain; charset=utf-8");
		smfi_addheader(ctx, "Auto-Submitted", "auto-generated");
		*rewritten = 1;
	}
	LOG_AT(LOG_INFO, "%s: redirected %zu recipient(s) to the portal as %s%s incident=%s", m->queue_id, nred,
	       qid, inplace != (size_t)-1 ? " (message rewritten in place)" : "", d->incident);
	rc = 0;
out:
	if (rc != 0 && qid[0]) {
		/* nothing was sent in place of the message: drop the copy, the MTA retries */
		struct qstore *q = open_store(c);

		if (q) {
			q->ops->del(q, qid);
			qstore_close(q);
		}
		qid[0] = 0;
	}
	free(inplace_body);
	free(redir);
	free_item(&it);
	return rc;
}

void mlfi_act_strip_keyword(SMFICTX *ctx, const struct mctx *m)
{
	const char *kw = m->conf->secure_keyword, *p;
	char subj[MCTX_ADDR_MAX + 1];
	size_t n, k = strlen(kw), o;

	if (!m->subject || !k || !(p = strcasestr(m->subject, kw)))
		return;
	n = (size_t)(p - m->subject);
	memcpy(subj, m->subject, n);
	o = n;
	p += k;
	if (o > 0 && subj[o - 1] == ' ' && *p == ' ')
		p++;
	else if (o == 0)
		while (*p == ' ')
			p++;
	snprintf(subj + o, sizeof subj - o, "%s", p);
	smfi_chgheader(ctx, "Subject", 1, subj);
	qcrypt_wipe(subj, sizeof subj);
}

void mlfi_act_audit(const struct mctx *m, const struct decide_result *d, const char *action,
                    const char *qid)
{
	struct audit_rec r;
	char dom[128], h[17], cls[200];
	size_t used = 0;
	int i;

	if (!m->conf->audit_log[0])
		return;
	if (dest_domain(m->sender ? m->sender : "", dom, sizeof dom) != 0)
		snprintf(dom, sizeof dom, "-");
	audit_hash(m->message_id, h);
	cls[0] = 0;
	for (i = 0; i < DEST__COUNT; i++) {
		int w;

		if (!d->rcpts[i])
			continue;
		w = snprintf(cls + used, sizeof cls - used, "%s%s:%u", used ? "," : "",
		             dest_class_name((enum dest_class)i), d->rcpts[i]);
		if (w < 0 || (size_t)w >= sizeof cls - used)
			break;
		used += (size_t)w;
	}
	audit_begin(&r, "decision");
	audit_str(&r, "incident", d->incident);
	audit_str(&r, "queue_id", m->queue_id);
	audit_str(&r, "message_id_hash", h);
	audit_str(&r, "sender_domain", dom);
	audit_counts(&r, "recipients", cls);
	audit_str(&r, "mode", conf_mode_name(m->conf->mode));
	audit_str(&r, "verdict", phi_verdict_name(d->verdict));
	audit_counts(&r, "types", d->types);
	audit_str(&r, "rule", d->worst.rule);
	audit_str(&r, "action", action);
	audit_str(&r, "would", policy_action_name(d->would));
	audit_str(&r, "quarantine_id", qid);
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

struct text {
	char *p;
	size_t len, cap;
};

static void text_add(struct text *t, const char *s, size_t n)
{
	if (!t->p || t->len + n + 3 > t->cap) {
		size_t nc = (t->len + n + 3) * 2;
		char *np = realloc(t->p, nc);

		if (!np)
			return;
		t->p = np;
		t->cap = nc;
	}
	memcpy(t->p + t->len, s, n);
	t->len += n;
	t->p[t->len] = 0;
}

static void text_line(struct text *t, const char *s)
{
	text_add(t, s, strlen(s));
	text_add(t, "\r\n", 2);
}

/* what[i]: 0 delivered, 1 refused, 2 portal notice instead */
static int send_sender_notice(struct mctx *m, const struct phi_scan *s, const struct decide_result *d,
                              const unsigned char *what)
{
	const struct conf *c = m->conf;
	struct reply r;
	struct text findings = { 0 }, where = { 0 }, body = { 0 }, msg = { 0 };
	char *tmpl = read_template(c, "sender_notice.txt"), line[600], sender[MCTX_ADDR_MAX + 1], date[64], tok[TOKEN_MAX];
	const char *portal_help = "To send it safely, use the secure portal or another approved secure method.";
	const char *p;
	char *to[1];
	size_t i;
	time_t now = time(NULL);
	struct tm tm;
	int rc = -1;
	static const char builtin[] =
		"Your message was stopped for some or all of its recipients: it contains\n"
		"patient information (incident {incident}).\n\nWhat was found (redacted):\n{findings}\n\n"
		"What happened to each recipient:\n{where}\n\nRule: {rule}\n\n{portal_help}\n";

	decide_reply(c, s, d, &r);
	for (i = 1; i < r.n; i++) {
		if (strncmp(r.line[i], "To send it safely", 17) == 0)
			portal_help = r.line[i];
		else if (strncmp(r.line[i], "Rule:", 5) && strncmp(r.line[i], "If the patient", 14) &&
		         strncmp(r.line[i], "Questions", 9) && strncmp(r.line[i], "Stopped for", 11))
			text_line(&findings, r.line[i]);
	}
	for (i = 0; i < m->nrcpt; i++) {
		char dom[128], cl[128];

		if (dest_domain(m->rcpts[i], dom, sizeof dom) != 0)
			snprintf(dom, sizeof dom, "-");
		log_clean(dom, (size_t)-1, cl, sizeof cl);
		/* the domain and class only: a recipient's local part may name a patient */
		snprintf(line, sizeof line, "- recipient %zu of %zu (at %s, %s): %s", i + 1, m->nrcpt, cl,
		         dest_class_name(dest_classify(c, m->rcpts[i])),
		         what[i] == 1 ? "not delivered" : what[i] == 2 ? "sent a secure-portal notice instead" : "delivered");
		text_line(&where, line);
	}
	for (p = tmpl ? tmpl : builtin; *p; p++) {
		const char *ins = NULL;
		size_t skip = 0;

		if (strncmp(p, "{findings}", 10) == 0)
			ins = findings.p ? findings.p : "", skip = 10;
		else if (strncmp(p, "{where}", 7) == 0)
			ins = where.p ? where.p : "", skip = 7;
		else if (strncmp(p, "{rule}", 6) == 0)
			ins = d->worst.description ? d->worst.description : "-", skip = 6;
		else if (strncmp(p, "{portal_help}", 13) == 0)
			ins = portal_help, skip = 13;
		else if (strncmp(p, "{incident}", 10) == 0)
			ins = d->incident, skip = 10;
		if (ins) {
			size_t n = strlen(ins);

			/* inserted blocks end in CRLF already; drop it before the template's own newline */
			if (n >= 2 && ins[n - 2] == '\r' && p[skip] == '\n')
				n -= 2;
			text_add(&body, ins, n);
			p += skip - 1;
		} else if (*p == '\n')
			text_add(&body, "\r\n", 2);
		else if (*p != '\r')
			text_add(&body, p, 1);
	}
	bare(m->sender ? m->sender : "", sender, sizeof sender);
	gmtime_r(&now, &tm);
	strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S +0000", &tm);
	snprintf(line, sizeof line, "From: %s\r\nTo: <%s>\r\n", c->notice_from, sender);
	text_add(&msg, line, strlen(line));
	snprintf(line, sizeof line,
	         "Subject: Your message was stopped: patient information (incident %s)\r\nDate: %s\r\n"
	         "Message-ID: <%s.sender@phimilter>\r\nAuto-Submitted: auto-generated\r\n"
	         "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n",
	         d->incident, date, d->incident);
	text_add(&msg, line, strlen(line));
	if ((c->have_quarantine_key || c->have_portal_key) &&
	    token_notice_make(c->have_quarantine_key ? c->quarantine_key : c->portal_key, d->incident,
	                      (long long)now + 7 * 86400, tok, sizeof tok) == 0) {
		snprintf(line, sizeof line, "X-PHI-Notice: %s\r\n", tok);
		text_add(&msg, line, strlen(line));
	}
	text_add(&msg, "\r\n", 2);
	if (body.p)
		text_add(&msg, body.p, body.len);
	to[0] = sender;
	if (msg.p && sender[0] &&
	    submit_message(c->submission, c->notice_from, to, 1, (unsigned char *)msg.p, msg.len, line,
	                   sizeof line) == 0)
		rc = 0;
	else
		LOG_AT(LOG_ERR, "%s: sender notice not submitted: %s", m->queue_id, sender[0] ? line : "no sender");
	free(tmpl);
	free(findings.p);
	free(where.p);
	free(body.p);
	free(msg.p);
	return rc;
}

int mlfi_act_partial(SMFICTX *ctx, struct mctx *m, const struct phi_scan *s, const struct decide_result *d)
{
	const struct conf *c = m->conf;
	unsigned char *what;
	size_t i, refused = 0;
	int rc = 0;

	if (m->rcpt_dropped || !m->nrcpt)
		return 0;
	if (!(what = calloc(m->nrcpt, 1)))
		return -1;
	for (i = 0; i < m->nrcpt; i++) {
		enum policy_action a = d->class_action[dest_classify(c, m->rcpts[i])];

		if (a == POLICY_REJECT) {
			what[i] = 1;
			refused++;
		} else if (a > POLICY_TAG) {
			refused = m->nrcpt; /* a redirect or quarantine besides: refuse whole */
			break;
		}
	}
	if (refused == 0 || refused >= m->nrcpt)
		goto out;
	if (send_sender_notice(m, s, d, what) != 0) {
		rc = -1;
		goto out;
	}
	for (i = 0; i < m->nrcpt; i++)
		if (what[i] && smfi_delrcpt(ctx, m->rcpts[i]) != MI_SUCCESS)
			LOG_AT(LOG_WARNING, "%s: could not remove a refused recipient", m->queue_id);
	LOG_AT(LOG_INFO, "%s: %zu of %zu recipient(s) refused, the others get the message; sender notified incident=%s",
	       m->queue_id, refused, m->nrcpt, d->incident);
	rc = 1;
out:
	free(what);
	return rc;
}

void mlfi_act_reject_notice(struct mctx *m, const struct phi_scan *s, const struct decide_result *d)
{
	const struct conf *c = m->conf;
	unsigned char *what;
	int internal = m->sender && dest_classify(c, m->sender) == DEST_INTERNAL;

	if (c->sender_notice == CONF_SN_NONE || (c->sender_notice == CONF_SN_INTERNAL && !internal) ||
	    !m->sender || !m->sender[0] || strcmp(m->sender, "<>") == 0)
		return;
	if (!(what = malloc(m->nrcpt ? m->nrcpt : 1)))
		return;
	memset(what, 1, m->nrcpt ? m->nrcpt : 1);
	if (send_sender_notice(m, s, d, what) == 0)
		LOG_AT(LOG_INFO, "%s: sender notified of the refusal incident=%s", m->queue_id, d->incident);
	free(what);
}
