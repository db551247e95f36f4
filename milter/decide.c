/*
 * decide.c - scan result x envelope -> action for the message, and the
 * header, reply and log texts (see decide.h).
 *
 * Everything written here is built from types, counts, destination
 * classes, limit names and cleaned MTA metadata: never from message
 * content, file names or addresses' local parts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
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

/* name:count pairs for the non-zero counts; names(i) names entry i. */
static void counts_text(const unsigned *counts, int n, const char *(*name)(int), char *buf, size_t len)
{
	size_t used = 0;
	int i;

	buf[0] = 0;
	for (i = 0; i < n; i++) {
		int w;

		if (!counts[i])
			continue;
		w = snprintf(buf + used, len - used, "%s%s:%u", used ? "," : "", name(i), counts[i]);
		if (w < 0 || (size_t)w >= len - used) {
			buf[used] = 0;
			break;
		}
		used += (size_t)w;
	}
	if (!used)
		snprintf(buf, len, "-");
}

static const char *class_name(int i)
{
	return dest_class_name((enum dest_class)i);
}

static const char *action_name(int i)
{
	return policy_action_name((enum policy_action)i);
}

void decide_class_counts(const struct decide_result *d, char *buf, size_t len)
{
	counts_text(d->rcpts, DEST__COUNT, class_name, buf, len);
}

