/*
 * t_charset.c - charset_to_utf8: labels, BOMs, guesses, bad bytes, bounds.
 *
 * A table of rows: label (or NULL), input bytes, expected UTF-8. Failures
 * print only the row name and lengths.
 */
#include <stdio.h>
#include <string.h>
#include "tap.h"
#include "mime/charset.h"
#include "phi/status.h"

struct row {
	const char *name;
	const char *cs;
	const char *in;
	size_t inlen;
	const char *want;
};

#define S(lit) lit, sizeof(lit) - 1

static const struct row rows[] = {
	{ "utf-16le with BOM", "utf-16le", S("\xff\xfeH\0i\0"), "Hi" },
	{ "utf-16be with BOM", "UTF-16BE", S("\xfe\xff\0H\0i"), "Hi" },
	{ "utf-16 with LE BOM", "utf-16", S("\xff\xfeH\0\xe9\0"), "H\xc3\xa9" },
	{ "utf-16 without BOM, little endian by NUL pattern", "utf-16", S("D\0O\0B\0:\0 \0"), "DOB: " },
	{ "utf-16 without BOM, big endian by NUL pattern", "utf-16", S("\0D\0O\0B\0:\0 "), "DOB: " },
	{ "utf-16le without BOM", "UTF-16LE", S("a\0b\0"), "ab" },
	{ "no label, utf-16le BOM", NULL, S("\xff\xfex\0y\0"), "xy" },
	{ "no label, utf-16le without BOM guessed", NULL, S("n\0a\0m\0e\0"), "name" },
	{ "utf-32le with BOM", "utf-32", S("\xff\xfe\0\0A\0\0\0"), "A" },
	{ "utf-32be declared", "utf-32be", S("\0\0\0A\0\0\0B"), "AB" },
	{ "utf-8 BOM stripped", "utf-8", S("\xef\xbb\xbfok"), "ok" },
	{ "cp1252 smart quotes", "cp1252", S("\x93hi\x94"), "\xe2\x80\x9chi\xe2\x80\x9d" },
	{ "windows-1252 euro", "Windows-1252", S("\x80"), "\xe2\x82\xac" },
	{ "latin1 alias", "latin1", S("caf\xe9"), "caf\xc3\xa9" },
	{ "iso-8859-1 quoted label", "\"ISO-8859-1\"", S("\xe9t\xe9"), "\xc3\xa9t\xc3\xa9" },
	{ "iso-8859-15 euro sign", "iso-8859-15", S("\xa4"), "\xe2\x82\xac" },
	{ "iso-8859-2", "iso-8859-2", S("\xb1"), "\xc4\x85" },
	{ "windows-1251", "windows-1251", S("\xcf"), "\xd0\x9f" },
	{ "utf8 alias", "utf8", S("\xc3\xa9"), "\xc3\xa9" },
	{ "invalid utf-8 becomes U+FFFD", "utf-8", S("a\xff" "b\xc3"), "a\xef\xbf\xbd" "b\xef\xbf\xbd" },
	{ "overlong utf-8 rejected", "utf-8", S("\xc0\xaf"), "\xef\xbf\xbd\xef\xbf\xbd" },
	{ "us-ascii with 8-bit read as cp1252", "us-ascii", S("na\xefve"), "na\xc3\xafve" },
	{ "us-ascii that is utf-8 stays", "us-ascii", S("\xc3\xa9"), "\xc3\xa9" },
	{ "unknown label, valid utf-8 kept", "x-unknown-cs", S("\xc3\xa9"), "\xc3\xa9" },
	{ "unknown label, bytes guessed cp1252", "x-unknown-cs", S("\xe9"), "\xc3\xa9" },
	{ "no label, cp1252 guessed", NULL, S("\xe9"), "\xc3\xa9" },
	{ "shift_jis", "shift_jis", S("\x83\x65\x83\x58\x83\x67"), "\xe3\x83\x86\xe3\x82\xb9\xe3\x83\x88" },
	{ "iso-2022-jp", "iso-2022-jp", S("\x1b$B%F%9%H\x1b(B"), "\xe3\x83\x86\xe3\x82\xb9\xe3\x83\x88" },
	{ "gb2312 read as gb18030", "gb2312", S("\xd6\xd0"), "\xe4\xb8\xad" },
	{ "ks_c_5601-1987 read as cp949", "ks_c_5601-1987", S("\xc7\xd1"), "\xed\x95\x9c" },
	{ "truncated utf-16 gives U+FFFD", "utf-16le", S("A\0B"), "A\xef\xbf\xbd" },
	{ "empty input", "utf-8", S(""), "" },
};

int main(void)
{
	size_t i;
	struct phi_buf b;
	int rc;

	for (i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		const struct row *r = &rows[i];
		phi_buf_init(&b, 1 << 20);
		rc = charset_to_utf8(r->cs, (const unsigned char *)r->in, r->inlen, &b);
		if (!T_OK(rc == PHI_OK && b.len == strlen(r->want) && memcmp(b.data, r->want, b.len) == 0, r->name))
			printf("#   rc %d, got %zu bytes, want %zu\n", rc, b.len, strlen(r->want));
		phi_buf_free(&b);
	}

	/* Output bounded by the buffer's max: what fits is kept. */
	{
		char big[4000];
		memset(big, 'a', sizeof big);
		phi_buf_init(&b, 100);
		rc = charset_to_utf8("iso-8859-1", (const unsigned char *)big, sizeof big, &b);
		T_OK(rc == PHI_ELIMIT && b.len <= 100, "iconv output stops at the buffer max");
		phi_buf_free(&b);
		big[0] = (char)0xff;
		phi_buf_init(&b, 100);
		rc = charset_to_utf8("utf-8", (const unsigned char *)big, sizeof big, &b);
		T_OK(rc == PHI_ELIMIT && b.len <= 100, "utf-8 copy stops at the buffer max");
		phi_buf_free(&b);
	}
	/* Conversion of a large input crosses iconv's chunk size intact. */
	{
		static unsigned char in[40000];
		size_t k, good = 1;
		for (k = 0; k < sizeof in; k++)
			in[k] = 0xe9;
		phi_buf_init(&b, 1 << 20);
		rc = charset_to_utf8("latin1", in, sizeof in, &b);
		for (k = 0; rc == PHI_OK && k + 1 < b.len; k += 2)
			good &= b.data[k] == 0xc3 && b.data[k + 1] == 0xa9;
		T_OK(rc == PHI_OK && b.len == 2 * sizeof in && good, "large input converted across chunks");
		phi_buf_free(&b);
	}
	T_OK(charset_is_utf8((const unsigned char *)"\xe2\x82\xac", 3), "is_utf8 accepts the euro sign");
	T_OK(!charset_is_utf8((const unsigned char *)"\xed\xa0\x80", 3), "is_utf8 rejects a surrogate");
	T_OK(!charset_is_utf8((const unsigned char *)"\xe2\x82", 2), "is_utf8 rejects a truncated sequence");
	return tap_done();
}
