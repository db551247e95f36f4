/*
 * ext.h - detector modules that carry their own data: the patient roster
 * (exact data match over keyed hashes), the message's own roster (values of
 * structured clinical fields looked for elsewhere in the message), and the
 * admin rules and allowlists. detect.c loads them into the detect_engine
 * and runs them after the identifier detectors.
 */
#ifndef PHI_DETECT_EXT_H
#define PHI_DETECT_EXT_H

#include <stddef.h>
#include <stdio.h>
#include "../scan.h"

struct roster;
/* Load a roster index written by `phictl roster import`. path NULL/"" = none
 * (*out = NULL, PHI_OK). Errors as "FILE: problem" in err. */
int roster_load(const char *index_path, const char *key_path, struct roster **out,
                char *err, size_t errlen);
void roster_free(struct roster *r);
/* Add patient_roster findings for roster values found in the doc. NULL r: nothing. */
int roster_scan(const struct roster *r, struct phi_scan *s);
/* Build the index from an EHR export CSV (`phictl roster import`); creates
 * key_path (0600, random) when missing, refuses one readable by others.
 * Problems go to errs (may be NULL) as "FILE:LINE: problem", never with
 * values. Returns PHI_OK or a PHI_E* code. */
int roster_import(const char *csv_path, const char *index_path, const char *key_path, FILE *errs);

/* The message's own roster: names, ids and dates from structured clinical
 * fields (HL7 PID, FHIR Patient, C-CDA recordTarget, DICOM, CSV MRN/DOB
 * columns) looked for in free text of the rest of the message. */
int msgroster_scan(struct phi_scan *s);

struct rules;
/* Load admin PCRE2 rules and allowlists; NULL/"" paths = none. Errors as
 * "FILE:LINE: problem", one per line. */
int rules_load(const char *rules_file, const char *allowlist_file, struct rules **out,
               char *err, size_t errlen);
void rules_free(struct rules *r);
/* Run the admin rules over the doc (custom:NAME findings). NULL r: nothing. */
int rules_scan(const struct rules *r, struct phi_scan *s);
/* 1 when value (as matched) is allowlisted for type t (e.g. the practice's
 * own phone number); detectors call this before finding_add. */
int rules_allowed(const struct rules *r, enum phi_type t, const unsigned char *v, size_t n);

#endif
