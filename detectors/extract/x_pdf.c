/*
 * x_pdf.c - PDF text: objects, streams, filters, fonts, pages.
 *
 * No xref is trusted: objects are found by scanning for "N G obj" (later
 * definitions win, as with incremental updates), streams by /Length when it
 * checks out and by "endstream" otherwise; object streams (/Type /ObjStm)
 * are decoded and their objects added. Filters: FlateDecode, LZWDecode,
 * ASCIIHexDecode, ASCII85Decode, RunLengthDecode, chained; image filters end
 * the chain (no text). Each page's content streams are concatenated and
 * interpreted by pdf_text.c with the fonts of the page's (inherited)
 * /Resources, read by pdf_font.c (ToUnicode CMaps, Differences, embedded
 * TrueType fonts); Form XObjects are read the same way.
 * Document info strings, form field values and annotation contents are one
 * more segment. /Encrypt in a trailer -> unscannable "encrypted". Limits:
 * max_pdf_objects, max_entry_bytes and max_ratio per decoded stream;
 * reference chains, /Parent chains and filter chains are bounded. Never logs.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "memfind.h"
#include "pdf.h"
#include "pdf_font.h"
#include "zinflate.h"

#define MAX_FILTERS 8
#define REF_HOPS 8
#define PARENT_HOPS 16

struct pobj {
	long num;
	size_t order;
	const unsigned char *body; /* borrowed (input or a kept ObjStm buffer) */
	size_t body_len;
	const unsigned char *stream; /* NULL when none */
	size_t stream_len;
	int done;                  /* content already read (forms) */
};

struct okey {
	long num;
	size_t i;
};

struct pdf {
	struct phi_doc *d;
	int part;
	const unsigned char *p;
	size_t n;
	struct pobj *o;           /* owned */
	size_t no, cap;
	struct okey *idx;         /* owned: (num, index) sorted, for lookup */
	struct phi_buf *kept;     /* owned: decoded object streams */
	size_t nkept, capkept, kept_bytes;
	struct pdf_fontcache *fc; /* owned (pdf_font.c): fonts, ToUnicode maps */
	const struct pdf_cmap *fallback;
	size_t text_off;
	int said_objects, said_ratio, said_entry, said_corrupt;
	long res_parent;          /* page_resources cache: parent object number */
	const unsigned char *res_s; /* borrowed: its resources span */
	size_t res_n;
	int res_ok;
};

int x_pdf_sniff(const unsigned char *p, size_t n)
{
	size_t lim = n < 1024 ? n : 1024;
	return lim >= 5 && memfind(p, lim, "%PDF-", 5) != NULL; /* runs on every part */
}

static int is_ws(unsigned c)
{
	return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == 0;
}

static int is_regular(unsigned c)
{
	return !is_ws(c) && !strchr("()<>[]{}/%", (int)c);
}

static void say(struct pdf *x, int *flag, const char *why)
{
	if (!*flag) {
		*flag = 1;
		doc_unscannable(x->d, x->part, why);
	}
}

static int obj_push(struct pdf *x, const struct pobj *ob)
{
	if (x->no >= x->d->lim.max_pdf_objects) {
		say(x, &x->said_objects, "limit max_pdf_objects");
		return PHI_ELIMIT;
	}
	if (x->no == x->cap) {
		size_t nc = x->cap ? x->cap * 2 : 256;
		struct pobj *no = realloc(x->o, nc * sizeof *no);
		if (!no)
			return PHI_ENOMEM;
		x->o = no;
		x->cap = nc;
	}
	x->o[x->no] = *ob;
	x->o[x->no].order = x->no;
	x->no++;
	return PHI_OK;
}

/* Parse the digits ending just before q (exclusive), going back; returns
 * the start or NULL. */
static const unsigned char *digits_back(const unsigned char *start, const unsigned char *q, long *v)
{
	const unsigned char *s = q;
	long val = 0, mul = 1;
	while (s > start && s[-1] >= '0' && s[-1] <= '9' && q - s < 10) {
		s--;
		val += (*s - '0') * mul;
		mul *= 10;
	}
	if (s == q)
		return NULL;
	*v = val;
	return s;
}

/* Stream data after the dictionary ending at ve; sets the span, returns the
 * position after endstream. */
