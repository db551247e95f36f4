/*
 * t_mctx.c - the per-message context: reassembly ("Name: value\r\n", blank
 * line, body), the max_message_bytes limit (store a prefix, keep counting,
 * mark truncated), recipients cap, reset between messages; and decide.c on
 * top of it (truncated -> unscannable -> external rejected, headers, log
 * line without content).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "tap.h"
#include "conf.h"
#include "decide.h"
#include "mctx.h"
#include "log.h"

static struct conf *load(const char *text)
{
	char path[128];
	FILE *f;
	struct conf *c = NULL;

	snprintf(path, sizeof path, "/tmp/t_mctx.%ld.conf", (long)getpid());
	f = fopen(path, "w");
	if (!f)
		return NULL;
	fputs(text, f);
	fclose(f);
	if (conf_load(path, &c, stdout) != 0)
		c = NULL;
	unlink(path);
	return c;
}

static void test_reassembly(void)
{
	struct conf *c = load("internal_domains = example.org\n");
	struct mctx *m = mctx_new();
	const char *want = "Subject: hello\r\nx-phi-verdict: clean\r\n\r\nbody line\r\n";

	if (!T_OK(c && m, "config and context"))
		return;
	mctx_begin(m, conf_acquire(c));
	T_EQ_INT(mctx_set_sender(m, "<a@example.org>"), 0, "sender stored");
	T_EQ_INT(mctx_add_rcpt(m, "<b@example.net>"), 0, "recipient stored");
	mctx_add_header(m, "Subject", "hello");
	mctx_add_header(m, "x-phi-verdict", "clean");
	mctx_end_headers(m);
	mctx_end_headers(m);
	mctx_add_body(m, (const unsigned char *)"body line\r\n", 11);
	T_EQ_INT(m->msg.len, strlen(want), "reassembled length");
	T_OK(m->msg.len == strlen(want) && memcmp(m->msg.data, want, m->msg.len) == 0,
	     "headers as Name: value CRLF, one blank line, then body");
	T_EQ_INT(m->own_headers[MCTX_H_VERDICT], 1, "incoming X-PHI-Verdict counted (case-insensitive)");
	T_EQ_INT(m->truncated, 0, "small message not truncated");
	T_EQ_INT(m->size, strlen(want), "size counts every byte");
	mctx_end(m);
	T_OK(m->conf == NULL && m->msg.len == 0 && m->nrcpt == 0 && m->sender == NULL,
	     "end of message forgets everything and releases the config");
	T_EQ_INT(c->refs, 1, "config reference given back");
	/* body without an explicit end of headers still gets the separator */
	mctx_begin(m, conf_acquire(c));
	mctx_add_header(m, "A", "b");
	mctx_add_body(m, (const unsigned char *)"x", 1);
	T_OK(m->msg.len == 9 && memcmp(m->msg.data, "A: b\r\n\r\nx", 9) == 0, "separator added before the body");
	T_EQ_INT(m->messages, 2, "messages counted per connection");
	mctx_free(m);
	T_EQ_INT(c->refs, 1, "free releases the message's config");
	conf_release(c);
	mctx_free(NULL);
}

static void test_limit(void)
{
	struct conf *c = load("max_message_bytes = 1k\n");
	struct mctx *m = mctx_new();
	unsigned char chunk[300];
	int i;

	if (!T_OK(c && m, "1k config"))
		return;
	memset(chunk, 'a', sizeof chunk);
	mctx_begin(m, c);
	mctx_add_header(m, "Subject", "x");
	mctx_end_headers(m);
	for (i = 0; i < 10; i++)
		T_EQ_INT(mctx_add_body(m, chunk, sizeof chunk), 0, "body chunk past the limit is not an error");
	T_EQ_INT(m->msg.len, 1024, "stores exactly max_message_bytes");
	T_EQ_INT(m->size, 14 + 3000, "keeps counting past the limit");
	T_EQ_INT(m->truncated, 1, "marked truncated");
	mctx_end(m);
	T_EQ_INT(m->truncated, 0, "next message starts untruncated");
	mctx_free(m);
}

