/*
 * pdf_font.c - font dictionaries, glyph names and embedded TrueType fonts.
 *
 * A font's codes become Unicode, in this order of trust:
 *   1. its ToUnicode CMap (pdf_text.c parses it);
 *   2. /Encoding /Differences glyph names (simple fonts and Type3 fonts:
 *      "a", "one", "uni00E9", "u1F600", "a.sc" ...), pdf_glyph_unicode;
 *   3. without ToUnicode, its embedded TrueType font (/FontFile2):
 *      - Type0 with /Identity-H or /Identity-V over a CIDFontType2: CID ->
 *        GID through /CIDToGIDMap (/Identity or a stream of 2-byte GIDs),
 *        GID -> Unicode by reading the font's cmap table in reverse
 *        (platform 3 encoding 10 or 1, or platform 0; formats 0, 4, 6, 12),
 *        else by its post table's glyph names (format 1 or 2); the result
 *        is a 2-byte CMap like a ToUnicode one;
 *      - a simple font with no /Encoding whose font has a (3,0) symbol
 *        cmap: code c -> GID at 0xF000+c (or c) -> Unicode as above, into
 *        the same 256-entry map as Differences (Differences win).
 *      - Type0 over a CIDFontType0 (FontFile3): a bare CFF that is not
 *        CID-keyed (CID = GID) by its charset's glyph names, an OpenType
 *        (CFF in an sfnt) by its cmap and post tables as above; a
 *        CID-keyed CFF has no glyph names and is skipped.
 * Every table read is bounds-checked; the cmap walk stops after
 * SFNT_STEPS mappings, the post walk after 65535 names; font streams are
 * decoded by x_pdf.c within max_entry_bytes/max_ratio; a font that does not
 * parse leaves the font as it was (2-byte codes dropped, bytes as WinAnsi).
 * Maps are made once per font dictionary (at most FC_MAX) and cached.
 */
#include <stdlib.h>
#include <string.h>
#include "pdf_font.h"

#define FC_MAX 128
#define TU_MAX 256
#define SFNT_TABLES 512
#define SFNT_STEPS (1u << 20)
#define NGLYPHS 65536u

struct fc_ent {
	const unsigned char *key; /* the font dict's bytes (borrowed): one entry per dict */
	struct pdf_cmap *cm;      /* owned: Type0 map, NULL when none */
	unsigned short map[256];  /* simple font map (0 = none) */
	int has_map;
};

struct pdf_fontcache {
	struct fc_ent e[FC_MAX];
	size_t n;
	struct {
		long num;
		struct pdf_cmap *cm; /* owned, NULL when unusable */
	} tu[TU_MAX];
	size_t ntu;
};

struct pdf_fontcache *pdf_fontcache_new(void)
{
	return calloc(1, sizeof(struct pdf_fontcache));
}

void pdf_fontcache_free(struct pdf_fontcache *fc)
{
	size_t i;
	if (!fc)
		return;
	for (i = 0; i < fc->n; i++)
		pdf_cmap_free(fc->e[i].cm);
	for (i = 0; i < fc->ntu; i++)
		pdf_cmap_free(fc->tu[i].cm);
	free(fc);
}

const struct pdf_cmap *pdf_font_tounicode(struct pdf *x, struct pdf_fontcache *fc, long num)
{
	size_t i;
	struct phi_buf b;
	struct phi_doc *d = pdf_x_doc(x);

	for (i = 0; i < fc->ntu; i++)
		if (fc->tu[i].num == num)
			return fc->tu[i].cm;
	if (fc->ntu >= TU_MAX)
		return NULL;
	phi_buf_init(&b, d->lim.max_entry_bytes);
	fc->tu[fc->ntu].num = num;
	fc->tu[fc->ntu].cm = pdf_x_stream(x, num, &b) == PHI_OK ? pdf_cmap_parse(d, b.data, b.len) : NULL;
	phi_buf_free(&b);
	return fc->tu[fc->ntu++].cm;
}

/* --- glyph names --- */

static int hexd(unsigned c)
{
	if (c >= '0' && c <= '9')
		return (int)(c - '0');
	if (c >= 'a' && c <= 'f')
		return (int)(c - 'a' + 10);
	if (c >= 'A' && c <= 'F')
		return (int)(c - 'A' + 10);
	return -1;
}

/* k hex digits at s, or -1. */
static long hexn(const unsigned char *s, size_t k)
{
	long v = 0;
	size_t i;
	for (i = 0; i < k; i++) {
		int h = hexd(s[i]);
		if (h < 0)
			return -1;
		v = v << 4 | h;
	}
	return v;
}

static unsigned long valid_cp(long v)
{
	return v > 0 && v <= 0x10FFFF && !(v >= 0xD800 && v < 0xE000) ? (unsigned long)v : 0;
}

