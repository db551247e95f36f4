/*
 * xml.c - tolerant pull tokenizer for untrusted XML (see xml.h).
 *
 * One forward pass over a borrowed buffer; every scan is bounded by the end
 * pointer, so any input ends in XML_EOF or XML_ERROR in linear time. Only the
 * five predefined entities and numeric character references are decoded; any
 * other &name; stays literal text. A DOCTYPE, its internal subset included,
 * is skipped whole and never interpreted, so entity bombs and external
 * entities (XXE) do nothing. Comments and processing instructions are
 * skipped, CDATA is text. Depth is capped at max_depth (XML_ERROR past it);
 * a text run longer than max_text is cut (the rest of the run is skipped).
 * Never allocates beyond the text buffer's maximum; never logs.
 */
#include <string.h>
#include "phi/status.h"
#include "xml.h"

void xml_init(struct xml_reader *r, const unsigned char *p, size_t n, unsigned max_depth,
              size_t max_text)
{
	memset(r, 0, sizeof *r);
	if (!p)
		n = 0;
	r->p = r->start = p;
	r->end = p + n;
	r->max_depth = max_depth ? max_depth : 256;
	/* A UTF-8 byte order mark is not text. */
	if (n >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF)
		r->p += 3;
	phi_buf_init(&r->text, max_text ? max_text : 1024 * 1024);
}

/* Append what fits of p[0..n) to b; a full buffer silently drops the rest
 * (the cap is documented as a cut, not an error). Returns PHI_ENOMEM only. */
static int buf_add(struct phi_buf *b, const unsigned char *p, size_t n)
{
	size_t room = b->max > b->len ? b->max - b->len : 0;
	int rc;

	if (n > room)
		n = room;
	if (n == 0)
		rc = b->data ? PHI_OK : phi_buf_reserve(b, 0);
	else
		rc = phi_buf_append(b, p, n);
	return rc == PHI_ENOMEM ? PHI_ENOMEM : PHI_OK;
}