static const unsigned char *stream_span(struct pdf *x, const unsigned char *body, size_t body_len,
                                        const unsigned char *ve, const unsigned char **ds, size_t *dl)
{
	const unsigned char *e = x->p + x->n, *s = ve, *hit, *vs;
	size_t vn;
	double len;

	while (s < e && is_ws(*s))
		s++;
	if ((size_t)(e - s) < 6 || memcmp(s, "stream", 6) != 0)
		return NULL;
	s += 6;
	if (s < e && *s == '\r')
		s++;
	if (s < e && *s == '\n')
		s++;
	*ds = s;
	if (pdf_dict_get(body, body_len, "Length", &vs, &vn) && pdf_num(vs, vn, &len) && len >= 0 &&
	    len <= (double)(size_t)(e - s)) {
		const unsigned char *q = s + (size_t)len;
		while (q < e && is_ws(*q))
			q++;
		if ((size_t)(e - q) >= 9 && memcmp(q, "endstream", 9) == 0) {
			*dl = (size_t)len;
			return q + 9;
		}
	}
	hit = memmem(s, (size_t)(e - s), "endstream", 9);
	if (!hit) {
		*dl = (size_t)(e - s);
		return e;
	}
	*dl = (size_t)(hit - s);
	if (*dl && s[*dl - 1] == '\n')
		(*dl)--;
	if (*dl && s[*dl - 1] == '\r')
		(*dl)--;
	return hit + 9;
}

/* Pass 1: every "N G obj" in the file. */
static int scan_objects(struct pdf *x)
{
	const unsigned char *p = x->p, *e = p + x->n, *q = p, *eo_cache = NULL;
	int rc, eo_none = 0;

	while (q < e) {
		const unsigned char *h = memmem(q, (size_t)(e - q), "obj", 3), *g, *nstart, *bs, *eo, *ve, *next, *nx;
		long gen, num;
		struct pobj ob;
		struct pdf_lex l;
		struct pdf_tok t;

		if (!h)
			break;
		if ((rc = doc_budget(x->d)) != PHI_OK)
			return rc;
		q = h + 3;
		if (h + 3 < e && is_regular(h[3]))
			continue;
		g = h;
		if (g == p || !is_ws(g[-1]))
			continue;
		while (g > p && is_ws(g[-1]))
			g--;
		if (!(g = digits_back(p, g, &gen)))
			continue;
		if (g == p || !is_ws(g[-1]))
			continue;
		while (g > p && is_ws(g[-1]))
			g--;
		if (!(nstart = digits_back(p, g, &num)))
			continue;
		if (nstart > p && is_regular(nstart[-1]))
			continue;
		(void)gen; /* generations are not needed: the last definition wins */
		bs = h + 3;
		/* Why the cache: "1 0 obj" repeated without any endobj would make
		 * one search to the end per object (quadratic); the last answer
		 * stays valid while it lies ahead. */
		if (eo_none) {
			eo = NULL;
		} else if (eo_cache && eo_cache >= bs) {
			eo = eo_cache;
		} else {
			eo = memmem(bs, (size_t)(e - bs), "endobj", 6);
			eo_cache = eo;
			eo_none = eo == NULL;
		}
		/* An object without its endobj ends at the next "obj" at the
		 * latest, so an unclosed "<<" cannot swallow the rest. */
		nx = memmem(bs, (size_t)((eo ? eo : e) - bs), "obj", 3);
		l.p = bs;
		l.e = nx ? nx : eo ? eo : e;
		if (pdf_lex_next(&l, &t) == PT_EOF)
			continue;
		ve = pdf_skip_value(&l, &t);
		memset(&ob, 0, sizeof ob);
		ob.num = num;
		ob.body = t.s;
		ob.body_len = (size_t)(ve - t.s);
		next = NULL;
		if (t.type == PT_DICT)
			next = stream_span(x, ob.body, ob.body_len, ve, &ob.stream, &ob.stream_len);
		if (next) {
			q = next;
		} else {
			ob.stream = NULL;
			q = eo ? eo + 6 : ve;
		}
		if ((rc = obj_push(x, &ob)) != PHI_OK)
			return rc;
	}
	return PHI_OK;
}

/* --- filters --- */

static int f_ahx(const unsigned char *s, size_t n, struct phi_buf *o)
{
	struct pdf_tok t = { PT_HEX, s, n, s + n };
	const unsigned char *gt = memchr(s, '>', n);
	if (gt)
		t.n = (size_t)(gt - s);
	return pdf_str_bytes(&t, o);
}

static int f_a85(const unsigned char *s, size_t n, struct phi_buf *o)
{
	uint32_t v = 0;
	int k = 0, rc = PHI_OK;
	size_t i;

	if (n >= 2 && s[0] == '<' && s[1] == '~') {
		s += 2;
		n -= 2;
	}
	for (i = 0; i < n && rc == PHI_OK; i++) {
		unsigned c = s[i];
		if (is_ws(c))
			continue;
		if (c == '~')
			break;
		if (c == 'z' && k == 0) {
			rc = phi_buf_append(o, "\0\0\0\0", 4);
			continue;
		}
		if (c < '!' || c > 'u')
			return PHI_EINVAL;
		v = v * 85 + (c - '!');
		if (++k == 5) {
			unsigned char b[4] = { (unsigned char)(v >> 24), (unsigned char)(v >> 16),
			                       (unsigned char)(v >> 8), (unsigned char)v };
			rc = phi_buf_append(o, b, 4);
			v = 0;
			k = 0;
		}
	}
	if (k > 1 && rc == PHI_OK) {
		int j;
		unsigned char b[4];
		for (j = k; j < 5; j++)
			v = v * 85 + 84;
		b[0] = (unsigned char)(v >> 24);
		b[1] = (unsigned char)(v >> 16);
		b[2] = (unsigned char)(v >> 8);
		b[3] = (unsigned char)v;
		rc = phi_buf_append(o, b, (size_t)(k - 1));
	}
	return rc;
}

