/*
 * decide.h - from one scan result and the envelope to what happens to the
 * message, plus the texts that go with it (headers, log line, reply).
 *
 * The per-recipient class comes from dest.c and the per-class action from
 * policy.c. The message as a whole gets the most severe action of its
 * recipients (a reject or quarantine of one stops it for all); a redirect
 * applies to the redirected recipients only (mlfi.c removes them and sends
 * each the portal notice, or rewrites the message in place when every
 * recipient is redirected). No libmilter: mlfi.c applies the result.
 */
#ifndef PHI_DECIDE_H
#define PHI_DECIDE_H

#include <stddef.h>
#include "phi/engine.h"
#include "conf.h"
#include "dest.h"
#include "mctx.h"
#include "policy.h"
#include "reply.h"

struct decide_result {
	enum phi_verdict verdict;
	enum policy_action action;          /* applied to the message */
	int secure;                         /* secure_keyword in the subject (and a portal) */
	enum policy_action would;           /* what enforce mode does */
	struct policy_decision worst;       /* the decision behind `would` */
	unsigned rcpts[DEST__COUNT];        /* recipients per class */
	enum policy_action class_action[DEST__COUNT]; /* per class present (would) */
	unsigned blocked[DEST__COUNT];      /* recipients whose would-action blocks */
	int unscannable_limit;              /* an unscannable finding from a limit */
	int unscannable_other;              /* an unscannable finding for another reason */
	int timed_out;                      /* the scan ran out of time_budget_ms: the caller
	                                       answers per on_error, as for a scan error */
	char findings_hdr[512];             /* "us_ssn=1, mrn=2", "" when none */
	char types[256];                    /* "us_ssn:1,mrn:2", "-" when none (store, audit) */
	char incident[REPLY_ID_MAX];        /* set when the message is blocked (or would be) */
};

/* Decide for the message in `m` (its recipients) scanned as `s` under `c`.
 * Pure apart from the random incident id. */
void decide_message(const struct conf *c, const struct mctx *m, const struct phi_scan *s,
                    struct decide_result *out);

/* Build the 550 reply text for a blocked message. */
void decide_reply(const struct conf *c, const struct phi_scan *s, const struct decide_result *d,
                  struct reply *r);

/* The one summary log line (without level), queue id first:
 * "QID: mode=... verdict=... action=... rule=... internal=tag external=reject
 *  types=us_ssn:1 unscannable=max_depth size=N parts=N ms=N incident=...".
 * Only types, counts, classes, limit names, sizes and cleaned metadata. */
void decide_log_line(const struct conf *c, const struct mctx *m, const struct phi_scan *s,
                     const struct decide_result *d, unsigned long ms, char *buf, size_t len);

/* "types" part alone: "us_ssn:1,mrn:2" or "-" (sep ':' for logs, '=' and ", "
 * for the header). */
void decide_types(const unsigned *counts, char kv, const char *sep, char *buf, size_t len);

#endif
