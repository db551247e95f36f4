/*
 * notice.c - the sender's and the privacy officer's notice mail (see
 * notice.h).
 *
 * Everything put into a notice is built from finding types and counts,
 * the redacted reply lines (reply.c: kinds, part numbers, at most four
 * characters of a masked sample), rule names and the admin's
 * descriptions, recipients' domains and classes, ids, and the sender's
 * address (staff; the officer needs to know whom to ask). Never the
 * subject, the body, file names or a recipient's local part: those may
 * name the patient.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "notice.h"
#include "dest.h"
#include "log.h"
#include "submit.h"
#include "token.h"

#define TEMPLATE_MAX 65536
#define NOTICE_TTL (7 * 86400) /* an X-PHI-Notice token passes for a week */

struct text {
	char *p;
	size_t len, cap;
	int oom;
};

static void text_add(struct text *t, const char *s, size_t n)
{
	if (t->oom)
		return;
	if (!t->p || t->len + n + 1 > t->cap) {
		size_t nc = (t->len + n + 1) * 2 + 256;
		char *np = realloc(t->p, nc);

		if (!np) {
			t->oom = 1;
			return;
		}
		t->p = np;
		t->cap = nc;
	}
	memcpy(t->p + t->len, s, n);
	t->len += n;
	t->p[t->len] = 0;
}

static void text_str(struct text *t, const char *s)
{
	text_add(t, s, strlen(s));
}

static void text_line(struct text *t, const char *s)
{
	text_str(t, s);
	text_add(t, "\r\n", 2);
}

/* The text, or NULL (and freed) when something did not fit in memory. */
static char *text_take(struct text *t)
{
	if (t->oom || !t->p) {
		free(t->p);
		return NULL;
	}
	return t->p;
}

char *notice_template(const struct conf *c, const char *name)
{
	char path[4096];
	FILE *f;
	char *buf;
	size_t n;

	/* a plain file name only: a rule's notice = cannot point elsewhere */
	if (!name || !*name || name[0] == '.' || strchr(name, '/'))
		return NULL;
	if (snprintf(path, sizeof path, "%s/templates/%s", c->dir, name) >= (int)sizeof path)
		return NULL;
	if (!(f = fopen(path, "r")))
		return NULL;
	buf = malloc(TEMPLATE_MAX);
	n = buf ? fread(buf, 1, TEMPLATE_MAX - 1, f) : 0;
	fclose(f);
	if (buf)
		buf[n] = 0;
	return buf;
}

struct var {
	const char *name; /* "{incident}" */
	const char *val;
};

/* Fill the template: placeholders from vars (unknown ones stay as
 * written), LF made CRLF. An inserted block ending in CRLF drops it before
 * the template's own newline, so blocks of lines sit flush. */
static void fill(struct text *out, const char *tmpl, const struct var *v, size_t nv)
{
	const char *p;

	for (p = tmpl; *p; p++) {
		const char *ins = NULL;
		size_t i, skip = 0;

		if (*p == '{')
			for (i = 0; i < nv; i++) {
				size_t k = strlen(v[i].name);

				if (strncmp(p, v[i].name, k) == 0) {
					ins = v[i].val ? v[i].val : "-";
					skip = k;
					break;
				}
			}
		if (ins) {
			size_t n = strlen(ins);

			if (n >= 2 && ins[n - 2] == '\r' && p[skip] == '\n')
				n -= 2;
			text_add(out, ins, n);
			p += skip - 1;
		} else if (*p == '\n')
			text_add(out, "\r\n", 2);
		else if (*p != '\r')
			text_add(out, p, 1);
	}
}

/* "<a@b>" -> "a@b", without control characters (it goes into a header). */
static void bare(const char *a, char *out, size_t len)
{
	size_t o = 0;

	while (*a == ' ' || *a == '<')
		a++;
	for (; *a && *a != '>' && o + 1 < len; a++)
		if ((unsigned char)*a > 0x20 && (unsigned char)*a != 0x7f)
			out[o++] = *a;
	out[o] = 0;
}