static int f_rl(const unsigned char *s, size_t n, struct phi_buf *o)
{
	size_t i = 0;
	int rc = PHI_OK;
	while (i < n && rc == PHI_OK) {
		unsigned l = s[i++];
		if (l == 128)
			break;
		if (l < 128) {
			size_t k = l + 1u;
			if (k > n - i)
				k = n - i;
			rc = phi_buf_append(o, s + i, k);
			i += k;
		} else if (i < n) {
			unsigned r = 257 - l;
			while (r-- && rc == PHI_OK)
				rc = phi_buf_putc(o, s[i]);
			i++;
		}
	}
	return rc;
}

/* LZW as in PDF (EarlyChange 1): 9..12-bit codes, 256 clear, 257 end. */
static int f_lzw(struct pdf *x, const unsigned char *s, size_t n, struct phi_buf *o)
{
	static const unsigned MAXC = 4096;
	unsigned short *prefix = malloc(MAXC * sizeof *prefix);
	unsigned char *suffix = malloc(MAXC), *stack = malloc(MAXC);
	unsigned next = 258, width = 9, prev = 4096, code;
	uint32_t bits = 0;
	unsigned nbits = 0;
	size_t i = 0;
	int rc = PHI_OK;
	unsigned char first = 0;

	if (!prefix || !suffix || !stack) {
		rc = PHI_ENOMEM;
		goto out;
	}
	for (code = 0; code < 256; code++) {
		prefix[code] = 4096;
		suffix[code] = (unsigned char)code;
	}
	while (rc == PHI_OK) {
		unsigned sp = 0, c;
		while (nbits < width && i < n) {
			bits = bits << 8 | s[i++];
			nbits += 8;
		}
		if (nbits < width)
			break;
		code = (bits >> (nbits - width)) & ((1u << width) - 1);
		nbits -= width;
		if ((i & 0xFFFF) == 0 && doc_budget(x->d) != PHI_OK) {
			rc = PHI_ETIME;
			break;
		}
		if (code == 256) {
			next = 258;
			width = 9;
			prev = 4096;
			continue;
		}
		if (code == 257)
			break;
		if (prev == 4096) {
			if (code > 255)
				break;
			rc = phi_buf_putc(o, (unsigned char)code);
			prev = code;
			first = (unsigned char)code;
			continue;
		}
		c = code;
		if (code >= next) {
			if (code > next)
				break; /* corrupt */
			stack[sp++] = first;
			c = prev;
		}
		while (c >= 258 && c < MAXC && sp < MAXC) {
			stack[sp++] = suffix[c];
			c = prefix[c];
		}
		if (c > 255 || sp >= MAXC)
			break;
		stack[sp++] = (unsigned char)c;
		first = (unsigned char)c;
		while (sp && rc == PHI_OK)
			rc = phi_buf_putc(o, stack[--sp]);
		if (next < MAXC) {
			prefix[next] = (unsigned short)prev;
			suffix[next] = first;
			next++;
		}
		if (next + 1 >= (1u << width) && width < 12)
			width++;
		prev = code;
		if (o->len > 65536 && x->d->lim.max_ratio &&
		    o->len / (i ? i : 1) > x->d->lim.max_ratio) {
			say(x, &x->said_ratio, "limit max_ratio");
			rc = PHI_EINVAL;
		}
	}
out:
	free(prefix);
	free(suffix);
	free(stack);
	return rc;
}

static int name_is(const struct pdf_tok *t, const char *a, const char *b)
{
	size_t la = strlen(a), lb = b ? strlen(b) : 0;
	return (t->n == la && memcmp(t->s, a, la) == 0) || (b && t->n == lb && memcmp(t->s, b, lb) == 0);
}

/* Decode object ob's stream through its filters into out (reset first).
 * Returns PHI_OK, PHI_EINVAL (not decodable / image), PHI_ENOMEM, PHI_ETIME. */
