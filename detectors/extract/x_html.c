/*
 * x_html.c - HTML (UTF-8) to text, as a reader would see it.
 *
 * Drops comments, <!...> and <?...?>, and the content of script, style and
 * head; decodes entities (the HTML4 named set, &#NN; and &#xHH;); block
 * elements, <br> and <hr> end the line; a table cell ends with a tab, so a
 * "DOB:" cell stays on one line with the date in the next cell; runs of
 * white space collapse to one blank (not inside <pre>), blank lines to one.
 * The text is one segment at part offset 0: offsets are those of the text
 * produced, not of the HTML (the mapping is approximate by design). One
 * linear pass; output bounded by max_decoded_bytes. Never logs.
 */
#include <string.h>
#include <strings.h>
#include "extract.h"
#include "phi/buf.h"

struct hout {
	struct phi_buf b;
	int last;       /* 0 line start, 1 text, 2 tab */
	int space;      /* a blank is pending */
	int nl;         /* newlines just written */
	int rc;
};

static void put(struct hout *o, const unsigned char *s, size_t n)
{
	if (o->rc != PHI_OK || n == 0)
		return;
	if (o->space && o->last == 1)
		o->rc = phi_buf_putc(&o->b, ' ');
	o->space = 0;
	if (o->rc == PHI_OK)
		o->rc = phi_buf_append(&o->b, s, n);
	o->last = 1;
	o->nl = 0;
}

/* End the line; `max` newlines in a row at most (2 = a blank line). */
static void put_nl(struct hout *o, int max)
{
	o->space = 0;
	if (o->rc != PHI_OK || o->nl >= max || o->b.len == 0)
		return;
	o->rc = phi_buf_putc(&o->b, '\n');
	o->nl++;
	o->last = 0;
}

static void put_tab(struct hout *o)
{
	o->space = 0;
	if (o->rc != PHI_OK || o->last != 1)
		return;
	o->rc = phi_buf_putc(&o->b, '\t');
	o->last = 2;
}

static void put_cp(struct hout *o, unsigned long cp)
{
	unsigned char u[4];
	size_t k;

	if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		cp = 0xFFFD;
	if (cp == 0xA0 || cp == 0x2007 || cp == 0x202F) { /* no-break spaces read as blanks */
		o->space = 1;
		return;
	}
	if (cp < 0x80)
		u[0] = (unsigned char)cp, k = 1;
	else if (cp < 0x800)
		u[0] = (unsigned char)(0xC0 | cp >> 6), u[1] = (unsigned char)(0x80 | (cp & 0x3F)), k = 2;
	else if (cp < 0x10000)
		u[0] = (unsigned char)(0xE0 | cp >> 12), u[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F)),
		u[2] = (unsigned char)(0x80 | (cp & 0x3F)), k = 3;
	else
		u[0] = (unsigned char)(0xF0 | cp >> 18), u[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F)),
		u[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F)), u[3] = (unsigned char)(0x80 | (cp & 0x3F)), k = 4;
	put(o, u, k);
}

/* U+00A0..U+00FF in order. */
static const char *const latin1_names[96] = {
	"nbsp", "iexcl", "cent", "pound", "curren", "yen", "brvbar", "sect", "uml", "copy", "ordf",
	"laquo", "not", "shy", "reg", "macr", "deg", "plusmn", "sup2", "sup3", "acute", "micro",
	"para", "middot", "cedil", "sup1", "ordm", "raquo", "frac14", "frac12", "frac34", "iquest",
	"Agrave", "Aacute", "Acirc", "Atilde", "Auml", "Aring", "AElig", "Ccedil", "Egrave", "Eacute",
	"Ecirc", "Euml", "Igrave", "Iacute", "Icirc", "Iuml", "ETH", "Ntilde", "Ograve", "Oacute",
	"Ocirc", "Otilde", "Ouml", "times", "Oslash", "Ugrave", "Uacute", "Ucirc", "Uuml", "Yacute",
	"THORN", "szlig", "agrave", "aacute", "acirc", "atilde", "auml", "aring", "aelig", "ccedil",
	"egrave", "eacute", "ecirc", "euml", "igrave", "iacute", "icirc", "iuml", "eth", "ntilde",
	"ograve", "oacute", "ocirc", "otilde", "ouml", "divide", "oslash", "ugrave", "uacute", "ucirc",
	"uuml", "yacute", "thorn", "yuml",
};