unsigned long pdf_glyph_unicode(const unsigned char *name, size_t n)
{
	static const struct { const char *g; unsigned short u; } t[] = {
		{ "space", ' ' }, { "exclam", '!' }, { "quotedbl", '"' }, { "numbersign", '#' },
		{ "dollar", '$' }, { "percent", '%' }, { "ampersand", '&' }, { "quotesingle", '\'' },
		{ "parenleft", '(' }, { "parenright", ')' }, { "asterisk", '*' }, { "plus", '+' },
		{ "comma", ',' }, { "hyphen", '-' }, { "minus", 0x2212 }, { "period", '.' },
		{ "slash", '/' }, { "zero", '0' }, { "one", '1' }, { "two", '2' }, { "three", '3' },
		{ "four", '4' }, { "five", '5' }, { "six", '6' }, { "seven", '7' }, { "eight", '8' },
		{ "nine", '9' }, { "colon", ':' }, { "semicolon", ';' }, { "less", '<' },
		{ "equal", '=' }, { "greater", '>' }, { "question", '?' }, { "at", '@' },
		{ "bracketleft", '[' }, { "backslash", '\\' }, { "bracketright", ']' },
		{ "underscore", '_' }, { "quoteleft", 0x2018 }, { "quoteright", 0x2019 },
		{ "quotedblleft", 0x201C }, { "quotedblright", 0x201D }, { "endash", 0x2013 },
		{ "emdash", 0x2014 }, { "bullet", 0x2022 }, { "fi", 0xFB01 }, { "fl", 0xFB02 },
		{ "ff", 0xFB00 }, { "ffi", 0xFB03 }, { "ffl", 0xFB04 }, { "eacute", 0xE9 },
		{ "egrave", 0xE8 }, { "aacute", 0xE1 }, { "agrave", 0xE0 }, { "ccedilla", 0xE7 },
		{ "odieresis", 0xF6 }, { "udieresis", 0xFC }, { "adieresis", 0xE4 },
		{ "germandbls", 0xDF }, { "ntilde", 0xF1 }, { "degree", 0xB0 },
		{ "braceleft", '{' }, { "braceright", '}' }, { "bar", '|' }, { "asciitilde", '~' },
		{ "grave", '`' }, { "asciicircum", '^' }, { "dotlessi", 0x131 },
		{ "Eacute", 0xC9 }, { "Egrave", 0xC8 }, { "Aacute", 0xC1 }, { "Agrave", 0xC0 },
		{ "Ccedilla", 0xC7 }, { "Odieresis", 0xD6 }, { "Udieresis", 0xDC },
		{ "Adieresis", 0xC4 }, { "Ntilde", 0xD1 }, { "iacute", 0xED }, { "oacute", 0xF3 },
		{ "uacute", 0xFA }, { "Iacute", 0xCD }, { "Oacute", 0xD3 }, { "Uacute", 0xDA },
		{ "acircumflex", 0xE2 }, { "ecircumflex", 0xEA }, { "icircumflex", 0xEE },
		{ "ocircumflex", 0xF4 }, { "ucircumflex", 0xFB }, { "edieresis", 0xEB },
		{ "idieresis", 0xEF }, { "atilde", 0xE3 }, { "otilde", 0xF5 }, { "aring", 0xE5 },
		{ "Aring", 0xC5 }, { "oslash", 0xF8 }, { "Oslash", 0xD8 }, { "ae", 0xE6 },
		{ "AE", 0xC6 }, { "periodcentered", 0xB7 }, { "ellipsis", 0x2026 },
		{ "nbspace", 0xA0 }, { "section", 0xA7 }, { "paragraph", 0xB6 },
		{ "copyright", 0xA9 }, { "registered", 0xAE }, { "trademark", 0x2122 },
		{ "numero", 0x2116 }, { "plusminus", 0xB1 }, { "multiply", 0xD7 }, { "divide", 0xF7 },
	};
	size_t i;
	long v;

	/* "a.sc", "one.oldstyle": the part before the first period; ".notdef" stays */
	for (i = 1; i < n; i++)
		if (name[i] == '.') {
			n = i;
			break;
		}
	if (n == 1 && ((name[0] >= 'a' && name[0] <= 'z') || (name[0] >= 'A' && name[0] <= 'Z')))
		return name[0];
	if (n >= 7 && memcmp(name, "uni", 3) == 0 && (n - 3) % 4 == 0 && (v = hexn(name + 3, 4)) >= 0)
		return valid_cp(v); /* uniXXXX[YYYY...]: the first */
	if (n >= 5 && n <= 7 && name[0] == 'u' && (v = hexn(name + 1, n - 1)) >= 0)
		return valid_cp(v); /* uXXXX .. uXXXXXX */
	for (i = 0; i < sizeof t / sizeof t[0]; i++)
		if (strlen(t[i].g) == n && memcmp(t[i].g, name, n) == 0)
			return t[i].u;
	return 0;
}

