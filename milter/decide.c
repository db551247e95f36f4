/*
 * decide.c - scan result x envelope -> action for the message, and the
 * header, reply and log texts (see decide.h).
 *
 * Everything written here is built from types, counts, destination
 * classes, limit names and cleaned MTA metadata: never from message
 * content, file names or addresses' local parts.
 */
#include <stdio.h>
#include <string.h>
#include "decide.h"
#include "log.h"

void decide_types(const unsigned *counts, char kv, const char *sep, char *buf, size_t len)
{
	size_t used = 0, t;

	if (!len)
		return;
	buf[0] = 0;
	for (t = 0; counts && t < PHI_T__COUNT; t++) {
		int w;

		if (!counts[t])
			continue;
		w = snprintf(buf + used, len - used, "%s%s%c%u", used ? sep : "",
		             phi_type_name((enum phi_type)t), kv, counts[t]);
		if (w < 0 || (size_t)w >= len - used) {
			buf[used] = 0; /* never a half entry */
			break;
		}
		used += (size_t)w;
	}
	if (!used)
		snprintf(buf, len, "-");
}

static void unscannable_flags(const struct phi_scan *s, int *limit, int *other, int *timeout)
{
	size_t i, n = phi_scan_nfindings(s);

	*limit = *other = *timeout = 0;
	for (i = 0; i < n; i++) {
		const struct phi_finding *f = phi_scan_finding(s, i);

		if (f->type != PHI_T_UNSCANNABLE)
			continue;
		if (strcmp(f->why, "limit time_budget_ms") == 0)
			*timeout = 1;
		if (strncmp(f->why, "limit ", 6) == 0)
			*limit = 1;
		else
			*other = 1;
	}
	/* Findings past max_findings are only counted: if unscannable ones were
	 * dropped we cannot tell why, so assume a limit (the safe side). */
	if (!*limit && !*other && phi_scan_type_counts(s)[PHI_T_UNSCANNABLE])
		*limit = 1;
}

void decide_message(const struct conf *c, const struct mctx *m, const struct phi_scan *s,
                    struct decide_result *out)
{
	struct policy_input in;
	struct policy_decision pd;
	size_t i;
	int d, first = 1;

	memset(out, 0, sizeof *out);
	out->verdict = phi_scan_verdict(s);
	unscannable_flags(s, &out->unscannable_limit, &out->unscannable_other, &out->timed_out);
	for (i = 0; i < m->nrcpt; i++)
		out->rcpts[dest_classify(c, m->rcpts[i])]++;
	out->rcpts[DEST_EXTERNAL] += (unsigned)m->rcpt_dropped;

	memset(&in, 0, sizeof in);
	in.verdict = out->verdict;
	in.unscannable_limit = out->unscannable_limit;
	in.unscannable_other = out->unscannable_other;
	in.mode = c->mode;
	in.portal = c->portal_url[0] && c->have_portal_key && c->have_quarantine_key;
	in.quarantine = c->blocked_action == CONF_BLOCK_QUARANTINE &&
	                (c->have_quarantine_key || c->quarantine_method == CONF_QM_MTA_HOLD);
	in.secure = m->subject && c->secure_keyword[0] && strcasestr(m->subject, c->secure_keyword);
	out->secure = in.secure && in.portal;
	out->action = out->would = POLICY_ACCEPT;
	for (d = 0; d < DEST__COUNT; d++) {
		if (!out->rcpts[d])
			continue;
		in.dest = (enum dest_class)d;
		policy_decide(&in, &pd);
		out->class_action[d] = pd.would;
		if (pd.would >= POLICY_REDIRECT)
			out->blocked[d] = out->rcpts[d];
		if (first || pd.would > out->would) {
			out->would = pd.would;
			out->worst = pd;
		}
		if (pd.action > out->action)
			out->action = pd.action;
		first = 0;
	}
	if (first) { /* no recipient at all: judge as external, the safe side */
		in.dest = DEST_EXTERNAL;
		policy_decide(&in, &pd);
		out->would = pd.would;
		out->action = pd.action;
		out->worst = pd;
	}
	decide_types(phi_scan_type_counts(s), '=', ", ", out->findings_hdr, sizeof out->findings_hdr);
	decide_types(phi_scan_type_counts(s), ':', ",", out->types, sizeof out->types);
	if (strcmp(out->findings_hdr, "-") == 0)
		out->findings_hdr[0] = 0;
	if (out->would >= POLICY_REDIRECT)
		reply_incident_id(out->incident, sizeof out->incident);
}

