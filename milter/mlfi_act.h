/*
 * mlfi_act.h - the actions beyond accept/tag/reject, applied through
 * libmilter at end of message: release tokens, quarantine, portal
 * redirect, and the audit record of each decision (mlfi_act.c).
 *
 * Each returns -1 when it could not do what it must (store write failed,
 * a notice could not be submitted): the caller answers per on_error, so a
 * message is never discarded or rewritten without its encrypted copy.
 */
#ifndef PHI_MLFI_ACT_H
#define PHI_MLFI_ACT_H

#include <libmilter/mfapi.h>
#include "decide.h"
#include "mctx.h"
#include "qstore.h"

/* A valid, unexpired X-PHI-Release token whose entry was not released
 * before: marks it used and returns 1 (the message passes once, unscanned).
 * 0 otherwise (no token, forged, expired or a replay: scanned as usual). */
int mlfi_act_release(struct mctx *m);

/* Quarantine: store (quarantine_method = store; qid set) or the MTA's hold
 * queue (mta-hold). Returns SMFIS_DISCARD or SMFIS_CONTINUE to answer, or
 * -1 on failure. */
int mlfi_act_quarantine(SMFICTX *ctx, struct mctx *m, const struct decide_result *d,
                        char qid[QSTORE_ID_MAX]);

/* Redirect the recipients whose class action is redirect: store the
 * original, send each a portal notice (in place when every recipient is
 * redirected), remove them from the envelope. Sets *rewritten when the
 * message itself became the notice. 0 or -1. */
int mlfi_act_redirect(SMFICTX *ctx, struct mctx *m, const struct decide_result *d,
                      char qid[QSTORE_ID_MAX], int *rewritten);

/* Our own notice (a valid X-PHI-Notice token): 1, the message passes
 * unscanned; 0 otherwise. */
int mlfi_act_is_notice(const struct mctx *m);

/* Some recipients refused, the others allowed (accept or tag): remove the
 * refused ones and mail the sender what happened to whom. Returns 1 when
 * done (the caller delivers to the rest), 0 when this does not apply (the
 * caller refuses the whole message), -1 when the notice could not be sent
 * (nothing was changed). */
int mlfi_act_partial(SMFICTX *ctx, struct mctx *m, const struct phi_scan *s,
                     const struct decide_result *d);

/* On an outright refusal: the full notice mail to the sender when
 * sender_notice says so (internal senders by default). Failures are
 * logged only: the 550 reply still tells the sender. */
void mlfi_act_reject_notice(struct mctx *m, const struct phi_scan *s, const struct decide_result *d);

/* Remove secure_keyword from the Subject (first occurrence). */
void mlfi_act_strip_keyword(SMFICTX *ctx, const struct mctx *m);

/* The audit record of the decision (audit_log; no PHI). */
void mlfi_act_audit(const struct mctx *m, const struct decide_result *d, const char *action,
                    const char *qid);

#endif
