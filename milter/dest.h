/*
 * dest.h - recipient address -> destination class.
 *
 * A domain entry matches the domain itself and every subdomain, case
 * insensitively; the address may carry <> and a trailing dot. When entries
 * of several lists match, the longest (most specific) entry wins; on a tie
 * the stricter class wins (chat, social, partner, internal). An address
 * without a domain is delivered locally and counts as internal.
 * Pure functions; never log (the domain may be logged by the caller, the
 * local part never).
 */
#ifndef PHI_DEST_H
#define PHI_DEST_H

#include <stddef.h>
#include "conf.h"

enum dest_class {
	DEST_INTERNAL = 0,
	DEST_PARTNER,
	DEST_EXTERNAL,
	DEST_SOCIAL,
	DEST_CHAT,
	DEST__COUNT
};

/* "internal", "partner", "external", "social", "chat". */
const char *dest_class_name(enum dest_class d);

/* Write the normalised domain of `addr` (lower case, no <>, no trailing
 * dots) into out. Returns 0; 1 when the address has no domain (out = "");
 * -1 when it does not fit or is malformed (out = ""). */
int dest_domain(const char *addr, char *out, size_t outlen);

/* Does normalised `domain` equal `entry` or end with "." entry? */
int dest_domain_matches(const char *domain, const char *entry);

/* Class of recipient `addr` under config `c` (only its *_domains lists are
 * read). A malformed address is external. */
enum dest_class dest_classify(const struct conf *c, const char *addr);

#endif
