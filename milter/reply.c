/*
 * reply.c - the rejection text senders read (see reply.h for the rules).
 *
 * Every line goes through reply_add, which is the only writer: it keeps
 * printable ASCII, doubles '%' (libmilter/sendmail treat it as a format
 * character), and cuts lines so that the doubled form fits. Findings are
 * described from their type, part path and redacted sample only; the
 * attachment file name is never used because it often names the patient.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <openssl/rand.h>
#include "reply.h"

#define DETAIL_LINES 10 /* finding lines before "and N more" */

struct words {
	const char *one, *many;
};

static const struct words type_words[PHI_T__COUNT] = {
	[PHI_T_US_SSN] = { "a Social Security number", "Social Security numbers" },
	[PHI_T_MRN] = { "a medical record number", "medical record numbers" },
	[PHI_T_DATE_OF_BIRTH] = { "a date of birth", "dates of birth" },
	[PHI_T_PERSON_NAME] = { "a person's name", "person names" },
	[PHI_T_PHONE] = { "a phone number", "phone numbers" },
	[PHI_T_FAX] = { "a fax number", "fax numbers" },
	[PHI_T_EMAIL] = { "an e-mail address", "e-mail addresses" },
	[PHI_T_ADDRESS] = { "a postal address", "postal addresses" },
	[PHI_T_ZIP_CODE] = { "a ZIP code", "ZIP codes" },
	[PHI_T_HEALTH_PLAN_ID] = { "a health plan member ID", "health plan member IDs" },
	[PHI_T_MEDICARE_MBI] = { "a Medicare number", "Medicare numbers" },
	[PHI_T_ACCOUNT_NUMBER] = { "an account number", "account numbers" },
	[PHI_T_LICENSE_NUMBER] = { "a licence number", "licence numbers" },
	[PHI_T_DEA_NUMBER] = { "a DEA number", "DEA numbers" },
	[PHI_T_NPI] = { "a provider NPI", "provider NPIs" },
	[PHI_T_VEHICLE_ID] = { "a vehicle identification number", "vehicle identification numbers" },
	[PHI_T_DEVICE_ID] = { "a device identifier", "device identifiers" },
	[PHI_T_URL] = { "a web address", "web addresses" },
	[PHI_T_IP_ADDRESS] = { "an IP address", "IP addresses" },
	[PHI_T_CREDIT_CARD] = { "a payment card number", "payment card numbers" },
	[PHI_T_ICD10] = { "a diagnosis code (ICD-10)", "diagnosis codes (ICD-10)" },
	[PHI_T_ICD9] = { "a diagnosis code (ICD-9)", "diagnosis codes (ICD-9)" },
	[PHI_T_NDC] = { "a drug code (NDC)", "drug codes (NDC)" },
	[PHI_T_CPT] = { "a procedure code (CPT)", "procedure codes (CPT)" },
	[PHI_T_MEDICAL_TERM] = { "a medical term", "medical terms" },
	[PHI_T_HL7V2] = { "an HL7 patient record", "HL7 patient records" },
	[PHI_T_FHIR] = { "a FHIR patient record", "FHIR patient records" },
	[PHI_T_CCDA] = { "a clinical document (C-CDA)", "clinical documents (C-CDA)" },
	[PHI_T_DICOM] = { "a medical image (DICOM)", "medical images (DICOM)" },
	[PHI_T_PATIENT_ROSTER] = { "a known patient's details", "known patients' details" },
	[PHI_T_UNSCANNABLE] = { "a part that could not be checked", "parts that could not be checked" },
	[PHI_T_CUSTOM] = { "a match of a local rule", "matches of local rules" },
};

const char *reply_type_words(enum phi_type t, int plural)
{
	if ((int)t < 0 || t >= PHI_T__COUNT || !type_words[t].one)
		return plural ? "identifiers" : "an identifier";
	return plural ? type_words[t].many : type_words[t].one;
}

const char *reply_outcome_words(enum reply_outcome o)
{
	switch (o) {
	case REPLY_O_DELIVERED: return "delivered";
	case REPLY_O_TAGGED: return "delivered tagged (marked as containing patient information)";
	case REPLY_O_PORTAL: return "sent a secure-portal notice instead";
	case REPLY_O_QUARANTINED: return "quarantined (held for the privacy office)";
	case REPLY_O_HELD: return "held with the message for the privacy office (delivered if released)";
	default: return "not delivered (refused)";
	}
}