/* Unicode of the Macintosh standard glyph order's index (post formats 1
 * and 2): 3..97 are space..asciitilde in ASCII order, 98..129 the Mac
 * Roman letters 0x80..0x9F. */
static unsigned long mac_glyph(unsigned idx)
{
	static const unsigned short hi[32] = {
		0xC4, 0xC5, 0xC7, 0xC9, 0xD1, 0xD6, 0xDC, 0xE1, 0xE0, 0xE2, 0xE4, 0xE3, 0xE5, 0xE7, 0xE9, 0xE8,
		0xEA, 0xEB, 0xED, 0xEC, 0xEE, 0xEF, 0xF1, 0xF3, 0xF2, 0xF4, 0xF6, 0xF5, 0xFA, 0xF9, 0xFB, 0xFC,
	};
	if (idx >= 3 && idx <= 97)
		return 0x20 + (idx - 3);
	if (idx >= 98 && idx < 130)
		return hi[idx - 98];
	return 0;
}

/* --- TrueType tables --- */

struct span {
	const unsigned char *p;
	size_t n;
};

static int r16(const struct span *s, size_t off, unsigned *v)
{
	if (off > s->n || s->n - off < 2)
		return 0;
	*v = (unsigned)s->p[off] << 8 | s->p[off + 1];
	return 1;
}

static int r32(const struct span *s, size_t off, uint32_t *v)
{
	if (off > s->n || s->n - off < 4)
		return 0;
	*v = (uint32_t)s->p[off] << 24 | (uint32_t)s->p[off + 1] << 16 | (uint32_t)s->p[off + 2] << 8 | s->p[off + 3];
	return 1;
}

/* Table `tag` of the font (the first font of a collection). */
static int sfnt_table(const struct span *f, const char *tag, struct span *t)
{
	uint32_t ver, base = 0, off, len;
	unsigned nt, i;

	if (!r32(f, 0, &ver))
		return 0;
	if (ver == 0x74746366u) { /* 'ttcf' */
		if (!r32(f, 12, &base) || !r32(f, base, &ver))
			return 0;
	}
	if (ver != 0x00010000u && ver != 0x74727565u && ver != 0x4F54544Fu) /* 1.0, 'true', 'OTTO' */
		return 0;
	if (!r16(f, (size_t)base + 4, &nt) || nt > SFNT_TABLES)
		return 0;
	for (i = 0; i < nt; i++) {
		size_t rec = (size_t)base + 12 + 16u * i;
		if (rec > f->n || f->n - rec < 16)
			return 0;
		if (memcmp(f->p + rec, tag, 4) != 0)
			continue;
		if (!r32(f, rec + 8, &off) || !r32(f, rec + 12, &len) || off > f->n)
			return 0;
		t->p = f->p + off;
		t->n = len < f->n - off ? len : f->n - off; /* a length past the end is cut */
		return 1;
	}
	return 0;
}

typedef void (*map_fn)(void *arg, uint32_t code, unsigned gid);

/* Every (code, gid != 0) of the cmap subtable t (t.n = bytes to the end of
 * the cmap table). Returns PHI_OK or PHI_ETIME; stops after *steps reaches
 * SFNT_STEPS. */
static int cmap_walk(struct phi_doc *d, const struct span *t, map_fn fn, void *arg, unsigned *steps)
{
	unsigned fmt, i;

#define STEP() do { if (++*steps >= SFNT_STEPS) return PHI_OK; \
		if ((*steps & 4095) == 0 && doc_budget(d) != PHI_OK) return PHI_ETIME; } while (0)
	if (!r16(t, 0, &fmt))
		return PHI_OK;
	if (fmt == 0) {
		for (i = 0; i < 256 && 6 + i < t->n; i++)
			if (t->p[6 + i])
				fn(arg, i, t->p[6 + i]);
	} else if (fmt == 4) {
		unsigned segx2, seg;
		size_t ends = 14, starts, deltas, ros;
		if (!r16(t, 6, &segx2))
			return PHI_OK;
		seg = segx2 / 2;
		starts = ends + 2u * seg + 2;
		deltas = starts + 2u * seg;
		ros = deltas + 2u * seg;
		if (ros + 2u * seg > t->n)
			return PHI_OK;
		for (i = 0; i < seg; i++) {
			unsigned end = 0, start = 0, delta = 0, ro = 0;
			uint32_t c;
			r16(t, ends + 2u * i, &end);
			r16(t, starts + 2u * i, &start);
			r16(t, deltas + 2u * i, &delta);
			r16(t, ros + 2u * i, &ro);
			for (c = start; c <= end && c < 0xFFFF; c++) {
				unsigned g = 0;
				STEP();
				if (ro == 0) {
					g = (c + delta) & 0xFFFF;
				} else {
					size_t at = ros + 2u * i + ro + 2u * (c - start);
					if (!r16(t, at, &g))
						break; /* past the table: the rest of this segment too */
					if (g)
						g = (g + delta) & 0xFFFF;
				}
				if (g)
					fn(arg, c, g);
			}
		}
	} else if (fmt == 6) {
		unsigned first, cnt, g;
		if (!r16(t, 6, &first) || !r16(t, 8, &cnt))
			return PHI_OK;
		for (i = 0; i < cnt && r16(t, 10 + 2u * i, &g); i++) {
			STEP();
			if (g)
				fn(arg, first + i, g);
		}
	} else if (fmt == 12) {
		uint32_t ng, k;
		if (!r32(t, 12, &ng) || t->n < 16)
			return PHI_OK;
		if (ng > (t->n - 16) / 12)
			ng = (uint32_t)((t->n - 16) / 12);
		for (k = 0; k < ng; k++) {
			uint32_t s, e, g, c;
			r32(t, 16 + 12u * k, &s);
			r32(t, 20 + 12u * k, &e);
			r32(t, 24 + 12u * k, &g);
			if (s > e || e > 0x10FFFF || g >= NGLYPHS)
				continue;
			for (c = s; c <= e; c++) {
				STEP();
				if (g + (c - s) >= NGLYPHS)
					break;
				if (g + (c - s))
					fn(arg, c, g + (c - s));
			}
		}
	}
