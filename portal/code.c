/*
 * code.c - one-time codes (see code.h).
 *
 * Why rejection sampling: a random byte taken modulo 10 makes 0..5 more
 * likely than 6..9; dropping bytes >= 250 keeps every digit equally likely.
 * Why a keyed hash and not the code: a memory dump or a core file then
 * shows nothing a visitor could type.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "code.h"

int code_new(char out[CODE_DIGITS + 1])
{
	unsigned char r[32];
	size_t i, k = 0;

	while (k < CODE_DIGITS) {
		if (qcrypt_random(r, sizeof r) != 0)
			return -1;
		for (i = 0; i < sizeof r && k < CODE_DIGITS; i++)
			if (r[i] < 250)
				out[k++] = (char)('0' + r[i] % 10);
	}
	out[k] = 0;
	qcrypt_wipe(r, sizeof r);
	return 0;
}

int code_hash(const unsigned char key[QCRYPT_KEY_LEN], const char *id, unsigned n, const char *code,
              unsigned char out[CODE_HASH_LEN])
{
	char ns[16];
	const char *parts[4];

	snprintf(ns, sizeof ns, "%u", n);
	parts[0] = "code";
	parts[1] = id;
	parts[2] = ns;
	parts[3] = code;
	return qcrypt_mac(key, parts, 4, out);
}

int code_normalise(const char *typed, char out[CODE_DIGITS + 1])
{
	size_t k = 0;

	for (; *typed; typed++) {
		if (*typed == ' ' || *typed == '-' || *typed == '\t')
			continue;
		if (*typed < '0' || *typed > '9' || k >= CODE_DIGITS)
			return -1;
		out[k++] = *typed;
	}
	out[k] = 0;
	return k == CODE_DIGITS ? 0 : -1;
}

int code_check(const unsigned char key[QCRYPT_KEY_LEN], const char *id, unsigned n, const char *typed,
               const unsigned char want[CODE_HASH_LEN])
{
	char c[CODE_DIGITS + 1];
	unsigned char h[CODE_HASH_LEN];
	int ok;

	/* A malformed entry is still hashed, so that timing does not tell
	 * "not a code" from "wrong code". */
	if (code_normalise(typed, c) != 0)
		memset(c, 'x', sizeof c - 1), c[CODE_DIGITS] = 0, ok = 0;
	else
		ok = 1;
	if (code_hash(key, id, n, c, h) != 0)
		return 0;
	ok = qcrypt_equal(h, want, sizeof h) && ok;
	qcrypt_wipe(h, sizeof h);
	qcrypt_wipe(c, sizeof c);
	return ok;
}

char *code_message(const char *from, const char *rcpt, const char *code, unsigned ttl_minutes,
                   const char *org)
{
	char date[64], mid[40];
	unsigned char r[8];
	time_t t = time(NULL);
	struct tm tm;
	size_t cap = strlen(from) + strlen(rcpt) + strlen(org) + 1024;
	char *msg;
	int w;

	if (qcrypt_random(r, sizeof r) != 0 || !(msg = malloc(cap)))
		return NULL;
	qcrypt_hex(r, sizeof r, mid);
	gmtime_r(&t, &tm);
	strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S +0000", &tm);
	/* The body has no other run of digits than the code: the validity is
	 * spelled with its unit and the organisation's name comes last. */
	w = snprintf(msg, cap,
	             "From: %s\r\nTo: <%s>\r\nSubject: Your one-time code for the secure message portal\r\n"
	             "Date: %s\r\nMessage-ID: <%s@phiportal>\r\nAuto-Submitted: auto-generated\r\n"
	             "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
	             "Content-Transfer-Encoding: 8bit\r\n\r\n"
	             "Your one-time code is:\r\n\r\n    %s\r\n\r\n"
	             "Type it on the page where you asked for it. It works once, for %u minutes.\r\n\r\n"
	             "If you did not ask for a code, you can ignore this e-mail: nobody can open\r\n"
	             "the message without it.\r\n\r\n-- \r\nSecure message portal of %s\r\n",
	             from, rcpt, date, mid, code, ttl_minutes, org);
	if (w < 0 || (size_t)w >= cap) {
		free(msg);
		return NULL;
	}
	return msg;
}