static void test_inflight_budget(void)
{
	struct conf *c = load("max_inflight_bytes = 1m\n");
	struct mctx *a = mctx_new(), *b = mctx_new();
	static unsigned char chunk[600 * 1024];
	size_t base = mctx_inflight_bytes();

	if (!T_OK(c && a && b, "budget config"))
		return;
	mctx_begin(a, conf_acquire(c));
	mctx_begin(b, c);
	T_EQ_INT(mctx_add_body(a, chunk, sizeof chunk), 0, "first message fits the in-flight budget");
	T_EQ_INT(mctx_inflight_bytes() - base, sizeof chunk + 2, "stored bytes are counted process-wide");
	T_EQ_INT(mctx_add_body(b, chunk, sizeof chunk), MCTX_EBUDGET, "second message over the budget is refused");
	mctx_end(a);
	T_EQ_INT(mctx_inflight_bytes() - base, 2, "ending a message gives its bytes back");
	T_EQ_INT(mctx_add_body(b, chunk, sizeof chunk), 0, "after that the other message fits");
	mctx_free(a);
	mctx_free(b);
	T_EQ_INT(mctx_inflight_bytes(), base, "all bytes given back");
}

static void test_rcpt_cap(void)
{
	struct conf *c = load("");
	struct mctx *m = mctx_new();
	char addr[700];
	int i;

	mctx_begin(m, c);
	for (i = 0; i < MCTX_MAX_RCPTS + 3; i++)
		mctx_add_rcpt(m, "x@example.org");
	T_EQ_INT(m->nrcpt, MCTX_MAX_RCPTS, "recipients stored up to the cap");
	T_EQ_INT(m->rcpt_dropped, 3, "recipients past the cap counted");
	memset(addr, 'a', sizeof addr - 1);
	addr[sizeof addr - 1] = 0;
	mctx_add_rcpt(m, addr);
	T_EQ_INT(m->rcpt_dropped, 4, "an over-long address is counted, not stored");
	mctx_free(m);
}

