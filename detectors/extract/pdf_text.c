/*
 * pdf_text.c - ToUnicode CMaps and the text operators of content streams.
 *
 * The interpreter knows only what text extraction needs: BT/ET, Tf, Tj, TJ,
 * ', ", and the moves Td, TD, T* and Tm, which become a newline when the line
 * changes and a space when the pen jumps along the same line; TJ gaps more
 * negative than -200/1000 em become a space. Glyph widths are not computed,
 * so positions are approximate by design. Strings are decoded through the
 * font's ToUnicode CMap when it has one (or the equivalent map pdf_font.c
 * made from its embedded font, pdf_cmap_from_codes), else as WinAnsi
 * (cp1252) bytes; 2-byte codes without a map are dropped. Inline image data (BI..ID..EI) is
 * skipped. CMaps keep at most CMAP_MAX ranges.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "pdf.h"

#define CMAP_MAX 65536u
#define CMAP_DST 8

struct cm_range {
	uint32_t lo, hi;
	unsigned short dst[CMAP_DST]; /* UTF-16 of lo; the last unit counts up */
	unsigned char dlen;
};

struct pdf_cmap {
	struct cm_range *r; /* owned, sorted by lo after parsing */
	size_t n, cap;
	struct { uint32_t lo, hi; unsigned char nb; } cs[16];
	size_t ncs;
	unsigned char nb_hint; /* code width when no codespace range matches */
};

static int hexv(unsigned c)
{
	if (c >= '0' && c <= '9')
		return (int)(c - '0');
	if (c >= 'a' && c <= 'f')
		return (int)(c - 'a' + 10);
	if (c >= 'A' && c <= 'F')
		return (int)(c - 'A' + 10);
	return -1;
}

/* Hex token -> code (up to 4 bytes); *nb = bytes. 0 when not hex. */
static int hex_code(const struct pdf_tok *t, uint32_t *code, unsigned char *nb)
{
	size_t i, digits = 0;
	uint32_t v = 0;

	if (t->type != PT_HEX)
		return 0;
	for (i = 0; i < t->n; i++) {
		int h = hexv(t->s[i]);
		if (h < 0)
			continue;
		if (digits >= 8)
			return 0;
		v = v << 4 | (uint32_t)h;
		digits++;
	}
	if (!digits)
		return 0;
	*code = v;
	*nb = (unsigned char)((digits + 1) / 2);
	return 1;
}

/* Hex token -> UTF-16 units. */
static int hex_units(const struct pdf_tok *t, unsigned short *u, unsigned char *len)
{
	size_t i, digits = 0;
	unsigned v = 0;
	unsigned char k = 0;

	if (t->type != PT_HEX)
		return 0;
	for (i = 0; i < t->n; i++) {
		int h = hexv(t->s[i]);
		if (h < 0)
			continue;
		v = v << 4 | (unsigned)h;
		if (++digits % 4 == 0) {
			if (k < CMAP_DST)
				u[k++] = (unsigned short)v;
			v = 0;
		}
	}
	if (digits % 4 && k < CMAP_DST) /* odd length: a 1-byte destination */
		u[k++] = (unsigned short)v;
	*len = k;
	return k > 0;
}

static int cm_add(struct pdf_cmap *c, uint32_t lo, uint32_t hi, const unsigned short *dst,
                  unsigned char dlen)
{
	if (c->n >= CMAP_MAX || hi < lo || dlen == 0)
		return c->n >= CMAP_MAX ? PHI_ELIMIT : PHI_OK;
	if (c->n == c->cap) {
		size_t nc = c->cap ? c->cap * 2 : 64;
		struct cm_range *nr = realloc(c->r, nc * sizeof *nr);
		if (!nr)
			return PHI_ENOMEM;
		c->r = nr;
		c->cap = nc;
	}
	c->r[c->n].lo = lo;
	c->r[c->n].hi = hi;
	memcpy(c->r[c->n].dst, dst, dlen * sizeof *dst);
	c->r[c->n].dlen = dlen;
	c->n++;
	return PHI_OK;
}

