/*
 * ctl_stats.c - phictl stats: read the daemon's metrics_file (metrics.c,
 * Prometheus text format) and show it for a person.
 *
 *   phictl stats [-c CONFIG] [--raw] [FILE]
 *
 * FILE defaults to metrics_file of the configuration. Shows messages,
 * verdicts, actions, non-zero finding types, unscannable messages, errors,
 * the mean scan time and the histogram's 50th/95th percentile bucket, and
 * how old the file is. --raw prints the file as it is. Exit: 0 shown,
 * 2 usage, no metrics_file configured, or unreadable file.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include "conf.h"
#include "ctl.h"
#include "ctl_conf.h"

#define MAX_BUCKETS 32

struct bucket {
	double le;   /* upper bound in seconds; < 0 = +Inf */
	double cum;  /* cumulative count */
};

/* value of a "name{...} value" or "name value" line, when the line starts with name */
static int value_of(const char *line, const char *name, double *v)
{
	size_t n = strlen(name);
	const char *sp;

	if (strncmp(line, name, n) != 0 || (line[n] != ' ' && line[n] != '{'))
		return 0;
	sp = strrchr(line, ' ');
	if (!sp)
		return 0;
	*v = strtod(sp + 1, NULL);
	return 1;
}

/* the value of label `key` in `line`, copied into out */
static int label_of(const char *line, const char *key, char *out, size_t len)
{
	char pat[64];
	const char *p, *e;

	snprintf(pat, sizeof pat, "%s=\"", key);
	if (!(p = strstr(line, pat)))
		return 0;
	p += strlen(pat);
	if (!(e = strchr(p, '"')) || (size_t)(e - p) >= len)
		return 0;
	memcpy(out, p, (size_t)(e - p));
	out[e - p] = 0;
	return 1;
}

static const char *pct_bucket(const struct bucket *b, size_t nb, double total, double q, char *buf, size_t len)
{
	size_t i;

	for (i = 0; i < nb; i++)
		if (b[i].cum >= q * total) {
			if (b[i].le < 0)
				return "over the largest bucket";
			snprintf(buf, len, "<= %g ms", b[i].le * 1000);
			return buf;
		}
	return "-";
}

int ctl_stats(int argc, char **argv)
{
	const char *conf_path = NULL, *file = NULL;
	char line[1024], lab[128], buf[64];
	struct conf *c = NULL;
	struct bucket b[MAX_BUCKETS];
	size_t nb = 0;
	double v, msgs = 0, sum = 0, count = 0, unscannable = 0;
	int raw = 0, i, rc = 2;
	struct stat st;
	FILE *f;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-c") == 0 && i + 1 < argc)
			conf_path = argv[++i];
		else if (strcmp(argv[i], "--raw") == 0)
			raw = 1;
		else if (argv[i][0] == '-' || file) {
			fputs("usage: phictl stats [-c CONFIG] [--raw] [FILE]\n", stderr);
			return 2;
		} else
			file = argv[i];
	}
	if (!file) {
		if (!conf_path)
			conf_path = ctl_default_conf();
		if (!conf_path || conf_load(conf_path, &c, stderr) != 0) {
			fprintf(stderr, "phictl stats: cannot load the configuration%s%s\n", conf_path ? " " : "",
			        conf_path ? conf_path : "");
			return 2;
		}
		if (!c->metrics_file[0]) {
			fprintf(stderr, "phictl stats: metrics_file is not set in %s\n", conf_path);
			goto out;
		}
		file = c->metrics_file;
	}
	if (!(f = fopen(file, "r"))) {
		fprintf(stderr, "phictl stats: %s: cannot open (is phimilter running with metrics_file?)\n", file);
		goto out;
	}
	if (raw) {
		size_t n;

		while ((n = fread(line, 1, sizeof line, f)) > 0)
			fwrite(line, 1, n, stdout);
		fclose(f);
		rc = 0;
		goto out;
	}
	if (fstat(fileno(f), &st) == 0)
		printf("metrics of %s, written %lds ago\n", file, (long)(time(NULL) - st.st_mtime));
	while (fgets(line, sizeof line, f)) {
		line[strcspn(line, "\n")] = 0;
		if (line[0] == '#')
			continue;
		if (value_of(line, "phimilter_messages_total", &v))
			msgs = v;
		else if (value_of(line, "phimilter_verdicts_total", &v) && label_of(line, "verdict", lab, sizeof lab))
			printf("  verdict %-12s %12.0f\n", lab, v);
		else if (value_of(line, "phimilter_actions_total", &v) && label_of(line, "action", lab, sizeof lab))
			printf("  action  %-12s %12.0f\n", lab, v);
		else if (value_of(line, "phimilter_findings_total", &v) && v > 0 &&
		         label_of(line, "type", lab, sizeof lab))
			printf("  finding %-12s %12.0f\n", lab, v);
		else if (value_of(line, "phimilter_errors_total", &v) && v > 0 &&
		         label_of(line, "reason", lab, sizeof lab))
			printf("  error   %-12s %12.0f\n", lab, v);
		else if (value_of(line, "phimilter_unscannable_messages_total", &v))
			unscannable = v;
		else if (value_of(line, "phimilter_scan_seconds_bucket", &v) && nb < MAX_BUCKETS &&
		         label_of(line, "le", lab, sizeof lab)) {
			b[nb].le = strcmp(lab, "+Inf") == 0 ? -1 : strtod(lab, NULL);
			b[nb++].cum = v;
		} else if (value_of(line, "phimilter_scan_seconds_sum", &v))
			sum = v;
		else if (value_of(line, "phimilter_scan_seconds_count", &v))
			count = v;
	}
	fclose(f);
	printf("  messages             %12.0f\n", msgs);
	printf("  unscannable messages %12.0f\n", unscannable);
	if (count > 0) {
		printf("  scan time mean       %12.1f ms\n", sum / count * 1000);
		printf("  scan time p50        %s\n", pct_bucket(b, nb, count, 0.50, buf, sizeof buf));
		printf("  scan time p95        %s\n", pct_bucket(b, nb, count, 0.95, buf, sizeof buf));
	}
	rc = 0;
out:
	conf_release(c);
	return rc;
}
