/*
 * engine.h - the public face of libphidetect: load once, scan many.
 *
 * A phi_engine holds everything compiled from configuration (health terms,
 * admin rules, allowlists, the patient roster index). It is immutable once
 * built and shared read-only by every thread. A phi_scan is one message:
 * create, scan, read the result, free. Nothing here logs, exits or knows of
 * libmilter; the daemon, phictl, the tests, the benchmarks and the fuzzers
 * all drive the same calls.
 */
#ifndef PHI_ENGINE_H
#define PHI_ENGINE_H

#include <stddef.h>
#include "phi/finding.h"
#include "phi/limits.h"
#include "phi/doc.h"

enum phi_verdict {
	PHI_VERDICT_CLEAN = 0,
	PHI_VERDICT_PII = 1,
	PHI_VERDICT_PHI = 2
};

/* Options the engine is built from; filled by the config loader (milter/conf.c)
 * or by a test. Paths may be NULL (feature off). Strings are borrowed for the
 * duration of phi_engine_new only. */
struct phi_engine_opts {
	const char *terms_dir;      /* directory of health-term lists (*.txt) */
	const char *rules_file;     /* admin PCRE2 rules */
	const char *allowlist_file; /* values that are not PHI here */
	const char *roster_file;    /* keyed-hash roster index */
	const char *roster_key_file;/* HMAC key for the roster */
	unsigned disabled_types[(PHI_T__COUNT + 31) / 32]; /* bit per enum phi_type */
};

struct phi_engine;

/* Build an engine. Returns PHI_OK and sets *out, or a PHI_E* code with a
 * `FILE:LINE: problem` text in err (never NULL-terminated past errlen).
 * Several problems are reported one per line. */
int phi_engine_new(const struct phi_engine_opts *opts, struct phi_engine **out,
                   char *err, size_t errlen);

/* Free an engine (NULL is fine). Only when no scan uses it any more. */
void phi_engine_free(struct phi_engine *e);

/* Called now and then during a long scan (the milter calls smfi_progress). */
typedef void (*phi_tick_fn)(void *arg);

struct phi_scan;

/* Start a scan. `limits` is copied; NULL means phi_limits_default(). `tick`
 * may be NULL. Returns NULL only when out of memory. */
struct phi_scan *phi_scan_new(const struct phi_engine *e, const struct phi_limits *limits,
                              phi_tick_fn tick, void *tick_arg);

/* Scan one RFC 5322 message (headers and body, CRLF or LF line ends).
 * Returns PHI_OK when a verdict was reached (possibly with unscannable
 * findings), or a PHI_E* code when the scan could not be completed at all
 * (then the caller applies on_error). Call once per scan. */
int phi_scan_message(struct phi_scan *s, const unsigned char *msg, size_t len);

/* Scan plain UTF-8 text (phictl scan --text, chat messages). */
int phi_scan_text(struct phi_scan *s, const unsigned char *text, size_t len);

/* One piece of a message that does not come as RFC 5322 (a chat message
 * and its files, from the scan socket). Everything is borrowed for the call. */
struct phi_input_part {
	const char *content_type;   /* declared type ("application/pdf"; parameters and case
	                               are cleaned here), or NULL: guessed from name and bytes */
	const char *filename;       /* the file's name, or NULL (scanned as a filename segment) */
	const unsigned char *data;  /* the decoded bytes (no transfer encoding), len bytes */
	size_t len;
	int attachment;             /* 1 for a file, 0 for the message text */
};

/* Scan a message given as parts: each becomes a top-level part ("1", "2",
 * ...) read by the same extractors as a MIME part of that type and name.
 * Returns like phi_scan_message. Call once per scan, instead of
 * phi_scan_message / phi_scan_text. */
int phi_scan_parts(struct phi_scan *s, const struct phi_input_part *parts, size_t n);

/* Record that the caller could not give the whole message (e.g. it was over
 * max_message_bytes): adds an unscannable finding naming `limit`. Call before
 * phi_scan_message. */
void phi_scan_mark_truncated(struct phi_scan *s, const char *limit);

/* Results; valid until phi_scan_free. */
enum phi_verdict phi_scan_verdict(const struct phi_scan *s);
double phi_scan_score(const struct phi_scan *s);
size_t phi_scan_nfindings(const struct phi_scan *s);
const struct phi_finding *phi_scan_finding(const struct phi_scan *s, size_t i);
/* How many findings of each type (array of PHI_T__COUNT). */
const unsigned *phi_scan_type_counts(const struct phi_scan *s);
const struct phi_doc *phi_scan_doc(const struct phi_scan *s);
/* Subject of the message (decoded UTF-8) or NULL; for policy matching only,
 * never to be logged. */
const char *phi_scan_subject(const struct phi_scan *s);
/* Last error text (codes and positions, never content), or "". */
const char *phi_scan_error(const struct phi_scan *s);

/* Wipe and free a scan (NULL is fine). */
void phi_scan_free(struct phi_scan *s);

const char *phi_verdict_name(enum phi_verdict v);

/* Version string, e.g. "0.1.0". */
const char *phi_version(void);

#endif