static const struct {
	const char *name;
	unsigned long cp;
} other_names[] = {
	{ "amp", '&' }, { "lt", '<' }, { "gt", '>' }, { "quot", '"' }, { "apos", '\'' },
	{ "OElig", 0x152 }, { "oelig", 0x153 }, { "Scaron", 0x160 }, { "scaron", 0x161 },
	{ "Yuml", 0x178 }, { "fnof", 0x192 }, { "circ", 0x2C6 }, { "tilde", 0x2DC },
	{ "ensp", 0x2002 }, { "emsp", 0x2003 }, { "thinsp", 0x2009 }, { "zwnj", 0x200C },
	{ "zwj", 0x200D }, { "lrm", 0x200E }, { "rlm", 0x200F }, { "ndash", 0x2013 },
	{ "mdash", 0x2014 }, { "lsquo", 0x2018 }, { "rsquo", 0x2019 }, { "sbquo", 0x201A },
	{ "ldquo", 0x201C }, { "rdquo", 0x201D }, { "bdquo", 0x201E }, { "dagger", 0x2020 },
	{ "Dagger", 0x2021 }, { "bull", 0x2022 }, { "hellip", 0x2026 }, { "permil", 0x2030 },
	{ "prime", 0x2032 }, { "Prime", 0x2033 }, { "lsaquo", 0x2039 }, { "rsaquo", 0x203A },
	{ "euro", 0x20AC }, { "trade", 0x2122 }, { "larr", 0x2190 }, { "uarr", 0x2191 },
	{ "rarr", 0x2192 }, { "darr", 0x2193 }, { "harr", 0x2194 }, { "minus", 0x2212 },
	{ "le", 0x2264 }, { "ge", 0x2265 }, { "ne", 0x2260 }, { "asymp", 0x2248 },
	{ "infin", 0x221E }, { "micro", 0xB5 }, { "alpha", 0x3B1 }, { "beta", 0x3B2 },
	{ "gamma", 0x3B3 }, { "delta", 0x3B4 }, { "mu", 0x3BC }, { "pi", 0x3C0 },
	{ "sigma", 0x3C3 }, { "Omega", 0x3A9 }, { "omega", 0x3C9 }, { "check", 0x2713 },
	{ "hearts", 0x2665 }, { "spades", 0x2660 }, { "clubs", 0x2663 }, { "diams", 0x2666 },
	{ "loz", 0x25CA }, { "sdot", 0x22C5 }, { "lowast", 0x2217 }, { "frasl", 0x2044 },
	{ "oline", 0x203E }, { "NewLine", '\n' }, { "Tab", '\t' }, { "colon", ':' },
	{ "comma", ',' }, { "period", '.' }, { "sol", '/' }, { "num", '#' }, { "commat", '@' },
};

static long entity(const char *nm)
{
	size_t i;

	for (i = 0; i < 96; i++)
		if (strcmp(nm, latin1_names[i]) == 0)
			return (long)(0xA0 + i);
	for (i = 0; i < sizeof other_names / sizeof other_names[0]; i++)
		if (strcmp(nm, other_names[i].name) == 0)
			return (long)other_names[i].cp;
	return -1;
}

/* Decode the entity at p[i] == '&'; returns the index after it (i + 1 and
 * a literal '&' when it is not one). */
