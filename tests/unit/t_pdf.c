/* t_pdf.c - PDF text from documents built as strings: plain and Flate
 * content, TJ, hex strings, ToUnicode, object streams, filters chains,
 * encrypted, truncated, self-references, limits. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include "tap.h"
#include "scan.h"
#include "extract/extract.h"

struct pb {
	char *p;
	size_t n, cap;
};

static void put(struct pb *b, const void *s, size_t n)
{
	if (b->n + n + 1 > b->cap) {
		b->cap = (b->n + n + 1) * 2;
		b->p = realloc(b->p, b->cap);
	}
	memcpy(b->p + b->n, s, n);
	b->n += n;
	b->p[b->n] = 0;
}

static void puts_(struct pb *b, const char *s) { put(b, s, strlen(s)); }

static void obj(struct pb *b, int num, const char *body)
{
	char h[64];
	snprintf(h, sizeof h, "%d 0 obj\n", num);
	puts_(b, h);
	puts_(b, body);
	puts_(b, "\nendobj\n");
}

/* A stream object; dict_extra goes inside << >> besides /Length. */
static void sobj(struct pb *b, int num, const char *dict_extra, const void *data, size_t n, long len_override)
{
	char h[256];
	snprintf(h, sizeof h, "%d 0 obj\n<< /Length %ld %s >>\nstream\n", num,
	         len_override >= 0 ? len_override : (long)n, dict_extra);
	puts_(b, h);
	put(b, data, n);
	puts_(b, "\nendstream\nendobj\n");
}

static unsigned char *zlib_of(const void *in, size_t n, size_t *outn)
{
	uLongf cap = compressBound(n);
	unsigned char *o = malloc(cap);
	compress2(o, &cap, in, n, 9);
	*outn = cap;
	return o;
}

/* PDF LZW (EarlyChange 1) encoder: a plain dictionary search, test-sized. */
static size_t lzw_of(const unsigned char *in, size_t n, unsigned char *out, size_t cap)
{
	static unsigned short pre[4096];
	static unsigned char suf[4096];
	unsigned next = 258, width = 9, w = 4096;
	unsigned long bits = 0;
	unsigned nbits = 0;
	size_t o = 0, i;

#define EMIT(code) do { bits = bits << width | (code); nbits += width; \
		while (nbits >= 8 && o < cap) { out[o++] = (unsigned char)(bits >> (nbits - 8)); nbits -= 8; } } while (0)
	EMIT(256u);
	for (i = 0; i < n; i++) {
		unsigned c = in[i], k, found = 4096;
		if (w == 4096) {
			w = c;
			continue;
		}
		for (k = 258; k < next; k++)
			if (pre[k] == w && suf[k] == c) {
				found = k;
				break;
			}
		if (found != 4096) {
			w = found;
			continue;
		}
		EMIT(w);
		if (next < 4000) {
			pre[next] = (unsigned short)w;
			suf[next] = (unsigned char)c;
			next++;
			if (next >= (1u << width) && width < 12)
				width++;
		}
		w = c;
	}
	if (w != 4096)
		EMIT(w);
	EMIT(257u);
	if (nbits && o < cap)
		out[o++] = (unsigned char)(bits << (8 - nbits));
#undef EMIT
	return o;
}

static void head(struct pb *b) { b->n = 0; puts_(b, "%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"); }
static void tail(struct pb *b) { puts_(b, "trailer\n<< /Root 1 0 R /Size 9 >>\nstartxref\n0\n%%EOF\n"); }