static int decode_stream(struct pdf *x, const struct pobj *ob, struct phi_buf *out)
{
	struct pdf_tok f[MAX_FILTERS];
	size_t nf = 0, i;
	const unsigned char *vs;
	size_t vn;
	struct phi_buf a, b, *cur = NULL;
	int rc = PHI_OK;

	phi_buf_reset(out);
	if (!ob->stream)
		return PHI_EINVAL;
	if (pdf_dict_get(ob->body, ob->body_len, "Filter", &vs, &vn)) {
		struct pdf_lex l = { vs, vs + vn };
		struct pdf_tok t;
		pdf_lex_next(&l, &t);
		if (t.type == PT_NAME) {
			f[nf++] = t;
		} else if (t.type == PT_ARR) {
			while (pdf_lex_next(&l, &t) == PT_NAME)
				if (nf < MAX_FILTERS)
					f[nf++] = t;
				else
					return PHI_EINVAL;
		}
	}
	phi_buf_init(&a, x->d->lim.max_entry_bytes);
	phi_buf_init(&b, x->d->lim.max_entry_bytes);
	{
		const unsigned char *src = ob->stream;
		size_t sn = ob->stream_len;
		for (i = 0; i < nf && rc == PHI_OK; i++) {
			struct phi_buf *dst = (i & 1) ? &b : &a;
			const char *why = NULL;
			phi_buf_reset(dst);
			if (name_is(&f[i], "FlateDecode", "Fl")) {
				size_t used;
				rc = zinf_inflate(x->d, src, sn, ZINF_ZLIB, x->d->lim.max_entry_bytes,
				                  x->d->lim.max_ratio, dst, &used, &why);
				if (rc == PHI_EINVAL && dst->len == 0) {
					rc = zinf_inflate(x->d, src, sn, ZINF_RAW, x->d->lim.max_entry_bytes,
					                  x->d->lim.max_ratio, dst, &used, &why);
				}
				if (rc == PHI_EINVAL && dst->len)
					rc = PHI_OK; /* truncated stream: keep what came out */
				if (rc == PHI_ELIMIT && why && strcmp(why, "limit max_ratio") == 0) {
					say(x, &x->said_ratio, why);
					rc = PHI_EINVAL;
				} else if (rc == PHI_ELIMIT) {
					say(x, &x->said_entry, "limit max_entry_bytes");
					rc = PHI_OK;
				}
			} else if (name_is(&f[i], "ASCIIHexDecode", "AHx")) {
				rc = f_ahx(src, sn, dst);
			} else if (name_is(&f[i], "ASCII85Decode", "A85")) {
				rc = f_a85(src, sn, dst);
			} else if (name_is(&f[i], "LZWDecode", "LZW")) {
				rc = f_lzw(x, src, sn, dst);
			} else if (name_is(&f[i], "RunLengthDecode", "RL")) {
				rc = f_rl(src, sn, dst);
			} else {
				rc = PHI_EINVAL; /* DCT, JPX, CCITT, JBIG2, Crypt: not text */
			}
			if (rc == PHI_ELIMIT) {
				say(x, &x->said_entry, "limit max_entry_bytes");
				rc = PHI_OK;
			}
			src = dst->data;
			sn = dst->len;
			cur = dst;
		}
		if (rc == PHI_OK) {
			if (cur) {
				/* hand the final buffer over by swapping */
				struct phi_buf t = *out;
				*out = *cur;
				*cur = t;
			} else {
				size_t k = sn > x->d->lim.max_entry_bytes ? x->d->lim.max_entry_bytes : sn;
				rc = phi_buf_append(out, src, k);
				if (rc == PHI_ELIMIT)
					rc = PHI_OK;
			}
		}
	}
	phi_buf_free(&a);
	phi_buf_free(&b);
	return rc;
}

/* --- object lookup --- */

static int key_cmp(const void *a, const void *b)
{
	const struct okey *x = a, *y = b;
	if (x->num != y->num)
		return x->num < y->num ? -1 : 1;
	return x->i < y->i ? -1 : x->i > y->i;
}

static int build_index(struct pdf *x)
{
	size_t i;
	free(x->idx);
	x->idx = malloc((x->no ? x->no : 1) * sizeof *x->idx);
	if (!x->idx)
		return PHI_ENOMEM;
	for (i = 0; i < x->no; i++) {
		x->idx[i].num = x->o[i].num;
		x->idx[i].i = i;
	}
	qsort(x->idx, x->no, sizeof *x->idx, key_cmp);
	return PHI_OK;
}

/* The last definition of object num (incremental updates win). */
static struct pobj *obj_get(struct pdf *x, long num)
{
	size_t lo = 0, hi = x->no;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (x->idx[mid].num <= num)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo > 0 && x->idx[lo - 1].num == num)
		return &x->o[x->idx[lo - 1].i];
	return NULL;
}

/* Follow references from a value to a direct value (bounded hops). */
static void resolve(struct pdf *x, const unsigned char **vs, size_t *vn, struct pobj **obj)
{
	long num;
	int hops;
	if (obj)
		*obj = NULL;
	for (hops = 0; hops < REF_HOPS && pdf_ref(*vs, *vn, &num); hops++) {
		struct pobj *o = obj_get(x, num);
		if (!o)
			return;
		*vs = o->body;
		*vn = o->body_len;
		if (obj)
			*obj = o;
	}
}

static int get(struct pdf *x, const unsigned char *s, size_t n, const char *key,
               const unsigned char **vs, size_t *vn, struct pobj **obj)
{
	if (!pdf_dict_get(s, n, key, vs, vn))
		return 0;
	resolve(x, vs, vn, obj);
	return 1;
}

