/*
 * ctl_conf.c - phictl check / reload / roster, and loading the engine for
 * phictl scan. TEMPORARY: until milter/conf.c lands, only the built-in
 * defaults are available.
 */
#include <stdio.h>
#include <string.h>
#include "phi/engine.h"
#include "ctl.h"
#include "ctl_conf.h"

const char *ctl_default_conf(void)
{
	return NULL;
}

int ctl_engine_load(const char *conf_path, struct ctl_engine *ce)
{
	char err[2048];

	memset(ce, 0, sizeof *ce);
	if (conf_path) {
		fprintf(stderr, "phictl: -c is not supported yet\n");
		return -1;
	}
	phi_limits_default(&ce->limits);
	if (phi_engine_new(NULL, &ce->own, err, sizeof err) != 0) {
		fprintf(stderr, "phictl: %s\n", err);
		return -1;
	}
	ce->engine = ce->own;
	return 0;
}

void ctl_engine_unload(struct ctl_engine *ce)
{
	phi_engine_free(ce->own);
	memset(ce, 0, sizeof *ce);
}

int ctl_check(int argc, char **argv)
{
	(void)argc; (void)argv;
	fputs("phictl check: pending\n", stderr);
	return 2;
}

int ctl_reload(int argc, char **argv)
{
	(void)argc; (void)argv;
	fputs("phictl reload: pending\n", stderr);
	return 2;
}

int ctl_roster(int argc, char **argv)
{
	(void)argc; (void)argv;
	fputs("phictl roster: pending\n", stderr);
	return 2;
}