#undef STEP
	return PHI_OK;
}

/* The best subtable: want_symbol 0 = Unicode ((3,10) > (0,*) > (3,1)),
 * 1 = the (3,0) symbol subtable. */
static int cmap_pick(const struct span *cm, int want_symbol, struct span *sub)
{
	unsigned nt, i, best = 0;
	if (!r16(cm, 2, &nt))
		return 0;
	for (i = 0; i < nt; i++) {
		unsigned pid, eid, fmt, score = 0;
		uint32_t off;
		if (!r16(cm, 4 + 8u * i, &pid) || !r16(cm, 6 + 8u * i, &eid) || !r32(cm, 8 + 8u * i, &off))
			break;
		if (!r16(cm, off, &fmt) || (fmt != 0 && fmt != 4 && fmt != 6 && fmt != 12))
			continue;
		if (want_symbol)
			score = pid == 3 && eid == 0;
		else if (pid == 3 && eid == 10)
			score = 4;
		else if (pid == 0)
			score = 3;
		else if (pid == 3 && eid == 1)
			score = 2;
		if (score > best) {
			best = score;
			sub->p = cm->p + off;
			sub->n = cm->n - off;
		}
	}
	return best > 0;
}

struct rev_arg {
	uint32_t *rev;
	size_t nrev;
	size_t known;
};

static void rev_fn(void *arg, uint32_t code, unsigned gid)
{
	struct rev_arg *a = arg;
	if (gid < a->nrev && !a->rev[gid] && code >= 0x20 && !(code >= 0xD800 && code < 0xE000)) {
		a->rev[gid] = code;
		a->known++;
	}
}

/* post table names for glyphs rev does not know yet. */
static int post_names(struct phi_doc *d, const struct span *f, struct rev_arg *a)
{
	struct span t;
	uint32_t ver;
	unsigned ng, i;
	size_t *names = NULL, nn = 0, pos;

	if (!sfnt_table(f, "post", &t) || !r32(&t, 0, &ver))
		return PHI_OK;
	if (ver == 0x00010000u) {
		for (i = 0; i < 258 && i < a->nrev; i++)
			if (!a->rev[i] && (a->rev[i] = (uint32_t)mac_glyph(i)) != 0)
				a->known++;
		return PHI_OK;
	}
	if (ver != 0x00020000u || !r16(&t, 32, &ng))
		return PHI_OK;
	pos = 34 + 2u * ng;
	if (pos > t.n)
		return PHI_OK;
	/* the Pascal strings after the index: offsets of at most ng names */
	names = malloc((ng ? ng : 1) * sizeof *names);
	if (!names)
		return PHI_OK;
	while (pos < t.n && nn < ng) {
		size_t l = t.p[pos];
		if (l > t.n - pos - 1)
			break;
		names[nn++] = pos;
		pos += 1 + l;
		if ((nn & 4095) == 0 && doc_budget(d) != PHI_OK) {
			free(names);
			return PHI_ETIME;
		}
	}
	for (i = 0; i < ng && i < a->nrev; i++) {
		unsigned idx;
		unsigned long u = 0;
		if (a->rev[i] || !r16(&t, 34 + 2u * i, &idx))
			continue;
		if (idx < 258)
			u = mac_glyph(idx);
		else if (idx - 258 < nn)
			u = pdf_glyph_unicode(t.p + names[idx - 258] + 1, t.p[names[idx - 258]]);
		if (u >= 0x20) {
			a->rev[i] = (uint32_t)u;
			a->known++;
		}
	}
	free(names);
	return PHI_OK;
}

