/*
 * t_portal_code.c - one-time codes (portal/code.c): generation (length,
 * digits only, every digit drawn, no repeats in a run), normalisation of
 * what a recipient types, hashing bound to message and recipient index,
 * constant-time check results, and the code mail (Subject with "code", the
 * code the only run of 6-8 digits in the body).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tap.h"
#include "code.h"

static const unsigned char key[QCRYPT_KEY_LEN] = "0123456789abcdef0123456789abcde";
static const unsigned char key2[QCRYPT_KEY_LEN] = "fedcba9876543210fedcba987654321";

static int all_digits(const char *s)
{
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return 0;
	return 1;
}

/* Runs of 6 to 8 digits in s, counted; the last one copied to out. */
static int digit_runs(const char *s, char *out, size_t len)
{
	int n = 0;

	while (*s) {
		size_t k = 0;

		while (isdigit((unsigned char)s[k]))
			k++;
		if (k >= 6 && k <= 8) {
			n++;
			snprintf(out, len, "%.*s", (int)k, s);
		}
		s += k ? k : 1;
	}
	return n;
}

static void test_new(void)
{
	char c[CODE_DIGITS + 1], prev[CODE_DIGITS + 1] = "";
	int seen[10] = { 0 }, i, same = 0, ok = 1;

	for (i = 0; i < 2000; i++) {
		const char *p;

		if (code_new(c) != 0 || strlen(c) != CODE_DIGITS || !all_digits(c))
			ok = 0;
		for (p = c; *p; p++)
			seen[*p - '0']++;
		if (strcmp(c, prev) == 0)
			same++;
		memcpy(prev, c, sizeof prev);
	}
	T_OK(ok, "code_new: always CODE_DIGITS decimal digits");
	T_OK(CODE_DIGITS >= 6 && CODE_DIGITS <= 8, "codes are 6 to 8 digits (CONTRACTS.md)");
	for (i = 0, ok = 1; i < 10; i++)
		if (seen[i] < 1200 || seen[i] > 2000) /* 1600 expected each */
			ok = 0;
	T_OK(ok, "code_new: every digit about equally often (no modulo bias)");
	T_EQ_INT(same, 0, "code_new: no two codes in a row alike");
}

static void test_normalise(void)
{
	static const struct {
		const char *name, *in, *want; /* want NULL: refused */
	} rows[] = {
		{ "plain 8 digits", "12345678", "12345678" },
		{ "blanks inside are dropped", "1234 5678", "12345678" },
		{ "dashes and tabs are dropped", "12-34\t56-78", "12345678" },
		{ "leading and trailing blanks", "  12345678 ", "12345678" },
		{ "too short", "1234567", NULL },
		{ "too long", "123456789", NULL },
		{ "a letter", "1234567a", NULL },
		{ "empty", "", NULL },
		{ "unicode digits are not digits", "1234567\xd9\xa1", NULL },
	};
	size_t i;

	for (i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		char out[CODE_DIGITS + 1] = "";
		int rc = code_normalise(rows[i].in, out);
		char name[128];

		snprintf(name, sizeof name, "code_normalise: %s", rows[i].name);
		if (rows[i].want)
			T_EQ_STR(rc == 0 ? out : "(refused)", rows[i].want, name);
		else
			T_EQ_INT(rc, -1, name);
	}
}

static void test_hash_and_check(void)
{
	unsigned char h[CODE_HASH_LEN], h2[CODE_HASH_LEN];
	const char *id = "20261201120000-00112233aabbccdd";

	T_EQ_INT(code_hash(key, id, 0, "12345678", h), 0, "code_hash works");
	code_hash(key, id, 0, "12345678", h2);
	T_OK(memcmp(h, h2, sizeof h) == 0, "code_hash is deterministic for the same input");
	code_hash(key, "20261201120000-00112233aabbccde", 0, "12345678", h2);
	T_OK(memcmp(h, h2, sizeof h) != 0, "the hash binds the message id");
	code_hash(key, id, 1, "12345678", h2);
	T_OK(memcmp(h, h2, sizeof h) != 0, "the hash binds the recipient index");
	code_hash(key2, id, 0, "12345678", h2);
	T_OK(memcmp(h, h2, sizeof h) != 0, "the hash binds the process key");
	T_OK(memmem(h, sizeof h, "12345678", 8) == NULL, "the hash does not contain the code");

	T_EQ_INT(code_check(key, id, 0, "12345678", h), 1, "code_check: the right code");
	T_EQ_INT(code_check(key, id, 0, " 1234-5678 ", h), 1, "code_check: the right code as typed with blanks");
	T_EQ_INT(code_check(key, id, 0, "12345679", h), 0, "code_check: one digit off is wrong");
	T_EQ_INT(code_check(key, id, 1, "12345678", h), 0, "code_check: the code of another recipient is wrong");
	T_EQ_INT(code_check(key, "20261201120000-00112233aabbccde", 0, "12345678", h), 0,
	         "code_check: the code for another message is wrong");
	T_EQ_INT(code_check(key, id, 0, "xxxxxxxx", h), 0, "code_check: a malformed entry is wrong");
	T_EQ_INT(code_check(key, id, 0, "", h), 0, "code_check: an empty entry is wrong");
}

static void test_message(void)
{
	char *m = code_message("noreply@example.org", "bob@outside.example", "48213907", 15, "Example Hospital 2");
	const char *body;
	char run[16] = "";

	T_OK(m != NULL, "code_message builds a message");
	if (!m)
		return;
	body = strstr(m, "\r\n\r\n");
	T_OK(body != NULL, "code_message: header and body apart");
	T_OK(strstr(m, "\r\nSubject: ") && strstr(strstr(m, "\r\nSubject: "), "code") < body,
	     "code_message: the Subject contains the word code");
	T_OK(strstr(m, "To: <bob@outside.example>\r\n") != NULL, "code_message: to the link's recipient");
	T_OK(strstr(m, "Auto-Submitted: auto-generated\r\n") != NULL, "code_message: Auto-Submitted");
	T_EQ_INT(body ? digit_runs(body, run, sizeof run) : -1, 1, "code_message: the body has one run of 6-8 digits");
	T_EQ_STR(run, "48213907", "code_message: and that run is the code");
	T_OK(strstr(m, "\n.\r\n") == NULL, "code_message: no line that ends SMTP DATA");
	free(m);
}

int main(void)
{
	test_new();
	test_normalise();
	test_hash_and_check();
	test_message();
	return tap_done();
}
