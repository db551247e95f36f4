/*
 * t_notice.c - the sender's and the privacy officer's notice mail
 * (milter/notice.c): what each says, and that neither ever holds the
 * subject, the text, a matched value or a recipient's local part.
 * The planted SSN is synthetic and never printed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tap.h"
#include "notice.h"
#include "phi/status.h"

#define SSN "371-42-8195"

static const char msg_text[] =
	"From: Alice <alice@example.org>\r\n"
	"To: carol@example.org, lab@partner.example\r\n"
	"Subject: Batch seven follow-up\r\n"
	"\r\n"
	"Patient SSN " SSN " was diagnosed with diabetes mellitus type 2 and started on metformin;\r\n"
	"HbA1c and a follow-up appointment in the clinic are due next month.\r\n";

static char s_internal[] = "example.org", s_partner[] = "partner.example";
static char *internal_v[] = { s_internal }, *partner_v[] = { s_partner };
static char officer[] = "privacy@example.org", from[] = "phimilter-noreply@example.org",
            dir[] = "/nonexistent", kw[] = "[secure]", contact[] = "the privacy office", url[] = "";
static char sender[] = "<alice@example.org>", r0[] = "<carol@example.org>", r1[] = "<lab@partner.example>",
            subject[] = "Batch seven follow-up", qid_s[] = "Q-1";
static char *rcpts[] = { r0, r1 };

static int leaks(const char *t)
{
	return strstr(t, SSN) || strstr(t, "371428195") || strstr(t, "Batch seven") || strstr(t, "diabetes") ||
	       strstr(t, "metformin") || strstr(t, "carol@") || strstr(t, "lab@");
}

int main(void)
{
	struct conf c;
	struct mctx m;
	struct decide_result d;
	struct decide_rcpt dr[2];
	struct policy_rule rule;
	struct outcome_plan p;
	struct phi_engine *eng = NULL;
	struct phi_scan *s;
	char err[512], *t;

	memset(&c, 0, sizeof c);
	c.dir = dir;
	c.notice_from = from;
	c.privacy_officer = officer;
	c.internal_domains.v = internal_v;
	c.internal_domains.n = 1;
	c.partner_domains.v = partner_v;
	c.partner_domains.n = 1;
	c.secure_keyword = kw;
	c.privacy_contact = contact;
	c.portal_url = url;
	c.quarantine_method = CONF_QM_STORE;

	memset(&m, 0, sizeof m);
	m.conf = &c;
	m.sender = sender;
	m.rcpts = rcpts;
	m.nrcpt = 2;
	m.subject = subject;
	snprintf(m.queue_id, sizeof m.queue_id, "4AB12CD");

	memset(&rule, 0, sizeof rule);
	snprintf(rule.name, sizeof rule.name, "t.research.partner");
	rule.description = (char *)"Research for partners is reviewed first";
	rule.notify_officer = 1;
	rule.action = POLICY_QUARANTINE;

	memset(&d, 0, sizeof d);
	memset(dr, 0, sizeof dr);
	dr[0].dest = DEST_INTERNAL;
	dr[0].pd.action = POLICY_TAG;
	dr[0].pd.rule_name = "t.internal";
	dr[0].pd.description = "Inside is tagged";
	dr[1].dest = DEST_PARTNER;
	dr[1].pd.action = POLICY_QUARANTINE;
	dr[1].pd.rule = &rule;
	dr[1].pd.rule_name = rule.name;
	dr[1].pd.description = rule.description;
	d.rcpt = dr;
	d.nrcpt = 2;
	d.verdict = PHI_VERDICT_PHI;
	d.action = POLICY_QUARANTINE;
	d.would = POLICY_QUARANTINE;
	d.worst = dr[1].pd;
	d.notify_officer = 1;
	snprintf(d.findings_hdr, sizeof d.findings_hdr, "us_ssn=1, medical_term=3");
	snprintf(d.types, sizeof d.types, "us_ssn:1,medical_term:3");
	snprintf(d.incident, sizeof d.incident, "PHI-20261201-ABCDEF");

	T_OK(outcome_plan(&c, &m, &d, &p) == 0 && p.notify_officer && p.notify_sender, "plan: officer and sender notices");

	t = notice_officer_build(&c, &m, &d, &p, qid_s);
	T_OK(t != NULL, "officer notice built");
	if (!t)
		return tap_done();
	T_OK(strstr(t, "To: <privacy@example.org>\r\n") != NULL, "officer notice: to privacy_officer");
	T_OK(strstr(t, "\r\nAuto-Submitted: auto-generated\r\n") != NULL, "officer notice: Auto-Submitted");
	T_OK(strstr(t, "PHI-20261201-ABCDEF") != NULL, "officer notice: the incident id");
	T_OK(strstr(t, "t.research.partner") && strstr(t, "Research for partners is reviewed first"),
	     "officer notice: the rule that asked, by name and description");
	T_OK(strstr(t, "Verdict:     phi") != NULL, "officer notice: the verdict");
	T_OK(strstr(t, "us_ssn=1, medical_term=3") != NULL, "officer notice: types and counts");
	T_OK(strstr(t, "Sender:      alice@example.org") != NULL, "officer notice: the sender (staff)");
	T_OK(strstr(t, "4AB12CD") != NULL, "officer notice: the queue id");
	T_OK(strstr(t, "- internal: 1 delivered tagged") && strstr(t, "- partner: 1 quarantined"),
	     "officer notice: outcomes counted per class");
	T_OK(strstr(t, "phictl quarantine show Q-1") && strstr(t, "phictl quarantine release Q-1"),
	     "officer notice: how to act on the entry");
	T_OK(!leaks(t), "officer notice: no SSN, subject, text or recipient local part");
	T_OK(!strstr(t, "\n\n") || strstr(t, "\r\n\r\n"), "officer notice: CRLF line ends");
	free(t);

	p.hold = 1;
	t = notice_officer_build(&c, &m, &d, &p, "");
	T_OK(t && strstr(t, "Quarantine:  none") && strstr(t, "postsuper -H 4AB12CD"),
	     "officer notice under mta-hold: no entry, the MTA's hold queue named");
	free(t);
	outcome_free(&p);

	/* The sender notice needs a scan for what was found. */
	if (phi_engine_new(NULL, &eng, err, sizeof err) != PHI_OK) {
		T_OK(0, "engine");
		return tap_done();
	}
	s = phi_scan_new(eng, NULL, NULL, NULL);
	T_OK(s && phi_scan_message(s, (const unsigned char *)msg_text, sizeof msg_text - 1) == PHI_OK, "scanned");
	outcome_plan(&c, &m, &d, &p);
	t = notice_sender_build(&c, &m, s, &d, &p);
	T_OK(t != NULL, "sender notice built");
	if (t) {
		T_OK(strstr(t, "To: <alice@example.org>\r\n") != NULL, "sender notice: to the sender");
		T_OK(strstr(t, "- recipient 1 of 2 (at example.org, internal): delivered tagged") != NULL,
		     "sender notice: the internal recipient, delivered tagged");
		T_OK(strstr(t, "- recipient 2 of 2 (at partner.example, partner): quarantined (held for the privacy office)") !=
		     NULL, "sender notice: the partner recipient, quarantined");
		T_OK(strstr(t, "Social Security number") != NULL, "sender notice: what was found, in words");
		T_OK(strstr(t, "PHI-20261201-ABCDEF") != NULL, "sender notice: the incident id");
		T_OK(!leaks(t), "sender notice: no SSN, subject, text or recipient local part");
		free(t);
	}
	outcome_free(&p);
	phi_scan_free(s);
	phi_engine_free(eng);

	T_OK(notice_template(&c, "../etc/passwd") == NULL && notice_template(&c, ".hidden") == NULL &&
	     notice_template(&c, "a/b") == NULL, "a template name cannot leave templates/");
	return tap_done();
}