static void test_decide_truncated(void)
{
	struct conf *c = load("max_message_bytes = 1k\ninternal_domains = example.org\n");
	struct mctx *m = mctx_new();
	struct phi_scan *s;
	struct decide_result d;
	struct reply r;
	unsigned char chunk[2000];
	char line[1024];

	if (!T_OK(c && m, "decide: config"))
		return;
	memset(chunk, 'b', sizeof chunk);
	mctx_begin(m, c);
	mctx_add_rcpt(m, "<inside@example.org>");
	mctx_add_rcpt(m, "<outside@elsewhere.example>");
	mctx_add_header(m, "Subject", "SecretSubjectWord");
	mctx_add_body(m, chunk, sizeof chunk);
	s = phi_scan_new(c->engine, &c->limits, NULL, NULL);
	T_OK(s != NULL, "scan created");
	phi_scan_mark_truncated(s, "limit max_message_bytes");
	T_EQ_INT(phi_scan_message(s, m->msg.data, m->msg.len), 0, "truncated message scans");
	T_EQ_INT(decide_message(c, m, s, &d), 0, "decided");
	T_EQ_INT(d.nrcpt, 2, "one decision per recipient");
	T_OK(d.rcpt[0].dest == DEST_INTERNAL && d.rcpt[0].pd.action == POLICY_TAG, "recipient 1: internal, tag");
	T_OK(d.rcpt[1].dest == DEST_EXTERNAL && d.rcpt[1].pd.action == POLICY_REJECT, "recipient 2: external, reject");
	T_OK(d.nact[POLICY_TAG] == 1 && d.nact[POLICY_REJECT] == 1, "recipients per action counted");
	T_EQ_INT(d.unscannable_limit, 1, "truncation is an unscannable limit");
	T_EQ_INT(d.rcpts[DEST_INTERNAL], 1, "one internal recipient");
	T_EQ_INT(d.rcpts[DEST_EXTERNAL], 1, "one external recipient");
	T_EQ_STR(policy_action_name(d.class_action[DEST_INTERNAL]), "tag", "internal: tagged");
	T_EQ_STR(policy_action_name(d.class_action[DEST_EXTERNAL]), "reject", "external: rejected");
	T_EQ_STR(policy_action_name(d.action), "reject", "any blocked recipient rejects the whole message");
	T_OK(strncmp(d.incident, "PHI-", 4) == 0, "incident id made for a block");
	T_OK(strstr(d.findings_hdr, "unscannable=1") != NULL, "findings header has types and counts");
	decide_reply(c, s, &d, &r);
	T_OK(strstr(r.line[0], "could not be checked") != NULL, "reply says it could not be checked");
	snprintf(m->queue_id, sizeof m->queue_id, "4ABCDEF");
	decide_log_line(c, m, s, &d, 12, line, sizeof line);
	printf("# %s\n", line);
	T_OK(strncmp(line, "4ABCDEF: mode=enforce verdict=clean action=reject", 49) == 0, "log line: queue id first, key=value");
	T_OK(strstr(line, "internal=tag/1") && strstr(line, "external=reject/1"), "log line: action per class");
	T_OK(strstr(line, "unscannable=max_message_bytes") && strstr(line, "truncated=1"), "log line: unscannable reason");
	T_OK(!strstr(line, "SecretSubjectWord") && !strstr(line, "inside") && !strstr(line, "outside"),
	     "log line: no subject, no local parts");
	decide_free(&d);
	phi_scan_free(s);

	/* monitor: the same message is only tagged */
	conf_release(m->conf);
	m->conf = load("mode = monitor\nmax_message_bytes = 1k\n");
	s = phi_scan_new(m->conf->engine, &m->conf->limits, NULL, NULL);
	phi_scan_mark_truncated(s, "limit max_message_bytes");
	phi_scan_message(s, m->msg.data, m->msg.len);
	decide_message(m->conf, m, s, &d);
	T_OK(d.action == POLICY_TAG && d.would == POLICY_REJECT, "monitor: tag, would reject");
	decide_free(&d);
	phi_scan_free(s);

	/* portal configured: policy says redirect, applied (and logged) as reject */
	{
		struct conf *pc = load("portal_url = https://portal.example.org/{id}?t={token}\n");

		/* synthetic SSN with health context (the detectors decide phi) */
		static const char msg[] = "Subject: labs\r\n\r\nPatient diagnosis diabetes, SSN 371-42-8195, "
		                          "admitted to hospital for insulin therapy.\r\n";

		if (pc) {
			s = phi_scan_new(pc->engine, &pc->limits, NULL, NULL);
			phi_scan_message(s, (const unsigned char *)msg, sizeof msg - 1);
			decide_message(pc, m, s, &d);
			if (d.verdict == PHI_VERDICT_PHI) {
				T_OK(d.action == POLICY_REJECT && d.would == POLICY_REJECT &&
				     d.class_action[DEST_EXTERNAL] == POLICY_REJECT,
				     "portal set, phi to external: redirect is applied and logged as reject");
				T_EQ_STR(d.worst.rule_name, "default.external.phi", "rule of the external phi cell");
			} else {
				printf("ok %d - # SKIP detectors do not call the sample phi yet\n", ++tap_n);
			}
			decide_free(&d);
			phi_scan_free(s);
			conf_release(pc);
		}
	}

	/* clean, untruncated, external only: accept */
	mctx_begin(m, load(""));
	mctx_add_rcpt(m, "x@elsewhere.example");
	mctx_add_header(m, "Subject", "lunch");
	mctx_add_body(m, (const unsigned char *)"see you at noon\r\n", 17);
	s = phi_scan_new(m->conf->engine, &m->conf->limits, NULL, NULL);
	phi_scan_message(s, m->msg.data, m->msg.len);
	decide_message(m->conf, m, s, &d);
	T_EQ_STR(policy_action_name(d.action), "accept", "clean external mail is accepted");
	T_EQ_STR(d.incident, "", "no incident id when nothing is blocked");
	decide_free(&d);
	phi_scan_free(s);

	/* no recipients at all: judged as external */
	mctx_begin(m, load(""));
	s = phi_scan_new(m->conf->engine, &m->conf->limits, NULL, NULL);
	phi_scan_mark_truncated(s, "limit max_message_bytes");
	phi_scan_message(s, (const unsigned char *)"", 0);
	decide_message(m->conf, m, s, &d);
	T_EQ_STR(policy_action_name(d.action), "reject", "no recipients: judged as external");
	decide_free(&d);
	phi_scan_free(s);

	/* a reply into a social network's thread: the odd reply address is social */
	mctx_begin(m, load("internal_domains = example.org\nsocial_domains = facebookmail.com\n"));
	mctx_add_rcpt(m, "<reply+AbC123@m.unusual-relay.example>");
	mctx_add_rcpt(m, "<colleague@example.org>");
	mctx_add_header(m, "In-Reply-To", "<notif.98765@facebookmail.com>");
	mctx_add_body(m, (const unsigned char *)"see you at noon\r\n", 17);
	s = phi_scan_new(m->conf->engine, &m->conf->limits, NULL, NULL);
	phi_scan_message(s, m->msg.data, m->msg.len);
	T_EQ_INT(decide_message(m->conf, m, s, &d), 0, "social thread: decided");
	T_OK(d.social_thread && d.rcpt[0].dest == DEST_SOCIAL, "In-Reply-To at a social domain: the reply address is social");
	T_EQ_INT(d.rcpt[1].dest, DEST_INTERNAL, "social thread: an internal recipient stays internal");
	T_EQ_INT(d.rcpts[DEST_SOCIAL], 1, "social thread: counted as social");
	decide_free(&d);
	phi_scan_free(s);
	mctx_begin(m, load("internal_domains = example.org\nsocial_domains = facebookmail.com\n"));
	mctx_add_rcpt(m, "<reply+AbC123@m.unusual-relay.example>");
	mctx_add_header(m, "References", "<a@mail.example.net> <b@facebookmail.com.evil.example>");
	mctx_add_header(m, "List-Unsubscribe", "<https://lists.example.net/u>");
	mctx_add_body(m, (const unsigned char *)"see you at noon\r\n", 17);
	s = phi_scan_new(m->conf->engine, &m->conf->limits, NULL, NULL);
	phi_scan_message(s, m->msg.data, m->msg.len);
	T_EQ_INT(decide_message(m->conf, m, s, &d), 0, "ordinary thread: decided");
	T_OK(!d.social_thread && d.rcpt[0].dest == DEST_EXTERNAL, "look-alike and ordinary thread domains: external");
	decide_free(&d);
	phi_scan_free(s);
	mctx_free(m);
}