void decide_reply(const struct conf *c, const struct phi_scan *s, const struct decide_result *d,
                  struct reply *r)
{
	struct reply_input in;
	size_t i, n = phi_scan_nfindings(s);

	memset(&in, 0, sizeof in);
	in.incident = d->incident;
	in.reason = d->worst.reason;
	in.description = d->worst.description;
	in.findings = n ? phi_scan_finding(s, 0) : NULL; /* findings are one array */
	in.nfindings = n;
	in.type_counts = phi_scan_type_counts(s);
	for (i = 0; i < DEST__COUNT; i++)
		in.blocked[i] = d->blocked[i];
	in.portal = c->portal_url[0] != 0;
	in.secure_keyword = c->secure_keyword;
	in.privacy_contact = c->privacy_contact;
	reply_build(r, &in);
}

static void unscannable_reasons(const struct phi_scan *s, char *buf, size_t len)
{
	size_t i, used = 0, n = phi_scan_nfindings(s);

	buf[0] = 0;
	for (i = 0; i < n; i++) {
		const struct phi_finding *f = phi_scan_finding(s, i);
		char why[PHI_WHY_MAX];
		const char *w;
		int k;

		if (f->type != PHI_T_UNSCANNABLE)
			continue;
		w = strncmp(f->why, "limit ", 6) == 0 ? f->why + 6 : f->why;
		log_clean(w, (size_t)-1, why, sizeof why);
		if (strstr(buf, why))
			continue; /* each reason once */
		k = snprintf(buf + used, len - used, "%s%s", used ? "," : "", why);
		if (k < 0 || (size_t)k >= len - used) {
			buf[used] = 0;
			break;
		}
		used += (size_t)k;
	}
	if (!used)
		snprintf(buf, len, "-");
}

void decide_log_line(const struct conf *c, const struct mctx *m, const struct phi_scan *s,
                     const struct decide_result *d, unsigned long ms, char *buf, size_t len)
{
	char types[256], unsc[160], classes[160];
	size_t used = 0;
	int i, w;

	decide_types(phi_scan_type_counts(s), ':', ",", types, sizeof types);
	unscannable_reasons(s, unsc, sizeof unsc);
	classes[0] = 0;
	for (i = 0; i < DEST__COUNT; i++) {
		if (!d->rcpts[i])
			continue;
		w = snprintf(classes + used, sizeof classes - used, " %s=%s/%u",
		             dest_class_name((enum dest_class)i),
		             policy_action_name(d->class_action[i]), d->rcpts[i]);
		if (w < 0 || (size_t)w >= sizeof classes - used)
			break;
		used += (size_t)w;
	}
	snprintf(buf, len,
	         "%s: mode=%s verdict=%s action=%s would=%s rule=%s%s types=%s unscannable=%s"
	         " size=%zu%s parts=%zu ms=%lu incident=%s",
	         m->queue_id, conf_mode_name(c->mode), phi_verdict_name(d->verdict),
	         policy_action_name(d->action), policy_action_name(d->would),
	         d->worst.rule ? d->worst.rule : "-", classes, types, unsc, m->size,
	         m->truncated ? " truncated=1" : "", phi_doc_nparts(phi_scan_doc(s)), ms,
	         d->incident[0] ? d->incident : "-");
}