static int cm_cmp(const void *a, const void *b)
{
	const struct cm_range *x = a, *y = b;
	return x->lo < y->lo ? -1 : x->lo > y->lo;
}

struct pdf_cmap *pdf_cmap_parse(struct phi_doc *d, const unsigned char *p, size_t n)
{
	struct pdf_cmap *c = calloc(1, sizeof *c);
	struct pdf_lex l = { p, p + n };
	struct pdf_tok t, a, b, v;
	enum { NONE, CS, CHAR, RANGE } mode = NONE;
	unsigned steps = 0;
	int rc = PHI_OK;

	if (!c)
		return NULL;
	while (rc == PHI_OK && pdf_lex_next(&l, &t) != PT_EOF) {
		if ((++steps & 1023) == 0 && doc_budget(d) != PHI_OK)
			break;
		if (t.type == PT_KW) {
#define KW(w) (t.n == sizeof(w) - 1 && memcmp(t.s, w, t.n) == 0)
			if (KW("begincodespacerange"))
				mode = CS;
			else if (KW("beginbfchar"))
				mode = CHAR;
			else if (KW("beginbfrange"))
				mode = RANGE;
			else if (KW("endcodespacerange") || KW("endbfchar") || KW("endbfrange"))
				mode = NONE;
#undef KW
			continue;
		}
		if (t.type != PT_HEX || mode == NONE)
			continue;
		if (mode == CS) {
			uint32_t lo, hi;
			unsigned char nb, nb2;
			if (pdf_lex_next(&l, &a) != PT_HEX || !hex_code(&t, &lo, &nb) || !hex_code(&a, &hi, &nb2))
				continue;
			if (c->ncs < 16) {
				c->cs[c->ncs].lo = lo;
				c->cs[c->ncs].hi = hi;
				c->cs[c->ncs].nb = nb;
				c->ncs++;
			}
		} else if (mode == CHAR) {
			uint32_t code;
			unsigned char nb, dl;
			unsigned short u[CMAP_DST];
			if (pdf_lex_next(&l, &a) != PT_HEX || !hex_code(&t, &code, &nb) || !hex_units(&a, u, &dl))
				continue;
			if (!c->nb_hint)
				c->nb_hint = nb;
			rc = cm_add(c, code, code, u, dl);
		} else {
			uint32_t lo, hi;
			unsigned char nb, nb2, dl;
			unsigned short u[CMAP_DST];
			if (pdf_lex_next(&l, &a) != PT_HEX || !hex_code(&t, &lo, &nb) || !hex_code(&a, &hi, &nb2))
				continue;
			if (!c->nb_hint)
				c->nb_hint = nb;
			if (pdf_lex_next(&l, &b) == PT_HEX) {
				if (hex_units(&b, u, &dl))
					rc = cm_add(c, lo, hi, u, dl);
			} else if (b.type == PT_ARR) {
				uint32_t code = lo;
				while (pdf_lex_next(&l, &v) == PT_HEX && rc == PHI_OK) {
					if (code <= hi && hex_units(&v, u, &dl))
						rc = cm_add(c, code, code, u, dl);
					code++;
				}
			}
		}
	}
	if (rc == PHI_ENOMEM || c->n == 0) {
		pdf_cmap_free(c);
		return NULL;
	}
	qsort(c->r, c->n, sizeof *c->r, cm_cmp);
	if (!c->nb_hint)
		c->nb_hint = c->ncs ? c->cs[0].nb : 1;
	return c;
}

void pdf_cmap_free(struct pdf_cmap *c)
{
	if (!c)
		return;
	free(c->r);
	free(c);
}

int pdf_cmap_two_byte(const struct pdf_cmap *c)
{
	return c && c->nb_hint >= 2;
}

struct pdf_cmap *pdf_cmap_from_codes(const uint32_t *uni, size_t n)
{
	struct pdf_cmap *c = calloc(1, sizeof *c);
	size_t i = 0;