/* --- object streams --- */

static int load_objstms(struct pdf *x)
{
	size_t i, count = x->no;
	int rc = PHI_OK;

	for (i = 0; i < count && rc == PHI_OK; i++) {
		struct pobj *ob = &x->o[i];
		const unsigned char *vs;
		size_t vn, k;
		double nn, first;
		struct phi_buf *kb;
		struct pdf_lex l;
		struct pdf_tok a, b;
		long *pairs;

		if (!ob->stream || !pdf_dict_get(ob->body, ob->body_len, "Type", &vs, &vn) ||
		    !pdf_is_name(vs, vn, "ObjStm"))
			continue;
		if (!get(x, ob->body, ob->body_len, "N", &vs, &vn, NULL) || !pdf_num(vs, vn, &nn) ||
		    !get(x, ob->body, ob->body_len, "First", &vs, &vn, NULL) || !pdf_num(vs, vn, &first) ||
		    nn < 0 || first < 0 || nn > 1e6)
			continue;
		if (x->nkept == x->capkept) {
			size_t nc = x->capkept ? x->capkept * 2 : 8;
			struct phi_buf *nk = realloc(x->kept, nc * sizeof *nk);
			if (!nk)
				return PHI_ENOMEM;
			x->kept = nk;
			x->capkept = nc;
		}
		kb = &x->kept[x->nkept];
		phi_buf_init(kb, x->d->lim.max_entry_bytes);
		if ((rc = decode_stream(x, ob, kb)) != PHI_OK) {
			phi_buf_free(kb);
			if (rc == PHI_EINVAL)
				rc = PHI_OK;
			continue;
		}
		x->nkept++;
		x->kept_bytes += kb->len;
		if (x->kept_bytes > x->d->lim.max_decoded_bytes) {
			say(x, &x->said_entry, "limit max_entry_bytes");
			break;
		}
		if ((size_t)first > kb->len)
			continue;
		/* the header: N pairs "objnum offset" */
		k = (size_t)nn;
		pairs = malloc((k ? k : 1) * 2 * sizeof *pairs);
		if (!pairs)
			return PHI_ENOMEM;
		l.p = kb->data;
		l.e = kb->data + (size_t)first;
		{
			size_t j, got = 0;
			for (j = 0; j < k; j++) {
				double d1, d2;
				if (pdf_lex_next(&l, &a) != PT_NUM || pdf_lex_next(&l, &b) != PT_NUM)
					break;
				d1 = strtod((const char *)a.s, NULL); /* bounded by the NUM token's delimiter */
				d2 = strtod((const char *)b.s, NULL);
				if (d1 < 0 || d2 < 0 || d2 >= (double)(kb->len - (size_t)first))
					break;
				pairs[2 * got] = (long)d1;
				pairs[2 * got + 1] = (long)d2;
				got++;
			}
			for (j = 0; j < got && rc == PHI_OK; j++) {
				struct pobj no;
				size_t s = (size_t)first + (size_t)pairs[2 * j + 1];
				size_t e = j + 1 < got ? (size_t)first + (size_t)pairs[2 * j + 3] : kb->len;
				if (e < s || e > kb->len)
					e = kb->len;
				memset(&no, 0, sizeof no);
				no.num = pairs[2 * j];
				no.body = kb->data + s;
				no.body_len = e - s;
				rc = obj_push(x, &no);
			}
		}
		free(pairs);
		if (rc == PHI_ELIMIT)
			return PHI_OK;
	}
	return rc == PHI_ELIMIT ? PHI_OK : rc;
}

/* --- fonts --- */

/* --- for pdf_font.c --- */

int pdf_x_get(struct pdf *x, const unsigned char *s, size_t n, const char *key,
              const unsigned char **vs, size_t *vn)
{
	return get(x, s, n, key, vs, vn, NULL);
}

void pdf_x_resolve(struct pdf *x, const unsigned char **vs, size_t *vn)
{
	resolve(x, vs, vn, NULL);
}

int pdf_x_stream(struct pdf *x, long num, struct phi_buf *out)
{
	struct pobj *o = obj_get(x, num);
	return o ? decode_stream(x, o, out) : PHI_EINVAL;
}

struct phi_doc *pdf_x_doc(struct pdf *x)
{
	return x->d;
}

static void find_fallback(struct pdf *x)
{
	size_t i, ncm = 0, two = 0;
	const struct pdf_cmap *first = NULL;

	for (i = 0; i < x->no; i++) {
		const unsigned char *vs;
		size_t vn;
		long num;
		if (x->o[i].body_len && x->o[i].body[0] == '<' &&
		    pdf_dict_get(x->o[i].body, x->o[i].body_len, "ToUnicode", &vs, &vn) &&
		    pdf_ref(vs, vn, &num)) {
			const struct pdf_cmap *c = pdf_font_tounicode(x, x->fc, num);
			if (c && c != first) {
				if (!first)
					first = c;
				ncm++;
				two += pdf_cmap_two_byte(c);
			}
		}
	}
	/* One map, or only 2-byte maps: use it for fonts we cannot name. */
	if (ncm == 1 || (ncm > 0 && two == ncm))
		x->fallback = first;
}

