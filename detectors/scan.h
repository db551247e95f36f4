/*
 * scan.h - internals shared by the decoders and detectors of one scan.
 *
 * Not installed; only detectors/ includes it. The public API is in
 * include/phi/engine.h. Ownership: a phi_scan owns its phi_doc (parts,
 * segments and the arena holding their strings and text) and its findings.
 * The engine is borrowed and outlives the scan.
 *
 * Building a doc (decoders call these):
 *   doc_add_part     a new part under `parent` (-1 = the message itself);
 *                    enforces max_parts and max_depth
 *   doc_add_text     copy a run of UTF-8 text as a segment; enforces
 *                    max_decoded_bytes; invalid UTF-8 bytes become '?'
 *   doc_unscannable  mark a part unscannable and add the finding
 *   doc_budget       check the time budget and call the tick; every decoder
 *                    loop over untrusted input calls it every few KB
 * Reporting (detectors call these):
 *   finding_add      a finding inside a segment (the sample is made here)
 *   finding_add_part a document-level finding (hl7v2, ccda, unscannable ...)
 */
#ifndef PHI_SCAN_INTERNAL_H
#define PHI_SCAN_INTERNAL_H

#include <stddef.h>
#include <time.h>
#include "phi/engine.h"
#include "phi/doc.h"
#include "phi/finding.h"
#include "phi/limits.h"
#include "phi/status.h"

struct doc_arena_block;

struct phi_doc {
	struct phi_limits lim;          /* copy of the scan's limits */
	struct phi_scan *scan;          /* back pointer (borrowed) for findings */
	struct phi_part *parts;         /* owned array */
	unsigned *child_count;          /* owned, parallel to parts: children numbered so far */
	size_t nparts, capparts;
	unsigned top_children;          /* children of the message itself */
	struct phi_segment *segs;       /* owned array */
	size_t nsegs, capsegs;
	struct doc_arena_block *arena;  /* owned chain of text/string blocks */
	size_t decoded_bytes;           /* charged against lim.max_decoded_bytes */
	int decoded_full;               /* max_decoded_bytes already reported */
	int parts_full;                 /* max_parts already reported */
	int timed_out;                  /* time budget spent: decoders stop */
	struct timespec start;
	unsigned budget_calls;
	phi_tick_fn tick;               /* borrowed call-back, may be NULL */
	void *tick_arg;
	const char *subject;            /* arena copy of the decoded Subject, or NULL */
};

/* Add a part. `parent` is a part index or -1 for the top-level message.
 * Strings are copied. Returns the new index (>= 0), or PHI_ELIMIT when
 * max_parts or max_depth forbids it (an unscannable finding has then been
 * added for the parent), or PHI_ENOMEM. */
int doc_add_part(struct phi_doc *d, int parent, const char *content_type,
                 const char *filename, enum phi_format fmt, size_t size, int attachment);

/* Add the part that holds the header fields of the message (parent -1:
 * path "0") or of an embedded message (path "<parent>.0"). It is not
 * counted among the children. Returns the index or a PHI_E* code. */
int doc_add_headers_part(struct phi_doc *d, int parent);

/* Add a text segment for `part`. `field_name` is copied (may be NULL).
 * Returns PHI_OK, PHI_ELIMIT (decoded budget spent; reported once) or
 * PHI_ENOMEM. Empty text is accepted and ignored. */
int doc_add_text(struct phi_doc *d, int part, enum phi_field field, const char *field_name,
                 const unsigned char *text, size_t len, size_t part_offset);

/* Mark `part` (or the message, -1) unscannable: adds an unscannable finding
 * whose why is `why` (a limit name or a short reason such as "encrypted"). */
void doc_unscannable(struct phi_doc *d, int part, const char *why);

/* PHI_OK while time is left; PHI_ETIME once the budget is spent (and the
 * doc is marked timed out, an unscannable finding added once). Cheap: looks
 * at the clock only every 16th call. */
int doc_budget(struct phi_doc *d);

/* Lifecycle, used by engine.c only. */
void doc_init(struct phi_doc *d, struct phi_scan *s, const struct phi_limits *lim,
              phi_tick_fn tick, void *tick_arg);
void doc_free(struct phi_doc *d);

/* Copy a string into the doc's arena (NUL-terminated); NULL when out of memory. */
char *doc_strndup(struct phi_doc *d, const char *s, size_t n);

/* Set the decoded Subject (copied). */
void doc_set_subject(struct phi_doc *d, const unsigned char *s, size_t n);

struct phi_scan {
	const struct phi_engine *eng;   /* borrowed */
	struct phi_limits lim;
	struct phi_doc doc;             /* owned (embedded) */
	struct phi_finding *f;          /* owned array */
	size_t nf, capf;
	unsigned counts[PHI_T__COUNT];
	int findings_full;              /* max_findings reached */
	enum phi_verdict verdict;
	double score;
	int done;                       /* phi_scan_message/text was called */
	char err[160];
};

/* Record a finding at [off, off+len) of segment `seg` (offsets relative to
 * seg->text). The redacted sample is made from the text here. Duplicates
 * (same type, part and offset) keep the higher confidence. Returns PHI_OK
 * or PHI_ELIMIT once max_findings is reached (counts still grow). */
int finding_add(struct phi_scan *s, const struct phi_segment *seg, enum phi_type t,
                enum phi_confidence c, size_t off, size_t len, const char *why);

/* Same for custom:NAME rule matches. */
int finding_add_custom(struct phi_scan *s, const struct phi_segment *seg, const char *name,
                       enum phi_confidence c, size_t off, size_t len, const char *why);

/* A finding about a whole part (part -1 = the message): no sample. */
int finding_add_part(struct phi_scan *s, int part, enum phi_type t, enum phi_confidence c,
                     const char *why);

/* Write a redacted form of text[0..len) for type t into out (size PHI_SAMPLE_MAX). */
void finding_redact(enum phi_type t, const unsigned char *text, size_t len, char *out);

/* --- entry points implemented by the modules --- */

/* detectors/mime: parse an RFC 5322 message as a child of `parent` (-1 for
 * the top) and extract every part into the doc. */
int mime_parse_message(struct phi_doc *d, int parent, const unsigned char *p, size_t n);

/* detectors/extract: read the (transfer-decoded) bytes of part `part`,
 * choosing the extractor from content type, file name and magic bytes. */
int extract_part(struct phi_doc *d, int part, const unsigned char *p, size_t n);

/* detectors/detect: the engine's detector state. */
struct detect_engine;
int detect_engine_new(const struct phi_engine_opts *o, struct detect_engine **out,
                      char *err, size_t errlen);
void detect_engine_free(struct detect_engine *de);

/* detectors/detect: run every detector over the doc's segments, adding findings. */
int detect_run(struct phi_scan *s);

/* detectors/score.c: set s->verdict and s->score from the findings. */
void score_verdict(struct phi_scan *s);

struct phi_engine {
	struct detect_engine *det;      /* owned */
	unsigned disabled_types[(PHI_T__COUNT + 31) / 32];
};

#endif
