/*
 * policy.h - destination x verdict x findings x mode -> action.
 *
 * A pure function implementing the default table of CONTRACTS.md:
 *
 *   destination     clean    pii            phi
 *   internal        accept   accept + tag   accept + tag
 *   partner         accept   accept + tag   accept + tag
 *   external        accept   reject         reject (redirect with a portal)
 *   social, chat    accept   reject         reject
 *
 * Unscannable content (our choice, documented in policy.c): when a limit
 * stopped the scan (an `unscannable` finding whose reason starts "limit "),
 * a clean verdict is not trusted for mail leaving the organisation: it is
 * treated like pii for external, social and chat (rejected, and the reply
 * says the message could not be checked); internal and partner get it
 * tagged. Other unscannable reasons (encrypted, corrupt) only tag inside.
 * A scan that ran out of its time budget never reaches policy: the milter
 * answers it per on_error, like a scan error (decide.h `timed_out`).
 *
 * blocked_action = quarantine turns every reject of the table into
 * quarantine (unscannable too); the secure_keyword sends external
 * recipients through the portal whatever the verdict.
 *
 * mode = monitor never blocks: whatever enforce would do is reported in
 * `would`, and `action` is at most POLICY_TAG.
 */
#ifndef PHI_POLICY_H
#define PHI_POLICY_H

#include "phi/engine.h"
#include "conf.h"
#include "dest.h"

/* Ordered by severity: a message's action is the most severe of its
 * recipients' actions. */
enum policy_action {
	POLICY_ACCEPT = 0,
	POLICY_TAG,
	POLICY_REDIRECT, /* to the secure portal: encrypted copy, the recipient gets a notice */
	POLICY_QUARANTINE, /* held encrypted for the privacy officer (blocked_action = quarantine) */
	POLICY_REJECT,
	POLICY__COUNT
};

/* Why the action was chosen (for the reply text and the log). */
enum policy_reason {
	POLICY_R_CLEAN = 0,   /* nothing that matters */
	POLICY_R_PII,         /* verdict pii */
	POLICY_R_PHI,         /* verdict phi */
	POLICY_R_UNSCANNED    /* clean, but a limit kept part of it from being read */
};

struct policy_input {
	enum dest_class dest;
	enum phi_verdict verdict;
	int unscannable_limit;   /* an unscannable finding with a "limit ..." reason */
	int unscannable_other;   /* an unscannable finding with another reason */
	enum conf_mode mode;
	int portal;              /* a portal is usable (portal_url, portal and store keys) */
	int quarantine;          /* blocked mail is quarantined, not rejected (blocked_action
	                            = quarantine and a store key) */
	int secure;              /* the subject holds secure_keyword: external mail goes
	                            through the portal whatever the verdict (needs portal) */
};

struct policy_decision {
	enum policy_action action;  /* what to do (monitor: never beyond TAG) */
	enum policy_action would;   /* what enforce mode does */
	enum policy_reason reason;
	const char *rule;           /* rule id for logs, e.g. "default.external.phi" (static) */
	const char *description;    /* the admin description shown to senders (static) */
};

/* Decide for one destination class. Pure; never fails. */
void policy_decide(const struct policy_input *in, struct policy_decision *out);

/* "accept", "tag", "redirect", "reject". */
const char *policy_action_name(enum policy_action a);

#endif
