/*
 * t_reply.c - the 550 5.7.1 text: first line alone with the incident id,
 * kinds in plain words with counts, places as part numbers, at most the
 * last four characters of a redacted sample, '%' doubled, printable ASCII,
 * at most 32 lines each well under 512 octets, and no file names.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tap.h"
#include "reply.h"

static struct phi_finding mk(enum phi_type t, const char *part, const char *filename, const char *sample,
                             const char *why)
{
	struct phi_finding f;

	memset(&f, 0, sizeof f);
	f.type = t;
	f.confidence = PHI_CONF_HIGH;
	snprintf(f.part, sizeof f.part, "%s", part);
	f.filename = filename;
	snprintf(f.sample, sizeof f.sample, "%s", sample);
	snprintf(f.why, sizeof f.why, "%s", why ? why : "");
	return f;
}

static int all_text(const struct reply *r, const char *needle)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		if (strstr(r->line[i], needle))
			return 1;
	return 0;
}

static int lines_ok(const struct reply *r)
{
	size_t i, j;

	if (r->n < 1 || r->n > 32)
		return 0;
	for (i = 0; i < r->n; i++) {
		size_t n = strlen(r->line[i]);

		if (n == 0 || n >= 450)
			return 0;
		for (j = 0; j < n; j++)
			if ((unsigned char)r->line[i][j] < 0x20 || (unsigned char)r->line[i][j] > 0x7e)
				return 0;
		/* every '%' is doubled */
		for (j = 0; j < n; j++)
			if (r->line[i][j] == '%') {
				if (r->line[i][j + 1] != '%')
					return 0;
				j++;
			}
	}
	return 1;
}

