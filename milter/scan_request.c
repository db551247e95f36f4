/*
 * scan_request.c - parse, scan, decide and answer one scan-socket request
 * (see scan_request.h and CONTRACTS.md "Scan socket").
 *
 * The JSON reader is strict (RFC 8259): a request that is not one valid
 * object gets an error reply, never a guess. Known members: id, op,
 * channel, sender, recipients, text, attachments; others are skipped.
 * op is "scan" (the default), "config" (the domain lists a gateway needs
 * to tell inside from outside) or "ping". Nesting is capped at
 * SCAN_JSON_DEPTH_MAX (scan_json.c) so that a hostile request cannot exhaust the stack.
 *
 * Memory: the request line (scan_socket.c), the decoded strings (at most
 * the same size again) and the scan. Decoded strings are wiped before
 * they are freed: they hold the message.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <openssl/crypto.h>
#include "scan_request.h"
#include "scan_json.h"
#include "conf.h"
#include "audit.h"
#include "decide.h"
#include "dest.h"
#include "log.h"
#include "mctx.h"
#include "notice.h"
#include "outcome.h"
#include "phi/report.h"
#include "phi/status.h"
#include "reply.h"
#include "scan_slots.h"

#define SR_MAX_ATTACHMENTS 1000
#define SR_SHORT_MAX 1024        /* op, channel, content_type, filename: longest kept */

static unsigned test_delay_ms;

void scan_request_set_test_delay(unsigned ms)
{
	test_delay_ms = ms;
}

/* ---- the request ---- */

struct sr_att {
	struct scan_json_buf filename;
	struct scan_json_buf content_type;
	struct scan_json_buf data;        /* base64 as read, then decoded in place */
};

struct sr_req {
	char id[SCAN_REQUEST_ID_MAX]; /* the id as JSON text ("\"r1\"", "7"), "" = none */
	char op[16];
	char channel[16];
	struct scan_json_buf sender;
	struct scan_json_buf *rcpts;      /* owned array */
	size_t nrcpt, caprcpt;
	struct scan_json_buf text;
	int has_text;
	struct sr_att *att;      /* owned array */
	size_t natt, capatt;
};

static void req_free(struct sr_req *r)
{
	size_t i;

	scan_json_buf_free(&r->sender);
	for (i = 0; i < r->nrcpt; i++)
		scan_json_buf_free(&r->rcpts[i]);
	free(r->rcpts);
	scan_json_buf_free(&r->text);
	for (i = 0; i < r->natt; i++) {
		scan_json_buf_free(&r->att[i].filename);
		scan_json_buf_free(&r->att[i].content_type);
		scan_json_buf_free(&r->att[i].data);
	}
	free(r->att);
	memset(r, 0, sizeof *r);
}

static int rcpt_elem(struct scan_json *j, size_t i, void *arg)
{
	struct sr_req *r = arg;

	(void)i;
	if (r->nrcpt >= MCTX_MAX_RCPTS)
		return scan_json_fail(j, "too many recipients");
	if (r->nrcpt == r->caprcpt) {
		size_t cap = r->caprcpt ? r->caprcpt * 2 : 8;
		struct scan_json_buf *nv = realloc(r->rcpts, cap * sizeof *nv);
		if (!nv)
			return j->oom = 1, scan_json_fail(j, "out of memory");
		r->rcpts = nv;
		r->caprcpt = cap;
	}
	memset(&r->rcpts[r->nrcpt], 0, sizeof r->rcpts[0]);
	r->nrcpt++;
	return scan_json_string(j, &r->rcpts[r->nrcpt - 1], MCTX_ADDR_MAX, "recipient address too long");
}

static int att_member(struct scan_json *j, const char *key, void *arg)
{
	struct sr_att *a = arg;

	if (strcmp(key, "filename") == 0 || strcmp(key, "content_type") == 0) {
		struct scan_json_buf *b = key[0] == 'f' ? &a->filename : &a->content_type;
		if (j->p < j->end && *j->p == 'n')
			return scan_json_lit(j, "null");
		b->n = 0;
		return scan_json_string(j, b, SR_SHORT_MAX, "attachment name or type too long");
	}
	if (strcmp(key, "data") == 0) {
		scan_json_buf_free(&a->data);
		return scan_json_string(j, &a->data, 0, NULL);
	}
	return scan_json_skip(j);
}

