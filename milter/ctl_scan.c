/*
 * ctl_scan.c - `phictl scan [--json] [--text] [-c CONFIG] FILE...`
 *
 * Runs the daemon's scan engine (same configuration, same limits) over
 * files, so an admin sees what phimilter would find. Output per
 * CONTRACTS.md; exit 0 all clean, 1 something found, 2 an error.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "phi/engine.h"
#include "phi/report.h"
#include "phi/status.h"
#include "ctl.h"
#include "ctl_conf.h"
#include "ctl_scan_socket.h"

static int scan_one(const struct phi_engine *e, const struct phi_limits *lim, const char *file,
                    int json, int text_mode)
{
	unsigned char *buf;
	size_t len;
	int truncated, rc, result;
	struct phi_scan *s;
	char why[256];

	if (ctl_read_file(file, lim->max_message_bytes, &buf, &len, &truncated) < 0) {
		snprintf(why, sizeof why, "cannot read: %s", strerror(errno));
		if (json)
			phi_report_json_error(stdout, file, why);
		else
			fprintf(stderr, "phictl: %s: %s\n", file, why);
		return 2;
	}
	s = phi_scan_new(e, lim, NULL, NULL);
	if (!s) {
		free(buf);
		if (json)
			phi_report_json_error(stdout, file, "out of memory");
		else
			fprintf(stderr, "phictl: %s: out of memory\n", file);
		return 2;
	}
	if (truncated)
		phi_scan_mark_truncated(s, "limit max_message_bytes");
	rc = text_mode ? phi_scan_text(s, buf, len) : phi_scan_message(s, buf, len);
	if (rc != PHI_OK) {
		snprintf(why, sizeof why, "%s", phi_scan_error(s)[0] ? phi_scan_error(s) : phi_strerror(rc));
		if (json)
			phi_report_json_error(stdout, file, why);
		else
			fprintf(stderr, "phictl: %s: %s\n", file, why);
		result = 2;
	} else {
		if (json)
			phi_report_json(stdout, file, s);
		else
			phi_report_text(stdout, file, s);
		result = phi_scan_verdict(s) == PHI_VERDICT_CLEAN ? 0 : 1;
	}
	phi_scan_free(s);
	free(buf); /* phi_scan copied what it kept; buf is the caller's */
	return result;
}

int ctl_scan(int argc, char **argv)
{
	const char *conf_path = NULL;
	int json = 0, text_mode = 0, i, worst = 0, nfiles = 0;
	struct ctl_engine ce;

	for (i = 1; i < argc; i++) /* --socket ADDR: ask the running daemon (ctl_scan_socket.c) */
		if (strcmp(argv[i], "--socket") == 0)
			return ctl_scan_socket(argc, argv);
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			json = 1;
		else if (strcmp(argv[i], "--text") == 0)
			text_mode = 1;
		else if (strcmp(argv[i], "-c") == 0 && i + 1 < argc)
			conf_path = argv[++i];
		else if (strcmp(argv[i], "--") == 0) {
			i++;
			break;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			fprintf(stderr, "phictl scan: unknown option %s\n", argv[i]);
			return 2;
		} else
			break;
	}
	if (i >= argc) {
		fputs("usage: phictl scan [--json] [--text] [-c CONFIG] FILE...\n", stderr);
		return 2;
	}
	if (ctl_engine_load(conf_path, &ce) < 0)
		return 2;
	for (; i < argc; i++) {
		int r = scan_one(ce.engine, &ce.limits, argv[i], json, text_mode);
		nfiles++;
		if (r == 2 || (r == 1 && worst == 0))
			worst = r;
		fflush(stdout);
	}
	ctl_engine_unload(&ce);
	return worst;
}