size_t pdf_sfnt_glyph_unicode(struct phi_doc *d, const unsigned char *p, size_t n, uint32_t *rev,
                              size_t nrev)
{
	struct span f = { p, n }, cm, sub;
	struct rev_arg a = { rev, nrev, 0 };
	unsigned steps = 0;

	memset(rev, 0, nrev * sizeof *rev);
	if (sfnt_table(&f, "cmap", &cm) && cmap_pick(&cm, 0, &sub) &&
	    cmap_walk(d, &sub, rev_fn, &a, &steps) != PHI_OK)
		return 0;
	if (post_names(d, &f, &a) != PHI_OK)
		return 0;
	return a.known;
}

/* --- CFF (bare, FontFile3 /Type1C or /CIDFontType0C) --- */

/* INDEX at *pos: count and the span of its entry 0..count-1 via cff_entry;
 * *pos moves past it. 0 when it does not fit. */
struct cff_index {
	const unsigned char *p; /* the font */
	size_t n, offs, data;   /* offsets array, data start - 1 */
	unsigned count, osz;
};

static int cff_index(const struct span *f, size_t *pos, struct cff_index *ix)
{
	unsigned cnt, osz, k;
	size_t end;
	uint32_t last = 0;
	if (!r16(f, *pos, &cnt))
		return 0;
	memset(ix, 0, sizeof *ix);
	ix->p = f->p;
	ix->n = f->n;
	if (cnt == 0) {
		*pos += 2;
		return 1;
	}
	if (*pos + 2 >= f->n)
		return 0;
	osz = f->p[*pos + 2];
	if (osz < 1 || osz > 4 || (f->n - *pos - 3) / osz < (size_t)cnt + 1)
		return 0;
	ix->count = cnt;
	ix->osz = osz;
	ix->offs = *pos + 3;
	ix->data = ix->offs + ((size_t)cnt + 1) * osz - 1;
	for (k = 0; k < osz; k++)
		last = last << 8 | f->p[ix->offs + (size_t)cnt * osz + k];
	end = ix->data + last;
	if (last < 1 || end > f->n)
		return 0;
	*pos = end;
	return 1;
}

static int cff_entry(const struct cff_index *ix, unsigned i, const unsigned char **s, size_t *n)
{
	uint32_t a = 0, b = 0;
	unsigned k;
	if (i >= ix->count)
		return 0;
	for (k = 0; k < ix->osz; k++) {
		a = a << 8 | ix->p[ix->offs + (size_t)i * ix->osz + k];
		b = b << 8 | ix->p[ix->offs + (size_t)(i + 1) * ix->osz + k];
	}
	if (a < 1 || b < a || ix->data + b > ix->n)
		return 0;
	*s = ix->p + ix->data + a;
	*n = b - a;
	return 1;
}

/* Top DICT: charset and CharStrings offsets; *cid set for a CID-keyed font. */
static int cff_top(const unsigned char *p, size_t n, long *charset, long *chars, int *cid)
{
	long st[48];
	size_t i = 0, k = 0;
	*charset = 0;
	*chars = -1;
	*cid = 0;
	while (i < n) {
		unsigned b0 = p[i];
		if (b0 <= 21) {
			unsigned op = b0;
			if (b0 == 12) {
				if (++i >= n)
					break;
				op = 1200 + p[i];
			}
			if (op == 15 && k)
				*charset = st[k - 1];
			else if (op == 17 && k)
				*chars = st[k - 1];
			else if (op == 1230)
				*cid = 1; /* ROS */
			k = 0;
			i++;
			continue;
		}
		if (k == sizeof st / sizeof st[0])
			return 0;
		if (b0 == 28 && i + 2 < n) {
			st[k++] = (short)(p[i + 1] << 8 | p[i + 2]);
			i += 3;
		} else if (b0 == 29 && i + 4 < n) {
			st[k++] = (long)(int32_t)((uint32_t)p[i + 1] << 24 | (uint32_t)p[i + 2] << 16 |
			                          (uint32_t)p[i + 3] << 8 | p[i + 4]);
			i += 5;
		} else if (b0 == 30) {
			for (i++; i < n && (p[i] & 0x0F) != 0x0F && (p[i] >> 4) != 0x0F; i++)
				;
			i++;
			st[k++] = 0; /* reals are not offsets */
		} else if (b0 >= 32 && b0 <= 246) {
			st[k++] = (long)b0 - 139;
			i++;
		} else if (b0 >= 247 && b0 <= 250 && i + 1 < n) {
			st[k++] = ((long)b0 - 247) * 256 + p[i + 1] + 108;
			i += 2;
		} else if (b0 >= 251 && b0 <= 254 && i + 1 < n) {
			st[k++] = -((long)b0 - 251) * 256 - p[i + 1] - 108;
			i += 2;
		} else {
			return 0;
		}
	}
	return *chars > 0;
}

