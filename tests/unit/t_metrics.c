/*
 * t_metrics.c - metrics.c: counters, histogram buckets, the Prometheus text,
 * the crash-safe file (the same text as metrics_render), and concurrent updates without a lock.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "metrics.h"
#include "tap.h"

static char *render(void)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	metrics_write(f);
	fclose(f);
	return buf;
}

static int has_line(const char *text, const char *line)
{
	size_t n = strlen(line);
	const char *p = text;

	while ((p = strstr(p, line)) != NULL) {
		if ((p == text || p[-1] == '\n') && (p[n] == '\n' || p[n] == 0))
			return 1;
		p += n;
	}
	return 0;
}

static void *hammer(void *arg)
{
	int i;

	(void)arg;
	for (i = 0; i < 10000; i++)
		metrics_message(PHI_VERDICT_CLEAN, POLICY_ACCEPT, NULL, 1);
	return NULL;
}

int main(void)
{
	static const struct {
		const char *name;
		const char *line;
	} want[] = {
		{ "messages counts every message", "phimilter_messages_total 4" },
		{ "verdicts are counted by name", "phimilter_verdicts_total{verdict=\"phi\"} 2" },
		{ "clean verdicts", "phimilter_verdicts_total{verdict=\"clean\"} 1" },
		{ "actions are counted by policy name", "phimilter_actions_total{action=\"reject\"} 2" },
		{ "tag action", "phimilter_actions_total{action=\"tag\"} 1" },
		{ "errors by fixed reason", "phimilter_errors_total{reason=\"timeout\"} 1" },
		{ "unknown error reasons count as other", "phimilter_errors_total{reason=\"other\"} 1" },
		{ "3 ms falls in the 5 ms bucket", "phimilter_scan_seconds_bucket{le=\"0.005\"} 1" },
		{ "buckets are cumulative", "phimilter_scan_seconds_bucket{le=\"0.250\"} 3" },
		{ "60 s goes only to +Inf", "phimilter_scan_seconds_bucket{le=\"30.000\"} 3" },
		{ "+Inf holds every message", "phimilter_scan_seconds_bucket{le=\"+Inf\"} 4" },
		{ "sum in seconds", "phimilter_scan_seconds_sum 60.273" },
		{ "count equals +Inf", "phimilter_scan_seconds_count 4" },
		{ "findings of every type are listed, zero too", "phimilter_findings_total{type=\"us_ssn\"} 0" },
		{ "histogram has a TYPE line", "# TYPE phimilter_scan_seconds histogram" },
	};
	char *text, path[64], *back;
	size_t i, n;
	pthread_t th[4];
	FILE *f;

	metrics_reset();
	metrics_message(PHI_VERDICT_PHI, POLICY_REJECT, NULL, 3);
	metrics_message(PHI_VERDICT_PHI, POLICY_REJECT, NULL, 70);
	metrics_message(PHI_VERDICT_PII, POLICY_TAG, NULL, 200);
	metrics_message(PHI_VERDICT_CLEAN, POLICY_ACCEPT, NULL, 60000);
	metrics_error("timeout");
	metrics_error("something new");
	text = render();
	T_OK(text != NULL, "metrics render into a stream");
	for (i = 0; i < sizeof want / sizeof want[0]; i++) {
		int ok = text && has_line(text, want[i].line);

		if (!T_OK(ok, want[i].name))
			printf("# want line: %s\n", want[i].line);
	}
	free(text);

	snprintf(path, sizeof path, "/tmp/t_metrics.%ld.prom", (long)getpid());
	T_OK(metrics_write_file(path) == 0, "metrics_write_file writes the file");
	back = NULL;
	n = 0;
	if ((f = fopen(path, "r")) != NULL) {
		back = calloc(1, 65536);
		n = back ? fread(back, 1, 65535, f) : 0;
		fclose(f);
	}
	T_OK(back && n > 0 && has_line(back, "phimilter_messages_total 4"), "the file holds the same text");
	{
		size_t rlen = 0;
		char *r = metrics_render(&rlen);

		T_OK(r && rlen == strlen(r) && rlen > 0, "metrics_render gives a NUL-terminated buffer and its length");
		T_OK(r && back && rlen == n && memcmp(r, back, n) == 0,
		     "the file is exactly metrics_render's text (one renderer)");
		free(r);
	}
	T_OK(access(path, F_OK) == 0 && access("/tmp/t_metrics.tmp", F_OK) != 0, "no temporary is left behind");
	unlink(path);
	free(back);
	T_OK(metrics_write_file("/nonexistent-dir/x.prom") != 0, "an unwritable path is an error, not a crash");

	metrics_reset();
	for (i = 0; i < 4; i++)
		pthread_create(&th[i], NULL, hammer, NULL);
	for (i = 0; i < 4; i++)
		pthread_join(th[i], NULL);
	text = render();
	T_OK(text && has_line(text, "phimilter_messages_total 40000"),
	       "4 threads x 10000 updates without a lock lose none");
	free(text);

	{
		char qdir[] = "/tmp/t_metrics_q.XXXXXX", p[128];
		static const char *const names[] = { "a.msg", "b.msg", "a.meta", "a.used-release" };
		FILE *q;

		T_OK(mkdtemp(qdir) != NULL, "quarantine test directory");
		for (i = 0; i < 4; i++) {
			snprintf(p, sizeof p, "%s/%s", qdir, names[i]);
			if ((q = fopen(p, "w"))) {
				fputs("0123456789", q);
				fclose(q);
			}
		}
		T_OK(metrics_quarantine_scan(qdir) == 0, "the quarantine directory is read");
		text = render();
		T_OK(text && has_line(text, "phimilter_quarantine_messages 2"),
		     "quarantine gauge counts sealed messages only (not metadata or markers)");
		T_OK(text && has_line(text, "phimilter_quarantine_bytes 20"), "quarantine gauge sums their bytes");
		free(text);
		T_OK(metrics_quarantine_scan("/nonexistent-dir") != 0, "an unreadable store is an error, gauges kept");
		for (i = 0; i < 4; i++) {
			snprintf(p, sizeof p, "%s/%s", qdir, names[i]);
			unlink(p);
		}
		rmdir(qdir);
	}
	return tap_done();
}