/* The header block of a notice; ends with the blank line. */
static void headers(struct text *t, const struct conf *c, const char *to, const char *subject,
                    const char *incident, const char *kind, int token)
{
	char line[1024], date[64], tok[TOKEN_MAX];
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S +0000", &tm);
	snprintf(line, sizeof line, "From: %s\r\nTo: <%s>\r\nSubject: %s\r\nDate: %s\r\n", c->notice_from, to,
	         subject, date);
	text_str(t, line);
	snprintf(line, sizeof line,
	         "Message-ID: <%s.%s@phimilter>\r\nAuto-Submitted: auto-generated\r\n"
	         "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
	         "Content-Transfer-Encoding: 8bit\r\n",
	         incident[0] ? incident : "none", kind);
	text_str(t, line);
	if (token && (c->have_quarantine_key || c->have_portal_key) && incident[0] &&
	    token_notice_make(c->have_quarantine_key ? c->quarantine_key : c->portal_key, incident,
	                      (long long)now + NOTICE_TTL, tok, sizeof tok) == 0) {
		snprintf(line, sizeof line, "X-PHI-Notice: %s\r\n", tok);
		text_str(t, line);
	}
	text_add(t, "\r\n", 2);
}

char *notice_portal_body(const struct conf *c, const char *sender, const char *link, const char *expires,
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
	const struct var v[] = {
		{ "{sender}", sender }, { "{link}", link }, { "{expires}", expires }, { "{incident}", incident },
	};
	char *tmpl = notice_template(c, "portal_notice.txt");
	struct text out = { 0 };

	fill(&out, tmpl ? tmpl : builtin, v, sizeof v / sizeof v[0]);
	free(tmpl);
	return text_take(&out);
}

char *notice_portal_message(const struct conf *c, const char *to, const char *body, const char *incident,
                            unsigned n)
{
	struct text msg = { 0 };
	char kind[32];

	/* no X-PHI-Notice: this one leaves the organisation, and is scanned
	 * again on its way out like any mail */
	snprintf(kind, sizeof kind, "%u", n);
	headers(&msg, c, to, NOTICE_PORTAL_SUBJECT, incident, kind, 0);
	text_str(&msg, body);
	return text_take(&msg);
}

static enum dest_class rcpt_class(const struct conf *c, const struct mctx *m, const struct decide_result *d,
                                  size_t i)
{
	return d->rcpt && i < d->nrcpt ? d->rcpt[i].dest : dest_classify(c, m->rcpts[i]);
}

char *notice_sender_build(const struct conf *c, const struct mctx *m, const struct phi_scan *s,
                          const struct decide_result *d, const struct outcome_plan *p)
{
	static const char builtin[] =
		"Your message was stopped for some or all of its recipients: it contains\n"
		"patient information (incident {incident}).\n\nWhat was found (redacted):\n{findings}\n\n"
		"What happened to each recipient:\n{where}\n\nRule: {rule}\n\n{portal_help}\n";
	struct reply r;
	struct text findings = { 0 }, where = { 0 }, msg = { 0 };
	char *tmpl = NULL, line[700], sender[MCTX_ADDR_MAX + 1], subject[160];
	const char *portal_help = "To send it safely, use the secure portal or another approved secure method.";
	char help2[2 * REPLY_LINE_MAX + 4];
	const char *posted = NULL; /* the social/chat advice, when such recipients were stopped */
	size_t i;

	/* a rule's template that cannot be read falls back (phimilter -n names it) */
	if (d->notice_template)
		tmpl = notice_template(c, d->notice_template);
	if (!tmpl)
		tmpl = notice_template(c, "sender_notice.txt");
	decide_reply(c, s, d, &r);
	for (i = 1; i < r.n; i++) {
		if (strncmp(r.line[i], "To send it safely", 17) == 0)
			portal_help = r.line[i];
		else if (strncmp(r.line[i], "Social networks and chat tools", 30) == 0)
			posted = r.line[i];
		else if (strncmp(r.line[i], "Rule:", 5) && strncmp(r.line[i], "If the patient", 14) &&
		         strncmp(r.line[i], "Questions", 9) && strncmp(r.line[i], "Stopped for", 11))
			text_line(&findings, r.line[i]);
	}
	if (posted && portal_help != posted) {
		int saw_portal = 0;

		for (i = 1; i < r.n; i++)
			saw_portal |= strncmp(r.line[i], "To send it safely", 17) == 0;
		if (saw_portal) {
			snprintf(help2, sizeof help2, "%s\r\n%s", portal_help, posted);
			portal_help = help2;
		} else
			portal_help = posted;
	}
	for (i = 0; i < m->nrcpt && i < p->n; i++) {
		char dom[128], cl[128];
		const struct policy_decision *pd = d->rcpt && i < d->nrcpt ? &d->rcpt[i].pd : NULL;
		/* the rule's words when this recipient's rule is not the one the
		 * notice names anyway */
		int plain = p->what[i] == REPLY_O_DELIVERED || p->what[i] == REPLY_O_TAGGED ||
		            (pd && pd->description && d->worst.description &&
		             strcmp(pd->description, d->worst.description) == 0);

		if (dest_domain(m->rcpts[i], dom, sizeof dom) != 0)
			snprintf(dom, sizeof dom, "-");
		log_clean(dom, (size_t)-1, cl, sizeof cl);
		/* the domain and class only: a recipient's local part may name a patient */
		snprintf(line, sizeof line, "- recipient %zu of %zu (at %s, %s): %s%s%.300s%s", i + 1, m->nrcpt, cl,
		         dest_class_name(rcpt_class(c, m, d, i)), reply_outcome_words(p->what[i]),
		         !plain && pd && pd->description ? " - " : "",
		         !plain && pd && pd->description ? pd->description : "",
		         !plain && pd && pd->description ? "." : "");
		text_line(&where, line);
	}
	bare(m->sender ? m->sender : "", sender, sizeof sender);
	snprintf(subject, sizeof subject, "Your message was stopped: patient information (incident %s)",
	         d->incident);
	headers(&msg, c, sender, subject, d->incident, "sender", 1);
	{
		const struct var v[] = {
			{ "{findings}", findings.p ? findings.p : "" },
			{ "{where}", where.p ? where.p : "" },
			{ "{rule}", d->worst.description ? d->worst.description : "-" },
			{ "{portal_help}", portal_help },
			{ "{incident}", d->incident },
		};

		fill(&msg, tmpl ? tmpl : builtin, v, sizeof v / sizeof v[0]);
	}
	free(tmpl);
	free(findings.p);
	free(where.p);
	if (findings.oom || where.oom)
		msg.oom = 1;
	return text_take(&msg);
}