void decide_action_counts(const struct decide_result *d, char *buf, size_t len)
{
	counts_text(d->nact, POLICY__COUNT, action_name, buf, len);
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

/* Kind of attachment a part is, for `attachment =` rules; 0 = body text
 * or a container. Inline images count: they are posted all the same. */
static unsigned part_kind(const struct phi_part *p)
{
	switch (p->format) {
	case PHI_FMT_IMAGE: return POLICY_A_IMAGE;
	case PHI_FMT_PDF: return POLICY_A_PDF;
	case PHI_FMT_DOCX: case PHI_FMT_XLSX: case PHI_FMT_PPTX: case PHI_FMT_ODT:
	case PHI_FMT_ODS: case PHI_FMT_ODP: case PHI_FMT_RTF:
		return POLICY_A_OFFICE;
	case PHI_FMT_ZIP: case PHI_FMT_GZIP: return POLICY_A_ARCHIVE;
	case PHI_FMT_HL7V2: case PHI_FMT_FHIR: case PHI_FMT_CCDA: case PHI_FMT_DICOM:
		return POLICY_A_CLINICAL;
	case PHI_FMT_AUDIO: return POLICY_A_AUDIO;
	case PHI_FMT_VIDEO: return POLICY_A_VIDEO;
	case PHI_FMT_BINARY: return POLICY_A_BINARY;
	case PHI_FMT_RFC822: case PHI_FMT_MULTIPART: case PHI_FMT_HEADER: return 0;
	default: return p->attachment ? POLICY_A_TEXT : 0;
	}
}

void decide_facts(const struct conf *c, const struct mctx *m, const struct phi_scan *s,
                  struct policy_facts *f)
{
	const struct phi_doc *doc = phi_scan_doc(s);
	const unsigned *counts = phi_scan_type_counts(s);
	size_t i, n = phi_scan_nfindings(s);
	int t, timeout;

	memset(f, 0, sizeof *f);
	f->verdict = phi_scan_verdict(s);
	unscannable_flags(s, &f->unscannable_limit, &f->unscannable_other, &timeout);
	for (t = 0; t < PHI_T__COUNT; t++)
		if (counts && counts[t])
			f->types |= 1ull << t;
	for (i = 0; i < n; i++) {
		const struct phi_finding *fd = phi_scan_finding(s, i);

		if ((int)fd->type >= 0 && fd->type < PHI_T__COUNT && f->max_conf[fd->type] < fd->confidence)
			f->max_conf[fd->type] = (unsigned char)fd->confidence;
	}
	/* Findings past max_findings are only counted: assume them sure. */
	for (t = 0; t < PHI_T__COUNT; t++)
		if ((f->types & (1ull << t)) && !f->max_conf[t])
			f->max_conf[t] = PHI_CONF_HIGH;
	for (i = 0; doc && i < phi_doc_nparts(doc); i++)
		f->attach |= part_kind(phi_doc_part(doc, i));
	f->sender = m->sender;
	f->subject = m->subject;
	f->mode = c->mode;
	f->portal = c->portal_url[0] && c->have_portal_key && c->have_quarantine_key;
	f->store = c->have_quarantine_key || c->quarantine_method == CONF_QM_MTA_HOLD;
	f->blocked_quarantine = c->blocked_action == CONF_BLOCK_QUARANTINE;
	f->secure = f->portal && m->subject && c->secure_keyword[0] && strcasestr(m->subject, c->secure_keyword);
}

/* Does the message answer a thread or list of a social network or chat
 * tool (In-Reply-To, References, List-*)? Returns DEST_SOCIAL, DEST_CHAT,
 * or DEST_EXTERNAL when not. A reply to a notification goes to an address
 * the network makes up, often on a domain no list knows; the message ids
 * and list headers it answers still carry the network's own domain. */
static enum dest_class thread_class(const struct conf *c, const char *refs)
{
	enum dest_class best = DEST_EXTERNAL;
	unsigned seen = 0;
	const char *p;

	for (p = refs; p && *p && seen < 64; p++) {
		char addr[300] = "x@";
		size_t o = 2;
		const char *q;
		enum dest_class d;

		if (*p == '@')
			q = p + 1;
		else if (strncmp(p, "://", 3) == 0)
			q = p + 3;
		else
			continue;
		while ((*q == '.' || *q == '-' || (*q >= '0' && *q <= '9') || (*q >= 'a' && *q <= 'z') ||
		        (*q >= 'A' && *q <= 'Z')) && o + 1 < sizeof addr)
			addr[o++] = *q++;
		addr[o] = 0;
		seen++;
		if (o == 2)
			continue;
		d = dest_classify(c, addr);
		if (d == DEST_SOCIAL)
			return DEST_SOCIAL;
		if (d == DEST_CHAT)
			best = DEST_CHAT;
	}
	return best;
}

/* Fold one recipient's decision into the message's. */
static void fold(struct decide_result *out, enum dest_class dest, const struct policy_decision *pd, int *first)
{
	if (++out->rcpts[dest] == 1 || pd->would > out->class_action[dest])
		out->class_action[dest] = pd->would;
	if (pd->would >= POLICY_REDIRECT)
		out->blocked[dest]++;
	if (*first || pd->would > out->would) {
		out->would = pd->would;
		out->worst = *pd;
	}
	if (*first || pd->action > out->action)
		out->action = pd->action;
	if (pd->rule && pd->rule->notify_officer)
		out->notify_officer = 1;
	*first = 0;
}

int decide_message(const struct conf *c, const struct mctx *m, const struct phi_scan *s,
                   struct decide_result *out)
{
	struct policy_facts f;
	struct policy_decision pd;
	enum dest_class thread;
	size_t i;
	int first = 1;

	memset(out, 0, sizeof *out);
	out->verdict = phi_scan_verdict(s);
	unscannable_flags(s, &out->unscannable_limit, &out->unscannable_other, &out->timed_out);
	decide_facts(c, m, s, &f);
	out->secure = f.secure;
	thread = thread_class(c, m->thread_refs);
	out->social_thread = thread != DEST_EXTERNAL;
	if (m->nrcpt && !(out->rcpt = calloc(m->nrcpt, sizeof *out->rcpt)))
		return -1;
	out->nrcpt = m->nrcpt;
	for (i = 0; i < m->nrcpt; i++) {
		enum dest_class d = dest_classify(c, m->rcpts[i]);

		if (d == DEST_EXTERNAL && out->social_thread)
			d = thread;
		policy_eval(c->policy, &f, d, m->rcpts[i], &out->rcpt[i].pd);
		out->rcpt[i].dest = d;
		out->nact[out->rcpt[i].pd.action]++;
		fold(out, d, &out->rcpt[i].pd, &first);
		if (out->rcpt[i].pd.action == POLICY_TAG && !out->tag_subject && out->rcpt[i].pd.rule)
			out->tag_subject = out->rcpt[i].pd.rule->tag_subject;
	}
	/* Recipients past MCTX_MAX_RCPTS were not kept: judge them as an
	 * unknown outside address (the safe side), and so too a message
	 * without any recipient. */
	if (m->rcpt_dropped || !m->nrcpt) {
		enum dest_class d = out->social_thread ? thread : DEST_EXTERNAL;

		policy_eval(c->policy, &f, d, "", &pd);
		fold(out, d, &pd, &first);
		if (m->rcpt_dropped) { /* fold counted one of them */
			out->rcpts[d] += (unsigned)m->rcpt_dropped - 1;
			if (pd.would >= POLICY_REDIRECT)
				out->blocked[d] += (unsigned)m->rcpt_dropped - 1;
		} else { /* no recipient: judged, not counted */
			out->rcpts[d]--;
			if (pd.would >= POLICY_REDIRECT)
				out->blocked[d]--;
		}
	}
	if (out->worst.rule) {
		out->notify_sender = out->worst.rule->notify_sender;
		out->notice_template = out->worst.rule->notice;
	}
	decide_types(phi_scan_type_counts(s), '=', ", ", out->findings_hdr, sizeof out->findings_hdr);
	decide_types(phi_scan_type_counts(s), ':', ",", out->types, sizeof out->types);
	if (strcmp(out->findings_hdr, "-") == 0)
		out->findings_hdr[0] = 0;
	if (out->would >= POLICY_REDIRECT)
		reply_incident_id(out->incident, sizeof out->incident);
	return 0;
}

void decide_free(struct decide_result *d)
{
	free(d->rcpt);
	d->rcpt = NULL;
	d->nrcpt = 0;
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
	         d->worst.rule_name ? d->worst.rule_name : "-", classes, types, unsc, m->size,
	         m->truncated ? " truncated=1" : "", phi_doc_nparts(phi_scan_doc(s)), ms,
	         d->incident[0] ? d->incident : "-");
}