	if (!c)
		return NULL;
	c->cs[0].lo = 0;
	c->cs[0].hi = 0xFFFF;
	c->cs[0].nb = 2;
	c->ncs = 1;
	c->nb_hint = 2;
	if (n > 0x10000)
		n = 0x10000;
	while (i < n) {
		uint32_t u = uni[i];
		unsigned short d[2];
		size_t j = i;
		int rc;
		if (!u || u > 0x10FFFF || (u >= 0xD800 && u < 0xE000)) {
			i++;
			continue;
		}
		if (u >= 0x10000) {
			d[0] = (unsigned short)(0xD800 + ((u - 0x10000) >> 10));
			d[1] = (unsigned short)(0xDC00 + ((u - 0x10000) & 0x3FF));
			rc = cm_add(c, (uint32_t)i, (uint32_t)i, d, 2);
		} else {
			/* a run of consecutive codes to consecutive BMP code points */
			while (j + 1 < n && uni[j + 1] == uni[j] + 1 && uni[j + 1] < 0x10000 &&
			       !(uni[j + 1] >= 0xD800 && uni[j + 1] < 0xE000))
				j++;
			d[0] = (unsigned short)u;
			rc = cm_add(c, (uint32_t)i, (uint32_t)j, d, 1);
		}
		if (rc != PHI_OK)
			break; /* full or out of memory: what is there is usable */
		i = j + 1;
	}
	if (c->n == 0) {
		pdf_cmap_free(c);
		return NULL;
	}
	return c;
}

static const struct cm_range *cm_find(const struct pdf_cmap *c, uint32_t code)
{
	size_t lo = 0, hi = c->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (c->r[mid].lo <= code)
			lo = mid + 1;
		else
			hi = mid;
	}
	/* lo = first range with lo > code; look back a little for overlaps */
	for (size_t k = lo, back = 0; k > 0 && back < 4; k--, back++)
		if (c->r[k - 1].lo <= code && code <= c->r[k - 1].hi)
			return &c->r[k - 1];
	return NULL;
}

/* --- content interpretation --- */

struct ctx {
	struct phi_doc *d;
	struct phi_buf *out;
	const struct pdf_font *fonts;
	size_t nfonts;
	const struct pdf_cmap *fallback;
	const struct pdf_font *cur;
	int cur_known;
	double x, y, last_y, leading;
	int have_last, moved, force_nl;
	struct phi_buf scratch;
};

static int last_is(const struct phi_buf *o, const char *set)
{
	return o->len == 0 || strchr(set, o->data[o->len - 1]) != NULL;
}

static int emit_nl(struct ctx *c)
{
	return last_is(c->out, "\n") ? PHI_OK : phi_buf_putc(c->out, '\n');
}

static int emit_sp(struct ctx *c)
{
	return last_is(c->out, " \n\t") ? PHI_OK : phi_buf_putc(c->out, ' ');
}

static int put_units(struct phi_buf *o, const unsigned short *u, unsigned char n, uint32_t add)
{
	unsigned char b[4];
	unsigned short w[CMAP_DST];
	unsigned char i;
	int rc = PHI_OK;

	memcpy(w, u, n * sizeof *u);
	w[n - 1] = (unsigned short)(w[n - 1] + add);
	for (i = 0; i < n && rc == PHI_OK; i++) {
		unsigned long cp = w[i];
		if (cp >= 0xD800 && cp < 0xDC00 && i + 1 < n && w[i + 1] >= 0xDC00 && w[i + 1] < 0xE000) {
			cp = 0x10000 + ((cp - 0xD800) << 10) + (w[i + 1] - 0xDC00u);
			i++;
		}
		if (cp < 0x20 && cp != '\t')
			continue;
		rc = phi_buf_append(o, b, pdf_utf8(cp, b));
	}
	return rc;
}

