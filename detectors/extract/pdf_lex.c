/*
 * pdf_lex.c - PDF tokens, dictionary lookup and string decoding (pdf.h).
 *
 * The lexer never reads past its end pointer: an unterminated string, hex
 * string or dictionary ends at the end of the span. Nesting of dictionaries
 * and arrays is counted in pdf_skip_value, never recursed into.
 */
#include <stdlib.h>
#include <string.h>
#include "pdf.h"

static int is_ws(unsigned c)
{
	return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == 0;
}

static int is_delim(unsigned c)
{
	return c == '(' || c == ')' || c == '<' || c == '>' || c == '[' || c == ']' ||
	       c == '{' || c == '}' || c == '/' || c == '%';
}

enum pdf_tt pdf_lex_next(struct pdf_lex *l, struct pdf_tok *t)
{
	const unsigned char *p = l->p, *e = l->e, *s;

	for (;;) {
		while (p < e && is_ws(*p))
			p++;
		if (p < e && *p == '%') {
			while (p < e && *p != '\n' && *p != '\r')
				p++;
			continue;
		}
		break;
	}
	t->s = p;
	t->n = 0;
	if (p >= e) {
		l->p = e;
		t->end = e;
		return t->type = PT_EOF;
	}
	switch (*p) {
	case '/':
		s = ++p;
		while (p < e && !is_ws(*p) && !is_delim(*p))
			p++;
		t->type = PT_NAME;
		t->s = s;
		t->n = (size_t)(p - s);
		break;
	case '(': {
		unsigned depth = 1;
		s = ++p;
		while (p < e) {
			if (*p == '\\') {
				p += (e - p >= 2) ? 2 : 1;
				continue;
			}
			if (*p == '(')
				depth++;
			else if (*p == ')' && --depth == 0)
				break;
			p++;
		}
		t->type = PT_STR;
		t->s = s;
		t->n = (size_t)(p - s);
		if (p < e)
			p++;
		break;
	}
	case '<':
		if (e - p >= 2 && p[1] == '<') {
			p += 2;
			t->type = PT_DICT;
			break;
		}
		s = ++p;
		while (p < e && *p != '>')
			p++;
		t->type = PT_HEX;
		t->s = s;
		t->n = (size_t)(p - s);
		if (p < e)
			p++;
		break;
	case '>':
		p += (e - p >= 2 && p[1] == '>') ? 2 : 1;
		t->type = PT_DICT_END;
		break;
	case '[':
		p++;
		t->type = PT_ARR;
		break;
	case ']':
		p++;
		t->type = PT_ARR_END;
		break;
	case '{': case '}': case ')':
		p++;
		t->type = PT_KW;
		t->n = 1;
		break;
	default:
		s = p;
		while (p < e && !is_ws(*p) && !is_delim(*p))
			p++;
		t->s = s;
		t->n = (size_t)(p - s);
		t->type = (s[0] == '+' || s[0] == '-' || s[0] == '.' || (s[0] >= '0' && s[0] <= '9'))
		          ? PT_NUM : PT_KW;
		break;
	}
	l->p = p;
	t->end = p;
	return t->type;
}

const unsigned char *pdf_skip_value(struct pdf_lex *l, const struct pdf_tok *first)
{
	struct pdf_tok t;
	unsigned depth;

	if (first->type == PT_DICT || first->type == PT_ARR) {
		depth = 1;
		while (depth && pdf_lex_next(l, &t) != PT_EOF) {
			if (t.type == PT_DICT || t.type == PT_ARR)
				depth++;
			else if (t.type == PT_DICT_END || t.type == PT_ARR_END)
				depth--;
		}
		return l->p;
	}
	if (first->type == PT_NUM) {
		/* "n g R"? Look ahead without consuming unless it matches. */
		struct pdf_lex save = *l;
		struct pdf_tok a, b;
		if (pdf_lex_next(l, &a) == PT_NUM && pdf_lex_next(l, &b) == PT_KW &&
		    b.n == 1 && b.s[0] == 'R')
			return l->p;
		*l = save;
	}
	return first->end;
}

int pdf_dict_get(const unsigned char *s, size_t n, const char *key,
                 const unsigned char **vs, size_t *vn)
{
	struct pdf_lex l = { s, s + n };
	struct pdf_tok t, v;
	size_t kl = strlen(key);

	if (pdf_lex_next(&l, &t) != PT_DICT)
		return 0;
	for (;;) {
		const unsigned char *ve;
		if (pdf_lex_next(&l, &t) == PT_EOF || t.type == PT_DICT_END)
			return 0;
		if (t.type != PT_NAME) {
			pdf_skip_value(&l, &t);
			continue;
		}
		if (pdf_lex_next(&l, &v) == PT_EOF)
			return 0;
		if (v.type == PT_DICT_END)
			return 0;
		ve = pdf_skip_value(&l, &v);
		if (t.n == kl && memcmp(t.s, key, kl) == 0) {
			*vs = v.type == PT_STR || v.type == PT_HEX || v.type == PT_NAME ? v.s - 1 : v.s;
			*vn = (size_t)(ve - *vs);
			return 1;
		}
	}
}