static size_t do_entity(struct hout *o, const unsigned char *p, size_t n, size_t i)
{
	size_t j = i + 1, k = 0;
	char nm[33];

	if (j < n && p[j] == '#') {
		unsigned long cp = 0;
		int hex = 0, digits = 0;
		j++;
		if (j < n && (p[j] == 'x' || p[j] == 'X'))
			hex = 1, j++;
		for (; j < n && digits < 8; j++, digits++) {
			unsigned char c = p[j];
			if (c >= '0' && c <= '9')
				cp = cp * (hex ? 16 : 10) + (c - '0');
			else if (hex && (c | 0x20) >= 'a' && (c | 0x20) <= 'f')
				cp = cp * 16 + ((c | 0x20) - 'a' + 10);
			else
				break;
		}
		if (digits == 0) {
			put(o, (const unsigned char *)"&", 1);
			return i + 1;
		}
		if (j < n && p[j] == ';')
			j++;
		/* Windows-1252 numbers in the C1 range, as browsers read them. */
		if (cp >= 0x80 && cp <= 0x9F) {
			static const unsigned short c1[32] = { 0x20AC, 0x81, 0x201A, 0x192, 0x201E, 0x2026,
				0x2020, 0x2021, 0x2C6, 0x2030, 0x160, 0x2039, 0x152, 0x8D, 0x17D, 0x8F, 0x90,
				0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x2DC, 0x2122, 0x161,
				0x203A, 0x153, 0x9D, 0x17E, 0x178 };
			cp = c1[cp - 0x80];
		}
		put_cp(o, cp);
		return j;
	}
	while (j < n && k < sizeof nm - 1 &&
	       ((p[j] >= 'a' && p[j] <= 'z') || (p[j] >= 'A' && p[j] <= 'Z') || (p[j] >= '0' && p[j] <= '9')))
		nm[k++] = (char)p[j++];
	nm[k] = 0;
	if (k > 0) {
		long cp = entity(nm);
		if (cp >= 0) {
			if (j < n && p[j] == ';')
				j++;
			put_cp(o, (unsigned long)cp);
			return j;
		}
	}
	put(o, (const unsigned char *)"&", 1);
	return i + 1;
}

/* Index of the next "</name" (any case) at or after i, or n. */
static size_t find_close(const unsigned char *p, size_t n, size_t i, const char *name)
{
	size_t l = strlen(name);

	while (i < n) {
		const unsigned char *lt = memchr(p + i, '<', n - i);
		if (!lt)
			return n;
		i = (size_t)(lt - p);
		if (i + 2 + l <= n && p[i + 1] == '/' && strncasecmp((const char *)p + i + 2, name, l) == 0)
			return i;
		i++;
	}
	return n;
}

/* The value of attribute `name` inside a tag's [s, e), quotes removed. */
static int attr_value(const unsigned char *p, size_t s, size_t e, const char *name,
                      size_t *vs, size_t *ve)
{
	size_t l = strlen(name), i = s;

	while (i + l + 1 < e) {
		unsigned char q;
		if ((p[i] == ' ' || p[i] == '\t' || p[i] == '\n' || p[i] == '\r') &&
		    strncasecmp((const char *)p + i + 1, name, l) == 0 && p[i + 1 + l] == '=') {
			i += l + 2;
			q = i < e && (p[i] == '"' || p[i] == '\'') ? p[i++] : 0;
			*vs = i;
			while (i < e && (q ? p[i] != q : (p[i] != ' ' && p[i] != '>' && p[i] != '\t')))
				i++;
			*ve = i;
			return 1;
		}
		i++;
	}
	return 0;
}

/* Attribute text a reader sees (an image's alt text), entities decoded. */
static void put_attr(struct hout *o, const unsigned char *p, size_t vs, size_t ve)
{
	size_t k = vs;

	o->space = 1;
	while (k < ve && o->rc == PHI_OK) {
		if (p[k] == '&') {
			k = do_entity(o, p, ve, k);
		} else if (p[k] == ' ' || p[k] == '\t' || p[k] == '\n' || p[k] == '\r') {
			o->space = 1;
			k++;
		} else {
			put(o, p + k, 1);
			k++;
		}
	}
	o->space = 1;
}

static int name_in(const char *nm, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(nm, *list) == 0)
			return 1;
	return 0;
}

