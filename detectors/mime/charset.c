/*
 * charset.c - any charset to UTF-8 (see charset.h).
 *
 * UTF-8 input is validated here without iconv (bad sequences become
 * U+FFFD); everything else goes through glibc iconv in bounded chunks. A
 * BOM wins over the declared name (as WHATWG sniffing does), "utf-16"
 * without a BOM is read by its NUL pattern (glibc would assume big endian),
 * ASCII labels are read as windows-1252 because mail that says us-ascii and
 * carries 8-bit bytes almost always means it, and unknown names are
 * guessed. Output never passes out->max: what fitted is kept, PHI_ELIMIT.
 * Never logs; the input is message content.
 */
#include <errno.h>
#include <stdint.h>
#include <iconv.h>
#include <string.h>
#include <strings.h>
#include "charset.h"
#include "../utf8.h"
#include "phi/status.h"

#define CS_NAME_MAX 64
#define CS_CHUNK 8192

static const unsigned char REPL[3] = { 0xEF, 0xBF, 0xBD };

/* Bytes below 0x80 from p on, eight at a time: mail text is mostly ASCII
 * and every decoded byte passes through here. */
static size_t ascii_run(const unsigned char *p, size_t n)
{
	size_t i = 0;
	uint64_t v;

	while (n - i >= 8) {
		memcpy(&v, p + i, 8);
		if (v & 0x8080808080808080ull)
			break;
		i += 8;
	}
	while (i < n && p[i] < 0x80)
		i++;
	return i;
}

int charset_is_utf8(const unsigned char *p, size_t n)
{
	size_t i = 0, k;

	while (i < n) {
		if (p[i] < 0x80) {
			i += ascii_run(p + i, n - i);
			continue;
		}
		if ((k = utf8_seq(p + i, n - i)) == 0)
			return 0;
		i += k;
	}
	return 1;
}

/* Copy UTF-8, replacing each invalid byte by U+FFFD. */
static int utf8_copy(const unsigned char *p, size_t n, struct phi_buf *out)
{
	size_t i = 0, start = 0, k;
	int rc;

	while (i < n) {
		if (p[i] < 0x80) {
			i += ascii_run(p + i, n - i);
			continue;
		}
		if ((k = utf8_seq(p + i, n - i)) != 0) {
			i += k;
			continue;
		}
		if ((rc = phi_buf_append(out, p + start, i - start)) != PHI_OK)
			return rc;
		if ((rc = phi_buf_append(out, REPL, sizeof REPL)) != PHI_OK)
			return rc;
		start = ++i;
	}
	return phi_buf_append(out, p + start, n - start);
}

/* Run iconv from `from` over p[0..n); unit = code unit size to skip on a
 * bad sequence. Returns -1 when iconv does not know the name. */
static int conv(const char *from, size_t unit, const unsigned char *p, size_t n,
                struct phi_buf *out)
{
	iconv_t cd = iconv_open("UTF-8", from);
	char obuf[CS_CHUNK];
	char *in = (char *)(uintptr_t)p;
	size_t inleft = n;
	int rc = PHI_OK;

	if (cd == (iconv_t)-1)
		return -1;
	while (inleft > 0) {
		char *o = obuf;
		size_t oleft = sizeof obuf;
		size_t r = iconv(cd, &in, &inleft, &o, &oleft);
		int err = r == (size_t)-1 ? errno : 0;

		if ((rc = phi_buf_append(out, obuf, sizeof obuf - oleft)) != PHI_OK)
			break;
		if (err == E2BIG || err == 0)
			continue;
		/* EILSEQ: skip one code unit; EINVAL: truncated at the end. */
		if ((rc = phi_buf_append(out, REPL, sizeof REPL)) != PHI_OK)
			break;
		if (err == EINVAL || inleft <= unit) {
			inleft = 0;
			break;
		}
		in += unit;
		inleft -= unit;
	}
	/* Flush any shift state (stateful encodings such as ISO-2022-JP). */
	if (rc == PHI_OK) {
		char *o = obuf;
		size_t oleft = sizeof obuf;
		iconv(cd, NULL, NULL, &o, &oleft);
		rc = phi_buf_append(out, obuf, sizeof obuf - oleft);
	}
	iconv_close(cd);
	return rc;
}

/* UTF-16 without a BOM: 1 = little endian, 0 = big endian, -1 = not UTF-16. */
static int utf16_guess(const unsigned char *p, size_t n)
{
	size_t i, lim = n < 4096 ? n : 4096, even = 0, odd = 0;

	if (lim < 4)
		return -1;
	for (i = 0; i + 1 < lim; i += 2) {
		even += p[i] == 0;
		odd += p[i + 1] == 0;
	}
	/* Mostly Latin text in UTF-16 has a NUL in every other byte. */
	if (odd * 10 >= (lim / 2) * 4 && even * 10 < (lim / 2))
		return 1;
	if (even * 10 >= (lim / 2) * 4 && odd * 10 < (lim / 2))
		return 0;
	return -1;
}

/* Normalise a label: lower case, no quotes or spaces, cut at CS_NAME_MAX. */
static void norm_name(const char *cs, char *o)
{
	size_t j = 0;

	for (; *cs && j < CS_NAME_MAX - 1; cs++) {
		unsigned char c = (unsigned char)*cs;
		if (c == '"' || c == '\'' || c == ' ' || c == '\t')
			continue;
		o[j++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
	}
	o[j] = 0;
}

static int is_one_of(const char *n, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(n, *list) == 0)
			return 1;
	return 0;
}