const char *reply_outcome_name(enum reply_outcome o)
{
	static const char *names[REPLY_O__COUNT] = {
		"delivered", "tagged", "portal", "quarantined", "refused", "held"
	};

	return (int)o >= 0 && o < REPLY_O__COUNT ? names[o] : "refused";
}

int reply_add(struct reply *r, const char *fmt, ...)
{
	char tmp[REPLY_LINE_MAX];
	char *out;
	size_t i, o = 0;
	va_list ap;

	if (r->n >= REPLY_MAX_LINES)
		return -1;
	va_start(ap, fmt);
	vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	out = r->line[r->n];
	for (i = 0; tmp[i]; i++) {
		unsigned char c = (unsigned char)tmp[i];

		if (c < 0x20 || c > 0x7e)
			c = '?';
		if (c == '%') {
			if (o + 2 >= REPLY_LINE_MAX)
				break;
			out[o++] = '%';
			out[o++] = '%';
		} else {
			if (o + 1 >= REPLY_LINE_MAX)
				break;
			out[o++] = (char)c;
		}
	}
	out[o] = 0;
	r->n++;
	return 0;
}

void reply_lines(const struct reply *r, const char *out[REPLY_MAX_LINES + 1])
{
	size_t i;

	for (i = 0; i <= REPLY_MAX_LINES; i++)
		out[i] = i < r->n ? r->line[i] : NULL;
}

/* "ending 6789": at most the last four visible characters of a redacted
 * sample, only for number-like types and only when the sample is masked. */
static void sample_tail(const struct phi_finding *f, char *out, size_t outlen)
{
	const char *s = f->sample, *e;
	size_t n;

	out[0] = 0;
	switch (f->type) {
	case PHI_T_PERSON_NAME: case PHI_T_ADDRESS: case PHI_T_EMAIL: case PHI_T_DATE_OF_BIRTH:
	case PHI_T_MEDICAL_TERM: case PHI_T_UNSCANNABLE: case PHI_T_CUSTOM: case PHI_T_URL:
	case PHI_T_HL7V2: case PHI_T_FHIR: case PHI_T_CCDA: case PHI_T_DICOM:
		return;
	default:
		break;
	}
	if (!memchr(s, '*', strnlen(s, PHI_SAMPLE_MAX)))
		return;
	e = s + strnlen(s, PHI_SAMPLE_MAX);
	n = 0;
	while (e > s && n < 4 && ((e[-1] >= '0' && e[-1] <= '9') || (e[-1] >= 'A' && e[-1] <= 'Z') ||
	                          (e[-1] >= 'a' && e[-1] <= 'z'))) {
		e--;
		n++;
	}
	/* Only a tail that follows a mask or separator: never a whole value. */
	if (n == 0 || n >= outlen || e == s)
		return;
	memcpy(out, e, n);
	out[n] = 0;
}

/* Where a finding is, from its part path only: "in the message headers",
 * "in the message text", "in attachment 2", "in part 2.1". An archive
 * entry path ("2/report.pdf") is cut at the '/' so the entry name stays out. */
static void where(const struct phi_finding *f, char *out, size_t outlen)
{
	char part[PHI_PART_MAX];
	size_t i;

	for (i = 0; i + 1 < sizeof part && f->part[i] &&
	            ((f->part[i] >= '0' && f->part[i] <= '9') || f->part[i] == '.'); i++)
		part[i] = f->part[i];
	part[i] = 0;
	if (!part[0] || strcmp(part, "0") == 0 || (i >= 2 && strcmp(part + i - 2, ".0") == 0))
		snprintf(out, outlen, "in the message headers");
	else if (f->part[i] == '/')
		snprintf(out, outlen, "in a file inside attachment %s", part);
	else if (f->filename)
		snprintf(out, outlen, "in attachment %s", part);
	else if (strcmp(part, "1") == 0)
		snprintf(out, outlen, "in the message text");
	else
		snprintf(out, outlen, "in part %s of the message", part);
}

/* "limit max_depth" -> "max_depth"; anything else -> NULL. */
static const char *limit_name(const char *why)
{
	const char *s;

	if (strncmp(why, "limit ", 6) != 0)
		return NULL;
	for (s = why + 6; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || *s == '_' || (*s >= '0' && *s <= '9')))
			return NULL;
	return why[6] ? why + 6 : NULL;
}