/* Unicode of a string id: the standard strings 1..95 are the printable
 * ASCII glyphs in order (8 quoteright, 65 quoteleft); custom ones (>= 391)
 * are looked up by name. */
static unsigned long cff_sid(const struct cff_index *strs, unsigned sid)
{
	const unsigned char *s;
	size_t n;
	if (sid == 8)
		return 0x2019;
	if (sid == 65)
		return 0x2018;
	if (sid >= 1 && sid <= 95)
		return 0x20 + (sid - 1);
	if (sid >= 391 && cff_entry(strs, sid - 391, &s, &n))
		return pdf_glyph_unicode(s, n);
	return 0;
}

/* A non-CID CFF's glyph names (charset) -> rev[gid]. Returns glyphs known. */
static size_t cff_glyph_unicode(struct phi_doc *d, const unsigned char *p, size_t n, uint32_t *rev,
                                size_t nrev)
{
	struct span f = { p, n };
	struct cff_index names, top, strs, cs;
	size_t pos, known = 0, g;
	const unsigned char *ts;
	size_t tn;
	long charset, chars;
	int cid;
	unsigned fmt;

	memset(rev, 0, nrev * sizeof *rev);
	if (n < 4 || p[0] != 1 || p[2] < 4)
		return 0;
	pos = p[2];
	if (!cff_index(&f, &pos, &names) || !cff_index(&f, &pos, &top) || !cff_index(&f, &pos, &strs) ||
	    !cff_entry(&top, 0, &ts, &tn) || !cff_top(ts, tn, &charset, &chars, &cid) || cid)
		return 0; /* CID-keyed: its charset holds CIDs, not names */
	pos = (size_t)chars;
	if ((size_t)chars >= n || !cff_index(&f, &pos, &cs) || cs.count < 2)
		return 0;
	if (charset <= 2) { /* predefined: ISOAdobe is gid = SID */
		for (g = 1; g < cs.count && g < nrev && charset == 0; g++)
			if ((rev[g] = (uint32_t)cff_sid(&strs, (unsigned)g)) != 0)
				known++;
		return known;
	}
	pos = (size_t)charset;
	if ((size_t)charset >= n)
		return 0;
	fmt = p[pos++];
	g = 1;
	while (g < cs.count && g < nrev && pos < n) {
		unsigned sid, left = 0, k;
		if (!r16(&f, pos, &sid))
			break;
		pos += 2;
		if (fmt == 1 || fmt == 2) {
			if (fmt == 1) {
				if (pos >= n)
					break;
				left = p[pos++];
			} else {
				if (!r16(&f, pos, &left))
					break;
				pos += 2;
			}
		} else if (fmt != 0) {
			break;
		}
		for (k = 0; k <= left && g < cs.count && g < nrev; k++, g++)
			if ((rev[g] = (uint32_t)cff_sid(&strs, sid + k)) != 0)
				known++;
		if ((g & 1023) == 0 && doc_budget(d) != PHI_OK)
			return 0;
	}
	return known;
}

/* --- font dictionaries --- */

/* /Encoding << /Differences [ 24 /fi /fl 39 /quoteright ... ] >> into map. */
static int differences(struct pdf *x, const unsigned char *fb, size_t fbn, unsigned short *map)
{
	const unsigned char *vs, *ds;
	size_t vn, dn;
	struct pdf_lex l;
	struct pdf_tok t;
	long code = -1;
	int any = 0;

	if (!pdf_x_get(x, fb, fbn, "Encoding", &vs, &vn) || !vn || vs[0] != '<' ||
	    !pdf_x_get(x, vs, vn, "Differences", &ds, &dn))
		return 0;
	l.p = ds;
	l.e = ds + dn;
	if (pdf_lex_next(&l, &t) != PT_ARR)
		return 0;
	while (pdf_lex_next(&l, &t) != PT_EOF && t.type != PT_ARR_END) {
		if (t.type == PT_NUM) {
			double v;
			code = pdf_num(t.s, t.n, &v) && v >= 0 && v < 256 ? (long)v : -1;
		} else if (t.type == PT_NAME && code >= 0 && code < 256) {
			unsigned long u = pdf_glyph_unicode(t.s, t.n);
			if (u && u < 0x10000) {
				map[code] = (unsigned short)u;
				any = 1;
			}
			code++;
		}
	}
	return any;
}

/* The decoded /FontFile2 (TrueType), else /FontFile3 (CFF or OpenType)
 * of the font descriptor of dict fb into out. */
