/*
 * limits.h - every cap applied to untrusted input, with safe defaults.
 *
 * Hitting a limit never crashes or hangs a scan: the part (or the rest of the
 * message) becomes an `unscannable` finding whose `why` names the limit, and
 * the message still gets a verdict.
 */
#ifndef PHI_LIMITS_H
#define PHI_LIMITS_H

#include <stddef.h>

struct phi_limits {
	size_t max_message_bytes;  /* raw message bytes accepted for scanning */
	size_t max_header_bytes;   /* one unfolded header field */
	size_t max_decoded_bytes;  /* total decoded text kept for the detectors */
	unsigned max_depth;        /* MIME + archive + rfc822 nesting */
	unsigned max_parts;        /* MIME parts + archive entries */
	size_t max_entry_bytes;    /* one decompressed archive entry */
	unsigned max_ratio;        /* decompressed / compressed, per entry */
	unsigned max_pdf_objects;  /* objects parsed in one PDF */
	unsigned max_findings;     /* findings recorded per message */
	unsigned time_budget_ms;   /* wall-clock budget per message; 0 = none */
};

/* Fill `l` with the shipped defaults (documented in conf/phimilter.conf). */
void phi_limits_default(struct phi_limits *l);

#define PHI_DEFAULT_MAX_MESSAGE_BYTES (50u * 1024 * 1024)
#define PHI_DEFAULT_MAX_HEADER_BYTES  (256u * 1024)
#define PHI_DEFAULT_MAX_DECODED_BYTES (64u * 1024 * 1024)
#define PHI_DEFAULT_MAX_DEPTH         20u
#define PHI_DEFAULT_MAX_PARTS         2000u
#define PHI_DEFAULT_MAX_ENTRY_BYTES   (32u * 1024 * 1024)
#define PHI_DEFAULT_MAX_RATIO         200u
#define PHI_DEFAULT_MAX_PDF_OBJECTS   20000u
#define PHI_DEFAULT_MAX_FINDINGS      1000u
#define PHI_DEFAULT_TIME_BUDGET_MS    10000u

#endif