/* The rules that asked for the officer ("a, b"), and the first one's description. */
static void officer_rules(const struct decide_result *d, char *names, size_t len, const char **desc)
{
	size_t i, j, used = 0;

	names[0] = 0;
	*desc = NULL;
	for (i = 0; d->rcpt && i < d->nrcpt; i++) {
		const struct policy_rule *r = d->rcpt[i].pd.rule;
		int w;

		if (!r || !r->notify_officer)
			continue;
		for (j = 0; j < i && d->rcpt[j].pd.rule != r; j++)
			;
		if (j < i)
			continue; /* named already */
		if (!*desc)
			*desc = r->description;
		w = snprintf(names + used, len - used, "%s%s", used ? ", " : "", r->name);
		if (w < 0 || (size_t)w >= len - used) {
			names[used] = 0;
			break;
		}
		used += (size_t)w;
	}
	if (!used) {
		snprintf(names, len, "%s", d->worst.rule_name ? d->worst.rule_name : "-");
		*desc = d->worst.description;
	}
}

char *notice_officer_build(const struct conf *c, const struct mctx *m, const struct decide_result *d,
                           const struct outcome_plan *p, const char *qid)
{
	static const char builtin[] =
		"phimilter stopped or flagged a message (incident {incident}).\n"
		"\n"
		"Rule:        {rule}\n"
		"             {description}\n"
		"Verdict:     {verdict}\n"
		"Found:       {findings}\n"
		"Sender:      {sender}\n"
		"Queue id:    {queue_id}\n"
		"Quarantine:  {quarantine_id}\n"
		"\n"
		"What happened, per recipient class:\n"
		"{outcomes}\n"
		"\n"
		"{how_to_act}\n"
		"\n"
		"This notice holds no patient information: no subject, no text and no\n"
		"recipient names. The audit log has the decision under the incident id.\n";
	unsigned cnt[DEST__COUNT][REPLY_O__COUNT];
	struct text outcomes = { 0 }, act = { 0 }, msg = { 0 };
	char *tmpl = notice_template(c, "officer_notice.txt");
	char rules[400], sender[MCTX_ADDR_MAX + 1], line[700], subject[200], qidv[QSTORE_ID_MAX + 8];
	const char *desc;
	size_t i;
	int k, o;

	memset(cnt, 0, sizeof cnt);
	for (i = 0; i < m->nrcpt && i < p->n; i++)
		cnt[rcpt_class(c, m, d, i)][p->what[i]]++;
	for (k = 0; k < DEST__COUNT; k++)
		for (o = 0; o < REPLY_O__COUNT; o++)
			if (cnt[k][o]) {
				snprintf(line, sizeof line, "- %s: %u %s", dest_class_name((enum dest_class)k), cnt[k][o],
				         reply_outcome_words((enum reply_outcome)o));
				text_line(&outcomes, line);
			}
	if (m->rcpt_dropped) {
		snprintf(line, sizeof line, "- %zu more recipients (not handled one by one)", m->rcpt_dropped);
		text_line(&outcomes, line);
	}
	if (qid && qid[0]) {
		snprintf(line, sizeof line, "To read it:     phictl quarantine show %s", qid);
		text_line(&act, line);
		snprintf(line, sizeof line, "To deliver it:  phictl quarantine release %s", qid);
		text_line(&act, line);
		text_line(&act, "                (once, to the held recipients only)");
		snprintf(line, sizeof line, "To drop it:     phictl quarantine delete %s", qid);
		text_line(&act, line);
	} else if (p->hold) {
		snprintf(line, sizeof line,
		         "The message waits in the MTA's hold queue as %s: release it with postsuper -H %s,", m->queue_id,
		         m->queue_id);
		text_line(&act, line);
		snprintf(line, sizeof line, "or delete it with postsuper -d %s.", m->queue_id);
		text_line(&act, line);
	} else {
		text_line(&act, "Nothing is held: no action is needed unless the rule asks you to follow up");
		text_line(&act, "with the sender. phictl report summarises decisions per rule.");
	}
	officer_rules(d, rules, sizeof rules, &desc);
	bare(m->sender && m->sender[0] ? m->sender : "<>", sender, sizeof sender);
	snprintf(qidv, sizeof qidv, "%s", qid && qid[0] ? qid : "none");
	snprintf(subject, sizeof subject, "phimilter incident %s: %s, rule %.100s", d->incident,
	         phi_verdict_name(d->verdict), rules);
	headers(&msg, c, c->privacy_officer, subject, d->incident, "officer", 1);
	{
		const struct var v[] = {
			{ "{incident}", d->incident },
			{ "{rule}", rules },
			{ "{description}", desc ? desc : "-" },
			{ "{verdict}", phi_verdict_name(d->verdict) },
			{ "{findings}", d->findings_hdr[0] ? d->findings_hdr : "none" },
			{ "{sender}", sender[0] ? sender : "(none)" },
			{ "{queue_id}", m->queue_id },
			{ "{quarantine_id}", qidv },
			{ "{outcomes}", outcomes.p ? outcomes.p : "" },
			{ "{how_to_act}", act.p ? act.p : "" },
		};

		fill(&msg, tmpl ? tmpl : builtin, v, sizeof v / sizeof v[0]);
	}
	free(tmpl);
	free(outcomes.p);
	free(act.p);
	if (outcomes.oom || act.oom)
		msg.oom = 1;
	return text_take(&msg);
}

