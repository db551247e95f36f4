/*
 * metrics.h - the daemon's counters and scan-time histogram, rendered in
 * the Prometheus text format (version 0.0.4).
 *
 * Process-wide, lock-free: every update is one relaxed atomic add, so the
 * scan path never takes a lock. Counters only grow; a reader sees each one
 * consistent on its own (not a snapshot of all of them at one instant),
 * which is what Prometheus expects. No labels carry message content: only
 * verdicts, actions, finding-type names and fixed error reasons.
 * Related: ctl_stats.c (`phictl stats` reads the rendered text back),
 * metrics_http.c (the same text over HTTP, metrics_listen).
 */
#ifndef PHI_METRICS_H
#define PHI_METRICS_H

#include <stddef.h>
#include <stdio.h>
#include "phi/engine.h"
#include "policy.h"

/* One scanned message: its verdict, the action applied, the scan (for the
 * finding types; may be NULL) and the milliseconds it took. */
void metrics_message(enum phi_verdict v, enum policy_action a, const struct phi_scan *s, unsigned long ms);

/* A message that got on_error; reason is one of "out_of_memory", "scan",
 * "timeout", "busy", "store" (anything else counts as "other"). */
void metrics_error(const char *reason);

/* Every metric in the Prometheus text format, as one malloc'd,
 * NUL-terminated buffer (its length without the NUL to *len, when len is
 * not NULL); the caller frees it. NULL when out of memory. The one
 * renderer: metrics_write, metrics_write_file and the HTTP listener
 * (metrics_http.c) all serve this text. */
char *metrics_render(size_t *len);

/* Write metrics_render's text to f. Returns 0, or -1 on a write error. */
int metrics_write(FILE *f);

/* Count the sealed messages (ID.msg) of the quarantine directory and their
 * bytes into the quarantine gauges. 0, or -1 when dir cannot be read (the
 * gauges keep their last values). Called by the metrics thread. */
int metrics_quarantine_scan(const char *dir);

/* Write them to path crash-safely (path.tmp, fsync, rename), mode 0640.
 * Returns 0, or -1 with errno set. */
int metrics_write_file(const char *path);

/* Zero everything (tests). */
void metrics_reset(void);

#endif