/* --- text output --- */

static int emit(struct pdf *x, struct phi_buf *t)
{
	int rc = PHI_OK;
	if (t->len) {
		rc = doc_add_text(x->d, x->part, PHI_F_NONE, NULL, t->data, t->len, x->text_off);
		x->text_off += t->len;
	}
	return rc; /* PHI_ELIMIT: decoded budget spent, the callers stop */
}

static int run_content(struct pdf *x, const unsigned char *c, size_t cn, const unsigned char *res,
                       size_t resn)
{
	struct pdf_font fonts[PDF_MAX_FONTS];
	unsigned short (*maps)[256] = calloc(PDF_MAX_FONTS, sizeof *maps); /* owned; NULL: no maps */
	size_t nf = res ? pdf_fonts_of(x, x->fc, res, resn, fonts, maps) : 0;
	struct phi_buf t;
	int rc;

	phi_buf_init(&t, x->d->lim.max_entry_bytes);
	rc = pdf_content_text(x->d, c, cn, fonts, nf, x->fallback, &t);
	if (rc == PHI_ELIMIT) {
		say(x, &x->said_entry, "limit max_entry_bytes");
		rc = PHI_OK;
	}
	if (rc == PHI_OK)
		rc = emit(x, &t);
	phi_buf_free(&t);
	free(maps);
	return rc;
}

/* Resources of a page, inherited through /Parent. */
static int page_resources(struct pdf *x, const struct pobj *pg, const unsigned char **rs, size_t *rn)
{
	const unsigned char *b = pg->body, *vs;
	size_t bn = pg->body_len, vn;
	long parent = -1, num;
	int hops, ok = 0;

	if (get(x, b, bn, "Resources", rs, rn, NULL))
		return 1;
	/* Inherited: pages of one /Pages node share the answer. Why cache: the
	 * parent's /Kids array is lexed on every lookup, and a flat tree of
	 * 20000 kids would make that quadratic. */
	if (!pdf_dict_get(b, bn, "Parent", &vs, &vn) || !pdf_ref(vs, vn, &parent))
		return 0;
	if (parent == x->res_parent) {
		*rs = x->res_s;
		*rn = x->res_n;
		return x->res_ok;
	}
	num = parent;
	for (hops = 0; hops < PARENT_HOPS; hops++) {
		struct pobj *o = obj_get(x, num);
		if (!o)
			break;
		if (get(x, o->body, o->body_len, "Resources", rs, rn, NULL)) {
			ok = 1;
			break;
		}
		if (!pdf_dict_get(o->body, o->body_len, "Parent", &vs, &vn) || !pdf_ref(vs, vn, &num))
			break;
	}
	x->res_parent = parent;
	x->res_ok = ok;
	x->res_s = ok ? *rs : NULL;
	x->res_n = ok ? *rn : 0;
	return ok;
}

static int do_page(struct pdf *x, struct pobj *pg)
{
	const unsigned char *vs, *rs = NULL;
	size_t vn, rn = 0;
	struct phi_buf all, one;
	int rc = PHI_OK;

	if (!pdf_dict_get(pg->body, pg->body_len, "Contents", &vs, &vn))
		return PHI_OK;
	page_resources(x, pg, &rs, &rn);
	phi_buf_init(&all, x->d->lim.max_entry_bytes);
	phi_buf_init(&one, x->d->lim.max_entry_bytes);
	{
		struct pdf_lex l = { vs, vs + vn };
		struct pdf_tok t;
		long num;
		if (pdf_ref(vs, vn, &num)) {
			/* one stream, or a reference to an array of them */
			struct pobj *o = obj_get(x, num);
			if (o && !o->stream && o->body_len && o->body[0] == '[') {
				l.p = o->body;
				l.e = o->body + o->body_len;
			} else if (o && o->stream) {
				if ((rc = decode_stream(x, o, &one)) == PHI_OK)
					rc = phi_buf_append(&all, one.data, one.len);
				l.p = l.e;
			}
		}
		if (l.p < l.e && pdf_lex_next(&l, &t) == PT_ARR) {
			while (rc != PHI_ENOMEM && rc != PHI_ETIME && pdf_lex_next(&l, &t) == PT_NUM) {
				struct pdf_lex save = l;
				struct pdf_tok g, r;
				struct pobj *o;
				if (pdf_lex_next(&l, &g) != PT_NUM || pdf_lex_next(&l, &r) != PT_KW) {
					l = save;
					continue;
				}
				if (pdf_ref(t.s, (size_t)(r.end - t.s), &num) && (o = obj_get(x, num)) && o->stream) {
					rc = decode_stream(x, o, &one);
					if (rc == PHI_OK && (rc = phi_buf_append(&all, one.data, one.len)) == PHI_OK)
						rc = phi_buf_putc(&all, '\n');
				}
			}
		}
	}
	if (rc == PHI_ELIMIT) {
		say(x, &x->said_entry, "limit max_entry_bytes");
		rc = PHI_OK;
	}
	if (rc == PHI_EINVAL)
		rc = PHI_OK;
	if (rc == PHI_OK && all.len)
		rc = run_content(x, all.data, all.len, rs, rn);
	phi_buf_free(&all);
	phi_buf_free(&one);
	return rc;
}