int x_html_extract(struct phi_doc *d, int part, const unsigned char *p, size_t n)
{
	static const char *const blocks[] = { "br", "p", "div", "tr", "li", "hr", "h1", "h2", "h3",
		"h4", "h5", "h6", "table", "thead", "tbody", "tfoot", "ul", "ol", "dl", "dt", "dd",
		"blockquote", "pre", "section", "article", "header", "footer", "nav", "aside", "form",
		"address", "center", "caption", "title", "fieldset", "legend", "figure", "figcaption",
		"main", "body", "html", "option", "textarea", "iframe", NULL };
	static const char *const dropped[] = { "script", "style", "head", "noscript", "template",
		"svg", "object", NULL };
	struct hout o;
	size_t i = 0, steps = 0;
	int pre = 0, rc;

	memset(&o, 0, sizeof o);
	phi_buf_init(&o.b, d->lim.max_decoded_bytes);
	o.rc = PHI_OK;
	while (i < n && o.rc == PHI_OK) {
		unsigned char c = p[i];
		if ((++steps & 4095) == 0 && (rc = doc_budget(d)) != PHI_OK) {
			o.rc = rc;
			break;
		}
		if (c == '<') {
			size_t j = i + 1, k = 0, e;
			int closing = 0;
			char nm[16];
			if (j + 2 < n && p[j] == '!' && p[j + 1] == '-' && p[j + 2] == '-') {
				const unsigned char *end = memmem(p + j + 3, n - j - 3, "-->", 3);
				i = end ? (size_t)(end - p) + 3 : n;
				continue;
			}
			if (j < n && (p[j] == '!' || p[j] == '?')) {
				const unsigned char *gt = memchr(p + j, '>', n - j);
				i = gt ? (size_t)(gt - p) + 1 : n;
				continue;
			}
			if (j < n && p[j] == '/')
				closing = 1, j++;
			if (j >= n || !((p[j] | 0x20) >= 'a' && (p[j] | 0x20) <= 'z')) {
				put(&o, p + i, 1); /* a lone '<' is text */
				i++;
				continue;
			}
			while (j < n && k < sizeof nm - 1 &&
			       (((p[j] | 0x20) >= 'a' && (p[j] | 0x20) <= 'z') || (p[j] >= '0' && p[j] <= '9')))
				nm[k++] = (char)(p[j++] | 0x20);
			nm[k] = 0;
			/* The tag ends at '>' outside quotes; an unclosed quote
			 * falls back to the first '>'. */
			{
				unsigned char q = 0;
				for (e = j; e < n; e++) {
					if (q) {
						if (p[e] == q)
							q = 0;
					} else if (p[e] == '"' || p[e] == '\'')
						q = p[e];
					else if (p[e] == '>')
						break;
				}
				if (e >= n) {
					const unsigned char *gt = memchr(p + j, '>', n - j);
					e = gt ? (size_t)(gt - p) : n;
				}
			}
			i = e < n ? e + 1 : n;
			if (!closing && name_in(nm, dropped) && !(e > j && p[e - 1] == '/')) {
				size_t cl = find_close(p, n, i, nm);
				const unsigned char *gt = cl < n ? memchr(p + cl, '>', n - cl) : NULL;
				i = gt ? (size_t)(gt - p) + 1 : n;
				continue;
			}
			if (!closing && (strcmp(nm, "img") == 0 || strcmp(nm, "area") == 0)) {
				size_t vs, ve;
				if (attr_value(p, j, e, "alt", &vs, &ve))
					put_attr(&o, p, vs, ve);
			}
			if (strcmp(nm, "pre") == 0)
				pre = closing ? (pre > 0 ? pre - 1 : 0) : pre + 1;
			if (strcmp(nm, "td") == 0 || strcmp(nm, "th") == 0) {
				if (closing)
					put_tab(&o);
				else if (o.last == 1)
					put_tab(&o); /* an unclosed cell before this one */
			} else if (name_in(nm, blocks))
				/* A paragraph or <br> may make a blank line, rows and
				 * other blocks only end theirs. */
				put_nl(&o, strcmp(nm, "br") == 0 || (closing && strcmp(nm, "p") == 0) ? 2 : 1);
			continue;
		}
		if (c == '&') {
			i = do_entity(&o, p, n, i);
			continue;
		}
		if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f') {
			if (pre && c == '\n') {
				o.nl = 0;
				put_nl(&o, 1);
			} else if (pre && c != '\r')
				put(&o, p + i, 1);
			else
				o.space = 1;
			i++;
			continue;
		}
		{
			/* A run of plain text at once. */
			size_t j = i + 1;
			while (j < n && p[j] != '<' && p[j] != '&' && p[j] != ' ' && p[j] != '\t' &&
			       p[j] != '\r' && p[j] != '\n' && p[j] != '\f')
				j++;
			put(&o, p + i, j - i);
			i = j;
		}
	}
	rc = o.rc;
	while (o.b.len > 0 && (o.b.data[o.b.len - 1] == '\n' || o.b.data[o.b.len - 1] == ' '))
		o.b.len--; /* the line ends of closing tags at the very end */
	if (rc == PHI_ELIMIT)
		doc_unscannable(d, part, "limit max_decoded_bytes");
	if (rc == PHI_OK || rc == PHI_ELIMIT)
		rc = doc_add_text(d, part, PHI_F_NONE, NULL, o.b.data, o.b.len, 0);
	phi_buf_free(&o.b);
	return rc == PHI_ELIMIT ? PHI_OK : rc;
}