static void found_line(struct reply *r, const struct reply_input *in)
{
	char buf[REPLY_LINE_MAX];
	size_t used = 0, t;
	int kinds = 0, more = 0;

	buf[0] = 0;
	if (!in->type_counts)
		return;
	for (t = 0; t < PHI_T__COUNT; t++) {
		unsigned n = in->type_counts[t];
		int w;

		if (!n || t == PHI_T_UNSCANNABLE)
			continue;
		if (kinds >= 8) {
			more++;
			continue;
		}
		w = n == 1 ? snprintf(buf + used, sizeof buf - used, "%s%s", kinds ? ", " : "",
		                      reply_type_words((enum phi_type)t, 0))
		           : snprintf(buf + used, sizeof buf - used, "%s%u %s", kinds ? ", " : "", n,
		                      reply_type_words((enum phi_type)t, 1));
		if (w < 0 || (size_t)w >= sizeof buf - used - 40)
			break;
		used += (size_t)w;
		kinds++;
	}
	if (kinds == 0)
		return;
	if (more)
		reply_add(r, "Found: %s and %d other kind%s.", buf, more, more == 1 ? "" : "s");
	else
		reply_add(r, "Found: %s.", buf);
}

static void blocked_line(struct reply *r, const struct reply_input *in)
{
	static const char *what[DEST__COUNT] = {
		[DEST_INTERNAL] = "internal", [DEST_PARTNER] = "partner",
		[DEST_EXTERNAL] = "outside the organisation", [DEST_SOCIAL] = "social network",
		[DEST_CHAT] = "chat tool",
	};
	char buf[256];
	size_t used = 0;
	int d, any = 0;

	buf[0] = 0;
	for (d = 0; d < DEST__COUNT; d++) {
		int w;

		if (!in->blocked[d])
			continue;
		w = snprintf(buf + used, sizeof buf - used, "%s%u %s", any ? ", " : "", in->blocked[d], what[d]);
		if (w < 0 || (size_t)w >= sizeof buf - used)
			break;
		used += (size_t)w;
		any = 1;
	}
	if (any)
		reply_add(r, "Stopped for these recipients: %s.", buf);
}

struct group {
	enum phi_type type;
	char loc[96];
	const char *limit;  /* for unscannable: the limit name or NULL */
	size_t count;
	char tails[3][8];   /* "ending ..." of the first few */
	size_t ntails;
};

/* Collect findings into lines of the same kind and place, so that three
 * medical terms in the body are one line, not three. */
static size_t group_findings(const struct reply_input *in, struct group *g, size_t maxg, size_t *skipped)
{
	size_t i, j, ng = 0;

	*skipped = 0;
	for (i = 0; i < in->nfindings; i++) {
		const struct phi_finding *f = &in->findings[i];
		char loc[96], tail[8];
		const char *lim = NULL;

		if (f->type != PHI_T_UNSCANNABLE && phi_type_class(f->type) == PHI_CLASS_CONTACT)
			continue; /* contact details alone never stop a message */
		if (f->type == PHI_T_MEDICAL_TERM)
			continue; /* counted in the summary; where each health word sits helps nobody */
		if (f->type == PHI_T_UNSCANNABLE) {
			/* Part "0" is also where message-wide findings sit. */
			if (strcmp(f->part, "0") == 0)
				snprintf(loc, sizeof loc, "the message");
			else
				where(f, loc, sizeof loc);
			lim = limit_name(f->why);
		} else {
			where(f, loc, sizeof loc);
		}
		for (j = 0; j < ng; j++)
			if (g[j].type == f->type && strcmp(g[j].loc, loc) == 0 &&
			    (g[j].limit == lim || (g[j].limit && lim && strcmp(g[j].limit, lim) == 0)))
				break;
		if (j == ng) {
			if (ng == maxg) {
				(*skipped)++;
				continue;
			}
			memset(&g[ng], 0, sizeof g[ng]);
			g[ng].type = f->type;
			snprintf(g[ng].loc, sizeof g[ng].loc, "%s", loc);
			g[ng].limit = lim;
			ng++;
		}
		g[j].count++;
		if (f->type != PHI_T_UNSCANNABLE && g[j].ntails < 3) {
			sample_tail(f, tail, sizeof tail);
			if (tail[0])
				snprintf(g[j].tails[g[j].ntails++], sizeof g[j].tails[0], "%s", tail);
		}
	}
	return ng;
}