static size_t utf8_put(unsigned long cp, unsigned char *o)
{
	if (cp < 0x80) {
		o[0] = (unsigned char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (unsigned char)(0xC0 | cp >> 6);
		o[1] = (unsigned char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (unsigned char)(0xE0 | cp >> 12);
		o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
		o[2] = (unsigned char)(0x80 | (cp & 0x3F));
		return 3;
	}
	o[0] = (unsigned char)(0xF0 | cp >> 18);
	o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
	o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
	o[3] = (unsigned char)(0x80 | (cp & 0x3F));
	return 4;
}

/* Decode the reference starting at s (*s == '&'). Writes UTF-8 to o (>= 4
 * bytes) and returns the number of input bytes used, or 0 when this is not
 * a reference we decode (the '&' is then literal). */
static size_t entity(const unsigned char *s, const unsigned char *e, unsigned char *o, size_t *olen)
{
	static const struct { const char *n; size_t l; char c; } pre[] = {
		{ "lt;", 3, '<' }, { "gt;", 3, '>' }, { "amp;", 4, '&' },
		{ "quot;", 5, '"' }, { "apos;", 5, '\'' },
	};
	size_t left = (size_t)(e - s), i;

	if (left >= 2 && s[1] == '#') {
		unsigned long cp = 0;
		int hex = left >= 3 && (s[2] == 'x' || s[2] == 'X');
		size_t k = hex ? 3 : 2, digits = 0;
		int bad = 0;

		/* Bounded: at most 16 digits are looked at. */
		for (; k < left && digits < 16; k++, digits++) {
			unsigned c = s[k], v;
			if (c >= '0' && c <= '9')
				v = c - '0';
			else if (hex && c >= 'a' && c <= 'f')
				v = c - 'a' + 10;
			else if (hex && c >= 'A' && c <= 'F')
				v = c - 'A' + 10;
			else
				break;
			if (cp > 0x10FFFF)
				bad = 1;
			else
				cp = cp * (hex ? 16 : 10) + v;
		}
		if (digits == 0)
			return 0;
		if (k < left && s[k] == ';')
			k++;
		else
			bad = 1;
		if (bad || cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			cp = 0xFFFD;
		*olen = utf8_put(cp, o);
		return k;
	}
	for (i = 0; i < sizeof pre / sizeof pre[0]; i++) {
		if (left > pre[i].l && memcmp(s + 1, pre[i].n, pre[i].l) == 0) {
			o[0] = (unsigned char)pre[i].c;
			*olen = 1;
			return pre[i].l + 1;
		}
	}
	return 0;
}

/* Decode p[0..n) (entities) appending to b (what fits). */
static int decode_into(struct phi_buf *b, const unsigned char *p, size_t n)
{
	const unsigned char *e = p + n, *run = p;
	unsigned char o[4];
	size_t olen, used;
	int rc;

	while (p < e) {
		if (*p != '&') {
			p++;
			continue;
		}
		used = entity(p, e, o, &olen);
		if (!used) {
			p++;
			continue;
		}
		if ((rc = buf_add(b, run, (size_t)(p - run))) != PHI_OK ||
		    (rc = buf_add(b, o, olen)) != PHI_OK)
			return rc;
		p += used;
		run = p;
	}
	return buf_add(b, run, (size_t)(p - run));
}

int xml_decode(const unsigned char *p, size_t n, struct phi_buf *out)
{
	return decode_into(out, p, n);
}

/* First occurrence of the needle at or after p, or NULL. */
static const unsigned char *find(const unsigned char *p, const unsigned char *e, const char *needle)
{
	size_t nl = strlen(needle);
	const unsigned char *q;

	while ((size_t)(e - p) >= nl) {
		q = memchr(p, needle[0], (size_t)(e - p) - nl + 1);
		if (!q)
			return NULL;
		if (memcmp(q, needle, nl) == 0)
			return q;
		p = q + 1;
	}
	return NULL;
}

static int is_space(unsigned c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static int name_char(unsigned c)
{
	return !is_space(c) && c != '/' && c != '>' && c != '<' && c != '=' && c != '"' &&
	       c != '\'' && c != 0;
}

static int name_start(unsigned c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' || c >= 0x80;
}

static void set_name(struct xml_reader *r, const unsigned char *n, size_t len)
{
	size_t i;

	r->name = n;
	r->name_len = len;
	r->local = n;
	r->local_len = len;
	for (i = len; i > 0; i--) {
		if (n[i - 1] == ':') {
			r->local = n + i;
			r->local_len = len - i;
			break;
		}
	}
}

/* Skip <!DOCTYPE ...> including an internal subset [ ... ] with quoted
 * strings, comments and PIs inside it. Nothing in it is interpreted. */
static const unsigned char *skip_doctype(const unsigned char *p, const unsigned char *e)
{
	unsigned bracket = 0;
	unsigned char q = 0;

	for (p += 2; p < e; p++) {
		unsigned c = *p;
		if (q) {
			if (c == q)
				q = 0;
			continue;
		}
		if (c == '"' || c == '\'') {
			q = (unsigned char)c;
		} else if (c == '[') {
			bracket++;
		} else if (c == ']') {
			if (bracket)
				bracket--;
		} else if (c == '<' && e - p >= 4 && memcmp(p, "<!--", 4) == 0) {
			const unsigned char *x = find(p + 4, e, "-->");
			if (!x)
				return e;
			p = x + 2;
		} else if (c == '>' && bracket == 0) {
			return p + 1;
		}
	}
	return e;
}

/* Character data up to the next '<' (or end). */
static enum xml_tok text_run(struct xml_reader *r)
{
	const unsigned char *s = r->p, *lt = memchr(s, '<', (size_t)(r->end - s));
	const unsigned char *e = lt ? lt : r->end;

	phi_buf_reset(&r->text);
	r->text_offset = (size_t)(s - r->start);
	r->p = e;
	if (decode_into(&r->text, s, (size_t)(e - s)) != PHI_OK) {
		r->error = "out of memory";
		return XML_ERROR;
	}
	return XML_TEXT;
}

enum xml_tok xml_next(struct xml_reader *r)
{
	const unsigned char *p, *e = r->end, *x;

	if (r->error)
		return XML_ERROR;
	if (r->self_closing) {
		r->self_closing = 0;
		if (r->depth)
			r->depth--;
		return XML_CLOSE;
	}
	for (;;) {
		p = r->p;
		if (!p || p >= e)
			return XML_EOF;
		if (*p != '<')
			return text_run(r);
		if (e - p >= 4 && memcmp(p, "<!--", 4) == 0) {
			x = find(p + 4, e, "-->");
			r->p = x ? x + 3 : e;
			continue;
		}
		if (e - p >= 9 && memcmp(p, "<![CDATA[", 9) == 0) {
			const unsigned char *s = p + 9;
			x = find(s, e, "]]>");
			if (!x)
				x = e;
			phi_buf_reset(&r->text);
			r->text_offset = (size_t)(s - r->start);
			r->p = x < e ? x + 3 : e;
			if (buf_add(&r->text, s, (size_t)(x - s)) != PHI_OK) {
				r->error = "out of memory";
				return XML_ERROR;
			}
			return XML_TEXT;
		}
		if (e - p >= 2 && p[1] == '!') {
			r->p = skip_doctype(p, e);
			continue;
		}
		if (e - p >= 2 && p[1] == '?') {
			x = find(p + 2, e, "?>");
			r->p = x ? x + 2 : e;
			continue;
		}
		if (e - p >= 2 && p[1] == '/') {
			const unsigned char *n = p + 2;
			while (n < e && is_space(*n))
				n++;
			x = n;
			while (x < e && name_char(*x))
				x++;
			set_name(r, n, (size_t)(x - n));
			x = memchr(x, '>', (size_t)(e - x));
			r->p = x ? x + 1 : e;
			if (r->depth)
				r->depth--;
			return XML_CLOSE;
		}
		if (e - p >= 2 && name_start(p[1])) {
			const unsigned char *n = p + 1, *a, *gt;
			unsigned char q = 0;

			x = n;
			while (x < e && name_char(*x))
				x++;
			set_name(r, n, (size_t)(x - n));
			a = x;
			/* Find the '>' that ends the tag, honouring quotes; when a
			 * quote is never closed, take the first '>' after the name. */
			for (gt = a; gt < e; gt++) {
				if (q) {
					if (*gt == q)
						q = 0;
				} else if (*gt == '"' || *gt == '\'') {
					q = *gt;
				} else if (*gt == '>') {
					break;
				}
			}
			if (gt >= e) {
				gt = memchr(a, '>', (size_t)(e - a));
				if (!gt)
					gt = e;
			}
			r->p = gt < e ? gt + 1 : e;
			r->attrs = a;
			r->attrs_len = (size_t)(gt - a);
			if (gt > a && gt < e && gt[-1] == '/') {
				r->self_closing = 1;
				r->attrs_len--;
			}
			if (r->depth >= r->max_depth) {
				r->error = "limit max_depth";
				return XML_ERROR;
			}
			r->depth++;
			return XML_OPEN;
		}
		/* A '<' that starts no markup ("a < b" in broken input): text. */
		{
			const unsigned char *s = p + 1;
			const unsigned char *lt = memchr(s, '<', (size_t)(e - s));
			const unsigned char *te = lt ? lt : e;
			phi_buf_reset(&r->text);
			r->text_offset = (size_t)(p - r->start);
			r->p = te;
			if (decode_into(&r->text, p, (size_t)(te - p)) != PHI_OK) {
				r->error = "out of memory";
				return XML_ERROR;
			}
			return XML_TEXT;
		}
	}
}

int xml_attr(const struct xml_reader *r, const char *local_name, struct phi_buf *out)
{
	const unsigned char *p = r->attrs, *e, *n, *ne, *v, *ve, *l;
	size_t want = strlen(local_name);

	phi_buf_reset(out);
	if (!p)
		return 0;
	e = p + r->attrs_len;
	while (p < e) {
		while (p < e && (is_space(*p) || *p == '/'))
			p++;
		n = p;
		while (p < e && name_char(*p))
			p++;
		ne = p;
		if (ne == n) {
			p++; /* a stray quote or '=' */
			continue;
		}
		while (p < e && is_space(*p))
			p++;
		v = ve = p;
		if (p < e && *p == '=') {
			p++;
			while (p < e && is_space(*p))
				p++;
			if (p < e && (*p == '"' || *p == '\'')) {
				unsigned char q = *p++;
				v = p;
				while (p < e && *p != q)
					p++;
				ve = p;
				if (p < e)
					p++;
			} else {
				v = p;
				while (p < e && !is_space(*p))
					p++;
				ve = p;
			}
		}
		l = n;
		for (const unsigned char *c = n; c < ne; c++)
			if (*c == ':')
				l = c + 1;
		if ((size_t)(ne - l) == want && memcmp(l, local_name, want) == 0) {
			if (decode_into(out, v, (size_t)(ve - v)) != PHI_OK)
				return 0;
			if (!out->data)
				phi_buf_reserve(out, 0);
			return 1;
		}
	}
	return 0;
}

int xml_is(const struct xml_reader *r, const char *s)
{
	size_t n = strlen(s);
	return r->local && r->local_len == n && memcmp(r->local, s, n) == 0;
}

void xml_free(struct xml_reader *r)
{
	phi_buf_free(&r->text);
}
