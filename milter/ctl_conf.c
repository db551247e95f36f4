/*
 * ctl_conf.c - phictl check / reload / roster import, and the engine that
 * phictl scan uses: the daemon's own configuration loader (conf.c), so an
 * admin's dry run sees exactly what the daemon would.
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "phi/engine.h"
#include "conf.h"
#include "ctl.h"
#include "ctl_conf.h"

static int readable(const char *p)
{
	return p && access(p, R_OK) == 0;
}

const char *ctl_default_conf(void)
{
	static char here[PATH_MAX + 64];
	const char *env = getenv("PHIMILTER_CONF");
	char exe[PATH_MAX - 64];
	ssize_t n;
	char *slash;

	if (env && *env)
		return env;
	if (readable("/etc/phimilter/phimilter.conf"))
		return "/etc/phimilter/phimilter.conf";
	/* The source tree: conf/ next to the phictl binary (or one level up
	 * for the sanitizer build in build/asan/). */
	n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n <= 0)
		return NULL;
	exe[n] = 0;
	if ((slash = strrchr(exe, '/')))
		*slash = 0;
	snprintf(here, sizeof here, "%s/conf/phimilter.conf", exe);
	if (readable(here))
		return here;
	snprintf(here, sizeof here, "%s/../../conf/phimilter.conf", exe);
	if (readable(here))
		return here;
	return NULL;
}

static int parse_c(int argc, char **argv, const char **conf_path, int *first_arg)
{
	int i;

	*conf_path = NULL;
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-c") == 0 && i + 1 < argc)
			*conf_path = argv[++i];
		else if (argv[i][0] == '-' && argv[i][1]) {
			fprintf(stderr, "phictl %s: unknown option %s\n", argv[0], argv[i]);
			return -1;
		} else
			break;
	}
	*first_arg = i;
	return 0;
}

int ctl_engine_load(const char *conf_path, struct ctl_engine *ce)
{
	char err[2048];

	memset(ce, 0, sizeof *ce);
	if (!conf_path)
		conf_path = ctl_default_conf();
	if (conf_path) {
		if (conf_load(conf_path, &ce->conf, stderr) != 0)
			return -1;
		ce->engine = ce->conf->engine;
		ce->limits = ce->conf->limits;
		return 0;
	}
	/* No configuration anywhere: the built-in defaults. */
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
	conf_release(ce->conf);
	phi_engine_free(ce->own);
	memset(ce, 0, sizeof *ce);
}

static int load_named(int argc, char **argv, struct conf **c, int *first)
{
	const char *path;

	*c = NULL;
	if (parse_c(argc, argv, &path, first) < 0)
		return 2;
	if (!path)
		path = ctl_default_conf();
	if (!path) {
		fprintf(stderr, "phictl %s: no configuration found (use -c FILE)\n", argv[0]);
		return 2;
	}
	if (conf_load(path, c, stderr) != 0)
		return 1;
	return 0;
}

/* phictl check [-c CONFIG]: the same as phimilter -n. */
int ctl_check(int argc, char **argv)
{
	struct conf *c;
	int first, rc = load_named(argc, argv, &c, &first);

	if (rc == 0) {
		printf("%s: configuration is valid\n", c->path);
		conf_release(c);
	}
	return rc;
}

/* phictl reload [-c CONFIG]: validate first, then SIGUSR1 to the daemon
 * named by pid_file. A broken file is never signalled, so the running
 * daemon is not even asked to try it. */
int ctl_reload(int argc, char **argv)
{
	struct conf *c;
	int first, rc = load_named(argc, argv, &c, &first);
	FILE *fp;
	long pid = 0;

	if (rc != 0)
		return rc;
	if (!c->pid_file[0]) {
		fprintf(stderr, "phictl reload: pid_file is not set in %s; send SIGUSR1 to phimilter yourself\n", c->path);
		conf_release(c);
		return 2;
	}
	fp = fopen(c->pid_file, "r");
	if (!fp || fscanf(fp, "%ld", &pid) != 1 || pid <= 1) {
		fprintf(stderr, "phictl reload: cannot read a pid from %s\n", c->pid_file);
		if (fp)
			fclose(fp);
		conf_release(c);
		return 2;
	}
	fclose(fp);
	if (kill((pid_t)pid, SIGUSR1) != 0) {
		fprintf(stderr, "phictl reload: signalling %ld: %s\n", pid, strerror(errno));
		conf_release(c);
		return 2;
	}
	printf("configuration valid; phimilter (pid %ld) asked to reload\n", pid);
	conf_release(c);
	return 0;
}

/*
 * The roster import creates the index and key files that the full loader
 * insists exist, so it cannot go through conf_load on a fresh install. It
 * reads just the two keys, with the loader's syntax (key = value, '#'
 * comments, paths relative to the config file's directory).
 */
static int raw_path_key(const char *conf_path, const char *key, char *out, size_t outlen)
{
	FILE *fp = fopen(conf_path, "r");
	char line[4096], dir[PATH_MAX];
	const char *slash = strrchr(conf_path, '/');
	int found = 0;

	out[0] = 0;
	if (!fp)
		return -1;
	snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - conf_path) : 1, slash ? conf_path : ".");
	while (fgets(line, sizeof line, fp)) {
		char *p = line, *eq, *v, *end;
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '#' || !(eq = strchr(p, '=')))
			continue;
		end = eq;
		while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
			end--;
		if ((size_t)(end - p) != strlen(key) || strncmp(p, key, (size_t)(end - p)) != 0)
			continue;
		v = eq + 1;
		while (*v == ' ' || *v == '\t')
			v++;
		v[strcspn(v, "#\r\n")] = 0;
		end = v + strlen(v);
		while (end > v && (end[-1] == ' ' || end[-1] == '\t'))
			*--end = 0;
		if (!*v)
			continue;
		if (v[0] == '/')
			snprintf(out, outlen, "%s", v);
		else
			snprintf(out, outlen, "%s/%s", dir, v);
		found = 1;
	}
	fclose(fp);
	return found ? 0 : -1;
}

/* phictl roster import [-c CONFIG] FILE.csv */
int ctl_roster(int argc, char **argv)
{
	const char *path;
	char index[PATH_MAX + 8], key[PATH_MAX + 8];
	int first, rc;

	if (argc < 2 || strcmp(argv[1], "import") != 0 ||
	    parse_c(argc - 1, argv + 1, &path, &first) < 0 || first + 1 != argc - 1) {
		fputs("usage: phictl roster import [-c CONFIG] FILE.csv\n", stderr);
		return 2;
	}
	first += 1;
	if (!path)
		path = ctl_default_conf();
	if (!path) {
		fputs("phictl roster import: no configuration found (use -c FILE)\n", stderr);
		return 2;
	}
	if (raw_path_key(path, "roster_file", index, sizeof index) < 0 ||
	    raw_path_key(path, "roster_key_file", key, sizeof key) < 0) {
		fprintf(stderr, "phictl roster import: set roster_file and roster_key_file in %s\n", path);
		return 2;
	}
	rc = ctl_roster_import(argv[first], index, key, stderr) == 0 ? 0 : 2;
	if (rc == 0)
		printf("roster index written to %s; remove the clear export %s now\n", index, argv[first]);
	return rc;
}
