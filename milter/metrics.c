/*
 * metrics.c - counters and the scan-time histogram (metrics.h).
 *
 * Plain arrays of unsigned long long updated with __atomic_add_fetch
 * (relaxed): no lock anywhere, so a thousand concurrent scans never wait on
 * each other here. Rendering reads each counter atomically. The histogram
 * is cumulative only when rendered (each bucket is counted on its own, the
 * "le" sums are made by the renderer), so an update touches one bucket.
 * Never logs; never sees message content (types and counts only).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "metrics.h"
#include "phi/finding.h"

#ifndef PHI_VERSION
#define PHI_VERSION "0.0.0"
#endif

/* Bucket upper bounds in milliseconds; the last bucket is +Inf. */
static const unsigned long bucket_ms[] = { 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000 };
#define NBUCKET (sizeof bucket_ms / sizeof bucket_ms[0])

static const char *const error_names[] = { "out_of_memory", "scan", "timeout", "busy", "store", "other" };
#define NERROR (sizeof error_names / sizeof error_names[0])

static unsigned long long m_messages;
static unsigned long long m_verdict[3];
static unsigned long long m_action[POLICY__COUNT];
static unsigned long long m_findings[PHI_T__COUNT];
static unsigned long long m_unscannable;
static unsigned long long m_errors[NERROR];
static unsigned long long m_bucket[NBUCKET + 1];
static unsigned long long m_ms_sum;
static unsigned long long m_q_messages, m_q_bytes; /* gauges, set by metrics_quarantine_scan */

#define ADD(var, n) __atomic_add_fetch(&(var), (n), __ATOMIC_RELAXED)
#define GET(var) __atomic_load_n(&(var), __ATOMIC_RELAXED)

void metrics_message(enum phi_verdict v, enum policy_action a, const struct phi_scan *s, unsigned long ms)
{
	size_t i, n, b;
	int unscannable = 0;

	ADD(m_messages, 1);
	if ((unsigned)v < 3)
		ADD(m_verdict[v], 1);
	if ((unsigned)a < POLICY__COUNT)
		ADD(m_action[a], 1);
	n = s ? phi_scan_nfindings(s) : 0;
	for (i = 0; i < n; i++) {
		const struct phi_finding *f = phi_scan_finding(s, i);

		if (!f || (unsigned)f->type >= PHI_T__COUNT)
			continue;
		ADD(m_findings[f->type], 1);
		if (f->type == PHI_T_UNSCANNABLE)
			unscannable = 1;
	}
	if (unscannable)
		ADD(m_unscannable, 1);
	for (b = 0; b < NBUCKET && ms > bucket_ms[b]; b++)
		;
	ADD(m_bucket[b], 1);
	ADD(m_ms_sum, ms);
}

void metrics_error(const char *reason)
{
	size_t i;

	for (i = 0; i < NERROR - 1; i++)
		if (reason && strcmp(reason, error_names[i]) == 0)
			break;
	ADD(m_errors[i], 1);
}

void metrics_reset(void)
{
	size_t i;

	__atomic_store_n(&m_messages, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&m_unscannable, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&m_ms_sum, 0, __ATOMIC_RELAXED);
	for (i = 0; i < 3; i++)
		__atomic_store_n(&m_verdict[i], 0, __ATOMIC_RELAXED);
	for (i = 0; i < POLICY__COUNT; i++)
		__atomic_store_n(&m_action[i], 0, __ATOMIC_RELAXED);
	for (i = 0; i < PHI_T__COUNT; i++)
		__atomic_store_n(&m_findings[i], 0, __ATOMIC_RELAXED);
	for (i = 0; i < NERROR; i++)
		__atomic_store_n(&m_errors[i], 0, __ATOMIC_RELAXED);
	for (i = 0; i <= NBUCKET; i++)
		__atomic_store_n(&m_bucket[i], 0, __ATOMIC_RELAXED);
}

int metrics_quarantine_scan(const char *dir)
{
	unsigned long long n = 0, bytes = 0;
	struct dirent *e;
	struct stat st;
	DIR *d;
	size_t l;

	if (!dir || !*dir || !(d = opendir(dir)))
		return -1;
	/* Sealed messages are ID.msg; metadata and markers are not counted. */
	while ((e = readdir(d)) != NULL) {
		l = strlen(e->d_name);
		if (l <= 4 || strcmp(e->d_name + l - 4, ".msg") != 0)
			continue;
		if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(st.st_mode))
			continue;
		n++;
		bytes += (unsigned long long)st.st_size;
	}
	closedir(d);
	__atomic_store_n(&m_q_messages, n, __ATOMIC_RELAXED);
	__atomic_store_n(&m_q_bytes, bytes, __ATOMIC_RELAXED);
	return 0;
}