static int fontfile(struct pdf *x, const unsigned char *fb, size_t fbn, struct phi_buf *out)
{
	const unsigned char *ds, *vs;
	size_t dn, vn;
	long num;
	if (!pdf_x_get(x, fb, fbn, "FontDescriptor", &ds, &dn) || !dn || ds[0] != '<' ||
	    !((pdf_dict_get(ds, dn, "FontFile2", &vs, &vn) || pdf_dict_get(ds, dn, "FontFile3", &vs, &vn)) &&
	      pdf_ref(vs, vn, &num)))
		return PHI_EINVAL;
	return pdf_x_stream(x, num, out);
}

/* The glyph Unicode table of font bytes b (an sfnt, else a bare CFF):
 * malloc'd, NGLYPHS entries, NULL when nothing is known. */
static uint32_t *glyph_table(struct pdf *x, const struct phi_buf *b)
{
	uint32_t *rev;
	size_t known;
	if (!b->len || !(rev = malloc(NGLYPHS * sizeof *rev)))
		return NULL;
	if (b->len >= 4 && b->data[0] == 1 && b->data[1] == 0)
		known = cff_glyph_unicode(pdf_x_doc(x), b->data, b->len, rev, NGLYPHS);
	else
		known = pdf_sfnt_glyph_unicode(pdf_x_doc(x), b->data, b->len, rev, NGLYPHS);
	if (!known) {
		free(rev);
		return NULL;
	}
	return rev;
}

/* Type0 /Identity-H|V over a CIDFontType2 with an embedded TrueType, or a
 * CIDFontType0 whose CFF is not CID-keyed (CID = GID) or is OpenType. */
static struct pdf_cmap *cid_map(struct pdf *x, const unsigned char *fb, size_t fbn)
{
	const unsigned char *vs, *cs;
	size_t vn, cn, ncid = NGLYPHS, i;
	struct pdf_lex l;
	struct pdf_tok t;
	struct phi_buf font, gmap;
	struct pdf_cmap *cm = NULL;
	uint32_t *rev = NULL;
	int identity = 1;
	long num;
	struct phi_doc *d = pdf_x_doc(x);

	if (!pdf_x_get(x, fb, fbn, "Encoding", &vs, &vn) ||
	    !(pdf_is_name(vs, vn, "Identity-H") || pdf_is_name(vs, vn, "Identity-V")))
		return NULL;
	if (!pdf_x_get(x, fb, fbn, "DescendantFonts", &vs, &vn))
		return NULL;
	l.p = vs;
	l.e = vs + vn;
	if (pdf_lex_next(&l, &t) != PT_ARR || pdf_lex_next(&l, &t) == PT_EOF)
		return NULL;
	cs = t.s;
	cn = (size_t)(pdf_skip_value(&l, &t) - t.s); /* a dict or "n g R" */
	pdf_x_resolve(x, &cs, &cn);
	if (!cn || cs[0] != '<' || !pdf_x_get(x, cs, cn, "Subtype", &vs, &vn) ||
	    !(pdf_is_name(vs, vn, "CIDFontType2") || pdf_is_name(vs, vn, "CIDFontType0")))
		return NULL;
	phi_buf_init(&font, d->lim.max_entry_bytes);
	phi_buf_init(&gmap, d->lim.max_entry_bytes);
	if (pdf_dict_get(cs, cn, "CIDToGIDMap", &vs, &vn) && !pdf_is_name(vs, vn, "Identity")) {
		identity = 0;
		if (!pdf_ref(vs, vn, &num) || pdf_x_stream(x, num, &gmap) != PHI_OK || gmap.len < 2)
			goto out;
		ncid = gmap.len / 2 < NGLYPHS ? gmap.len / 2 : NGLYPHS; /* 2-byte CIDs: 65536 at most */
	}
	if (fontfile(x, cs, cn, &font) != PHI_OK || !(rev = glyph_table(x, &font)))
		goto out;
	{
		uint32_t *uni = malloc(ncid * sizeof *uni);
		if (!uni)
			goto out;
		for (i = 0; i < ncid; i++) {
			size_t gid = identity ? i : ((size_t)gmap.data[2 * i] << 8 | gmap.data[2 * i + 1]);
			uni[i] = gid < NGLYPHS ? rev[gid] : 0;
		}
		cm = pdf_cmap_from_codes(uni, ncid);
		free(uni);
	}
out:
	free(rev);
	phi_buf_free(&font);
	phi_buf_free(&gmap);
	return cm;
}

struct sym_arg {
	unsigned short f0[256], lo[256];
};

static void sym_fn(void *arg, uint32_t code, unsigned gid)
{
	struct sym_arg *a = arg;
	if (code >= 0xF000 && code <= 0xF0FF && !a->f0[code & 0xFF])
		a->f0[code & 0xFF] = (unsigned short)gid;
	else if (code <= 0xFF && !a->lo[code])
		a->lo[code] = (unsigned short)gid;
}

