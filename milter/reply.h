/*
 * reply.h - the multi-line 550 5.7.1 text a stopped sender reads, and the
 * incident id that ties it to the log line.
 *
 * Rules (CONTRACTS.md): the first line stands alone (what happened and the
 * incident id); then what was found (kinds in plain words with counts,
 * where, as part numbers never file names, and at most the last four
 * characters of an already redacted sample: "a Social Security number
 * ending 6789 in attachment 2"), the rule's admin description, and what to
 * do instead. At most REPLY_MAX_LINES lines, each under REPLY_LINE_MAX
 * octets after '%' doubling, printable ASCII only. Never the matched text,
 * header values, subjects, file names or recipient addresses.
 */
#ifndef PHI_REPLY_H
#define PHI_REPLY_H

#include <stddef.h>
#include "phi/finding.h"
#include "dest.h"
#include "policy.h"

#define REPLY_MAX_LINES 32   /* libmilter's smfi_setmlreply limit */
#define REPLY_LINE_MAX 400   /* bytes per line including NUL; SMTP allows 512 */
#define REPLY_ID_MAX 32

struct reply {
	char line[REPLY_MAX_LINES][REPLY_LINE_MAX];
	size_t n;                /* lines in use */
};

/* What the reply describes. Everything borrowed for the call only. */
struct reply_input {
	const char *incident;              /* "PHI-20261201-7F3A9C" */
	enum policy_reason reason;         /* pii / phi / unscanned */
	const char *description;           /* rule description (admin words) */
	const struct phi_finding *findings;/* the scan's findings */
	size_t nfindings;
	const unsigned *type_counts;       /* PHI_T__COUNT counts, may be NULL */
	unsigned blocked[DEST__COUNT];     /* blocked recipients per class */
	int portal;                        /* a portal is configured */
	const char *secure_keyword;        /* e.g. "[secure]"; may be NULL */
	const char *privacy_contact;       /* e.g. "the privacy office"; may be NULL */
};

/* What happened to one recipient of a message (the sender notice lists
 * each, the privacy officer's notice counts them per class). */
enum reply_outcome {
	REPLY_O_DELIVERED = 0, /* got the original */
	REPLY_O_TAGGED,        /* got the original with the X-PHI-* tags */
	REPLY_O_PORTAL,        /* got a secure-portal notice instead */
	REPLY_O_QUARANTINED,   /* held for the privacy office */
	REPLY_O_REFUSED,       /* got nothing */
	REPLY_O_HELD,          /* allowed, but waits with the held message (mta-hold) */
	REPLY_O__COUNT
};

/* Plain words for an outcome, e.g. "not delivered (refused)". Every one
 * starts with a fixed word (delivered, sent, quarantined, not, held) so a
 * template or a test can rely on it. */
const char *reply_outcome_words(enum reply_outcome o);

/* Short name for logs and counts: "delivered", "tagged", "portal",
 * "quarantined", "refused", "held". */
const char *reply_outcome_name(enum reply_outcome o);

/* Build the reply. Never fails (lines past the limit are dropped, the last
 * kept line says so). */
void reply_build(struct reply *r, const struct reply_input *in);

/* Build an on_error (tempfail/reject) reply: one line. */
void reply_build_error(struct reply *r, const char *incident, int temporary);

/* Write a new random incident id, "PHI-YYYYMMDD-XXXXXX" (RAND_bytes; falls
 * back to time and counter bits if the RNG fails). */
void reply_incident_id(char *out, size_t outlen);

/* Plain words for a type: singular with article ("a Social Security
 * number"), and plural ("Social Security numbers"). */
const char *reply_type_words(enum phi_type t, int plural);

/* Append one formatted line (sanitised, '%' doubled, cut to fit). Returns
 * 0, or -1 when the reply is full. Exposed for tests. */
int reply_add(struct reply *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The reply lines as a NULL-terminated array for smfi_setmlreply. */
void reply_lines(const struct reply *r, const char *out[REPLY_MAX_LINES + 1]);

#endif
