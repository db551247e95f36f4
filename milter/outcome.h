/*
 * outcome.h - from the per-recipient decisions (decide.h) to what the milter
 * does with the envelope and the message: who keeps the original, who is
 * removed, what is stored, which notices go out, and the final answer.
 *
 * Pure (no libmilter, no I/O): mlfi.c carries the plan out with smfi_*,
 * and tests check the plan itself. The rules, in one place:
 *
 *   - every recipient refused                 -> 550 5.7.1 for the message
 *   - accept/tag recipients                   -> keep the original (tagged
 *                                                when any kept one is tagged)
 *   - redirect recipients                     -> a separate portal notice, removed
 *   - quarantine recipients (store)           -> one store entry holding only
 *                                                them, removed
 *   - reject recipients                       -> removed
 *   - nobody left but redirected ones         -> the message is rewritten in
 *                                                place as the first redirected
 *                                                recipient's notice
 *   - nobody left, only quarantine + reject   -> store, then DISCARD
 *   - quarantine_method = mta-hold and any recipient quarantined: the
 *     whole message (as left after removing refused and redirected
 *     recipients) is held by the MTA. The hold queue is per message, not
 *     per recipient, so the allowed recipients wait with the held ones
 *     until an admin releases it: late, never wrong (the safe side).
 *
 * Too many recipients to handle one by one (mctx.rcpt_dropped) and any
 * of them blocked: the whole message is refused.
 */
#ifndef PHI_OUTCOME_H
#define PHI_OUTCOME_H

#include <stddef.h>
#include "decide.h"
#include "mctx.h"
#include "reply.h"

enum outcome_answer {
	OUTCOME_CONTINUE = 0, /* deliver to the recipients left */
	OUTCOME_DISCARD,      /* nobody left: the store holds the copy */
	OUTCOME_REJECT        /* 550 5.7.1 for the whole message */
};

struct outcome_plan {
	enum reply_outcome *what;   /* owned, n entries: what happens to recipient i */
	unsigned char *keep;        /* owned, n entries: 1 = stays in the envelope */
	size_t n;                   /* = mctx.nrcpt */
	unsigned count[REPLY_O__COUNT]; /* recipients per outcome */
	unsigned nact[POLICY__COUNT];   /* recipients per applied action (audit) */
	enum outcome_answer answer;
	int hold;                   /* smfi_quarantine the message (mta-hold) */
	int store_quarantine;       /* write one entry for the quarantined recipients */
	int store_redirect;         /* write the portal copy */
	size_t inplace;             /* recipient whose notice the message becomes, or (size_t)-1 */
	int tag;                    /* X-PHI-Verdict / X-PHI-Findings on what is delivered */
	int subject_prefix;         /* add d->tag_subject to the Subject */
	int notify_sender;          /* mail the sender what happened to whom */
	int notify_officer;         /* mail conf.privacy_officer (no PHI) */
	int mixed;                  /* recipients got different outcomes */
};

/* Make the plan for message m decided as d under c. Returns 0, or -1 when
 * out of memory (the caller answers on_error; p is safe to free). */
int outcome_plan(const struct conf *c, const struct mctx *m, const struct decide_result *d,
                 struct outcome_plan *p);

void outcome_free(struct outcome_plan *p);

/* "accept:1,redirect:1" from p->nact ("-" when none), for audit_counts. */
void outcome_counts(const struct outcome_plan *p, char *buf, size_t len);

/* Should the sender of a whole-message refusal get the notice mail?
 * notify_sender YES always, NO never, ANY the sender_notice key
 * (internal senders by default); never without a sender or for <>. */
int outcome_reject_notice(const struct conf *c, const struct mctx *m, enum policy_tri notify_sender);

#endif