static void group_line(struct reply *r, const struct group *g)
{
	char tails[40];

	if (g->type == PHI_T_UNSCANNABLE) {
		reply_add(r, "- %s%s could not be read completely%s%s%s",
		          strcmp(g->loc, "the message") == 0 ? "" : "content ", g->loc,
		          g->limit ? " (limit " : "", g->limit ? g->limit : "", g->limit ? ")" : "");
		return;
	}
	tails[0] = 0;
	if (g->ntails)
		snprintf(tails, sizeof tails, " ending %s%s%s%s%s", g->tails[0],
		         g->ntails > 1 ? ", " : "", g->ntails > 1 ? g->tails[1] : "",
		         g->ntails > 2 ? ", " : "", g->ntails > 2 ? g->tails[2] : "");
	if (g->count == 1)
		reply_add(r, "- %s%s %s", reply_type_words(g->type, 0), tails, g->loc);
	else
		reply_add(r, "- %zu %s%s %s", g->count, reply_type_words(g->type, 1), tails, g->loc);
}

void reply_build(struct reply *r, const struct reply_input *in)
{
	struct group g[DETAIL_LINES];
	size_t i, ng, skipped, pass;
	const char *contact = in->privacy_contact && *in->privacy_contact ? in->privacy_contact
	                                                                  : "the privacy office";
	const char *id = in->incident ? in->incident : "-";

	r->n = 0;
	if (in->reason == POLICY_R_UNSCANNED)
		reply_add(r, "Message not sent: it could not be checked for patient information (incident %s)", id);
	else
		reply_add(r, "Message not sent: it contains patient information (incident %s)", id);
	found_line(r, in);
	ng = group_findings(in, g, DETAIL_LINES, &skipped);
	/* Identifiers first, then health information, then what was unread. */
	for (pass = 0; pass < 3; pass++)
		for (i = 0; i < ng; i++) {
			int p = g[i].type == PHI_T_UNSCANNABLE ? 2
			        : phi_type_class(g[i].type) == PHI_CLASS_HEALTH ? 1 : 0;

			if ((size_t)p == pass)
				group_line(r, &g[i]);
		}
	if (skipped)
		reply_add(r, "- and %zu more", skipped);
	blocked_line(r, in);
	if (in->description && *in->description)
		reply_add(r, "Rule: %s.", in->description);
	if (in->reason == POLICY_R_UNSCANNED)
		reply_add(r, "It may be too large or too complex to check: split it into smaller messages, or remove archives and very large attachments.");
	/* The portal (and the secure keyword) serve outside mail only: a sender
	 * stopped at a social network or chat address must not be told that
	 * [secure] would get it there. */
	{
		unsigned mail_out = in->blocked[DEST_EXTERNAL] + in->blocked[DEST_PARTNER] + in->blocked[DEST_INTERNAL];
		unsigned posted = in->blocked[DEST_SOCIAL] + in->blocked[DEST_CHAT];

		if (mail_out || !posted) {
			if (in->portal && in->secure_keyword && *in->secure_keyword)
				reply_add(r, "To send it safely, use the secure portal: put %s in the subject and send it again%s.",
				          in->secure_keyword, posted ? " (to the outside recipients only)" : "");
			else
				reply_add(r, "To send it safely, use the secure portal or another approved secure method; do not send it by plain e-mail.");
		}
		if (posted)
			reply_add(r, "Social networks and chat tools are never the place for patient information: share it only through an approved clinical system.");
	}
	reply_add(r, "If the patient information is not needed, remove it and send the message again.");
	reply_add(r, "Questions, or think this is a mistake? Contact %s and quote incident %s.", contact, id);
	if (r->n >= REPLY_MAX_LINES)
		snprintf(r->line[REPLY_MAX_LINES - 1], REPLY_LINE_MAX,
		         "(more details were left out; contact %.200s and quote incident %.40s)", contact, id);
}

void reply_build_error(struct reply *r, const char *incident, int temporary)
{
	r->n = 0;
	if (temporary)
		reply_add(r, "Message not sent yet: it could not be checked for patient information; it will be retried (incident %s)",
		          incident);
	else
		reply_add(r, "Message not sent: it could not be checked for patient information (incident %s)", incident);
}

void reply_incident_id(char *out, size_t outlen)
{
	static unsigned counter;
	unsigned char rnd[3];
	char day[16];
	struct tm tm;
	time_t now = time(NULL);

	gmtime_r(&now, &tm);
	strftime(day, sizeof day, "%Y%m%d", &tm);
	if (RAND_bytes(rnd, sizeof rnd) != 1) {
		unsigned v = (unsigned)now ^ (__atomic_add_fetch(&counter, 1, __ATOMIC_RELAXED) * 2654435761u);

		rnd[0] = (unsigned char)(v >> 16);
		rnd[1] = (unsigned char)(v >> 8);
		rnd[2] = (unsigned char)v;
	}
	snprintf(out, outlen, "PHI-%s-%02X%02X%02X", day, rnd[0], rnd[1], rnd[2]);
}