/* The text string under `key` of dictionary o, appended to t as UTF-8.
 * Returns 1 when something was appended, 0 when absent or not a string,
 * or a negative PHI_E* code. */
static int meta_str(const struct pobj *o, const char *key, struct phi_buf *s, struct phi_buf *t)
{
	const unsigned char *vs;
	size_t vn, before = t->len;
	struct pdf_lex l;
	struct pdf_tok tk;
	int rc;

	if (!pdf_dict_get(o->body, o->body_len, key, &vs, &vn))
		return 0;
	l.p = vs;
	l.e = vs + vn;
	if (pdf_lex_next(&l, &tk) != PT_STR && tk.type != PT_HEX)
		return 0; /* /Contents of a page is a reference: not this */
	phi_buf_reset(s);
	if (pdf_str_bytes(&tk, s) == PHI_ENOMEM)
		return PHI_ENOMEM;
	if (!s->len)
		return 0;
	rc = pdf_textstring_utf8(s->data, s->len, t);
	if (rc != PHI_OK)
		return rc;
	return t->len > before;
}

/* A form field's internal name as words: "PatientName" -> "Patient Name",
 * "date_of_birth" -> "date of birth", "pt.dob" -> "pt dob", so the labels
 * are the ones the detectors know. t[mark..len) is rewritten in place. */
static int field_words(struct phi_buf *t, size_t mark)
{
	unsigned char w[256];
	size_t i, k = 0, n = t->len - mark;

	if (n > 120)
		return PHI_OK;
	for (i = 0; i < n; i++) {
		unsigned char c = t->data[mark + i], pc = i ? t->data[mark + i - 1] : 0;
		if (c == '_' || c == '.' || c == '-')
			c = ' ';
		else if (c >= 'A' && c <= 'Z' && i && ((pc >= 'a' && pc <= 'z') ||
		                                       (i + 1 < n && pc >= 'A' && pc <= 'Z' &&
		                                        t->data[mark + i + 1] >= 'a' && t->data[mark + i + 1] <= 'z')))
			w[k++] = ' '; /* "PatientName", "MRNNumber" -> "MRN Number" */
		w[k++] = c;
	}
	t->len = mark;
	return phi_buf_append(t, w, k);
}

/* Info strings, form field values, annotation contents. A form field's
 * value is written after its name ("Date of birth: 03/14/1961", from /TU,
 * else /T split into words), so that a filled intake form reads like a
 * labelled letter. */
static int do_meta(struct pdf *x)
{
	static const char *const keys[] = { "Title", "Author", "Subject", "Keywords", "Contents" };
	struct phi_buf t, s;
	size_t i, k;
	int rc = PHI_OK, r;
	const unsigned char *vv;
	size_t vl;

	phi_buf_init(&t, x->d->lim.max_entry_bytes);
	phi_buf_init(&s, 1 << 20);
	for (i = 0; i < x->no && rc == PHI_OK; i++) {
		const struct pobj *o = &x->o[i];
		if ((i & 63) == 0 && (rc = doc_budget(x->d)) != PHI_OK)
			break;
		if (!o->body_len || o->body[0] != '<')
			continue;
		for (k = 0; k < sizeof keys / sizeof keys[0] && rc == PHI_OK; k++) {
			r = meta_str(o, keys[k], &s, &t);
			if (r < 0)
				rc = r;
			else if (r > 0)
				rc = phi_buf_putc(&t, '\n');
		}
		if (rc != PHI_OK || !pdf_dict_get(o->body, o->body_len, "V", &vv, &vl))
			continue;
		{
			size_t mark = t.len;
			r = meta_str(o, "TU", &s, &t);
			if (r == 0 && (r = meta_str(o, "T", &s, &t)) > 0 && field_words(&t, mark) != PHI_OK)
				r = PHI_ELIMIT;
			if (r > 0)
				r = phi_buf_append(&t, ": ", 2) == PHI_OK ? 1 : PHI_ELIMIT;
			if (r >= 0) {
				int v = meta_str(o, "V", &s, &t);
				if (v > 0)
					rc = phi_buf_putc(&t, '\n');
				else if (v == 0 && t.data) {
					t.len = mark; /* a name without a string value: drop it */
					t.data[mark] = 0;
				}
				else
					rc = v;
			} else {
				rc = r;
			}
		}
	}
	if (rc == PHI_ELIMIT)
		rc = PHI_OK;
	if (rc == PHI_OK)
		rc = emit(x, &t);
	phi_buf_free(&t);
	phi_buf_free(&s);
	return rc;
}