static int att_elem(struct scan_json *j, size_t i, void *arg)
{
	struct sr_req *r = arg;

	(void)i;
	if (r->natt >= SR_MAX_ATTACHMENTS)
		return scan_json_fail(j, "too many attachments");
	if (r->natt == r->capatt) {
		size_t cap = r->capatt ? r->capatt * 2 : 4;
		struct sr_att *nv = realloc(r->att, cap * sizeof *nv);
		if (!nv)
			return j->oom = 1, scan_json_fail(j, "out of memory");
		r->att = nv;
		r->capatt = cap;
	}
	memset(&r->att[r->natt], 0, sizeof r->att[0]);
	r->natt++;
	if (j->p >= j->end || *j->p != '{')
		return scan_json_fail(j, "an attachment must be an object");
	return scan_json_object(j, att_member, &r->att[r->natt - 1]);
}

static int req_member(struct scan_json *j, const char *key, void *arg)
{
	struct sr_req *r = arg;

	if (strcmp(key, "id") == 0) {
		const unsigned char *s = j->p;
		size_t n;

		if (j->p < j->end && (*j->p == '{' || *j->p == '['))
			return scan_json_fail(j, "id must be a string or a number");
		if (scan_json_skip(j) != 0)
			return -1;
		n = (size_t)(j->p - s);
		if (n >= sizeof r->id)
			return scan_json_fail(j, "id too long");
		/* Echoed back as written: it is valid JSON, checked above. */
		memcpy(r->id, s, n);
		r->id[n] = 0;
		return 0;
	}
	if (strcmp(key, "op") == 0)
		return scan_json_short(j, r->op, sizeof r->op, "unknown op");
	if (strcmp(key, "channel") == 0)
		return scan_json_short(j, r->channel, sizeof r->channel, "unknown channel");
	if (strcmp(key, "sender") == 0) {
		if (j->p < j->end && *j->p == 'n')
			return scan_json_lit(j, "null");
		r->sender.n = 0;
		return scan_json_string(j, &r->sender, MCTX_ADDR_MAX, "sender address too long");
	}
	if (strcmp(key, "recipients") == 0) {
		if (r->nrcpt)
			return scan_json_fail(j, "recipients given twice");
		if (j->p >= j->end || *j->p != '[')
			return scan_json_fail(j, "recipients must be an array of strings");
		return scan_json_array(j, rcpt_elem, r);
	}
	if (strcmp(key, "text") == 0) {
		if (j->p < j->end && *j->p == 'n')
			return scan_json_lit(j, "null");
		scan_json_buf_free(&r->text);
		r->has_text = 1;
		return scan_json_string(j, &r->text, 0, NULL);
	}
	if (strcmp(key, "attachments") == 0) {
		if (r->natt)
			return scan_json_fail(j, "attachments given twice");
		if (j->p < j->end && *j->p == 'n')
			return scan_json_lit(j, "null");
		if (j->p >= j->end || *j->p != '[')
			return scan_json_fail(j, "attachments must be an array of objects");
		return scan_json_array(j, att_elem, r);
	}
	return scan_json_skip(j);
}

/* Parse the whole line. On error *why is set (constant) and r may hold
 * the id if it came before the error. */
static int req_parse(const unsigned char *p, size_t n, struct sr_req *r, const char **why, int *oom)
{
	struct scan_json j = { p, p + n, NULL, 0, 0 };

	scan_json_ws(&j);
	if (j.p >= j.end) {
		*why = "empty request";
		return -1;
	}
	if (*j.p != '{') {
		*why = "a request must be a JSON object";
		return -1;
	}
	if (scan_json_object(&j, req_member, r) != 0) {
		*why = j.err ? j.err : "not valid JSON";
		*oom = j.oom;
		return -1;
	}
	scan_json_ws(&j);
	if (j.p != j.end) {
		*why = "more than one JSON value on the line";
		return -1;
	}
	return 0;
}

/* ---- base64 ---- */

