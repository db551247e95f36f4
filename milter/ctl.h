/*
 * ctl.h - phictl subcommands. Each takes (argc, argv) with argv[0] the
 * subcommand name and returns the process exit status.
 */
#ifndef PHI_CTL_H
#define PHI_CTL_H

#include <stdio.h>

int ctl_scan(int argc, char **argv);     /* ctl_scan.c */
int ctl_extract(int argc, char **argv);  /* ctl_extract.c */
int ctl_check(int argc, char **argv);    /* ctl_conf.c */
int ctl_reload(int argc, char **argv);   /* ctl_conf.c */
int ctl_roster(int argc, char **argv);   /* ctl_conf.c: argument and config handling */
int ctl_quarantine(int argc, char **argv); /* ctl_quarantine.c */
int ctl_portal(int argc, char **argv);   /* ctl_quarantine.c */
int ctl_report(int argc, char **argv);   /* ctl_report.c */
int ctl_stats(int argc, char **argv);    /* ctl_stats.c: the daemon's metrics_file */
/* ctl_portal_revoke.c: phictl portal [-c CONFIG] revoke ID (and whether
 * argv asks for it; argv[0] = "portal"). */
int ctl_portal_revoke_wanted(int argc, char **argv);
int ctl_portal_revoke(int argc, char **argv);

/* ctl_roster.c: read an EHR export and write the keyed-hash index.
 * Returns 0, or -1 with the problem written to errs. */
int ctl_roster_import(const char *csv_path, const char *index_path, const char *key_path,
                      FILE *errs);

/* ctl_file.c: read a whole file ("-" = stdin) into *out (malloc'd, caller
 * frees), at most max bytes; *truncated set when there was more. 0 or -1
 * with errno. */
int ctl_read_file(const char *path, size_t max, unsigned char **out, size_t *len, int *truncated);

#endif
