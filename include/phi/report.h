/*
 * report.h - the two outputs of `phictl scan`: the JSON line of
 * CONTRACTS.md and the readable report an admin tunes rules with.
 * Both carry only redacted samples (finding.c made them); file names of
 * attachments are shown because an admin scanning a file asked for them.
 */
#ifndef PHI_REPORT_H
#define PHI_REPORT_H

#include <stdio.h>
#include "phi/engine.h"

/* One JSON object on one line for a finished scan of `file`. */
void phi_report_json(FILE *out, const char *file, const struct phi_scan *s);

/* The findings array of that line alone ("[{...},...]"), for other
 * outputs that carry the same findings (the scan socket's reply). */
void phi_report_json_findings(FILE *out, const struct phi_scan *s);

/* {"file":...,"verdict":"error","error":...,"findings":[]} */
void phi_report_json_error(FILE *out, const char *file, const char *error);

/* The readable report: verdict, then one explained line per finding. */
void phi_report_text(FILE *out, const char *file, const struct phi_scan *s);

/* Write s as a JSON string literal (quotes included), escaping as RFC 8259
 * requires; bytes that are not UTF-8 are written as U+FFFD. */
void phi_json_string(FILE *out, const char *s);

#endif