int main(void)
{
	struct reply r;
	struct reply_input in;
	struct phi_finding f[200];
	unsigned counts[PHI_T__COUNT];
	const char *lines[REPLY_MAX_LINES + 1];
	char id[REPLY_ID_MAX], id2[REPLY_ID_MAX];
	size_t i;

	memset(counts, 0, sizeof counts);
	f[0] = mk(PHI_T_US_SSN, "2", "John_Doe_labs.pdf", "***-**-6789", NULL);
	f[1] = mk(PHI_T_US_SSN, "1", NULL, "***-**-4321", NULL);
	f[2] = mk(PHI_T_MRN, "2.1/Jane_Roe_chart.pdf", "Jane_Roe_chart.pdf", "MRN ****5678", NULL);
	f[3] = mk(PHI_T_PHONE, "1", NULL, "(***) ***-1234", NULL);
	f[4] = mk(PHI_T_PERSON_NAME, "0", NULL, "J*** D**", NULL);
	f[5] = mk(PHI_T_ACCOUNT_NUMBER, "1", NULL, "12345678", NULL); /* not masked: must not be shown */
	f[6] = mk(PHI_T_UNSCANNABLE, "3", "x.zip", "", "limit max_ratio");
	counts[PHI_T_US_SSN] = 2;
	counts[PHI_T_MRN] = 1;
	counts[PHI_T_PHONE] = 1;
	counts[PHI_T_PERSON_NAME] = 1;
	counts[PHI_T_ACCOUNT_NUMBER] = 1;
	counts[PHI_T_UNSCANNABLE] = 1;

	memset(&in, 0, sizeof in);
	in.incident = "PHI-20261201-7F3A9C";
	in.reason = POLICY_R_PHI;
	in.description = "Patient information may not be e-mailed outside the organisation";
	in.findings = f;
	in.nfindings = 7;
	in.type_counts = counts;
	in.blocked[DEST_EXTERNAL] = 2;
	in.privacy_contact = "the privacy office (100% confidential, x1234)";
	reply_build(&r, &in);
	for (i = 0; i < r.n; i++)
		printf("# | %s\n", r.line[i]);

	T_EQ_STR(r.line[0], "Message not sent: it contains patient information (incident PHI-20261201-7F3A9C)",
	         "first line stands alone with the incident id");
	T_OK(lines_ok(&r), "lines printable, short, '%' doubled, at most 32");
	T_OK(all_text(&r, "Found: 2 Social Security numbers, a medical record number"), "kinds in plain words with counts");
	T_OK(all_text(&r, "- a Social Security number ending 6789 in attachment 2"), "ssn in attachment by part number");
	T_OK(all_text(&r, "- a Social Security number ending 4321 in the message text"), "ssn in the body");
	T_OK(all_text(&r, "medical record number ending 5678 in a file inside attachment 2.1"),
	     "archive entry named by its attachment's part only");
	T_OK(!all_text(&r, "John") && !all_text(&r, "Jane") && !all_text(&r, ".pdf") && !all_text(&r, "x.zip"),
	     "no file names or entry names");
	T_OK(!all_text(&r, "(***) ***-1234") && !all_text(&r, "- a phone number"),
	     "contact details are counted, not listed");
	T_OK(all_text(&r, "- a person's name in the message headers") && !all_text(&r, "J***"),
	     "names: place only, no sample");
	T_OK(all_text(&r, "- an account number in the message text") && !all_text(&r, "5678 in the message text") &&
	     !all_text(&r, "12345678"), "an unmasked sample is never shown");
	T_OK(all_text(&r, "could not be read completely (limit max_ratio)"), "unscannable part and limit named");
	T_OK(all_text(&r, "Stopped for these recipients: 2 outside the organisation."), "blocked recipients counted");
	T_OK(all_text(&r, "Rule: Patient information may not be e-mailed outside the organisation."),
	     "rule description");
	T_OK(all_text(&r, "100%% confidential"), "'%' doubled");
	T_OK(all_text(&r, "secure portal"), "says what to do instead");
	T_OK(!all_text(&r, "[secure]"), "no secure keyword advice without a portal");

	in.portal = 1;
	in.secure_keyword = "[secure]";
	reply_build(&r, &in);
	T_OK(all_text(&r, "put [secure] in the subject"), "secure keyword advice with a portal");
	T_OK(!all_text(&r, "Social networks and chat tools"), "no social advice when only outside mail was stopped");

	/* Stopped at a social network only: [secure] would not get it there. */
	in.blocked[DEST_EXTERNAL] = 0;
	in.blocked[DEST_SOCIAL] = 1;
	reply_build(&r, &in);
	T_OK(!all_text(&r, "[secure]") && !all_text(&r, "secure portal"),
	     "social recipient only: no portal or secure keyword advice");
	T_OK(all_text(&r, "Social networks and chat tools are never the place for patient information"),
	     "social recipient only: says where patient information belongs instead");
	in.blocked[DEST_EXTERNAL] = 1;
	reply_build(&r, &in);
	T_OK(all_text(&r, "put [secure] in the subject and send it again (to the outside recipients only)") &&
	     all_text(&r, "Social networks and chat tools"),
	     "outside and social recipients: both pieces of advice");
	T_OK(lines_ok(&r), "... lines still short and at most 32");
	in.blocked[DEST_SOCIAL] = 0;
	in.blocked[DEST_EXTERNAL] = 2;

	/* Same kind in the same place: one line with a count. */
	f[0] = mk(PHI_T_MEDICAL_TERM, "1", NULL, "********", NULL);
	f[1] = mk(PHI_T_US_SSN, "1", NULL, "***-**-1111", NULL);
	f[2] = mk(PHI_T_MEDICAL_TERM, "1", NULL, "*******", NULL);
	f[3] = mk(PHI_T_US_SSN, "1", NULL, "***-**-2222", NULL);
	f[4] = mk(PHI_T_MEDICAL_TERM, "1", NULL, "****", NULL);
	in.nfindings = 5;
	reply_build(&r, &in);
	T_OK(all_text(&r, "- 2 Social Security numbers ending 1111, 2222 in the message text"),
	     "same kind and place grouped, tails listed");
	T_OK(!all_text(&r, "medical term"), "health terms are not listed by place");
	T_OK(strstr(r.line[2], "Social Security") != NULL, "identifiers listed before health terms");

	/* Many findings: still at most 32 lines, the last one kept for contact. */
	for (i = 0; i < 200; i++)
		f[i] = mk((enum phi_type)(i % PHI_T_UNSCANNABLE), "1", NULL, "****9999", NULL);
	for (i = 0; i < PHI_T__COUNT; i++)
		counts[i] = 7;
	in.nfindings = 200;
	in.description = "A very long rule description 50% of which is padding, repeated: "
	                 "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	                 "%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%"
	                 "%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%"
	                 "%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%"
	                 "\x01\xff tail";
	reply_build(&r, &in);
	T_OK(r.n <= 32, "many findings: at most 32 lines");
	T_OK(lines_ok(&r), "many findings: every line within limits");
	T_OK(all_text(&r, "- and ") && all_text(&r, " more"), "many findings: the rest summarised");
	T_OK(all_text(&r, "other kinds"), "many kinds: the rest summarised");

	/* reply_add cuts a line without splitting a doubled '%'. */
	{
		char big[1000];

		memset(big, '%', sizeof big - 1);
		big[sizeof big - 1] = 0;
		r.n = 0;
		reply_add(&r, "%s", big);
		T_OK(lines_ok(&r), "a line of '%' is cut between pairs");
		for (i = 0; i < 40; i++)
			reply_add(&r, "line");
		T_EQ_INT(r.n, 32, "reply_add stops at 32 lines");
		T_EQ_INT(reply_add(&r, "x"), -1, "reply_add reports a full reply");
		reply_lines(&r, lines);
		T_OK(lines[31] != NULL && lines[32] == NULL, "reply_lines is NULL-terminated");
	}

	/* Unscanned reason wording. */
	memset(&in, 0, sizeof in);
	f[0] = mk(PHI_T_UNSCANNABLE, "0", NULL, "", "limit max_message_bytes");
	memset(counts, 0, sizeof counts);
	counts[PHI_T_UNSCANNABLE] = 1;
	in.incident = "PHI-1";
	in.reason = POLICY_R_UNSCANNED;
	in.findings = f;
	in.nfindings = 1;
	in.type_counts = counts;
	reply_build(&r, &in);
	T_EQ_STR(r.line[0], "Message not sent: it could not be checked for patient information (incident PHI-1)",
	         "unscanned: first line says it could not be checked");
	T_OK(all_text(&r, "- the message could not be read completely (limit max_message_bytes)"),
	     "unscanned: the limit is named");
	T_OK(!all_text(&r, "Found:"), "unscanned: no Found line when nothing was found");

	reply_build_error(&r, "PHI-2", 1);
	T_OK(r.n == 1 && strstr(r.line[0], "retried") && strstr(r.line[0], "PHI-2"), "tempfail text");

	reply_incident_id(id, sizeof id);
	reply_incident_id(id2, sizeof id2);
	T_OK(strlen(id) == 19 && strncmp(id, "PHI-20", 6) == 0 && id[12] == '-', "incident id PHI-YYYYMMDD-XXXXXX");
	T_OK(strcmp(id, id2) != 0, "incident ids differ");
	T_EQ_STR(reply_type_words(PHI_T_US_SSN, 0), "a Social Security number", "type words singular");
	T_EQ_STR(reply_type_words(PHI_T_MRN, 1), "medical record numbers", "type words plural");
	for (i = 0; i < PHI_T__COUNT; i++)
		if (!reply_type_words((enum phi_type)i, 0) || !reply_type_words((enum phi_type)i, 1))
			break;
	T_EQ_INT(i, PHI_T__COUNT, "every type has words");

	/* What happened to a recipient: the words of the sender notice. */
	T_EQ_STR(reply_outcome_words(REPLY_O_DELIVERED), "delivered", "outcome: delivered");
	T_OK(strncmp(reply_outcome_words(REPLY_O_TAGGED), "delivered tagged", 16) == 0, "outcome: delivered tagged");
	T_OK(strncmp(reply_outcome_words(REPLY_O_REFUSED), "not delivered (refused)", 23) == 0, "outcome: refused");
	T_OK(strncmp(reply_outcome_words(REPLY_O_QUARANTINED), "quarantined (held for the privacy office)", 41) == 0,
	     "outcome: quarantined");
	T_OK(strncmp(reply_outcome_words(REPLY_O_PORTAL), "sent a secure-portal notice", 27) == 0, "outcome: portal notice");
	T_OK(strncmp(reply_outcome_words(REPLY_O_HELD), "held", 4) == 0, "outcome: held with the message (mta-hold)");
	T_EQ_STR(reply_outcome_words((enum reply_outcome)99), "not delivered (refused)", "outcome: unknown reads as refused");
	for (i = 0; i < REPLY_O__COUNT; i++)
		if (!reply_outcome_name((enum reply_outcome)i)[0] || strchr(reply_outcome_name((enum reply_outcome)i), ' '))
			break;
	T_EQ_INT(i, REPLY_O__COUNT, "every outcome has a one-word name");
	return tap_done();
}
