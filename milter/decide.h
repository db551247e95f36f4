/*
 * decide.h - from one scan result and the envelope to what happens to the
 * message, plus the texts that go with it (headers, log line, reply).
 *
 * Every recipient gets its own decision: its class from dest.c (external
 * recipients of a reply into a social-network thread count as social), its
 * action from the first matching rule of the policy (policy.h). mlfi.c and
 * mlfi_act.c apply the per-recipient actions (the allowed recipients get
 * the message, the others are removed and handled by their action);
 * scan_request.c (chat) delivers only when no recipient is blocked.
 * No libmilter here.
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

/* One recipient's outcome (index = the recipient's index in mctx.rcpts). */
struct decide_rcpt {
	enum dest_class dest;       /* after the social-thread upgrade (below) */
	struct policy_decision pd;  /* pd.action is what is applied to this recipient */
};

struct decide_result {
	enum phi_verdict verdict;
	enum policy_action action;          /* the most severe applied recipient action */
	int secure;                         /* secure_keyword in the subject (and a portal) */
	enum policy_action would;           /* the most severe enforce-mode action */
	struct policy_decision worst;       /* the decision behind `would` */
	struct decide_rcpt *rcpt;           /* owned, m->nrcpt entries (NULL when none);
	                                       free with decide_free */
	size_t nrcpt;
	unsigned nact[POLICY__COUNT];       /* stored recipients per applied action */
	unsigned rcpts[DEST__COUNT];        /* recipients per class (dropped ones: external) */
	enum policy_action class_action[DEST__COUNT]; /* most severe would-action per class present */
	unsigned blocked[DEST__COUNT];      /* recipients whose would-action is redirect or worse */
	int social_thread;                  /* In-Reply-To/References/List-* point at a social
	                                       or chat domain: external recipients judged social */
	int notify_officer;                 /* a matching rule (that acts) asked for it */
	enum policy_tri notify_sender;      /* from the worst blocking rule; ANY = sender_notice key */
	const char *notice_template;        /* from the worst blocking rule, or NULL */
	const char *tag_subject;            /* from the first tagging rule of a delivered
	                                       recipient, or NULL */
	int unscannable_limit;              /* an unscannable finding from a limit */
	int unscannable_other;              /* an unscannable finding for another reason */
	int timed_out;                      /* the scan ran out of time_budget_ms: the caller
	                                       answers per on_error, as for a scan error */
	char findings_hdr[512];             /* "us_ssn=1, mrn=2", "" when none */
	char types[256];                    /* "us_ssn:1,mrn:2", "-" when none (store, audit) */
	char incident[REPLY_ID_MAX];        /* set when the message is blocked (or would be) */
};

/* Decide for the message in `m` (its recipients) scanned as `s` under `c`:
 * every recipient through c->policy. Pure apart from the random incident
 * id. Returns 0, or -1 when out of memory (out is then safe to free and
 * the caller answers on_error). */
int decide_message(const struct conf *c, const struct mctx *m, const struct phi_scan *s,
                   struct decide_result *out);

/* Free what decide_message allocated (the struct itself is the caller's). */
void decide_free(struct decide_result *d);

/* Message facts for the policy (decide_message uses it; tests too). */
void decide_facts(const struct conf *c, const struct mctx *m, const struct phi_scan *s,
                  struct policy_facts *f);

/* Build the 550 reply text for a blocked message. */
void decide_reply(const struct conf *c, const struct phi_scan *s, const struct decide_result *d,
                  struct reply *r);

/* The one summary log line (without level), queue id first:
 * "QID: mode=... verdict=... action=... rule=... internal=tag external=reject
 *  types=us_ssn:1 unscannable=max_depth size=N parts=N ms=N incident=...".
 * Only types, counts, classes, limit names, sizes and cleaned metadata. */
void decide_log_line(const struct conf *c, const struct mctx *m, const struct phi_scan *s,
                     const struct decide_result *d, unsigned long ms, char *buf, size_t len);

/* "internal:1,external:2" (recipients per class present) and
 * "tag:1,reject:1" (recipients per applied action), "-" when none: the
 * audit record's count fields (audit_counts). */
void decide_class_counts(const struct decide_result *d, char *buf, size_t len);
void decide_action_counts(const struct decide_result *d, char *buf, size_t len);

/* "types" part alone: "us_ssn:1,mrn:2" or "-" (sep ':' for logs, '=' and ", "
 * for the header). */
void decide_types(const unsigned *counts, char kv, const char *sep, char *buf, size_t len);

#endif
