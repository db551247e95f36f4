/* t_rtf.c - RTF to text: control words, code pages, \u, skipped destinations, depth. */
#include <stdlib.h>
#include <string.h>
#include "tap.h"
#include "scan.h"
#include "extract/extract.h"

static char got[1 << 16];

static const char *rtf(const char *in, size_t n)
{
	struct phi_scan *s = phi_scan_new(NULL, NULL, NULL, NULL);
	int part = doc_add_part(&s->doc, -1, "application/rtf", "n.rtf", PHI_FMT_RTF, n, 1);
	size_t o = 0, k;
	x_rtf_extract(&s->doc, part, (const unsigned char *)in, n);
	for (k = 0; k < s->doc.nsegs && o + s->doc.segs[k].len < sizeof got; k++) {
		memcpy(got + o, s->doc.segs[k].text, s->doc.segs[k].len);
		o += s->doc.segs[k].len;
	}
	got[o] = 0;
	phi_scan_free(s);
	return got;
}

struct tc { const char *name, *in, *want; };

static const struct tc cases[] = {
	{ "paragraphs and tabs", "{\\rtf1\\ansi Hello\\par World\\tab x}", "Hello\nWorld\tx" },
	{ "font, colour and style tables skipped",
	  "{\\rtf1{\\fonttbl{\\f0\\fswiss Arial;}}{\\colortbl;\\red255\\green0\\blue0;}{\\stylesheet{\\s0 Normal;}}\\f0 Text}", "Text" },
	{ "ignorable destination skipped", "{\\rtf1 A{\\*\\generator Foo 1.0;}B{\\*\\unknownthing zzz}C}", "ABC" },
	{ "hex escapes via ansicpg 1252", "{\\rtf1\\ansi\\ansicpg1252 caf\\'e9 \\'93q\\'94}", "caf\xc3\xa9 \xe2\x80\x9cq\xe2\x80\x9d" },
	{ "unicode with uc1 fallback skipped", "{\\rtf1\\uc1 \\u233?t\\u-3913?}", "\xc3\xa9t\xef\x82\xb7" },
	{ "unicode with uc2 skips two", "{\\rtf1\\uc2\\u8364\\'80\\'80 EUR}", "\xe2\x82\xac EUR" },
	{ "surrogate pair", "{\\rtf1\\u-10179?\\u-8704?}", "\xf0\x9f\x98\x80" },
	{ "escaped braces and backslash", "{\\rtf1 a\\{b\\}c\\\\d}", "a{b}c\\d" },
	{ "picture data skipped", "{\\rtf1 x{\\pict\\pngblip 89504e470d0a}y}", "xy" },
	{ "bin data skipped", "{\\rtf1 x{\\bin4 ab}c}y}", "xy" },
	{ "field instruction skipped, result kept",
	  "{\\rtf1 {\\field{\\*\\fldinst HYPERLINK \"http://x\"}{\\fldrslt link}}}", "link" },
	{ "table cells and rows", "{\\rtf1 \\trowd a\\cell b\\cell\\row c}", "a\tb\t\nc" },
	{ "font charset selects the code page",
	  "{\\rtf1\\ansi\\ansicpg1252{\\fonttbl{\\f0\\fcharset0 Arial;}{\\f1\\fcharset204 Arial Cyr;}}\\f0 caf\\'e9 {\\f1 \\'cf\\'e5\\'f2\\'f0} \\'e9}",
	  "caf\xc3\xa9 \xd0\x9f\xd0\xb5\xd1\x82\xd1\x80 \xc3\xa9" },
	{ "cp932 double byte", "{\\rtf1\\ansi\\ansicpg932 \\'93\\'fa\\'96\\'7b}", "\xe6\x97\xa5\xe6\x9c\xac" },
};

int main(void)
{
	size_t i;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
		T_OK(strcmp(rtf(cases[i].in, strlen(cases[i].in)), cases[i].want) == 0, cases[i].name);
	T_OK(x_rtf_sniff((const unsigned char *)"{\\rtf1 x}", 8), "sniff {\\rtf");
	{
		size_t n = 200000, k;
		char *deep = malloc(n * 2 + 16);
		strcpy(deep, "{\\rtf1 ");
		for (k = 0; k < n; k++)
			deep[7 + k] = '{';
		memcpy(deep + 7 + n, "deep", 4);
		for (k = 0; k < n; k++)
			deep[11 + n + k] = '}';
		deep[11 + 2 * n] = 0;
		T_OK(strcmp(rtf(deep, strlen(deep)), "deep") == 0, "200000 nested groups: no crash, text kept");
		free(deep);
	}
	{
		const char *doc = "{\\rtf1\\ansi\\ansicpg1252{\\fonttbl{\\f0 A;}}\\uc1 x\\u233?\\'e9\\par{\\*\\x y}\\bin5 }";
		size_t L = strlen(doc), k;
		for (k = 0; k <= L; k++)
			rtf(doc, k);
		T_OK(1, "every truncation survives");
	}
	return tap_done();
}
