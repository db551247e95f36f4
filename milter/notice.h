/*
 * notice.h - the mail phimilter writes about a message it stopped: the
 * sender notice (what was found, redacted; which rule; what happened to
 * each recipient by domain and class; how to send it properly) and the
 * privacy officer's notice (incident, rule, verdict, finding types and
 * counts, outcomes counted per recipient class, the sender, the
 * quarantine and queue ids, and the phictl commands to act).
 *
 * Neither ever holds the subject, the body, a matched value or a
 * recipient's local part. Both are plain text from a template in
 * <config dir>/templates/ (a built-in text when the file is missing),
 * carry `Auto-Submitted: auto-generated` and, when a key is configured, a
 * signed X-PHI-Notice token so phimilter passes them unscanned (no loop).
 * No libmilter; never logs (the caller logs `why`: no addresses, no content).
 */
#ifndef PHI_NOTICE_H
#define PHI_NOTICE_H

#include <stddef.h>
#include "decide.h"
#include "mctx.h"
#include "outcome.h"

/* A template file's text, or NULL when it cannot be read (or the name is
 * not a plain file name inside templates/). At most 64 KiB. Caller frees. */
char *notice_template(const struct conf *c, const char *name);

/* Build the sender notice (a whole message, CRLF). The template is
 * d->notice_template when set, else sender_notice.txt. Caller frees;
 * NULL when out of memory. */
char *notice_sender_build(const struct conf *c, const struct mctx *m, const struct phi_scan *s,
                          const struct decide_result *d, const struct outcome_plan *p);

/* Build the privacy officer's notice (officer_notice.txt). qid: the store
 * entry of the quarantined recipients, or "" when none. Caller frees. */
char *notice_officer_build(const struct conf *c, const struct mctx *m, const struct decide_result *d,
                           const struct outcome_plan *p, const char *qid);

/* The portal notice a redirected recipient gets instead of the message:
 * the body (portal_notice.txt: {sender} {link} {expires} {incident}; CRLF)
 * and the whole message around a body (n: the recipient's place, for the
 * Message-ID). Caller frees; NULL when out of memory. */
#define NOTICE_PORTAL_SUBJECT "A secure message is waiting for you"
char *notice_portal_body(const struct conf *c, const char *sender, const char *link, const char *expires,
                         const char *incident);
char *notice_portal_message(const struct conf *c, const char *to, const char *body, const char *incident,
                            unsigned n);

/* Build and submit through `submission`. 0, or -1 with a reason in why. */
int notice_sender_send(const struct conf *c, const struct mctx *m, const struct phi_scan *s,
                       const struct decide_result *d, const struct outcome_plan *p, char *why, size_t whylen);
int notice_officer_send(const struct conf *c, const struct mctx *m, const struct decide_result *d,
                        const struct outcome_plan *p, const char *qid, char *why, size_t whylen);

#endif