static int send_to(const struct conf *c, const char *to, char *msg, char *why, size_t whylen)
{
	char addr[MCTX_ADDR_MAX + 1];
	char *rc[1];
	int rv;

	if (!msg) {
		snprintf(why, whylen, "out of memory");
		return -1;
	}
	bare(to, addr, sizeof addr);
	if (!addr[0]) {
		free(msg);
		snprintf(why, whylen, "no address");
		return -1;
	}
	rc[0] = addr;
	rv = submit_message(c->submission, c->notice_from, rc, 1, (unsigned char *)msg, strlen(msg), why, whylen);
	free(msg);
	return rv;
}

int notice_sender_send(const struct conf *c, const struct mctx *m, const struct phi_scan *s,
                       const struct decide_result *d, const struct outcome_plan *p, char *why, size_t whylen)
{
	return send_to(c, m->sender ? m->sender : "", notice_sender_build(c, m, s, d, p), why, whylen);
}

int notice_officer_send(const struct conf *c, const struct mctx *m, const struct decide_result *d,
                        const struct outcome_plan *p, const char *qid, char *why, size_t whylen)
{
	if (!c->privacy_officer || !c->privacy_officer[0]) {
		snprintf(why, whylen, "no privacy_officer");
		return -1;
	}
	return send_to(c, c->privacy_officer, notice_officer_build(c, m, d, p, qid), why, whylen);
}