/* The whole text into f; the one renderer behind metrics_render. */
static int render_to(FILE *f)
{
	static const char *const vname[3] = { "clean", "pii", "phi" };
	unsigned long long cum = 0, total = 0;
	size_t i;

	fprintf(f, "# HELP phimilter_info Version of the running phimilter.\n# TYPE phimilter_info gauge\n");
	fprintf(f, "phimilter_info{version=\"%s\"} 1\n", PHI_VERSION);
	fprintf(f, "# HELP phimilter_messages_total Messages scanned.\n# TYPE phimilter_messages_total counter\n");
	fprintf(f, "phimilter_messages_total %llu\n", GET(m_messages));
	fprintf(f, "# HELP phimilter_verdicts_total Messages by verdict.\n# TYPE phimilter_verdicts_total counter\n");
	for (i = 0; i < 3; i++)
		fprintf(f, "phimilter_verdicts_total{verdict=\"%s\"} %llu\n", vname[i], GET(m_verdict[i]));
	fprintf(f, "# HELP phimilter_actions_total Messages by the action applied.\n# TYPE phimilter_actions_total counter\n");
	for (i = 0; i < POLICY__COUNT; i++)
		fprintf(f, "phimilter_actions_total{action=\"%s\"} %llu\n", policy_action_name((enum policy_action)i),
		        GET(m_action[i]));
	fprintf(f, "# HELP phimilter_findings_total Findings by type.\n# TYPE phimilter_findings_total counter\n");
	for (i = 0; i < PHI_T__COUNT; i++)
		fprintf(f, "phimilter_findings_total{type=\"%s\"} %llu\n", phi_type_name((enum phi_type)i),
		        GET(m_findings[i]));
	fprintf(f, "# HELP phimilter_unscannable_messages_total Messages with a part that could not be read in full.\n"
	           "# TYPE phimilter_unscannable_messages_total counter\n");
	fprintf(f, "phimilter_unscannable_messages_total %llu\n", GET(m_unscannable));
	fprintf(f, "# HELP phimilter_errors_total Messages answered with on_error, by reason.\n"
	           "# TYPE phimilter_errors_total counter\n");
	for (i = 0; i < NERROR; i++)
		fprintf(f, "phimilter_errors_total{reason=\"%s\"} %llu\n", error_names[i], GET(m_errors[i]));
	fprintf(f, "# HELP phimilter_scan_seconds Time from end of message to decision.\n"
	           "# TYPE phimilter_scan_seconds histogram\n");
	for (i = 0; i < NBUCKET; i++) {
		cum += GET(m_bucket[i]);
		fprintf(f, "phimilter_scan_seconds_bucket{le=\"%.3f\"} %llu\n", bucket_ms[i] / 1000.0, cum);
	}
	cum += GET(m_bucket[NBUCKET]);
	total = cum;
	fprintf(f, "phimilter_scan_seconds_bucket{le=\"+Inf\"} %llu\n", total);
	fprintf(f, "phimilter_scan_seconds_sum %.3f\n", GET(m_ms_sum) / 1000.0);
	fprintf(f, "phimilter_scan_seconds_count %llu\n", total);
	fprintf(f, "# HELP phimilter_quarantine_messages Messages held in the quarantine store.\n"
	           "# TYPE phimilter_quarantine_messages gauge\n");
	fprintf(f, "phimilter_quarantine_messages %llu\n", GET(m_q_messages));
	fprintf(f, "# HELP phimilter_quarantine_bytes Bytes of sealed messages in the quarantine store.\n"
	           "# TYPE phimilter_quarantine_bytes gauge\n");
	fprintf(f, "phimilter_quarantine_bytes %llu\n", GET(m_q_bytes));
	return ferror(f) ? -1 : 0;
}

char *metrics_render(size_t *len)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);
	int rc;

	if (!f)
		return NULL;
	rc = render_to(f);
	if (fclose(f) != 0 || rc != 0) {
		free(buf);
		return NULL;
	}
	if (len)
		*len = n;
	return buf;
}

int metrics_write(FILE *f)
{
	size_t n;
	char *text = metrics_render(&n);
	int rc;

	if (!text)
		return -1;
	rc = fwrite(text, 1, n, f) == n && !ferror(f) ? 0 : -1;
	free(text);
	return rc;
}

int metrics_write_file(const char *path)
{
	char tmp[4096];
	size_t len, off = 0;
	ssize_t w;
	char *text;
	int fd, err;

	if ((size_t)snprintf(tmp, sizeof tmp, "%s.tmp", path) >= sizeof tmp) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if (!(text = metrics_render(&len))) {
		errno = ENOMEM;
		return -1;
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0640);
	if (fd < 0) {
		err = errno;
		free(text);
		errno = err;
		return -1;
	}
	err = 0;
	while (off < len && !err) {
		w = write(fd, text + off, len - off);
		if (w > 0)
			off += (size_t)w;
		else if (w == 0 || errno != EINTR)
			err = w == 0 ? EIO : errno;
	}
	free(text);
	if (!err && fsync(fd) != 0)
		err = errno;
	if (err) {
		close(fd);
		unlink(tmp);
		errno = err ? err : EIO;
		return -1;
	}
	if (close(fd) != 0 || rename(tmp, path) != 0) {
		err = errno;
		unlink(tmp);
		errno = err;
		return -1;
	}
	return 0;
}
