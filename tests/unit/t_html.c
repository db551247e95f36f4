/*
 * t_html.c - x_html_extract: dropped content, entities, lines and cells.
 *
 * Rows: a name stating the behaviour, HTML in, the exact text out (or a
 * substring that must / must not appear). Failures print only lengths.
 */
#include <stdio.h>
#include <string.h>
#include "tap.h"
#include "scan.h"
#include "extract/extract.h"

static struct phi_engine *eng;

/* Run x_html on h; copy the produced text (first segment) into o. */
static size_t html(const char *h, char *o, size_t osz)
{
	struct phi_scan *s = phi_scan_new(eng, NULL, NULL, NULL);
	struct phi_doc *d = &s->doc;
	size_t k = 0;
	int part = doc_add_part(d, -1, "text/html", NULL, PHI_FMT_HTML, strlen(h), 0);

	o[0] = 0;
	if (part >= 0 && x_html_extract(d, part, (const unsigned char *)h, strlen(h)) == PHI_OK &&
	    d->nsegs > 0) {
		k = d->segs[0].len < osz - 1 ? d->segs[0].len : osz - 1;
		memcpy(o, d->segs[0].text, k);
	}
	o[k] = 0;
	phi_scan_free(s);
	return k;
}

struct row {
	const char *name, *in, *want;
	int mode; /* 0 exact, 1 contains, 2 does not contain */
};

static const struct row rows[] = {
	{ "script content dropped", "a<script>var x = '<p>SECRET';</script>b", "ab", 0 },
	{ "style content dropped", "<style type=\"text/css\">p { color: red }</style>text", "text", 0 },
	{ "head content dropped", "<html><head><title>T</title><meta x></head><body>body</body></html>", "body", 0 },
	{ "comments dropped", "x<!-- hidden <b>y</b> -->z", "xz", 0 },
	{ "doctype dropped", "<!DOCTYPE html><?xml x?>t", "t", 0 },
	{ "basic entities", "&lt;a&gt; &amp; &quot;q&quot; &apos;s&apos;", "<a> & \"q\" 's'", 0 },
	{ "nbsp is a blank", "a&nbsp;b", "a b", 0 },
	{ "copyright and accented", "&copy; &eacute;&Eacute;&ntilde;&uuml;&szlig;", "\xc2\xa9 \xc3\xa9\xc3\x89\xc3\xb1\xc3\xbc\xc3\x9f", 0 },
	{ "numeric entities", "&#65;&#x42;&#X43;&#233;", "ABC\xc3\xa9", 0 },
	{ "cp1252 range numeric entity", "&#147;q&#148;", "\xe2\x80\x9cq\xe2\x80\x9d", 0 },
	{ "unknown entity kept", "&bogus; &", "&bogus; &", 0 },
	{ "bad numeric entity is U+FFFD", "&#0;&#xD800;", "\xef\xbf\xbd\xef\xbf\xbd", 0 },
	{ "br ends the line", "one<br>two<br/>three", "one\ntwo\nthree", 0 },
	{ "paragraphs and list items end lines", "<p>a</p><p>b</p><ul><li>c</li><li>d</li></ul>", "a\nb\nc\nd", 1 },
	{ "table cell keeps DOB and its date on one line",
	  "<table><tr><td>DOB:</td><td>03/14/1961</td></tr><tr><th>MRN</th><td>A1</td></tr></table>",
	  "DOB:\t03/14/1961", 1 },
	{ "table rows are lines", "<table><tr><td>a</td></tr><tr><td>b</td></tr></table>", "a\t\nb\t", 0 },
	{ "whitespace collapsed", "  lots \n\n of\t\tspace  ", "lots of space", 0 },
	{ "inline tags do not split words", "Jo<b>hn</b> <i>Smith</i>", "John Smith", 0 },
	{ "pre keeps line breaks", "<pre>a\n  b</pre>", "a\n  b", 0 },
	{ "attribute with '>' in quotes", "<a title=\"x > y\" href='z'>link</a>", "link", 0 },
	{ "lone < is text", "1 < 2", "1 < 2", 0 },
	{ "hr ends the line", "a<hr>b", "a\nb", 0 },
	{ "unterminated script drops the rest", "ok<script>never", "ok", 0 },
	{ "uppercase tags", "<SCRIPT>x</SCRIPT><P>y</P>", "y", 0 },
	{ "image alt text is read", "see<img src=x.png alt=\"Chart &amp; notes\">here", "see Chart & notes here", 0 },
	{ "hidden text inside script not present", "<script>DOB 01/01/1970</script>ok", "01/01/1970", 2 },
};

int main(void)
{
	char err[256], out[4096];
	size_t i;

	if (phi_engine_new(NULL, &eng, err, sizeof err) != PHI_OK) {
		printf("Bail out! engine\n");
		return 1;
	}
	for (i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		const struct row *r = &rows[i];
		size_t n = html(r->in, out, sizeof out);
		int ok = r->mode == 0 ? strcmp(out, r->want) == 0
		       : r->mode == 1 ? strstr(out, r->want) != NULL : strstr(out, r->want) == NULL;
		if (!T_OK(ok, r->name))
			printf("#   got %zu bytes, want %zu\n", n, strlen(r->want));
	}
	/* Large input: one pass, bounded output. */
	{
		static char big[200000];
		size_t k;
		for (k = 0; k + 8 < sizeof big; k += 8)
			memcpy(big + k, "<b>x</b>", 8);
		big[k] = 0;
		T_EQ_INT(html(big, out, sizeof out) > 0, 1, "large input produces text");
	}
	phi_engine_free(eng);
	return tap_done();
}
