/* ctl_roster.c - STUB until the roster owner lands the importer. */
#include <stdio.h>
#include "ctl.h"

int ctl_roster_import(const char *csv_path, const char *index_path, const char *key_path, FILE *errs)
{
	(void)csv_path; (void)index_path; (void)key_path;
	fputs("roster import: not built yet\n", errs);
	return -1;
}