/* A simple font without /Encoding whose TrueType has a (3,0) cmap:
 * code -> gid -> Unicode into map. 1 when something was mapped. */
static int symbol_map(struct pdf *x, const unsigned char *fb, size_t fbn, unsigned short *map)
{
	const unsigned char *vs;
	size_t vn;
	struct phi_buf font;
	struct span f, cm, sub;
	struct sym_arg *a = NULL;
	uint32_t *rev = NULL;
	unsigned steps = 0, c;
	int any = 0;
	struct phi_doc *d = pdf_x_doc(x);

	if (pdf_dict_get(fb, fbn, "Encoding", &vs, &vn) ||
	    (pdf_dict_get(fb, fbn, "Subtype", &vs, &vn) && pdf_is_name(vs, vn, "Type3")))
		return 0;
	phi_buf_init(&font, d->lim.max_entry_bytes);
	if (fontfile(x, fb, fbn, &font) != PHI_OK)
		goto out;
	f.p = font.data;
	f.n = font.len;
	if (!font.len || !sfnt_table(&f, "cmap", &cm) || !cmap_pick(&cm, 1, &sub) ||
	    !(a = calloc(1, sizeof *a)) || cmap_walk(d, &sub, sym_fn, a, &steps) != PHI_OK ||
	    !(rev = glyph_table(x, &font)))
		goto out;
	for (c = 0; c < 256; c++) {
		unsigned g = a->f0[c] ? a->f0[c] : a->lo[c];
		if (g && rev[g] && rev[g] < 0x10000) {
			map[c] = (unsigned short)rev[g];
			any = 1;
		}
	}
out:
	free(a);
	free(rev);
	phi_buf_free(&font);
	return any;
}

int pdf_font_load(struct pdf *x, struct pdf_fontcache *fc, const unsigned char *fb, size_t fbn,
                  struct pdf_font *f, unsigned short *map)
{
	const unsigned char *vs;
	size_t vn, i;
	long num;
	struct fc_ent *e = NULL;

	if (pdf_dict_get(fb, fbn, "Subtype", &vs, &vn) && pdf_is_name(vs, vn, "Type0"))
		f->composite = 1;
	if (pdf_dict_get(fb, fbn, "ToUnicode", &vs, &vn) && pdf_ref(vs, vn, &num))
		f->cmap = pdf_font_tounicode(x, fc, num);
	if (map && !f->composite && differences(x, fb, fbn, map))
		f->diff = map;
	if (f->cmap || (!f->composite && !map))
		return PHI_OK;
	for (i = 0; i < fc->n; i++)
		if (fc->e[i].key == fb) {
			e = &fc->e[i];
			break;
		}
	if (!e) {
		if (fc->n >= FC_MAX)
			return PHI_OK;
		e = &fc->e[fc->n++];
		memset(e, 0, sizeof *e);
		e->key = fb;
		if (f->composite)
			e->cm = cid_map(x, fb, fbn);
		else
			e->has_map = symbol_map(x, fb, fbn, e->map);
		if (pdf_x_doc(x)->timed_out)
			return PHI_ETIME;
	}
	if (f->composite) {
		f->cmap = e->cm;
	} else if (e->has_map) {
		for (i = 0; i < 256; i++)
			if (!map[i])
				map[i] = e->map[i];
		f->diff = map;
	}
	return PHI_OK;
}

size_t pdf_fonts_of(struct pdf *x, struct pdf_fontcache *fc, const unsigned char *res, size_t resn,
                    struct pdf_font *f, unsigned short (*maps)[256])
{
	const unsigned char *fs;
	size_t fn, nf = 0;
	struct pdf_lex l;
	struct pdf_tok t, v;
	struct phi_doc *d = pdf_x_doc(x);

	if (!pdf_x_get(x, res, resn, "Font", &fs, &fn))
		return 0;
	l.p = fs;
	l.e = fs + fn;
	if (pdf_lex_next(&l, &t) != PT_DICT)
		return 0;
	while (nf < PDF_MAX_FONTS && pdf_lex_next(&l, &t) == PT_NAME && doc_budget(d) == PHI_OK) {
		const unsigned char *fb, *ve;
		size_t fbn;
		if (pdf_lex_next(&l, &v) == PT_EOF)
			break;
		ve = pdf_skip_value(&l, &v);
		fb = v.s;
		fbn = (size_t)(ve - v.s);
		pdf_x_resolve(x, &fb, &fbn);
		memset(&f[nf], 0, sizeof f[nf]);
		f[nf].name = t.s;
		f[nf].name_len = t.n;
		if (pdf_font_load(x, fc, fb, fbn, &f[nf], maps ? maps[nf] : NULL) != PHI_OK)
			break;
		nf++;
	}
	return nf;
}