/* Map common mail labels to names glibc iconv knows (or to "" = UTF-8,
 * "cp1252" for ASCII labels). */
static const char *alias(const char *n)
{
	static const char *const utf8[] = { "utf-8", "utf8", "x-utf8", "unicode-1-1-utf-8", "utf_8", NULL };
	static const char *const ascii[] = { "us-ascii", "ascii", "ansi_x3.4-1968", "us", "iso646-us",
		"cp1252", "windows-1252", "x-cp1252", "ansi", "iso-8859-1", "iso8859-1", "latin1",
		"latin-1", "l1", "iso_8859-1", "iso-ir-100", "cp819", "ibm819", "8859-1", NULL };
	static const struct { const char *from, *to; } tab[] = {
		{ "ks_c_5601-1987", "CP949" }, { "ks_c_5601", "CP949" }, { "euc-kr", "CP949" },
		{ "gb2312", "GB18030" }, { "gbk", "GB18030" }, { "x-gbk", "GB18030" }, { "cp936", "GB18030" },
		{ "x-sjis", "CP932" }, { "shift_jis", "CP932" }, { "shift-jis", "CP932" }, { "sjis", "CP932" },
		{ "iso-8859-8-i", "ISO-8859-8" }, { "iso-8859-6-i", "ISO-8859-6" },
		{ "unicode-1-1-utf-7", "UTF-7" }, { "utf7", "UTF-7" },
		{ "latin2", "ISO-8859-2" }, { "latin9", "ISO-8859-15" }, { "x-mac-roman", "MACINTOSH" },
		{ "macintosh", "MACINTOSH" }, { "x-user-defined", "CP1252" }, { "big5-hkscs", "BIG5-HKSCS" },
		{ "cp-850", "CP850" }, { "x-cp1250", "CP1250" }, { "x-cp1251", "CP1251" },
	};
	size_t i;

	if (is_one_of(n, utf8))
		return "";
	/* latin1 is read as its superset windows-1252, as every mail reader
	 * does; the C1 range is then readable quotes instead of controls. */
	if (is_one_of(n, ascii))
		return "CP1252";
	for (i = 0; i < sizeof tab / sizeof tab[0]; i++)
		if (strcmp(n, tab[i].from) == 0)
			return tab[i].to;
	return NULL;
}

static int guess(const unsigned char *p, size_t n, struct phi_buf *out)
{
	int le;

	/* The NUL pattern first: UTF-16 Latin text is also "valid UTF-8". */
	if ((le = utf16_guess(p, n)) >= 0)
		return conv(le ? "UTF-16LE" : "UTF-16BE", 2, p, n, out);
	if (charset_is_utf8(p, n))
		return phi_buf_append(out, p, n);
	return conv("CP1252", 1, p, n, out);
}

int charset_to_utf8(const char *cs, const unsigned char *p, size_t n, struct phi_buf *out)
{
	char name[CS_NAME_MAX];
	const char *a;
	int rc, le;

	if (out->data == NULL && (rc = phi_buf_append(out, "", 0)) != PHI_OK)
		return rc;
	/* A BOM says more than a label. */
	if (n >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF)
		return utf8_copy(p + 3, n - 3, out);
	if (n >= 4 && p[0] == 0xFF && p[1] == 0xFE && p[2] == 0 && p[3] == 0)
		return conv("UTF-32LE", 4, p + 4, n - 4, out);
	if (n >= 4 && p[0] == 0 && p[1] == 0 && p[2] == 0xFE && p[3] == 0xFF)
		return conv("UTF-32BE", 4, p + 4, n - 4, out);
	if (n >= 2 && p[0] == 0xFF && p[1] == 0xFE)
		return conv("UTF-16LE", 2, p + 2, n - 2, out);
	if (n >= 2 && p[0] == 0xFE && p[1] == 0xFF)
		return conv("UTF-16BE", 2, p + 2, n - 2, out);
	if (!cs || !*cs)
		return guess(p, n, out);
	norm_name(cs, name);
	if (strcmp(name, "utf-16") == 0 || strcmp(name, "ucs-2") == 0 || strcmp(name, "utf16") == 0) {
		le = utf16_guess(p, n);
		return conv(le == 0 ? "UTF-16BE" : "UTF-16LE", 2, p, n, out);
	}
	if (strcmp(name, "utf-32") == 0) {
		le = n >= 4 && p[0] == 0 && p[1] == 0 ? 0 : 1;
		return conv(le ? "UTF-32LE" : "UTF-32BE", 4, p, n, out);
	}
	if (strcmp(name, "utf-16le") == 0 || strcmp(name, "utf-16be") == 0 ||
	    strcmp(name, "ucs-2le") == 0 || strcmp(name, "ucs-2be") == 0)
		return conv(name[name[1] == 't' ? 6 : 5] == 'l' ? "UTF-16LE" : "UTF-16BE", 2, p, n, out);
	if (strcmp(name, "utf-32le") == 0 || strcmp(name, "utf-32be") == 0)
		return conv(name[6] == 'l' ? "UTF-32LE" : "UTF-32BE", 4, p, n, out);
	a = alias(name);
	if (a && !*a)
		return utf8_copy(p, n, out);
	if (a && strcmp(a, "CP1252") == 0 && charset_is_utf8(p, n))
		return phi_buf_append(out, p, n); /* "us-ascii" that is really UTF-8 */
	rc = conv(a ? a : name, 1, p, n, out);
	if (rc == -1)
		return guess(p, n, out);
	return rc;
}
