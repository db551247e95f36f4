/*
 * audit.h - the audit log (config key audit_log): one JSON object per
 * line, one line per decision and per admin action, appended with a single
 * write(2) on an O_APPEND descriptor so lines from the daemon's threads
 * and from phictl never interleave.
 *
 * Records carry no PHI: time, incident id, queue id, a hash of the
 * Message-ID, sender domain, recipient classes and counts, verdict, finding
 * types and counts, rule, action, quarantine id; admin records the user
 * name, the command and the entry id. Never subjects, addresses' local
 * parts, file names or matched text. No libmilter; never logs.
 */
#ifndef PHI_AUDIT_H
#define PHI_AUDIT_H

#include <stddef.h>

struct audit_rec {
	char buf[4096];
	size_t len;
	int over;     /* a field did not fit: the record is cut at the last whole field */
};

/* Start a record: {"time":"...","kind":KIND */
void audit_begin(struct audit_rec *r, const char *kind);
/* ,"key":"value" (value JSON-escaped; NULL or "" writes "-") */
void audit_str(struct audit_rec *r, const char *key, const char *val);
/* ,"key":N */
void audit_num(struct audit_rec *r, const char *key, long long val);
/* ,"key":{"a":1,"b":2} from "a:1,b:2" ("-" or "" gives {}) */
void audit_counts(struct audit_rec *r, const char *key, const char *pairs);
/* Close the record and append it to path ("" = no audit log: returns 0).
 * 0, or -1 with errno. */
int audit_write(const char *path, struct audit_rec *r);

/* The first 16 hex digits of SHA-256 of s (a Message-ID), into out[17];
 * "-" for NULL/empty. */
void audit_hash(const char *s, char out[17]);

#endif