static int encrypted(const unsigned char *p, size_t n)
{
	const unsigned char *q = p, *e = p + n, *h;
	while ((h = memmem(q, (size_t)(e - q), "/Encrypt", 8)) != NULL) {
		const unsigned char *s = h + 8;
		if (s < e && !is_regular(*s)) {
			while (s < e && is_ws(*s))
				s++;
			if (s < e && ((*s >= '0' && *s <= '9') || *s == '<'))
				return 1;
		}
		q = h + 8;
	}
	return 0;
}

int x_pdf_extract(struct phi_doc *d, int part, const unsigned char *p, size_t n)
{
	struct pdf *x = calloc(1, sizeof *x);
	size_t i, pages = 0, count;
	struct phi_buf b;
	int rc = PHI_OK;

	if (!x)
		return PHI_ENOMEM;
	x->d = d;
	x->part = part;
	x->p = p;
	x->n = n;
	x->res_parent = -1;
	if (!(x->fc = pdf_fontcache_new())) {
		free(x);
		return PHI_ENOMEM;
	}
	if (part >= 0 && (size_t)part < d->nparts)
		d->parts[part].format = PHI_FMT_PDF;
	phi_buf_init(&b, d->lim.max_entry_bytes);
	if (encrypted(p, n)) {
		doc_unscannable(d, part, "encrypted");
		goto out;
	}
	{
		/* A PDF ends with %%EOF (give or take trailing junk): without it the
		 * file was cut and what follows the cut is not scanned. */
		size_t tail = n < 2048 ? n : 2048;
		if (!memmem(p + n - tail, tail, "%%EOF", 5))
			doc_unscannable(d, part, "truncated");
	}
	rc = scan_objects(x);
	if (rc == PHI_ELIMIT)
		rc = PHI_OK;
	if (rc != PHI_OK)
		goto out;
	if ((rc = build_index(x)) != PHI_OK || (rc = load_objstms(x)) != PHI_OK || (rc = build_index(x)) != PHI_OK)
		goto out;
	if (x->no == 0) {
		doc_unscannable(d, part, "corrupt pdf");
		goto out;
	}
	find_fallback(x);
	count = x->no;
	for (i = 0; i < count && rc == PHI_OK; i++) {
		const unsigned char *vs;
		size_t vn;
		if (x->o[i].body_len && x->o[i].body[0] == '<' &&
		    pdf_dict_get(x->o[i].body, x->o[i].body_len, "Type", &vs, &vn) && pdf_is_name(vs, vn, "Page")) {
			/* an earlier definition superseded by an update: skip it */
			if (obj_get(x, x->o[i].num) != &x->o[i])
				continue;
			pages++;
			if ((rc = doc_budget(d)) == PHI_OK)
				rc = do_page(x, &x->o[i]);
		}
	}
	/* Form XObjects, and with no page tree at all, any stream with text. */
	for (i = 0; i < count && rc == PHI_OK; i++) {
		struct pobj *o = &x->o[i];
		const unsigned char *vs, *rs = NULL;
		size_t vn, rn = 0;
		int form;
		if (!o->stream)
			continue;
		if ((rc = doc_budget(d)) != PHI_OK)
			break;
		form = pdf_dict_get(o->body, o->body_len, "Subtype", &vs, &vn) && pdf_is_name(vs, vn, "Form");
		if (!form && pages)
			continue;
		if (!form && (pdf_dict_get(o->body, o->body_len, "Type", &vs, &vn) ||
		              pdf_dict_get(o->body, o->body_len, "Subtype", &vs, &vn)))
			continue; /* typed streams (fonts, images, xref, cmaps) are not content */
		rc = decode_stream(x, o, &b);
		if (rc == PHI_EINVAL) {
			rc = PHI_OK;
			continue;
		}
		if (rc != PHI_OK)
			break;
		/* An empty decoded stream has no text and no buffer (NULL):
		 * neither memmem nor the content lexer may see NULL + 0. */
		if (!b.len || (!form && !memmem(b.data, b.len, "BT", 2)))
			continue;
		get(x, o->body, o->body_len, "Resources", &rs, &rn, NULL);
		rc = run_content(x, b.data, b.len, rs, rn);
	}
	if (rc == PHI_OK)
		rc = do_meta(x);
out:
	if (rc == PHI_ELIMIT || rc == PHI_EINVAL)
		rc = PHI_OK;
	phi_buf_free(&b);
	for (i = 0; i < x->nkept; i++)
		phi_buf_free(&x->kept[i]);
	pdf_fontcache_free(x->fc);
	free(x->kept);
	free(x->o);
	free(x->idx);
	free(x);
	return rc;
}
