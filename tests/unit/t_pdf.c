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
	puts_(&b, "trailer\n<< /Root 1 0 R /Info 6 0 R >>\n%%EOF\n");
	s = run(&b, b.n, &lim);
	T_OK(strstr(text(s), "Visit note\nZed\n") != NULL, "info: title and UTF-16BE author");
	T_OK(strstr(text(s), "name: Quux Zed\n") != NULL, "form field value after its name (/T)");
	T_OK(strstr(text(s), "Date of birth: 01/02/1970\n") != NULL,
	     "form field value after its user-facing name (/TU before /T)");
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
	free(b.p);
	return tap_done();
}