static int b64v(unsigned char c)
{
	if (c >= 'A' && c <= 'Z') return c - 'A';
	if (c >= 'a' && c <= 'z') return c - 'a' + 26;
	if (c >= '0' && c <= '9') return c - '0' + 52;
	if (c == '+' || c == '-') return 62;
	if (c == '/' || c == '_') return 63;
	return -1;
}

int scan_request_b64(unsigned char *p, size_t len, size_t *outlen)
{
	size_t i, o = 0, pad = 0;
	unsigned long acc = 0;
	int bits = 0;

	for (i = 0; i < len; i++) {
		unsigned char c = p[i];
		int v;

		if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
			continue;
		if (c == '=') {
			pad++;
			continue;
		}
		if (pad || (v = b64v(c)) < 0)
			return -1; /* data after padding, or not base64 */
		acc = (acc << 6) | (unsigned long)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			p[o++] = (unsigned char)((acc >> bits) & 0xFF);
		}
	}
	/* 6 leftover bits cannot be; padding beyond two is malformed. */
	if (bits >= 6 || pad > 2)
		return -1;
	*outlen = o;
	return 0;
}

/* ---- replies ---- */

const char *scan_request_oom_reply(void)
{
	return "{\"id\":null,\"error\":\"out of memory\"}\n";
}

/* Close the memstream `f` whose buffer is *mem (only valid after fclose)
 * and hand the buffer to *out. */
static int finish_reply(FILE *f, char **out, char **mem)
{
	if (fclose(f) != 0) {
		free(*mem);
		*out = NULL;
		return -1;
	}
	*out = *mem;
	return 0;
}

static int error_reply(const char *id, const char *why, char **out, size_t *outlen)
{
	char *mem = NULL;
	FILE *f = open_memstream(&mem, outlen);

	*out = NULL;
	if (!f)
		return -1;
	fprintf(f, "{\"id\":%s,\"error\":", id && id[0] ? id : "null");
	phi_json_string(f, why);
	fputs("}\n", f);
	return finish_reply(f, out, &mem);
}

