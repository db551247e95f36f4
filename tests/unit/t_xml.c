/* t_xml.c - the XML pull tokenizer: entities, DOCTYPE/XXE/bombs, depth, broken input. */
#include <stdlib.h>
#include <string.h>
#include "tap.h"
#include "extract/xml.h"

/* Tokenize into a compact trace: "(name" ")name" "'text'" "!error". */
static int trace(const char *in, size_t n, unsigned depth, size_t maxtext, char *out, size_t outsz)
{
	struct xml_reader r;
	enum xml_tok t;
	size_t o = 0, steps = 0;
	int ntok = 0;

	xml_init(&r, (const unsigned char *)in, n, depth, maxtext);
	out[0] = 0;
	while ((t = xml_next(&r)) != XML_EOF && steps++ < 1000000) {
		const char *s = "";
		size_t l = 0;
		char pre = '?';
		ntok++;
		if (t == XML_OPEN) { pre = '('; s = (const char *)r.local; l = r.local_len; }
		else if (t == XML_CLOSE) { pre = ')'; s = (const char *)r.local; l = r.local_len; }
		else if (t == XML_TEXT) { pre = '\''; s = (const char *)r.text.data; l = r.text.len; }
		else if (t == XML_ERROR) { pre = '!'; s = r.error; l = strlen(s); }
		if (o + l + 3 < outsz) {
			out[o++] = pre;
			memcpy(out + o, s, l);
			o += l;
			out[o++] = ' ';
			out[o] = 0;
		}
		if (t == XML_ERROR)
			break;
	}
	xml_free(&r);
	return ntok;
}

struct tcase {
	const char *name, *in, *want;
};

static const struct tcase cases[] = {
	{ "simple element with text", "<a>hi</a>", "(a 'hi )a " },
	{ "prefix stripped from local name", "<w:p><w:t>x</w:t></w:p>", "(p (t 'x )t )p " },
	{ "self-closing gives open and close", "<a><br/></a>", "(a (br )br )a " },
	{ "self-closing with attrs", "<a x='1' />", "(a )a " },
	{ "predefined entities decoded", "<a>&lt;&gt;&amp;&quot;&apos;</a>", "(a '<>&\"' )a " },
	{ "decimal and hex references", "<a>&#65;&#x42;&#xe9;</a>", "(a 'AB\xc3\xa9 )a " },
	{ "invalid reference becomes U+FFFD", "<a>&#0;&#xD800;&#99999999;</a>",
	  "(a '\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd )a " },
	{ "unknown entity left literal", "<a>&nbsp;x</a>", "(a '&nbsp;x )a " },
	{ "comment skipped", "<a><!-- <b>no</b> -->y</a>", "(a 'y )a " },
	{ "PI and declaration skipped", "<?xml version=\"1.0\"?><a/>", "(a )a " },
	{ "CDATA is raw text", "<a><![CDATA[<b>&amp;</b>]]></a>", "(a '<b>&amp;</b> )a " },
	{ "quoted > inside attribute", "<a t=\"x>y\">z</a>", "(a 'z )a " },
	{ "stray < is text", "<a>1 < 2</a>", "(a '1  '< 2 )a " },
	{ "unterminated tag ends at EOF", "<a><b attr=\"x", "(a (b " },
	{ "unterminated comment ends at EOF", "<a><!-- never", "(a " },
	{ "utf-8 BOM skipped", "\xef\xbb\xbf<a/>", "(a )a " },
};

static const char bomb[] =
	"<?xml version=\"1.0\"?>\n"
	"<!DOCTYPE lolz [\n"
	" <!ENTITY lol \"lol\">\n"
	" <!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n"
	" <!ENTITY lol2 \"&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;\">\n"
	" <!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">\n"
	" <!ENTITY lol9 \"&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;\">\n"
	" <!-- ] > tricky -->\n"
	"]>\n"
	"<lolz>&lol9;</lolz>";

static const char xxe[] =
	"<?xml version=\"1.0\"?>"
	"<!DOCTYPE foo [ <!ELEMENT foo ANY > <!ENTITY xxe SYSTEM \"file:///etc/passwd\" > ]>"
	"<foo>&xxe;</foo>";

