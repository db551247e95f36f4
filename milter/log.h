/*
 * log.h - the daemon's logging: syslog (ident "phimilter"), and stderr too
 * when running in the foreground.
 *
 * The level is checked before anything is formatted (LOG_AT). Callers never
 * pass message content: no header values, subjects, file names, recipient
 * local parts or matched text; types, counts, sizes, domains and queue ids
 * only. log_clean() makes MTA-supplied metadata (queue id, client address)
 * safe to put in a line: printable ASCII, capped.
 */
#ifndef PHI_LOG_H
#define PHI_LOG_H

#include <stddef.h>
#include <syslog.h>

/* Open syslog with `facility` (LOG_MAIL ...); to_stderr also copies every
 * line to stderr with a time stamp. May be called again (reopens). */
void log_open(int facility, int to_stderr);

/* Lines above `level` (LOG_ERR .. LOG_DEBUG) are dropped. */
void log_set_level(int level);

/* The current level (read by LOG_AT). */
extern int log_level_current;

/* Write one line at `level`, printf format. Prefer LOG_AT. */
void log_write(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Check the level, then format. */
#define LOG_AT(level, ...) do { \
	if ((level) <= log_level_current) \
		log_write((level), __VA_ARGS__); \
} while (0)

/* Copy at most outlen-1 bytes of s (n bytes, or NUL-terminated when n is
 * (size_t)-1) keeping only [A-Za-z0-9._:/+-]; others become '_'. Returns out.
 * NULL s gives "-". */
const char *log_clean(const char *s, size_t n, char *out, size_t outlen);

#endif
