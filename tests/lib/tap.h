/*
 * tap.h - a tiny TAP producer for the unit tests.
 *
 * Each check prints "ok N - name" or "not ok N - name" with got/want on a
 * "#" line; tests/run.sh counts them for the "N passed, N failed" line.
 * Names state the behaviour ("ssn rejects area 666"). Header-only so every
 * test is one file; include it once per test program.
 */
#ifndef PHI_TAP_H
#define PHI_TAP_H

#include <stdio.h>
#include <string.h>

static int tap_n, tap_failed;

static int tap_ok(int cond, const char *name, const char *file, int line)
{
	tap_n++;
	printf("%sok %d - %s\n", cond ? "" : "not ", tap_n, name);
	if (!cond) {
		tap_failed++;
		printf("#   failed at %s:%d\n", file, line);
	}
	fflush(stdout);
	return cond;
}

#define T_OK(cond, name) tap_ok(!!(cond), (name), __FILE__, __LINE__)

#define T_EQ_INT(got, want, name) do { \
	long long t_g_ = (long long)(got), t_w_ = (long long)(want); \
	if (!tap_ok(t_g_ == t_w_, (name), __FILE__, __LINE__)) \
		printf("#   got %lld, want %lld\n", t_g_, t_w_); \
} while (0)

#define T_EQ_STR(got, want, name) do { \
	const char *t_g_ = (got), *t_w_ = (want); \
	int t_c_ = (t_g_ && t_w_) ? strcmp(t_g_, t_w_) == 0 : t_g_ == t_w_; \
	if (!tap_ok(t_c_, (name), __FILE__, __LINE__)) \
		printf("#   got \"%s\", want \"%s\"\n", t_g_ ? t_g_ : "(null)", t_w_ ? t_w_ : "(null)"); \
} while (0)

/* Print the plan and return the exit status for main(). */
static int tap_done(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}

#endif
