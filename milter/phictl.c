/*
 * phictl.c - the admin command line: dispatch to the subcommands.
 *
 *   phictl scan [--json] [--text] [-c CONFIG] FILE...   (ctl_scan.c)
 *   phictl extract FILE...                              (ctl_extract.c)
 *   phictl check [-c CONFIG]                            (ctl_conf.c)
 *   phictl reload [-c CONFIG]                           (ctl_conf.c)
 *   phictl roster import [-c CONFIG] FILE.csv           (ctl_roster.c)
 *   phictl version
 *
 * Exit status follows CONTRACTS.md: 0 fine/clean, 1 something found (or
 * invalid for `check`), 2 usage or run-time error.
 */
#include <stdio.h>
#include <string.h>
#include "phi/engine.h"
#include "ctl.h"

static void usage(FILE *o)
{
	fputs("usage: phictl scan [--json] [--text] [-c CONFIG] FILE...   (\"-\" reads stdin)\n"
	      "       phictl extract FILE...\n"
	      "       phictl check [-c CONFIG]\n"
	      "       phictl reload [-c CONFIG]\n"
	      "       phictl roster import [-c CONFIG] FILE.csv\n"
	      "       phictl quarantine [-c CONFIG] list [--json] | show ID | release ID | delete ID | purge --older-than DAYS\n"
	      "       phictl portal [-c CONFIG] verify URL|TOKEN | fetch ID --token T --recipient ADDR\n"
	      "       phictl report [-c CONFIG] [--since DATE] [--json]\n"
	      "       phictl stats [-c CONFIG] [--raw] [FILE]\n"
	      "       phictl version\n", o);
}

int main(int argc, char **argv)
{
	const char *cmd;

	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	cmd = argv[1];
	if (strcmp(cmd, "scan") == 0)
		return ctl_scan(argc - 1, argv + 1);
	if (strcmp(cmd, "extract") == 0)
		return ctl_extract(argc - 1, argv + 1);
	if (strcmp(cmd, "check") == 0)
		return ctl_check(argc - 1, argv + 1);
	if (strcmp(cmd, "reload") == 0)
		return ctl_reload(argc - 1, argv + 1);
	if (strcmp(cmd, "roster") == 0)
		return ctl_roster(argc - 1, argv + 1);
	if (strcmp(cmd, "version") == 0 || strcmp(cmd, "-V") == 0) {
		printf("phictl %s\n", phi_version());
		return 0;
	}
	if (strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0 || strcmp(cmd, "help") == 0) {
		usage(stdout);
		return 0;
	}
	if (strcmp(cmd, "quarantine") == 0)
		return ctl_quarantine(argc - 1, argv + 1);
	if (strcmp(cmd, "portal") == 0 && ctl_portal_revoke_wanted(argc - 1, argv + 1))
		return ctl_portal_revoke(argc - 1, argv + 1);
	if (strcmp(cmd, "portal") == 0)
		return ctl_portal(argc - 1, argv + 1);
	if (strcmp(cmd, "report") == 0)
		return ctl_report(argc - 1, argv + 1);
	if (strcmp(cmd, "stats") == 0)
		return ctl_stats(argc - 1, argv + 1);
	fprintf(stderr, "phictl: unknown command '%s'\n", cmd);
	usage(stderr);
	return 2;
}