static int show_bytes(struct ctx *c, const unsigned char *s, size_t n)
{
	const struct pdf_cmap *cm = c->cur_known ? (c->cur ? c->cur->cmap : NULL) : c->fallback;
	int composite = c->cur_known ? (c->cur && c->cur->composite) : pdf_cmap_two_byte(c->fallback);
	unsigned char b[4];
	size_t i = 0;
	int rc = PHI_OK;

	if (c->cur_known && c->cur && !c->cur->cmap && c->cur->composite && c->fallback)
		cm = c->fallback; /* Type0 without its own map: best effort */
	while (i < n && rc == PHI_OK) {
		if (cm) {
			unsigned nb = 0, k;
			uint32_t code = 0;
			const struct cm_range *r;
			for (k = 1; k <= 4 && !nb && k <= n - i; k++) {
				uint32_t v = 0;
				size_t j, q;
				for (j = 0; j < k; j++)
					v = v << 8 | s[i + j];
				for (q = 0; q < cm->ncs; q++)
					if (cm->cs[q].nb == k && cm->cs[q].lo <= v && v <= cm->cs[q].hi) {
						nb = k;
						code = v;
						break;
					}
			}
			if (!nb) {
				nb = cm->nb_hint ? cm->nb_hint : 1;
				if (nb > n - i)
					nb = (unsigned)(n - i);
				for (k = 0; k < nb; k++)
					code = code << 8 | s[i + k];
			}
			r = cm_find(cm, code);
			if (r)
				rc = put_units(c->out, r->dst, r->dlen, code - r->lo);
			else if (nb == 1 && s[i] >= 0x20)
				rc = phi_buf_append(c->out, b, pdf_cp1252(s[i], b));
			i += nb;
		} else if (composite) {
			i += 2; /* glyph ids without a map: nothing readable */
		} else {
			const unsigned short *df = c->cur_known && c->cur ? c->cur->diff : NULL;
			if (df && df[s[i]])
				rc = phi_buf_append(c->out, b, pdf_utf8(df[s[i]], b));
			else if (s[i] >= 0x20)
				rc = phi_buf_append(c->out, b, pdf_cp1252(s[i], b));
			else if (s[i] == '\t')
				rc = phi_buf_putc(c->out, ' ');
			i++;
		}
	}
	return rc;
}

static int show_tok(struct ctx *c, const struct pdf_tok *t)
{
	int rc;

	phi_buf_reset(&c->scratch);
	if ((rc = pdf_str_bytes(t, &c->scratch)) == PHI_ENOMEM)
		return rc;
	return show_bytes(c, c->scratch.data, c->scratch.len);
}

/* Called before text is shown: line change -> newline, pen jump -> space. */
static int before_show(struct ctx *c)
{
	int rc = PHI_OK;
	if (c->force_nl || (c->have_last && fabs(c->y - c->last_y) > 0.5))
		rc = emit_nl(c);
	else if (c->moved)
		rc = emit_sp(c);
	c->force_nl = c->moved = 0;
	c->have_last = 1;
	c->last_y = c->y;
	return rc;
}

static double num(const struct pdf_tok *t)
{
	char b[32];
	size_t k = t->n < sizeof b - 1 ? t->n : sizeof b - 1;
	if (t->type != PT_NUM)
		return 0;
	memcpy(b, t->s, k);
	b[k] = 0;
	return strtod(b, NULL);
}

static int kw(const struct pdf_tok *t, const char *s)
{
	size_t k = strlen(s);
	return t->type == PT_KW && t->n == k && memcmp(t->s, s, k) == 0;
}

#define OPS 8

