/*
 * log.c - syslog plus optional stderr, level checked before formatting.
 *
 * Lines are capped at 1 KiB; this module never sees message content (the
 * callers build lines from types, counts and cleaned MTA metadata).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "log.h"

int log_level_current = LOG_INFO;
static int log_stderr;

void log_open(int facility, int to_stderr)
{
	closelog();
	openlog("phimilter", LOG_PID | LOG_NDELAY, facility);
	log_stderr = to_stderr;
}

void log_set_level(int level)
{
	if (level < LOG_EMERG)
		level = LOG_EMERG;
	if (level > LOG_DEBUG)
		level = LOG_DEBUG;
	__atomic_store_n(&log_level_current, level, __ATOMIC_RELAXED);
}

static const char *level_name(int level)
{
	switch (level) {
	case LOG_EMERG: case LOG_ALERT: case LOG_CRIT: return "crit";
	case LOG_ERR: return "error";
	case LOG_WARNING: return "warning";
	case LOG_NOTICE: return "notice";
	case LOG_INFO: return "info";
	default: return "debug";
	}
}

void log_write(int level, const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	syslog(level, "%s", line);
	if (log_stderr) {
		char ts[32];
		struct tm tm;
		time_t now = time(NULL);

		gmtime_r(&now, &tm);
		strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%SZ", &tm);
		fprintf(stderr, "%s phimilter[%s]: %s\n", ts, level_name(level), line);
		fflush(stderr);
	}
}

const char *log_clean(const char *s, size_t n, char *out, size_t outlen)
{
	size_t i;

	if (!outlen)
		return out;
	if (!s) {
		snprintf(out, outlen, "-");
		return out;
	}
	if (n == (size_t)-1)
		n = strlen(s);
	for (i = 0; i < n && i + 1 < outlen; i++) {
		unsigned char c = (unsigned char)s[i];
		int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		         c == '.' || c == '_' || c == ':' || c == '-' || c == '/' || c == '+';

		out[i] = ok ? (char)c : '_';
	}
	out[i] = 0;
	if (i == 0)
		snprintf(out, outlen, "-");
	return out;
}