int pdf_ref(const unsigned char *vs, size_t vn, long *num)
{
	struct pdf_lex l = { vs, vs + vn };
	struct pdf_tok a, b, c;

	if (pdf_lex_next(&l, &a) != PT_NUM || pdf_lex_next(&l, &b) != PT_NUM ||
	    pdf_lex_next(&l, &c) != PT_KW || c.n != 1 || c.s[0] != 'R')
		return 0;
	{
		long v = 0;
		size_t i;
		for (i = 0; i < a.n; i++) {
			if (a.s[i] < '0' || a.s[i] > '9' || v > 100000000L)
				return 0;
			v = v * 10 + (a.s[i] - '0');
		}
		*num = v;
	}
	return 1;
}

int pdf_num(const unsigned char *vs, size_t vn, double *v)
{
	struct pdf_lex l = { vs, vs + vn };
	struct pdf_tok a;
	char buf[32];

	if (pdf_lex_next(&l, &a) != PT_NUM || a.n >= sizeof buf)
		return 0;
	memcpy(buf, a.s, a.n);
	buf[a.n] = 0;
	*v = strtod(buf, NULL);
	return 1;
}

int pdf_is_name(const unsigned char *vs, size_t vn, const char *name)
{
	struct pdf_lex l = { vs, vs + vn };
	struct pdf_tok a;
	size_t k = strlen(name);

	return pdf_lex_next(&l, &a) == PT_NAME && a.n == k && memcmp(a.s, name, k) == 0;
}

static int hexval(unsigned c)
{
	if (c >= '0' && c <= '9')
		return (int)(c - '0');
	if (c >= 'a' && c <= 'f')
		return (int)(c - 'a' + 10);
	if (c >= 'A' && c <= 'F')
		return (int)(c - 'A' + 10);
	return -1;
}

int pdf_str_bytes(const struct pdf_tok *t, struct phi_buf *out)
{
	const unsigned char *p = t->s, *e = t->s + t->n;
	int rc = PHI_OK;

	if (t->type == PT_HEX) {
		int hi = -1;
		for (; p < e && rc == PHI_OK; p++) {
			int v = hexval(*p);
			if (v < 0)
				continue;
			if (hi < 0) {
				hi = v;
			} else {
				rc = phi_buf_putc(out, (unsigned char)(hi << 4 | v));
				hi = -1;
			}
		}
		if (hi >= 0 && rc == PHI_OK)
			rc = phi_buf_putc(out, (unsigned char)(hi << 4));
		return rc;
	}
	while (p < e && rc == PHI_OK) {
		unsigned c = *p++;
		if (c != '\\') {
			if (c == '\r') { /* EOL in a literal string is \n */
				if (p < e && *p == '\n')
					p++;
				c = '\n';
			}
			rc = phi_buf_putc(out, (unsigned char)c);
			continue;
		}
		if (p >= e)
			break;
		c = *p++;
		switch (c) {
		case 'n': c = '\n'; break;
		case 'r': c = '\r'; break;
		case 't': c = '\t'; break;
		case 'b': c = '\b'; break;
		case 'f': c = '\f'; break;
		case '\r':
			if (p < e && *p == '\n')
				p++;
			continue;
		case '\n':
			continue;
		default:
			if (c >= '0' && c <= '7') {
				unsigned v = c - '0', k;
				for (k = 0; k < 2 && p < e && *p >= '0' && *p <= '7'; k++)
					v = v * 8 + (*p++ - '0');
				c = v & 0xFF;
			}
			break;
		}
		rc = phi_buf_putc(out, (unsigned char)c);
	}
	return rc;
}

size_t pdf_utf8(unsigned long cp, unsigned char *o)
{
	if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		cp = 0xFFFD;
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

size_t pdf_cp1252(unsigned char c, unsigned char *o)
{
	static const unsigned short hi[32] = {
		0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
		0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0xFFFD, 0x017D, 0xFFFD,
		0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
		0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0xFFFD, 0x017E, 0x0178,
	};
	if (c >= 0x80 && c < 0xA0)
		return pdf_utf8(hi[c - 0x80], o);
	return pdf_utf8(c, o);
}

int pdf_textstring_utf8(const unsigned char *p, size_t n, struct phi_buf *out)
{
	unsigned char o[4];
	size_t i;
	int rc = PHI_OK;

	if (n >= 2 && p[0] == 0xFE && p[1] == 0xFF) {
		for (i = 2; i + 1 < n && rc == PHI_OK; i += 2) {
			unsigned long u = (unsigned long)p[i] << 8 | p[i + 1];
			if (u >= 0xD800 && u < 0xDC00 && i + 3 < n) {
				unsigned long lo = (unsigned long)p[i + 2] << 8 | p[i + 3];
				if (lo >= 0xDC00 && lo < 0xE000) {
					u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
					i += 2;
				}
			}
			rc = phi_buf_append(out, o, pdf_utf8(u, o));
		}
		return rc;
	}
	if (n >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF)
		return phi_buf_append(out, p + 3, n - 3);
	for (i = 0; i < n && rc == PHI_OK; i++)
		rc = phi_buf_append(out, o, pdf_cp1252(p[i], o));
	return rc;
}
