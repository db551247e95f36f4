/*
 * ctl_roster.c - `phictl roster import`: turn an EHR export CSV into the
 * keyed-hash roster index named by roster_file, under roster_key_file.
 *
 * The work (CSV reading, normalisation, hashing, the crash-safe write) is
 * roster_import() in detectors/detect/roster.c, so that the tests drive the
 * same code; this file only adapts the return value. Nothing here prints a
 * roster value or the key; problems name the file and line.
 */
#include <stdio.h>
#include "ctl.h"
#include "detect/ext.h"

int ctl_roster_import(const char *csv_path, const char *index_path, const char *key_path,
                      FILE *errs)
{
	int rc;

	if (!csv_path || !*csv_path) {
		fputs("roster import: no CSV file given\n", errs);
		return -1;
	}
	if (!key_path || !*key_path) {
		fputs("roster import: roster_key_file is not configured\n", errs);
		return -1;
	}
	rc = roster_import(csv_path, index_path, key_path, errs);
	return rc == PHI_OK ? 0 : -1;
}