static void test_log_clean(void)
{
	char out[16];
	unsigned counts[PHI_T__COUNT];
	char buf[64];

	T_EQ_STR(log_clean("4ABC.12", (size_t)-1, out, sizeof out), "4ABC.12", "queue id kept");
	T_EQ_STR(log_clean("a b\n%s\x01", (size_t)-1, out, sizeof out), "a_b__s_", "spaces, newlines, % and controls replaced");
	T_EQ_STR(log_clean("0123456789abcdefghij", (size_t)-1, out, sizeof out), "0123456789abcde", "capped to the buffer");
	T_EQ_STR(log_clean(NULL, 0, out, sizeof out), "-", "NULL gives -");
	T_EQ_STR(log_clean("", (size_t)-1, out, sizeof out), "-", "empty gives -");
	memset(counts, 0, sizeof counts);
	decide_types(counts, ':', ",", buf, sizeof buf);
	T_EQ_STR(buf, "-", "no types gives -");
	counts[PHI_T_US_SSN] = 2;
	counts[PHI_T_MRN] = 1;
	decide_types(counts, '=', ", ", buf, sizeof buf);
	T_EQ_STR(buf, "us_ssn=2, mrn=1", "header form: type=count, comma separated");
	decide_types(counts, ':', ",", buf, 12);
	T_EQ_STR(buf, "us_ssn:2", "a full buffer never holds half an entry");
}

int main(void)
{
	test_log_clean();
	test_reassembly();
	test_limit();
	test_rcpt_cap();
	test_inflight_budget();
	test_decide_truncated();
	return tap_done();
}