int scan_request_error(const unsigned char *prefix, size_t len, const char *why, char **out,
                       size_t *outlen)
{
	struct sr_req r;
	const char *pwhy = NULL;
	int oom = 0, rc;

	memset(&r, 0, sizeof r);
	/* Only a leading "id" member is looked for: the rest is not here. */
	req_parse(prefix, len, &r, &pwhy, &oom);
	rc = error_reply(r.id, why, out, outlen);
	req_free(&r);
	return rc;
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

static void json_domains(FILE *f, const char *name, const struct conf_list *l)
{
	size_t i;

	fprintf(f, ",\"%s\":[", name);
	for (i = 0; i < l->n; i++) {
		if (i)
			fputc(',', f);
		phi_json_string(f, l->v[i]);
	}
	fputc(']', f);
}

static int config_reply(const struct sr_req *r, const struct conf *c, char **out, size_t *outlen)
{
	char *mem = NULL;
	FILE *f = open_memstream(&mem, outlen);

	if (!f)
		return -1;
	fprintf(f, "{\"id\":%s,\"version\":\"%s\",\"mode\":\"%s\",\"on_error\":\"%s\"", r->id[0] ? r->id : "null",
	        phi_version(), conf_mode_name(c->mode), conf_on_error_name(c->on_error));
	json_domains(f, "internal_domains", &c->internal_domains);
	json_domains(f, "partner_domains", &c->partner_domains);
	fprintf(f, ",\"scan_max_request\":%zu}\n", c->scan_max_request);
	return finish_reply(f, out, &mem);
}

/* on_error: the scan could not be finished. tempfail holds the message
 * back (deliver false) and asks the sender to retry; accept lets it
 * through unscanned; reject stops it. Logged like mlfi.c's scan_json_fail(). */
static int on_error_reply(const struct sr_req *r, const struct conf *c, const char *qid,
                          const char *why, char **out, size_t *outlen)
{
	enum conf_on_error oe = c ? c->on_error : CONF_ON_ERROR_TEMPFAIL;
	char incident[REPLY_ID_MAX], *mem = NULL;
	struct reply rep;
	FILE *f;

	reply_incident_id(incident, sizeof incident);
	LOG_AT(LOG_WARNING, "%s: error=%s on_error=%s incident=%s channel=%s", qid, why,
	       conf_on_error_name(oe), incident, r->channel);
	if (!(f = open_memstream(&mem, outlen)))
		return -1;
	fprintf(f, "{\"id\":%s,\"verdict\":\"error\",\"action\":\"%s\",\"deliver\":%s,\"incident\":\"%s\","
	        "\"reason\":", r->id[0] ? r->id : "null", conf_on_error_name(oe),
	        oe == CONF_ON_ERROR_ACCEPT ? "true" : "false", incident);
	phi_json_string(f, why);
	fputs(",\"findings\":[],\"notice\":", f);
	if (oe == CONF_ON_ERROR_ACCEPT) {
		fputs("\"\"", f);
	} else {
		reply_build_error(&rep, incident, oe == CONF_ON_ERROR_TEMPFAIL);
		phi_json_string(f, rep.line[0]);
	}
	fputs("}\n", f);
	return finish_reply(f, out, &mem);
}

static int decision_reply(const struct sr_req *r, const struct conf *c, const struct phi_scan *s,
                          const struct decide_result *d, char **out, size_t *outlen)
{
	char *mem = NULL;
	FILE *f = open_memstream(&mem, outlen);
	int deliver = d->action < POLICY_REDIRECT, k, first = 1;
	size_t i;

	if (!f)
		return -1;
	fprintf(f, "{\"id\":%s,\"verdict\":\"%s\",\"score\":%.2f,\"action\":\"%s\",\"would\":\"%s\","
	        "\"mode\":\"%s\",\"deliver\":%s,\"incident\":", r->id[0] ? r->id : "null",
	        phi_verdict_name(d->verdict), phi_scan_score(s), policy_action_name(d->action),
	        policy_action_name(d->would), conf_mode_name(c->mode), deliver ? "true" : "false");
	if (d->incident[0])
		phi_json_string(f, d->incident);
	else
		fputs("null", f);
	fputs(",\"classes\":{", f);
	for (k = 0; k < DEST__COUNT; k++) {
		if (!d->rcpts[k])
			continue;
		fprintf(f, "%s\"%s\":\"%s\"", first ? "" : ",", dest_class_name((enum dest_class)k),
		        policy_action_name(d->class_action[k]));
		first = 0;
	}
	fputs("},\"rule\":", f);
	phi_json_string(f, d->worst.rule_name ? d->worst.rule_name : "none");
	/* Per recipient, in request order: a bridge that can deliver to some
	 * recipients and not others needs no second policy of its own. */
	fputs(",\"recipients\":[", f);
	for (i = 0; i < d->nrcpt; i++)
		fprintf(f, "%s{\"class\":\"%s\",\"action\":\"%s\",\"deliver\":%s}", i ? "," : "",
		        dest_class_name(d->rcpt[i].dest), policy_action_name(d->rcpt[i].pd.action),
		        d->rcpt[i].pd.action < POLICY_REDIRECT ? "true" : "false");
	fputs("],\"findings\":", f);
	phi_report_json_findings(f, s);
	fputs(",\"notice\":", f);
	if (!deliver) {
		struct reply rep;
		char *text = NULL;
		size_t tl = 0;
		FILE *t;

		decide_reply(c, s, d, &rep);
		if ((t = open_memstream(&text, &tl)) != NULL) {
			for (i = 0; i < rep.n; i++)
				fprintf(t, "%s%s", i ? "\n" : "", rep.line[i]);
			fclose(t);
		}
		phi_json_string(f, text ? text : rep.line[0]);
		free(text);
	} else {
		fputs("\"\"", f);
	}
	fputs("}\n", f);
	return finish_reply(f, out, &mem);
}

/* The audit record of a gateway decision: the fields of a mail decision
 * (no PHI: domains, classes, counts, types, rule) plus the channel and the
 * connection and sequence number (queue_id). */
static void audit_decision(const struct sr_req *r, const struct conf *c, const struct mctx *m,
                           const struct decide_result *d, const char *qid)
{
	struct audit_rec a;
	char dom[128], cls[200], acts[160];

	if (!c->audit_log[0])
		return;
	if (dest_domain(m->sender ? m->sender : "", dom, sizeof dom) != 0)
		snprintf(dom, sizeof dom, "-");
	decide_class_counts(d, cls, sizeof cls);
	decide_action_counts(d, acts, sizeof acts);
	audit_begin(&a, "decision");
	audit_str(&a, "channel", r->channel);
	audit_str(&a, "incident", d->incident);
	audit_str(&a, "queue_id", qid);
	audit_str(&a, "sender_domain", dom);
	audit_counts(&a, "recipients", cls);
	audit_str(&a, "mode", conf_mode_name(c->mode));
	audit_str(&a, "verdict", phi_verdict_name(d->verdict));
	audit_counts(&a, "types", d->types);
	audit_str(&a, "rule", d->worst.rule_name);
	audit_str(&a, "action", policy_action_name(d->action));
	audit_str(&a, "would", policy_action_name(d->would));
	audit_counts(&a, "actions", acts);
	if (audit_write(c->audit_log, &a) != 0)
		LOG_AT(LOG_ERR, "%s: audit_log could not be written", qid);
}

/* A rule with notify_officer decided: the privacy officer hears of chat as
 * of mail (the gateway tells the sender itself, from the reply's notice).
 * A failed submission is only logged: the decision stands either way. */
static void officer_notice(const struct conf *c, const struct mctx *m, const struct decide_result *d,
                           const char *qid)
{
	struct outcome_plan p;
	char why[256];

	if (!d->notify_officer || !c->privacy_officer[0])
		return;
	if (outcome_plan(c, m, d, &p) == 0 && p.notify_officer) {
		if (notice_officer_send(c, m, d, &p, "", why, sizeof why) != 0)
			LOG_AT(LOG_ERR, "%s: privacy officer notice not submitted: %s", qid, why);
		else
			LOG_AT(LOG_INFO, "%s: privacy officer notified incident=%s", qid, d->incident[0] ? d->incident : "-");
	}
	outcome_free(&p);
}

static int valid_channel(const char *ch)
{
	return strcmp(ch, "chat") == 0 || strcmp(ch, "mail") == 0 || strcmp(ch, "web") == 0;
}

/* Scan and decide; the config reference `c` is the caller's. */
static int scan_and_decide(const struct sr_req *r, struct conf *c, const char *qid, size_t reqlen,
                           char **out, size_t *outlen)
{
	struct phi_input_part *parts = NULL;
	struct phi_scan *s = NULL;
	struct mctx *m = NULL;
	struct decide_result d = { 0 };
	size_t np = 0, i;
	double t0 = now_ms();
	char line[1200];
	int rc, ret = -1;

	parts = calloc(r->natt + 1, sizeof *parts);
	if (!parts)
		goto out;
	if (r->has_text) {
		parts[np].data = r->text.d;
		parts[np].len = r->text.n;
		parts[np].content_type = "text/plain";
		np++;
	}
	for (i = 0; i < r->natt; i++, np++) {
		parts[np].data = r->att[i].data.d;
		parts[np].len = r->att[i].data.n;
		parts[np].filename = r->att[i].filename.d ? (const char *)r->att[i].filename.d : NULL;
		parts[np].content_type = r->att[i].content_type.d ? (const char *)r->att[i].content_type.d : NULL;
		parts[np].attachment = 1;
	}
	/* One cap on concurrent scans for mail and chat together (max_scans):
	 * over it the request gets on_error, as a message would. */
	if (scan_slot_take(c->max_scans) != 0) {
		ret = on_error_reply(r, c, qid, "max_scans", out, outlen);
		goto out;
	}
	/* Test only (off unless PHIMILTER_TEST_SCAN_DELAY_MS): a slow scan. */
	if (test_delay_ms && r->has_text && r->text.d &&
	    strstr((const char *)r->text.d, SCAN_REQUEST_TEST_DELAY_MARK))
		usleep(test_delay_ms * 1000u);
	s = phi_scan_new(c->engine, &c->limits, NULL, NULL);
	rc = s ? phi_scan_parts(s, parts, np) : PHI_ENOMEM;
	scan_slot_give();
	if (rc != PHI_OK) {
		LOG_AT(LOG_WARNING, "%s: scan failed: %s", qid, phi_strerror(rc));
		ret = on_error_reply(r, c, qid, "scan", out, outlen);
		goto out;
	}
	/* The envelope, as mail would have it: decide.c reads the recipients. */
	if (!(m = mctx_new()))
		goto out;
	mctx_begin(m, conf_acquire(c));
	snprintf(m->queue_id, sizeof m->queue_id, "%s", qid);
	if (mctx_set_sender(m, r->sender.d ? (const char *)r->sender.d : "") != 0)
		goto out;
	for (i = 0; i < r->nrcpt; i++)
		if (mctx_add_rcpt(m, (const char *)r->rcpts[i].d) != 0)
			goto out;
	m->size = reqlen;
	if (decide_message(c, m, s, &d) != 0) {
		ret = on_error_reply(r, c, qid, "out_of_memory", out, outlen);
		goto out;
	}
	if (d.timed_out) {
		ret = on_error_reply(r, c, qid, "timeout", out, outlen);
		goto out;
	}
	decide_log_line(c, m, s, &d, (unsigned long)(now_ms() - t0), line, sizeof line - 32);
	LOG_AT(LOG_INFO, "%s channel=%s", line, r->channel);
	ret = decision_reply(r, c, s, &d, out, outlen);
	audit_decision(r, c, m, &d, qid);
	officer_notice(c, m, &d, qid);
out:
	decide_free(&d);
	mctx_free(m);
	phi_scan_free(s);
	free(parts);
	return ret;
}

int scan_request_handle(const unsigned char *line, size_t len, unsigned long conn,
                        unsigned long seq, char **out, size_t *outlen)
{
	struct sr_req r;
	struct conf *c = NULL;
	const char *why = NULL;
	char qid[40];
	int oom = 0, ret;
	size_t i;

	*out = NULL;
	memset(&r, 0, sizeof r);
	snprintf(qid, sizeof qid, "sock-%lu-%lu", conn, seq);
	if (req_parse(line, len, &r, &why, &oom) != 0) {
		ret = oom ? -1 : error_reply(r.id, why, out, outlen);
		LOG_AT(LOG_NOTICE, "%s: bad request: %s", qid, oom ? "out of memory" : why);
		goto out;
	}
	if (!r.op[0])
		snprintf(r.op, sizeof r.op, "scan");
	if (!r.channel[0])
		snprintf(r.channel, sizeof r.channel, "chat");
	if (strcmp(r.op, "ping") == 0) {
		char buf[SCAN_REQUEST_ID_MAX + 32];
		int n = snprintf(buf, sizeof buf, "{\"id\":%s,\"ok\":true}\n", r.id[0] ? r.id : "null");
		ret = (*out = strdup(buf)) ? 0 : -1;
		*outlen = (size_t)n;
		goto out;
	}
	if (strcmp(r.op, "scan") != 0 && strcmp(r.op, "config") != 0) {
		ret = error_reply(r.id, "unknown op (scan, config or ping)", out, outlen);
		goto out;
	}
	if (!valid_channel(r.channel)) {
		ret = error_reply(r.id, "unknown channel (mail, chat or web)", out, outlen);
		goto out;
	}
	for (i = 0; i < r.natt; i++) {
		if (!r.att[i].data.d) {
			ret = error_reply(r.id, "an attachment has no data", out, outlen);
			goto out;
		}
		if (scan_request_b64(r.att[i].data.d, r.att[i].data.n, &r.att[i].data.n) != 0) {
			ret = error_reply(r.id, "an attachment's data is not valid base64", out, outlen);
			goto out;
		}
	}
	if (strcmp(r.op, "scan") == 0 && !r.has_text && !r.natt) {
		ret = error_reply(r.id, "nothing to scan: give text or attachments", out, outlen);
		goto out;
	}
	if (!(c = conf_acquire_current())) {
		ret = on_error_reply(&r, NULL, qid, "no_config", out, outlen);
		goto out;
	}
	if (strcmp(r.op, "config") == 0)
		ret = config_reply(&r, c, out, outlen);
	else
		ret = scan_and_decide(&r, c, qid, len, out, outlen);
out:
	conf_release(c);
	req_free(&r);
	return ret;
}