/* page tree with one page using content object 4 and font object 5 as /F1 */
static void pages(struct pb *b, const char *font5)
{
	obj(b, 1, "<< /Type /Catalog /Pages 2 0 R >>");
	obj(b, 2, "<< /Type /Pages /Kids [3 0 R] /Count 1 /Resources << /Font << /F1 5 0 R >> >> >>");
	obj(b, 3, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>");
	obj(b, 5, font5 ? font5 : "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>");
}

static struct phi_scan *run(const struct pb *b, size_t n, const struct phi_limits *lim)
{
	struct phi_scan *s = phi_scan_new(NULL, lim, NULL, NULL);
	int part = doc_add_part(&s->doc, -1, "application/pdf", "r.pdf", PHI_FMT_PDF, n, 1);
	x_pdf_extract(&s->doc, part, (const unsigned char *)b->p, n);
	return s;
}

static const char *text(struct phi_scan *s)
{
	static char buf[1 << 16];
	size_t o = 0, k;
	for (k = 0; k < s->doc.nsegs; k++) {
		const struct phi_segment *g = &s->doc.segs[k];
		if (o + g->len >= sizeof buf)
			break;
		memcpy(buf + o, g->text, g->len);
		o += g->len;
	}
	buf[o] = 0;
	return buf;
}

static int has_why(struct phi_scan *s, const char *why)
{
	size_t i;
	for (i = 0; i < phi_scan_nfindings(s); i++) {
		const struct phi_finding *f = phi_scan_finding(s, i);
		if (f->type == PHI_T_UNSCANNABLE && strstr(f->why, why))
			return 1;
	}
	return 0;
}

static const char content1[] =
	"BT /F1 12 Tf 72 700 Td (Patient: Zed Quux) Tj 0 -14 Td (Nested \\(paren\\) and \\\\ and \\101) Tj ET\n"
	"BT 72 600 Td [(Disch) 30 (arge) -350 (summary)] TJ T* <48656C6C6F> Tj ET\n"
	"BT 1 0 0 1 72 500 Tm (caf\\351) Tj 1 0 0 1 200 500 Tm (right) Tj ET";
static const char want1[] = "Patient: Zed Quux\nNested (paren) and \\ and A\nDischarge summary\nHello\ncaf\xc3\xa9 right\n";


/* --- embedded TrueType fonts built here: glyph ids as a subsetting
 * producer would number them (space 3, ':' 5, A-Z 10.., a-z 40.., 0-9 70..) --- */

static unsigned gid_of(int ch)
{
	if (ch == ' ')
		return 3;
	if (ch == ':')
		return 5;
	if (ch >= 'A' && ch <= 'Z')
		return 10 + (unsigned)(ch - 'A');
	if (ch >= 'a' && ch <= 'z')
		return 40 + (unsigned)(ch - 'a');
	if (ch >= '0' && ch <= '9')
		return 70 + (unsigned)(ch - '0');
	return 0;
}

static void w16(struct pb *b, unsigned v)
{
	unsigned char c[2] = { (unsigned char)(v >> 8), (unsigned char)v };
	put(b, c, 2);
}

static void u8_(struct pb *b, unsigned v)
{
	unsigned char c = (unsigned char)v;
	put(b, &c, 1);
}

static void w32(struct pb *b, unsigned long v)
{
	w16(b, (unsigned)(v >> 16 & 0xFFFF));
	w16(b, (unsigned)(v & 0xFFFF));
}

/* cmap table with one format-4 subtable: (3,1) Unicode, or (3,0) symbol
 * where code 0xF000 + (ch - 0x1F) is character ch's glyph. */
static void cmap4(struct pb *t, int symbol)
{
	static const unsigned us[6] = { 0x20, 0x30, 0x3A, 0x41, 0x61, 0xFFFF };
	static const unsigned ue[6] = { 0x20, 0x39, 0x3A, 0x5A, 0x7A, 0xFFFF };
	static const int ud[6] = { 3 - 0x20, 70 - 0x30, 0, 10 - 0x41, 40 - 0x61, 1 };
	static const unsigned ur[6] = { 0, 0, 8, 0, 0, 0 }; /* seg 2 reads glyphIdArray[0] */
	unsigned seg = symbol ? 2 : 6, i;
	size_t st, lenat;

	t->n = 0;
	w16(t, 0);
	w16(t, 1);
	w16(t, 3);
	w16(t, symbol ? 0 : 1);
	w32(t, 12);
	st = t->n;
	w16(t, 4);
	lenat = t->n;
	w16(t, 0);
	w16(t, 0);
	w16(t, 2 * seg);
	w16(t, 0); w16(t, 0); w16(t, 0);
	for (i = 0; i < seg; i++)
		w16(t, symbol ? (i ? 0xFFFF : 0xF05B) : ue[i]);
	w16(t, 0);
	for (i = 0; i < seg; i++)
		w16(t, symbol ? (i ? 0xFFFF : 0xF001) : us[i]);
	for (i = 0; i < seg; i++)
		w16(t, symbol ? (i ? 1 : 0) : (unsigned)(ud[i] & 0xFFFF));
	for (i = 0; i < seg; i++)
		w16(t, symbol ? (i ? 0 : 4) : ur[i]);
	if (symbol)
		for (i = 1; i <= 0x5B; i++)
			w16(t, gid_of((int)i + 0x1F));
	else
		w16(t, 5);
	t->p[lenat] = (char)((t->n - st) >> 8);
	t->p[lenat + 1] = (char)(t->n - st);
}

/* cmap table with one (3,10) format-12 subtable: the same glyphs as groups. */
static void cmap12(struct pb *t)
{
	static const unsigned long g[5][3] = {
		{ 0x20, 0x20, 3 }, { 0x30, 0x39, 70 }, { 0x3A, 0x3A, 5 }, { 0x41, 0x5A, 10 }, { 0x61, 0x7A, 40 },
	};
	unsigned i;
	t->n = 0;
	w16(t, 0); w16(t, 1); w16(t, 3); w16(t, 10); w32(t, 12);
	w16(t, 12); w16(t, 0); w32(t, 16 + 12 * 5); w32(t, 0); w32(t, 5);
	for (i = 0; i < 5; i++) {
		w32(t, g[i][0]); w32(t, g[i][1]); w32(t, g[i][2]);
	}
}

/* post format 2: Macintosh standard indices for ASCII glyphs, glyph 5 by
 * a name of its own ("colon"). */
static void post2(struct pb *t)
{
	unsigned g;
	t->n = 0;
	w32(t, 0x00020000);
	for (g = 0; g < 7; g++)
		w32(t, 0);
	w16(t, 80);
	for (g = 0; g < 80; g++) {
		int ch, found = 0;
		for (ch = 0x20; ch < 0x7F && !found; ch++)
			if (gid_of(ch) == g && g)
				found = ch;
		w16(t, g == 5 ? 258 : found ? (unsigned)(found - 0x20 + 3) : 0);
	}
	put(t, "\x05" "colon", 6);
}

/* An sfnt with the given tables (tags sorted): cmap_kind 0 none, 1 (3,1)
 * format 4, 2 (3,0) symbol format 4, 3 (3,10) format 12. */
static void sfnt(struct pb *f, int cmap_kind, int post)
{
	struct pb c = { 0 }, q = { 0 };
	unsigned nt = (cmap_kind ? 1u : 0u) + (post ? 1u : 0u);
	size_t off = 12 + 16 * nt;

	if (cmap_kind == 3)
		cmap12(&c);
	else if (cmap_kind)
		cmap4(&c, cmap_kind == 2);
	if (post)
		post2(&q);
	f->n = 0;
	w32(f, 0x00010000);
	w16(f, nt); w16(f, 0); w16(f, 0); w16(f, 0);
	if (cmap_kind) {
		put(f, "cmap", 4); w32(f, 0); w32(f, (unsigned long)off); w32(f, (unsigned long)c.n);
		off += c.n;
	}
	if (post) {
		put(f, "post", 4); w32(f, 0); w32(f, (unsigned long)off); w32(f, (unsigned long)q.n);
	}
	if (cmap_kind)
		put(f, c.p, c.n);
	if (post)
		put(f, q.p, q.n);
	free(c.p);
	free(q.p);
}

/* A bare CFF (FontFile3 /CIDFontType0C) naming the glyphs of gid_of in
 * its charset (format 0): standard strings, ':' by the custom string
 * "colon"; cid_keyed adds a ROS operator (the charset then holds CIDs). */
static void cff(struct pb *f, int cid_keyed)
{
	unsigned g, top_len = (cid_keyed ? 5u : 0u) + 12u;
	size_t strs_at, cs_at, charset_at;
	f->n = 0;
	put(f, "\x01\x00\x04\x04", 4);
	put(f, "\x00\x01\x01\x01\x02" "F", 6);                  /* Name INDEX */
	w16(f, 1); put(f, "\x01\x01", 2); put(f, (char[]){ (char)(1 + top_len) }, 1); /* Top DICT INDEX */
	strs_at = f->n + top_len;
	charset_at = strs_at + 2 + 1 + 2 + 5 + 2;               /* after String INDEX and empty GSubr INDEX */
	cs_at = charset_at + 1 + 2 * 79;
	if (cid_keyed)
		put(f, "\x8b\x8b\x8b\x0c\x1e", 5);                  /* ROS 0 0 0 */
	u8_(f, 29); w32(f, (unsigned long)charset_at); u8_(f, 15);
	u8_(f, 29); w32(f, (unsigned long)cs_at); u8_(f, 17);
	w16(f, 1); put(f, "\x01\x01\x06" "colon", 8);          /* String INDEX: SID 391 */
	w16(f, 0);                                              /* Global Subr INDEX */
	u8_(f, 0);                                              /* charset format 0: SIDs of gids 1..79 */
	for (g = 1; g < 80; g++) {
		int ch, sid = 0;
		for (ch = 0x20; ch < 0x7F && !sid; ch++)
			if (gid_of(ch) == g)
				sid = ch == ':' ? 391 : ch - 0x20 + 1;
		w16(f, (unsigned)sid);
	}
	w16(f, 80); u8_(f, 1);                                  /* CharStrings INDEX: 80 x endchar */
	for (g = 0; g <= 80; g++)
		u8_(f, 1 + g);
	for (g = 0; g < 80; g++)
		u8_(f, 14);
}

/* Hex string of the glyph ids (+ add) of s, as an Identity-H font shows it. */
static void gid_hex(char *out, const char *s, unsigned add)
{
	*out++ = '<';
	for (; *s; s++)
		out += sprintf(out, "%04X", gid_of(*s) + add);
	*out++ = '>';
	*out = 0;
}

/* One page showing `content` in /F1 = a Type0 font over a CIDFontType2
 * (object 6, CIDToGIDMap `c2g`), font file object 8 holding `font`,
 * Flate-compressed and cut to `cut` bytes unless cut < 0. */
static int cff_font; /* type0_pdf: a CIDFontType0 with FontFile3 instead */

static void type0_pdf(struct pb *b, const char *content, const struct pb *font, const char *c2g,
                      long cut)
{
	char h[512];
	size_t zn;
	unsigned char *z = zlib_of(font->p, font->n, &zn);
	if (cut >= 0 && (size_t)cut < zn)
		zn = (size_t)cut; /* the compressed font cut short */
	head(b);
	pages(b, "<< /Type /Font /Subtype /Type0 /BaseFont /ABCDEF+Carlito /Encoding /Identity-H "
	         "/DescendantFonts [6 0 R] >>");
	snprintf(h, sizeof h, "<< /Type /Font /Subtype /CIDFontType%d /BaseFont /ABCDEF+Carlito "
	         "/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> "
	         "/FontDescriptor 7 0 R /CIDToGIDMap %s >>", cff_font ? 0 : 2, c2g);
	obj(b, 6, h);
	obj(b, 7, cff_font ? "<< /Type /FontDescriptor /FontName /ABCDEF+Carlito /Flags 4 /FontFile3 8 0 R >>"
	                   : "<< /Type /FontDescriptor /FontName /ABCDEF+Carlito /Flags 4 /FontFile2 8 0 R >>");
	snprintf(h, sizeof h, "/Filter /FlateDecode %s %zu", cff_font ? "/Subtype /CIDFontType0C /Length3" : "/Length1",
	         font->n);
	sobj(b, 8, h, z, zn, -1);
	sobj(b, 4, "", content, strlen(content), -1);
	free(z);
}

int main(void)
{
	struct pb b = { 0 };
	struct phi_limits lim;
	struct phi_scan *s;

	phi_limits_default(&lim);

	/* 1. uncompressed content */
	head(&b);
	pages(&b, NULL);
	sobj(&b, 4, "", content1, sizeof content1 - 1, -1);
	tail(&b);
	T_OK(x_pdf_sniff((unsigned char *)b.p, b.n), "sniff %PDF-");
	s = run(&b, b.n, &lim);
	T_OK(strcmp(text(s), want1) == 0, "plain content: Tj, TJ join/gap, escapes, hex, Td/T*/Tm lines, WinAnsi");
	T_EQ_INT(s->doc.parts[0].unscannable, 0, "plain content: scannable");
	T_EQ_INT(s->doc.parts[0].format, PHI_FMT_PDF, "format pdf");
	phi_scan_free(s);

	/* 2. Flate content; and a lying /Length falls back to endstream */
	{
		size_t zn;
		unsigned char *z = zlib_of(content1, sizeof content1 - 1, &zn);
		head(&b);
		pages(&b, NULL);
		sobj(&b, 4, "/Filter /FlateDecode", z, zn, -1);
		tail(&b);
		s = run(&b, b.n, &lim);
		T_OK(strcmp(text(s), want1) == 0, "flate content stream");
		phi_scan_free(s);
		head(&b);
		pages(&b, NULL);
		sobj(&b, 4, "/Filter /FlateDecode", z, zn, 999999);
		tail(&b);
		s = run(&b, b.n, &lim);
		T_OK(strcmp(text(s), want1) == 0, "wrong /Length: endstream found instead");
		phi_scan_free(s);
		/* indirect /Length */
		head(&b);
		pages(&b, NULL);
		{
			char d[64];
			snprintf(d, sizeof d, "%zu", zn);
			obj(&b, 7, d);
		}
		puts_(&b, "4 0 obj\n<< /Length 7 0 R /Filter [/FlateDecode] >>\nstream\r\n");
		put(&b, z, zn);
		puts_(&b, "\r\nendstream\nendobj\n");
		tail(&b);
		s = run(&b, b.n, &lim);
		T_OK(strcmp(text(s), want1) == 0, "indirect /Length and CRLF after stream");
		phi_scan_free(s);
		/* ASCIIHex over Flate chain */
		{
			struct pb h = { 0 };
			size_t i;
			char hx[3];
			for (i = 0; i < zn; i++) {
				snprintf(hx, sizeof hx, "%02x", z[i]);
				put(&h, hx, 2);
				if (i % 30 == 29)
					put(&h, "\n", 1);
			}
			put(&h, ">", 1);
			head(&b);
			pages(&b, NULL);
			sobj(&b, 4, "/Filter [/ASCIIHexDecode /FlateDecode]", h.p, h.n, -1);
			tail(&b);
			s = run(&b, b.n, &lim);
			T_OK(strcmp(text(s), want1) == 0, "filter chain ASCIIHex + Flate");
			phi_scan_free(s);
			free(h.p);
		}
		/* object stream holding the page and catalog */
		{
			struct pb os = { 0 };
			const char *o1 = "<< /Type /Catalog /Pages 2 0 R >>";
			const char *o3 = "<< /Type /Page /Parent 2 0 R /Contents 4 0 R >>";
			char hdr[64];
			size_t on;
			unsigned char *oz;
			char dict[128];
			snprintf(hdr, sizeof hdr, "1 0 3 %zu ", strlen(o1) + 1);
			puts_(&os, hdr);
			{
				size_t first = os.n;
				puts_(&os, o1);
				puts_(&os, " ");
				puts_(&os, o3);
				oz = zlib_of(os.p, os.n, &on);
				snprintf(dict, sizeof dict, "/Type /ObjStm /N 2 /First %zu /Filter /FlateDecode", first);
			}
			head(&b);
			obj(&b, 2, "<< /Type /Pages /Kids [3 0 R] /Count 1 /Resources << /Font << /F1 5 0 R >> >> >>");
			obj(&b, 5, "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>");
			sobj(&b, 4, "/Filter /FlateDecode", z, zn, -1);
			sobj(&b, 8, dict, oz, on, -1);
			tail(&b);
			s = run(&b, b.n, &lim);
			T_OK(strcmp(text(s), want1) == 0, "page object inside an object stream");
			phi_scan_free(s);
			free(oz);
			free(os.p);
		}
		free(z);
	}

	/* 3. ToUnicode CMap on a Type0 (Identity-H) font */
	{
		static const char cmap[] =
			"/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n"
			"1 begincodespacerange <0000> <FFFF> endcodespacerange\n"
			"3 beginbfchar <0001> <004A> <0002> <006F> <0010> <00200041> endbfchar\n"
			"2 beginbfrange <0003> <0005> <0061> <0020> <0021> [<0078> <D83DDE00>] endbfrange\n"
			"endcmap CMapName currentdict /CMap defineresource pop end end";
		static const char content[] = "BT /F1 10 Tf 50 50 Td <00010002000300040005> Tj <0010> Tj <00200021> Tj ET";
		head(&b);
		pages(&b, "<< /Type /Font /Subtype /Type0 /BaseFont /ABC+Font /Encoding /Identity-H /ToUnicode 6 0 R >>");
		sobj(&b, 4, "", content, sizeof content - 1, -1);
		sobj(&b, 6, "", cmap, sizeof cmap - 1, -1);
		tail(&b);
		s = run(&b, b.n, &lim);
		T_OK(strcmp(text(s), "Joabc Ax\xf0\x9f\x98\x80\n") == 0, "ToUnicode: bfchar, bfrange, array range, surrogate pair");
		phi_scan_free(s);
	}

	/* 4. Info dictionary and form field values (UTF-16BE) */
	head(&b);
	pages(&b, NULL);
	sobj(&b, 4, "", "BT (x) Tj ET", 12, -1);
	obj(&b, 6, "<< /Title (Visit note) /Author <FEFF005A00650064> >>");
	obj(&b, 7, "<< /FT /Tx /T (name) /V (Quux Zed) >>");
	obj(&b, 8, "<< /FT /Tx /T (f2) /TU (Date of birth) /V (01/02/1970) >>");
	obj(&b, 9, "<< /FT /Tx /T (PatientName) /V (Ann Roe) >>");
	obj(&b, 10, "<< /FT /Tx /T (date_of_birth) /V (1971-03-04) >>");
	obj(&b, 11, "<< /FT /Tx /T (MRNNumber) /V (4471) >>");
	puts_(&b, "trailer\n<< /Root 1 0 R /Info 6 0 R >>\n%%EOF\n");
	s = run(&b, b.n, &lim);
	T_OK(strstr(text(s), "Visit note\nZed\n") != NULL, "info: title and UTF-16BE author");
	T_OK(strstr(text(s), "name: Quux Zed\n") != NULL, "form field value after its name (/T)");
	T_OK(strstr(text(s), "Date of birth: 01/02/1970\n") != NULL,
	     "form field value after its user-facing name (/TU before /T)");
	T_OK(strstr(text(s), "Patient Name: Ann Roe\n") != NULL, "camelCase field name split into words");
	T_OK(strstr(text(s), "date of birth: 1971-03-04\n") != NULL, "snake_case field name split into words");
	T_OK(strstr(text(s), "MRN Number: 4471\n") != NULL, "capitals run then a word: split before the word");
	phi_scan_free(s);

	/* 5. encrypted */
	head(&b);
	pages(&b, NULL);
	sobj(&b, 4, "", "BT (secret) Tj ET", 17, -1);
	obj(&b, 9, "<< /Filter /Standard /V 2 /R 3 /O <00> /U <00> /P -4 >>");
	puts_(&b, "trailer\n<< /Root 1 0 R /Encrypt 9 0 R >>\n%%EOF\n");
	s = run(&b, b.n, &lim);
	T_OK(has_why(s, "encrypted"), "encrypted: unscannable encrypted");
	T_EQ_INT(s->doc.nsegs, 0, "encrypted: no text");
	phi_scan_free(s);

	/* 6. truncated: every prefix of a document survives; the cut is reported */
	head(&b);
	pages(&b, NULL);
	sobj(&b, 4, "", content1, sizeof content1 - 1, -1);
	tail(&b);
	{
		size_t k;
		for (k = 0; k < b.n; k += 3)
			phi_scan_free(run(&b, k, &lim));
		s = run(&b, b.n / 2, &lim);
		T_OK(has_why(s, "truncated"), "truncated: reported");
		phi_scan_free(s);
		T_OK(1, "truncated: every prefix survives");
	}
	/* 7. random corruption */
	{
		struct pb m = { 0 };
		unsigned seed = 99;
		int r;
		put(&m, b.p, b.n);
		for (r = 0; r < 2000; r++) {
			size_t k;
			memcpy(m.p, b.p, b.n);
			for (k = 0; k < 6; k++) {
				seed = seed * 1103515245u + 12345u;
				m.p[(seed >> 8) % b.n] = "()<>[]/%0 R\\"[(seed >> 20) % 12];
			}
			phi_scan_free(run(&m, m.n, &lim));
		}
		free(m.p);
		T_OK(1, "corrupt: 2000 mutated documents survive");
	}

	/* 8. self-referencing objects */
	head(&b);
	obj(&b, 1, "<< /Type /Page /Parent 1 0 R /Contents 1 0 R /Resources 2 0 R >>");
	obj(&b, 2, "2 0 R");
	obj(&b, 3, "<< /Type /Page /Parent 3 0 R /Contents [3 0 R 3 0 R] >>");
	tail(&b);
	s = run(&b, b.n, &lim);
	T_OK(1, "self references: no hang");
	phi_scan_free(s);

	/* 9. ratio bomb stream and max_pdf_objects */
	{
		size_t big = 30u << 20, zn;
		char *zeros = calloc(1, big);
		unsigned char *z = zlib_of(zeros, big, &zn);
		free(zeros);
		head(&b);
		pages(&b, NULL);
		sobj(&b, 4, "/Filter /FlateDecode", z, zn, -1);
		tail(&b);
		s = run(&b, b.n, &lim);
		T_OK(has_why(s, "limit max_ratio"), "bomb stream: max_ratio");
		phi_scan_free(s);
		free(z);
	}
	{
		struct phi_limits l2 = lim;
		int i;
		l2.max_pdf_objects = 3;
		head(&b);
		pages(&b, NULL);
		for (i = 10; i < 20; i++)
			obj(&b, i, "<< /X 1 >>");
		sobj(&b, 4, "", "BT (x) Tj ET", 12, -1);
		tail(&b);
		s = run(&b, b.n, &l2);
		T_OK(has_why(s, "limit max_pdf_objects"), "max_pdf_objects reported");
		phi_scan_free(s);
	}
	/* 10. inline image data is skipped; ASCII85 */
	{
		static const char c[] = "BT (before) Tj ET BI /W 2 /H 2 /BPC 8 /CS /G ID \x01(Tj)\xff\x00 EI BT 0 -20 Td (after) Tj ET";
		head(&b);
		pages(&b, NULL);
		sobj(&b, 4, "", c, sizeof c - 1, -1);
		tail(&b);
		s = run(&b, b.n, &lim);
		T_OK(strcmp(text(s), "before\nafter\n") == 0, "inline image skipped");
		phi_scan_free(s);
		head(&b);
		pages(&b, NULL);
		/* "BT (Hi) Tj ET" in ASCII85 */
		sobj(&b, 4, "/Filter /ASCII85Decode", "6<#'U880Lq<,*OE;u~>", 19, -1);
		tail(&b);
		s = run(&b, b.n, &lim);
		T_OK(strcmp(text(s), "Hi\n") == 0, "ASCII85Decode");
		phi_scan_free(s);
	}
	/* LZW content long enough to switch code widths */
	{
		static unsigned char lz[1 << 16];
		struct pb c = { 0 };
		int i;
		size_t ln;
		char line[64];
		puts_(&c, "BT 72 700 Td ");
		for (i = 0; i < 400; i++) {
			snprintf(line, sizeof line, "0 -12 Td (line %d of the lzw text) Tj\n", i);
			puts_(&c, line);
		}
		puts_(&c, "ET");
		ln = lzw_of((unsigned char *)c.p, c.n, lz, sizeof lz);
		head(&b);
		pages(&b, NULL);
		sobj(&b, 4, "/Filter /LZWDecode", lz, ln, -1);
		tail(&b);
		s = run(&b, b.n, &lim);
		T_OK(strstr(text(s), "line 0 of the lzw text\n") && strstr(text(s), "line 399 of the lzw text\n"),
		     "LZWDecode across code width changes");
		phi_scan_free(s);
		free(c.p);
	}
	/* a font name missing from the resources: the only ToUnicode map is used */
	{
		static const char cmap[] = "begincmap 1 begincodespacerange <0000> <FFFF> endcodespacerange "
			"1 beginbfrange <0001> <0003> <0041> endbfrange endcmap";
		static const char content[] = "BT /F9 10 Tf 50 50 Td <000100020003> Tj ET";
		head(&b);
		pages(&b, "<< /Type /Font /Subtype /Type0 /BaseFont /X /Encoding /Identity-H /ToUnicode 6 0 R >>");
		sobj(&b, 4, "", content, sizeof content - 1, -1);
		sobj(&b, 6, "", cmap, sizeof cmap - 1, -1);
		tail(&b);
		s = run(&b, b.n, &lim);
		T_OK(strcmp(text(s), "ABC\n") == 0, "unknown font name: the document's single ToUnicode map");
		phi_scan_free(s);
	}
	/* simple font with /Differences: ligature and quote glyph names */
	{
		static const char content[] = "BT /F1 10 Tf 50 50 Td (o\\014ce\\047s) Tj ET";
		head(&b);
		pages(&b, "<< /Type /Font /Subtype /Type1 /BaseFont /CMR10 /Encoding 7 0 R >>");
		obj(&b, 7, "<< /Type /Encoding /Differences [ 12 /fi 39 /quoteright ] >>");
		sobj(&b, 4, "", content, sizeof content - 1, -1);
		tail(&b);
		s = run(&b, b.n, &lim);
		T_OK(strcmp(text(s), "o\xef\xac\x81" "ce\xe2\x80\x99s\n") == 0, "Differences: glyph names mapped");
		phi_scan_free(s);
	}
	/* Type0 /Identity-H over an embedded TrueType, no ToUnicode: glyph ids
	 * through the font's format-4 cmap read in reverse */
	{
		static const char name[] = "Patient: Zed Quux MRN: 12345678";
		char hex[256], content[512];
		struct pb f = { 0 }, c2g = { 0 };
		unsigned k;

		sfnt(&f, 1, 0);
		gid_hex(hex, name, 0);
		snprintf(content, sizeof content, "BT /F1 12 Tf 72 700 Td %s Tj ET", hex);
		type0_pdf(&b, content, &f, "/Identity", -1);
		tail(&b);
		s = run(&b, b.n, &lim);
		T_OK(strcmp(text(s), "Patient: Zed Quux MRN: 12345678\n") == 0,
		     "Type0 Identity-H, no ToUnicode: TrueType cmap (format 4) read in reverse");
		T_EQ_INT(s->doc.parts[0].unscannable, 0, "embedded-font map: scannable");
		phi_scan_free(s);

		sfnt(&f, 3, 0);
		type0_pdf(&b, content, &f, "/Identity", -1);
		tail(&b);
		s = run(&b, b.n, &lim);
		T_OK(strcmp(text(s), "Patient: Zed Quux MRN: 12345678\n") == 0, "TrueType cmap (3,10) format 12");
		phi_scan_free(s);

		/* CIDFontType0 over a bare CFF: the charset's glyph names */
		cff_font = 1;
		cff(&f, 0);
		type0_pdf(&b, content, &f, "/Identity", -1);
		tail(&b);
		s = run(&b, b.n, &lim);
		T_OK(strcmp(text(s), "Patient: Zed Quux MRN: 12345678\n") == 0,
		     "CIDFontType0, bare CFF: charset glyph names (standard and custom strings)");
		phi_scan_free(s);
		cff(&f, 1);
		type0_pdf(&b, content, &f, "/Identity", -1);
		tail(&b);
		s = run(&b, b.n, &lim);
		T_OK(strcmp(text(s), "") == 0, "CID-keyed CFF: no names, skipped");
		phi_scan_free(s);
		cff(&f, 0);
		for (k = 0; k < f.n; k++) {
			struct pb cut = { 0 };
			put(&cut, f.p, k);
			type0_pdf(&b, content, &cut, "/Identity", -1);
			tail(&b);
			phi_scan_free(run(&b, b.n, &lim));
			free(cut.p);
		}
		{
			unsigned seed = 3, q, r;
			struct pb m = { 0 };
			for (r = 0; r < 300; r++) {
				m.n = 0;
				put(&m, f.p, f.n);
				for (q = 0; q < 3; q++) {
					seed = seed * 1103515245u + 12345u;
					m.p[(seed >> 8) % m.n] = (char)(seed >> 20);
				}
				type0_pdf(&b, content, &m, "/Identity", -1);
				tail(&b);
				phi_scan_free(run(&b, b.n, &lim));
			}
			free(m.p);
		}
		T_OK(1, "prefixes and mutations of the CFF survive");
		cff_font = 0;

		/* the same glyphs named only by the post table (no cmap) */
		sfnt(&f, 0, 1);
		type0_pdf(&b, content, &f, "/Identity", -1);
		tail(&b);
		s = run(&b, b.n, &lim);
		T_OK(strcmp(text(s), "Patient: Zed Quux MRN: 12345678\n") == 0,
		     "Type0 Identity-H, font without cmap: post table glyph names");
		phi_scan_free(s);

		/* CIDs that are not glyph ids: a CIDToGIDMap stream (CID = GID + 100) */
		sfnt(&f, 1, 0);
		for (k = 0; k < 200; k++)
			w16(&c2g, k >= 100 ? k - 100 : 0);
		gid_hex(hex, name, 100);
		snprintf(content, sizeof content, "BT /F1 12 Tf 72 700 Td [%s] TJ ET", hex);
		type0_pdf(&b, content, &f, "9 0 R", -1);
		sobj(&b, 9, "", c2g.p, c2g.n, -1);
		tail(&b);
		s = run(&b, b.n, &lim);
		T_OK(strcmp(text(s), "Patient: Zed Quux MRN: 12345678\n") == 0, "CIDToGIDMap stream");
		phi_scan_free(s);

		/* broken fonts fall back to today's behaviour (nothing for 2-byte codes), no crash */
		gid_hex(hex, name, 0);
		snprintf(content, sizeof content, "BT /F1 12 Tf 72 700 Td %s Tj ET", hex);
		{
			struct pb bad = { 0 };
			sfnt(&bad, 1, 0);
			bad.p[12 + 12 + 2] = (char)0x7F; /* cmap table length and offset past the end */
			bad.p[12 + 8 + 1] = (char)0x7F;
			type0_pdf(&b, content, &bad, "/Identity", -1);
			tail(&b);
			s = run(&b, b.n, &lim);
			T_OK(strcmp(text(s), "") == 0, "cmap table offset past the font: no text, no crash");
			phi_scan_free(s);

			sfnt(&bad, 1, 0);
			bad.p[12 + 16 + 12 + 6] = (char)0xFF; /* segCountX2 far past the subtable */
			type0_pdf(&b, content, &bad, "/Identity", -1);
			tail(&b);
			s = run(&b, b.n, &lim);
			T_OK(strcmp(text(s), "") == 0, "format-4 segCountX2 past the table: ignored");
			phi_scan_free(s);

			sfnt(&bad, 1, 0);
			type0_pdf(&b, content, &bad, "/Identity", 30); /* the zlib stream cut after 30 bytes */
			tail(&b);
			s = run(&b, b.n, &lim);
			T_OK(strstr(text(s), "Patient: Zed Quux MRN: 12345678") == NULL,
			     "truncated font stream: what survives of its cmap, at most");
			phi_scan_free(s);

			/* every prefix of the font and random corruptions of it */
			sfnt(&f, 1, 1);
			for (k = 0; k < f.n; k += 3) {
				bad.n = 0;
				put(&bad, f.p, k);
				type0_pdf(&b, content, &bad, "/Identity", -1);
				tail(&b);
				phi_scan_free(run(&b, b.n, &lim));
			}
			{
				unsigned seed = 7, q;
				for (k = 0; k < 400; k++) {
					bad.n = 0;
					put(&bad, f.p, f.n);
					for (q = 0; q < 3; q++) {
						seed = seed * 1103515245u + 12345u;
						bad.p[(seed >> 8) % bad.n] = (char)(seed >> 20);
					}
					type0_pdf(&b, content, &bad, "/Identity", -1);
					tail(&b);
					phi_scan_free(run(&b, b.n, &lim));
				}
			}
			T_OK(1, "prefixes and mutations of the embedded font survive");
			free(bad.p);
		}
		free(f.p);
		free(c2g.p);
	}
	/* simple TrueType font, no /Encoding, no ToUnicode, a (3,0) symbol cmap
	 * with codes of its own: code -> glyph -> post name */
	{
		static const char name[] = "Patient: Zed Quux MRN: 12345678";
		char content[256], str[160], h[128];
		struct pb f = { 0 };
		size_t k, zn;
		unsigned char *z;

		for (k = 0; name[k]; k++)
			sprintf(str + 4 * k, "\\%03o", (unsigned)(name[k] - 0x1F));
		snprintf(content, sizeof content, "BT /F1 12 Tf 72 700 Td (%s) Tj ET", str);
		sfnt(&f, 2, 1);
		z = zlib_of(f.p, f.n, &zn);
		head(&b);
		pages(&b, "<< /Type /Font /Subtype /TrueType /BaseFont /ABCDEF+Sym /FirstChar 1 /LastChar 91 "
		          "/FontDescriptor 7 0 R >>");
		obj(&b, 7, "<< /Type /FontDescriptor /FontName /ABCDEF+Sym /Flags 4 /FontFile2 8 0 R >>");
		snprintf(h, sizeof h, "/Filter /FlateDecode /Length1 %zu", f.n);
		sobj(&b, 8, h, z, zn, -1);
		sobj(&b, 4, "", content, strlen(content), -1);
		tail(&b);
		s = run(&b, b.n, &lim);
		T_OK(strcmp(text(s), "Patient: Zed Quux MRN: 12345678\n") == 0,
		     "simple TrueType, (3,0) symbol cmap, no Encoding: codes through glyph names");
		phi_scan_free(s);
		free(z);
		free(f.p);
	}
	/* Type3 font: codes named by /Differences */
	{
		static const char content[] = "BT /T3 1 Tf 50 50 Td (\\001\\002\\003\\004\\005\\006\\003\\007\\010\\011\\005\\012"
			"\\010\\013\\014\\014\\015\\010\\016\\017\\020\\007\\010\\021\\022\\023\\024\\025\\026\\027\\030) Tj ET";
		head(&b);
		obj(&b, 1, "<< /Type /Catalog /Pages 2 0 R >>");
		obj(&b, 2, "<< /Type /Pages /Kids [3 0 R] /Count 1 >>");
		obj(&b, 3, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
		           "/Resources << /Font << /T3 5 0 R >> >> >>");
		obj(&b, 5, "<< /Type /Font /Subtype /Type3 /FontBBox [0 0 1 1] /FontMatrix [0.001 0 0 0.001 0 0] "
		           "/CharProcs 6 0 R /FirstChar 1 /LastChar 24 /Widths [] /Encoding << /Type /Encoding "
		           "/Differences [ 1 /P /a /t /i /e /n /colon /space /Z /d /Q /u /x /M /R /N "
		           "/one /two /three /four /uni0035 /six.alt /u0037 /eight ] >> >>");
		obj(&b, 6, "<< >>");
		sobj(&b, 4, "", content, sizeof content - 1, -1);
		tail(&b);
		s = run(&b, b.n, &lim);
		T_EQ_STR(text(s), "Patient: Zed Quux MRN: 12345678\n",
		     "Type3 font: Differences glyph names (letters, digits, uniXXXX, uXXXX, suffixes)");
		phi_scan_free(s);
	}
	free(b.p);
	return tap_done();
}