int main(void)
{
	char out[4096];
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		trace(cases[i].in, strlen(cases[i].in), 64, 0, out, sizeof out);
		T_OK(strcmp(out, cases[i].want) == 0, cases[i].name);
	}

	trace(bomb, strlen(bomb), 64, 0, out, sizeof out);
	T_OK(strcmp(out, "'\n '\n (lolz '&lol9; )lolz ") == 0, "billion laughs: DOCTYPE skipped, entity not expanded");
	trace(xxe, strlen(xxe), 64, 0, out, sizeof out);
	T_OK(strcmp(out, "(foo '&xxe; )foo ") == 0, "external entity not fetched or expanded");

	/* Attributes by local name, entity-decoded. */
	{
		const char *doc = "<x:el xmlns:x=\"urn:a\" x:val = 'a&amp;b' displayName=\"D &#x41;\" bare=q/>";
		struct xml_reader r;
		struct phi_buf b;
		phi_buf_init(&b, 1024);
		xml_init(&r, (const unsigned char *)doc, strlen(doc), 8, 0);
		T_EQ_INT(xml_next(&r), XML_OPEN, "attr doc opens");
		T_OK(xml_is(&r, "el"), "xml_is matches local name");
		T_OK(xml_attr(&r, "val", &b) && strcmp((char *)b.data, "a&b") == 0, "prefixed attribute by local name, decoded");
		T_OK(xml_attr(&r, "displayName", &b) && strcmp((char *)b.data, "D A") == 0, "attribute with char ref");
		T_OK(xml_attr(&r, "bare", &b) && strcmp((char *)b.data, "q") == 0, "unquoted attribute tolerated");
		T_OK(!xml_attr(&r, "missing", &b), "missing attribute is 0");
		T_EQ_INT(xml_next(&r), XML_CLOSE, "self-closing close");
		T_EQ_INT(xml_next(&r), XML_EOF, "then EOF");
		xml_free(&r);
		phi_buf_free(&b);
	}

	/* Deep nesting: 100000 opens with depth cap 50 -> XML_ERROR, not a crash. */
	{
		size_t n = 100000, k;
		char *deep = malloc(n * 3 + 1);
		struct xml_reader r;
		enum xml_tok t;
		unsigned opens = 0;
		for (k = 0; k < n; k++)
			memcpy(deep + 3 * k, "<a>", 3);
		deep[3 * n] = 0;
		xml_init(&r, (unsigned char *)deep, 3 * n, 50, 0);
		while ((t = xml_next(&r)) == XML_OPEN)
			opens++;
		T_EQ_INT(t, XML_ERROR, "deep nesting stops with XML_ERROR");
		T_EQ_INT(opens, 50, "exactly max_depth opens returned");
		T_EQ_INT(xml_next(&r), XML_ERROR, "error is sticky");
		xml_free(&r);
		free(deep);
	}

	/* Text cap: a 1 MB run is cut at max_text. */
	{
		size_t n = 1 << 20;
		char *big = malloc(n + 8);
		struct xml_reader r;
		memcpy(big, "<a>", 3);
		memset(big + 3, 'x', n);
		memcpy(big + 3 + n, "</a>", 4);
		xml_init(&r, (unsigned char *)big, n + 7, 8, 1000);
		xml_next(&r);
		T_EQ_INT(xml_next(&r), XML_TEXT, "big text run");
		T_EQ_INT(r.text.len, 1000, "text cut at max_text");
		T_EQ_INT(xml_next(&r), XML_CLOSE, "close after big text");
		xml_free(&r);
		free(big);
	}

	/* Broken input of every prefix length never crashes or loops. */
	{
		const char *doc = "<?xml?><!DOCTYPE d [<!ENTITY e 'x'>]><d a='1'><![CDATA[c]]><!--k--><e>&#x41;&amp</e></d>";
		size_t L = strlen(doc), k;
		int ok = 1;
		for (k = 0; k <= L; k++) {
			char *cp = malloc(k ? k : 1);
			memcpy(cp, doc, k);
			if (trace(cp, k, 8, 0, out, sizeof out) > 100)
				ok = 0;
			free(cp);
		}
		T_OK(ok, "every truncation of a document tokenizes in bounded steps");
	}
	/* Garbage bytes. */
	{
		unsigned char g[4096];
		unsigned s = 12345;
		int ok = 1;
		for (int round = 0; round < 200; round++) {
			for (size_t k = 0; k < sizeof g; k++) {
				s = s * 1103515245u + 12345u;
				g[k] = "<>/!?-[]&#;x'\"= a\0"[(s >> 16) % 18];
			}
			if (trace((char *)g, sizeof g, 16, 64, out, sizeof out) > (int)sizeof g + 10)
				ok = 0;
		}
		T_OK(ok, "random markup soup ends");
	}
	return tap_done();
}
