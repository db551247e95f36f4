/*
 * mlfi_act.h - the steps beyond accept/tag/reject that mlfi.c's apply()
 * strings together at end of message (mlfi_act.c): release tokens, the
 * encrypted store, portal notices, the in-place rewrite, the MTA hold,
 * Subject changes, and the audit record of each decision.
 *
 * Steps that can fail return -1 (store write failed, a notice could not
 * be submitted): the caller then answers tempfail with the envelope and
 * message untouched, so nothing is ever discarded, removed or rewritten
 * without its encrypted copy and its notices.
 */
#ifndef PHI_MLFI_ACT_H
#define PHI_MLFI_ACT_H

#include <libmilter/mfapi.h>
#include "decide.h"
#include "mctx.h"
#include "outcome.h"
#include "qstore.h"

/* A valid, unexpired X-PHI-Release token whose entry was not released
 * before: marks it used and returns 1 (the message passes once, unscanned).
 * 0 otherwise (no token, forged, expired or a replay: scanned as usual). */
int mlfi_act_release(struct mctx *m);

/* Our own notice (a valid X-PHI-Notice token): 1, the message passes
 * unscanned; 0 otherwise. */
int mlfi_act_is_notice(const struct mctx *m);

/* Write the encrypted copy for the recipients whose applied action is
 * `which` (POLICY_QUARANTINE: only those recipients, so a release goes to
 * them alone; POLICY_REDIRECT: every recipient, as the portal links number
 * recipients by their place in the envelope). qid set on success. 0 or -1. */
int mlfi_act_store(struct mctx *m, const struct decide_result *d, enum policy_action which,
                   long long expires, char qid[QSTORE_ID_MAX]);

/* Remove an entry written by mlfi_act_store (a later step failed). */
void mlfi_act_unstore(const struct conf *c, char qid[QSTORE_ID_MAX]);

/* Send each redirected recipient (p->what == portal) its notice with a
 * link into entry qid, except p->inplace, whose notice body is returned in
 * *inplace_body (CRLF, caller frees) for mlfi_act_rewrite. 0 or -1
 * (nothing changed in the envelope or message). */
int mlfi_act_portal_notices(const struct mctx *m, const struct decide_result *d, const struct outcome_plan *p,
                            const char *qid, long long expires, char **inplace_body);

/* The message becomes the portal notice `body`: body replaced, Subject
 * neutral, Content-Type text/plain, encodings and thread topic removed.
 * 0 or -1. */
int mlfi_act_rewrite(SMFICTX *ctx, const struct mctx *m, const char *body);

/* quarantine_method = mta-hold: the MTA's hold queue. 0 or -1. */
int mlfi_act_hold(SMFICTX *ctx, const struct mctx *m, const struct decide_result *d);

/* Subject changes for what is delivered: remove secure_keyword (first
 * occurrence) when strip_keyword, and put `prefix` (may be NULL) in front
 * unless the Subject holds it already. One header change at most. */
void mlfi_act_subject(SMFICTX *ctx, const struct mctx *m, int strip_keyword, const char *prefix);

/* The audit record of the decision (audit_log; no PHI). qid: the
 * quarantine entry (else the portal copy), rid: the portal copy when both
 * exist ("" otherwise); p may be NULL (release, own notice). */
void mlfi_act_audit(const struct mctx *m, const struct decide_result *d, const char *action, const char *qid,
                    const char *rid, const struct outcome_plan *p);

#endif