int pdf_content_text(struct phi_doc *d, const unsigned char *p, size_t n,
                     const struct pdf_font *fonts, size_t nfonts,
                     const struct pdf_cmap *fallback, struct phi_buf *out)
{
	struct ctx c;
	struct pdf_lex l = { p, p + n };
	struct pdf_tok t, op[OPS];
	size_t nop = 0, steps = 0;
	int rc = PHI_OK;

	memset(&c, 0, sizeof c);
	c.d = d;
	c.out = out;
	c.fonts = fonts;
	c.nfonts = nfonts;
	c.fallback = fallback;
	phi_buf_init(&c.scratch, 1 << 20);
	while (rc == PHI_OK && pdf_lex_next(&l, &t) != PT_EOF) {
		if ((++steps & 255) == 0 && (rc = doc_budget(d)) != PHI_OK)
			break;
		if (t.type != PT_KW) {
			if (t.type == PT_ARR || t.type == PT_DICT) {
				const unsigned char *s = t.s;
				t.end = pdf_skip_value(&l, &t);
				t.s = s;
				t.n = (size_t)(t.end - s);
			} else if (t.type == PT_DICT_END || t.type == PT_ARR_END) {
				continue;
			}
			if (nop == OPS) {
				memmove(op, op + 1, (OPS - 1) * sizeof *op);
				nop--;
			}
			op[nop++] = t;
			continue;
		}
		if (kw(&t, "BT")) {
			c.x = c.y = 0;
			c.moved = 1;
		} else if (kw(&t, "Td") || kw(&t, "TD")) {
			if (nop >= 2) {
				double tx = num(&op[nop - 2]), ty = num(&op[nop - 1]);
				c.x += tx;
				c.y += ty;
				if (kw(&t, "TD"))
					c.leading = -ty;
				if (ty == 0 && tx != 0)
					c.moved = 1;
			}
		} else if (kw(&t, "Tm")) {
			if (nop >= 6) {
				double nx = num(&op[nop - 2]), ny = num(&op[nop - 1]);
				if (nx != c.x || ny != c.y)
					c.moved = 1;
				c.x = nx;
				c.y = ny;
			}
		} else if (kw(&t, "T*")) {
			c.y -= c.leading;
			c.force_nl = 1;
		} else if (kw(&t, "TL")) {
			if (nop >= 1)
				c.leading = num(&op[nop - 1]);
		} else if (kw(&t, "Tf")) {
			size_t i;
			c.cur = NULL;
			c.cur_known = 0;
			if (nop >= 2 && op[nop - 2].type == PT_NAME) {
				for (i = 0; i < nfonts; i++)
					if (fonts[i].name_len == op[nop - 2].n &&
					    memcmp(fonts[i].name, op[nop - 2].s, op[nop - 2].n) == 0) {
						c.cur = &fonts[i];
						c.cur_known = 1;
						break;
					}
			}
		} else if (kw(&t, "Tj") || kw(&t, "'") || kw(&t, "\"")) {
			if (!kw(&t, "Tj")) {
				c.y -= c.leading;
				c.force_nl = 1;
			}
			if (nop >= 1 && (op[nop - 1].type == PT_STR || op[nop - 1].type == PT_HEX)) {
				if ((rc = before_show(&c)) == PHI_OK)
					rc = show_tok(&c, &op[nop - 1]);
			}
		} else if (kw(&t, "TJ")) {
			if (nop >= 1 && op[nop - 1].type == PT_ARR) {
				struct pdf_lex al = { op[nop - 1].s, op[nop - 1].s + op[nop - 1].n };
				struct pdf_tok e;
				rc = before_show(&c);
				pdf_lex_next(&al, &e); /* '[' */
				while (rc == PHI_OK && pdf_lex_next(&al, &e) != PT_EOF && e.type != PT_ARR_END) {
					if (e.type == PT_STR || e.type == PT_HEX)
						rc = show_tok(&c, &e);
					else if (e.type == PT_NUM && num(&e) < -200)
						rc = emit_sp(&c);
				}
			}
		} else if (kw(&t, "ET")) {
			c.moved = 1;
		} else if (kw(&t, "ID")) {
			/* Inline image data: binary up to whitespace "EI" whitespace. */
			const unsigned char *e = l.e, *q = l.p < e ? l.p + 1 : e;
			while (q + 2 <= e) {
				const unsigned char *h = memmem(q, (size_t)(e - q), "EI", 2);
				if (!h) {
					q = e;
					break;
				}
				if ((h[-1] == ' ' || h[-1] == '\n' || h[-1] == '\r' || h[-1] == '\t') &&
				    (h + 2 == e || h[2] == ' ' || h[2] == '\n' || h[2] == '\r' || h[2] == '\t')) {
					q = h + 2;
					break;
				}
				q = h + 1;
			}
			l.p = q < e ? q : e;
		}
		nop = 0;
	}
	phi_buf_free(&c.scratch);
	if (rc == PHI_OK && out->len)
		rc = emit_nl(&c);
	return rc;
}
