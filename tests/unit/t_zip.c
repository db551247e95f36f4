/* t_zip.c - ZIP archives built in memory: stored, deflated, nested, bombs,
 * encrypted, truncated, overlapping, DOCX and XLSX text. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include "tap.h"
#include "scan.h"
#include "extract/extract.h"

/* ---- a tiny ZIP writer ---- */

struct zb {
	unsigned char *p;
	size_t n, cap;
	unsigned char cd[65536];
	size_t cdn;
	unsigned count;
};

static void put(struct zb *z, const void *s, size_t n)
{
	if (z->n + n > z->cap) {
		z->cap = (z->n + n) * 2 + 1024;
		z->p = realloc(z->p, z->cap);
	}
	memcpy(z->p + z->n, s, n);
	z->n += n;
}

static void le16(unsigned char *b, unsigned v) { b[0] = v & 255; b[1] = v >> 8 & 255; }
static void le32(unsigned char *b, unsigned long v) { le16(b, v & 0xFFFF); le16(b + 2, v >> 16 & 0xFFFF); }

static unsigned char *deflate_raw(const void *in, size_t n, size_t *outn)
{
	z_stream s;
	size_t cap = compressBound(n) + 64;
	unsigned char *o = malloc(cap);
	memset(&s, 0, sizeof s);
	deflateInit2(&s, 9, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY);
	s.next_in = (unsigned char *)(uintptr_t)in;
	s.avail_in = (uInt)n;
	s.next_out = o;
	s.avail_out = (uInt)cap;
	deflate(&s, Z_FINISH);
	*outn = s.total_out;
	deflateEnd(&s);
	return o;
}

static void zb_add(struct zb *z, const char *name, const void *data, size_t n, int method, unsigned flags)
{
	unsigned char h[30], c[46];
	size_t nl = strlen(name), cn = n;
	unsigned char *comp = NULL;
	const void *body = data;
	unsigned long crc = crc32(0, data, (uInt)n);
	size_t lho = z->n;

	if (method == 8) {
		comp = deflate_raw(data, n, &cn);
		body = comp;
	}
	memset(h, 0, sizeof h);
	memcpy(h, "PK\3\4", 4);
	le16(h + 4, 20); le16(h + 6, flags); le16(h + 8, (unsigned)method);
	le32(h + 14, crc); le32(h + 18, cn); le32(h + 22, n); le16(h + 26, (unsigned)nl);
	put(z, h, 30);
	put(z, name, nl);
	put(z, body, cn);
	memset(c, 0, sizeof c);
	memcpy(c, "PK\1\2", 4);
	le16(c + 4, 20); le16(c + 6, 20); le16(c + 8, flags); le16(c + 10, (unsigned)method);
	le32(c + 16, crc); le32(c + 20, cn); le32(c + 24, n); le16(c + 28, (unsigned)nl);
	le32(c + 42, lho);
	memcpy(z->cd + z->cdn, c, 46);
	memcpy(z->cd + z->cdn + 46, name, nl);
	z->cdn += 46 + nl;
	z->count++;
	free(comp);
}

static void zb_finish(struct zb *z)
{
	unsigned char e[22];
	size_t off = z->n;
	put(z, z->cd, z->cdn);
	memset(e, 0, sizeof e);
	memcpy(e, "PK\5\6", 4);
	le16(e + 8, z->count); le16(e + 10, z->count);
	le32(e + 12, z->cdn); le32(e + 16, off);
	put(z, e, 22);
}

/* ---- scan helpers ---- */

static struct phi_scan *scan_zip(const unsigned char *p, size_t n, const struct phi_limits *lim, int *rc)
{
	struct phi_scan *s = phi_scan_new(NULL, lim, NULL, NULL);
	int part = doc_add_part(&s->doc, -1, "application/zip", "a.zip", PHI_FMT_ZIP, n, 1);
	*rc = x_zip_extract(&s->doc, part, p, n);
	return s;
}

/* All text of part i, concatenated (in a static buffer). */
static const char *part_text(struct phi_scan *s, int i)
{
	static char buf[1 << 16];
	size_t o = 0, k;
	for (k = 0; k < s->doc.nsegs; k++) {
		const struct phi_segment *g = &s->doc.segs[k];
		if (g->part != i || g->field == PHI_F_TABLE_CELL || g->field == PHI_F_FILENAME || o + g->len >= sizeof buf)
			continue;
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

static int has_cell(struct phi_scan *s, const char *col, const char *text)
{
	size_t k;
	for (k = 0; k < s->doc.nsegs; k++) {
		const struct phi_segment *g = &s->doc.segs[k];
		if (g->field == PHI_F_TABLE_CELL && g->field_name && strcmp(g->field_name, col) == 0 &&
		    g->len == strlen(text) && memcmp(g->text, text, g->len) == 0)
			return 1;
	}
	return 0;
}

static const char docx_doc[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
	"<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">"
	"<w:body><w:p><w:pPr><w:tabs><w:tab w:val=\"left\" w:pos=\"720\"/></w:tabs></w:pPr>"
	"<w:r><w:t>Pat</w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t>ient</w:t></w:r>"
	"<w:r><w:t xml:space=\"preserve\"> name:</w:t></w:r><w:r><w:tab/><w:t>Zed Q</w:t></w:r></w:p>\n"
	"<w:p><w:r><w:t>Line</w:t><w:br/><w:t>two &amp; more</w:t></w:r></w:p>"
	"<w:p><w:r><w:instrText> PAGE </w:instrText></w:r></w:p>"
	"</w:body></w:document>";

static const char xlsx_sst[] =
	"<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" count=\"4\">"
	"<si><t>MRN</t></si><si><t>DOB</t></si><si><r><t>Ab</t></r><r><t>c</t></r><rPh><t>x</t></rPh></si>"
	"<si><t>Note</t></si></sst>";
static const char xlsx_sheet[] =
	"<worksheet><sheetData>"
	"<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" t=\"s\"><v>1</v></c><c r=\"D1\" t=\"s\"><v>3</v></c></row>"
	"<row r=\"2\"><c r=\"A2\"><v>12345</v></c><c r=\"B2\" t=\"inlineStr\"><is><t>1980-01-02</t></is></c>"
	"<c r=\"D2\" t=\"s\"><v>2</v></c><c r=\"E2\" t=\"s\"><v>99</v></c></row>"
	"</sheetData></worksheet>";

int main(void)
{
	struct phi_limits lim;
	struct phi_scan *s;
	struct zb z;
	int rc;

	phi_limits_default(&lim);

	/* stored + deflated entries */
	memset(&z, 0, sizeof z);
	zb_add(&z, "notes.txt", "stored text here", 16, 0, 0);
	zb_add(&z, "dir/", "", 0, 0, 0);
	zb_add(&z, "report.txt", "deflated text deflated text deflated text", 41, 8, 0);
	zb_finish(&z);
	s = scan_zip(z.p, z.n, &lim, &rc);
	T_EQ_INT(rc, PHI_OK, "zip: extract returns ok");
	T_EQ_INT(s->doc.nparts, 3, "zip: two file entries become child parts, directory skipped");
	T_OK(s->doc.nparts == 3 && strcmp(s->doc.parts[1].filename, "notes.txt") == 0, "zip: entry name is the child's file name");
	T_OK(s->doc.nparts == 3 && strcmp(s->doc.parts[1].path, "1.1") == 0, "zip: child path under the archive part");
	T_OK(strcmp(part_text(s, 1), "stored text here") == 0, "zip: stored entry text");
	T_OK(strcmp(part_text(s, 2), "deflated text deflated text deflated text") == 0, "zip: deflated entry text");
	T_OK(s->doc.nparts == 3 && s->doc.parts[2].size == 41, "zip: child size is the decoded size");
	T_EQ_INT(s->doc.parts[0].unscannable, 0, "zip: clean archive is scannable");
	T_OK(x_zip_sniff(z.p, z.n), "zip: sniff PK34");
	phi_scan_free(s);

	/* nested zip */
	{
		struct zb outer;
		memset(&outer, 0, sizeof outer);
		zb_add(&outer, "inner.zip", z.p, z.n, 8, 0);
		zb_finish(&outer);
		s = scan_zip(outer.p, outer.n, &lim, &rc);
		T_OK(s->doc.nparts >= 2 && strcmp(s->doc.parts[1].content_type, "application/zip") == 0,
		     "nested: inner archive is a child typed application/zip");
		T_OK(s->doc.nparts >= 2 && s->doc.parts[1].size == z.n, "nested: inner archive decoded whole");
		/* Recursion goes through extract_part (the dispatcher); call it the way it will. */
		{
			struct phi_scan *s2 = phi_scan_new(NULL, &lim, NULL, NULL);
			int p0 = doc_add_part(&s2->doc, -1, "application/zip", "o.zip", PHI_FMT_ZIP, outer.n, 1);
			x_zip_extract(&s2->doc, p0, outer.p, outer.n);
			/* feed the inner archive to x_zip_extract as the dispatcher would */
			if (s2->doc.nparts >= 2 && s2->doc.nparts < 4) {
				int p1 = doc_add_part(&s2->doc, 1, "application/zip", "inner.zip", PHI_FMT_ZIP, z.n, 1);
				x_zip_extract(&s2->doc, p1, z.p, z.n);
			}
			T_OK(s2->doc.nparts >= 4, "nested: inner entries become grandchildren");
			phi_scan_free(s2);
		}
		phi_scan_free(s);
		free(outer.p);
	}
	free(z.p);

	/* zip bomb: 30 MB of zeros deflates to ~30 KB (ratio ~1000 > 200) */
	{
		size_t big = 30u << 20;
		unsigned char *zeros = calloc(1, big);
		memset(&z, 0, sizeof z);
		zb_add(&z, "bomb.txt", zeros, big, 8, 0);
		zb_add(&z, "after.txt", "still read", 10, 0, 0);
		zb_finish(&z);
		free(zeros);
		s = scan_zip(z.p, z.n, &lim, &rc);
		T_EQ_INT(rc, PHI_OK, "bomb: extract returns ok");
		T_OK(has_why(s, "limit max_ratio"), "bomb: high ratio entry is unscannable max_ratio");
		T_OK(s->doc.nparts == 3 && s->doc.parts[1].unscannable, "bomb: the bomb entry is marked");
		T_OK(s->doc.nparts == 3 && s->doc.parts[1].size < (1u << 20), "bomb: inflation stopped early");
		T_OK(strcmp(part_text(s, 2), "still read") == 0, "bomb: entries after the bomb still read");
		phi_scan_free(s);
		/* same archive with max_ratio off but a small max_entry_bytes */
		{
			struct phi_limits l2 = lim;
			l2.max_ratio = 0;
			l2.max_entry_bytes = 100000;
			s = scan_zip(z.p, z.n, &l2, &rc);
			T_OK(has_why(s, "limit max_entry_bytes"), "entry cap: max_entry_bytes reported");
			T_OK(s->doc.nparts == 3 && s->doc.parts[1].size == 100000, "entry cap: output cut at the cap");
			phi_scan_free(s);
		}
		free(z.p);
	}

	/* encrypted entry */
	memset(&z, 0, sizeof z);
	zb_add(&z, "secret.txt", "xxxxxxxxxxxx", 12, 0, 1);
	zb_add(&z, "plain.txt", "plain", 5, 0, 0);
	zb_finish(&z);
	s = scan_zip(z.p, z.n, &lim, &rc);
	T_OK(has_why(s, "encrypted"), "encrypted: reported unscannable encrypted");
	T_OK(s->doc.nparts == 3 && s->doc.parts[1].unscannable && !s->doc.parts[2].unscannable,
	     "encrypted: only that entry is marked");
	T_OK(part_text(s, 1)[0] == 0, "encrypted: no text from the encrypted entry");
	{
		size_t k;
		int named = 0;
		for (k = 0; k < s->doc.nsegs; k++)
			if (s->doc.segs[k].part == 1 && s->doc.segs[k].field == PHI_F_FILENAME &&
			    s->doc.segs[k].len == 10 && memcmp(s->doc.segs[k].text, "secret.txt", 10) == 0)
				named = 1;
		T_OK(named, "encrypted: the entry name is still a filename segment");
	}
	phi_scan_free(s);
	free(z.p);

	/* truncated archive: central directory gone, local headers still read */
	memset(&z, 0, sizeof z);
	zb_add(&z, "first.txt", "first entry text", 16, 8, 0);
	zb_add(&z, "second.txt", "second entry text that is cut off somewhere", 43, 8, 0);
	zb_finish(&z);
	{
		size_t cut = z.n - z.cdn - 22 - 10;
		s = scan_zip(z.p, cut, &lim, &rc);
		T_EQ_INT(rc, PHI_OK, "truncated: extract returns ok");
		T_OK(s->doc.parts[0].unscannable, "truncated: archive marked unscannable");
		T_OK(s->doc.nparts >= 2 && strcmp(part_text(s, 1), "first entry text") == 0,
		     "truncated: first entry recovered from local headers");
		phi_scan_free(s);
		/* every prefix: no crash, no leak */
		{
			size_t k;
			for (k = 0; k < z.n; k++) {
				s = scan_zip(z.p, k, &lim, &rc);
				phi_scan_free(s);
			}
			T_OK(1, "truncated: every prefix of an archive survives");
		}
	}
	/* random corruption */
	{
		unsigned seed = 7;
		unsigned char *m = malloc(z.n);
		int round;
		for (round = 0; round < 3000; round++) {
			size_t k;
			memcpy(m, z.p, z.n);
			for (k = 0; k < 4; k++) {
				seed = seed * 1103515245u + 12345u;
				m[(seed >> 8) % z.n] = (unsigned char)(seed >> 20);
			}
			s = scan_zip(m, z.n, &lim, &rc);
			phi_scan_free(s);
		}
		free(m);
		T_OK(1, "corrupt: 3000 mutated archives survive");
	}
	free(z.p);

	/* ZIP64: sizes and offset in the extra field, ZIP64 end records */
	{
		unsigned char b[512], *q = b;
		const char *nm = "z64.txt", *data = "zip64 entry";
		size_t nl = strlen(nm), dl = strlen(data), lho = 0, cdo, cdn, z64;
		unsigned long crc = crc32(0, (const unsigned char *)data, (uInt)dl);
		memset(b, 0, sizeof b);
		memcpy(q, "PK\3\4", 4); le16(q + 4, 45); le32(q + 14, crc); le32(q + 18, dl); le32(q + 22, dl);
		le16(q + 26, (unsigned)nl); q += 30; memcpy(q, nm, nl); q += nl; memcpy(q, data, dl); q += dl;
		cdo = (size_t)(q - b);
		memcpy(q, "PK\1\2", 4); le16(q + 4, 45); le16(q + 6, 45); le32(q + 16, crc);
		le32(q + 20, 0xFFFFFFFFul); le32(q + 24, 0xFFFFFFFFul); le16(q + 28, (unsigned)nl); le16(q + 30, 28);
		le32(q + 42, 0xFFFFFFFFul); q += 46; memcpy(q, nm, nl); q += nl;
		le16(q, 1); le16(q + 2, 24); le32(q + 4, dl); le32(q + 12, dl); le32(q + 20, lho); q += 28;
		cdn = (size_t)(q - b) - cdo;
		z64 = (size_t)(q - b);
		memcpy(q, "PK\6\6", 4); le32(q + 4, 44); le16(q + 12, 45); le16(q + 14, 45);
		le32(q + 24, 1); le32(q + 32, 1); le32(q + 40, cdn); le32(q + 48, cdo); q += 56;
		memcpy(q, "PK\6\7", 4); le32(q + 8, z64); le32(q + 16, 1); q += 20;
		memcpy(q, "PK\5\6", 4); le16(q + 8, 0xFFFF); le16(q + 10, 0xFFFF); le32(q + 12, 0xFFFFFFFFul);
		le32(q + 16, 0xFFFFFFFFul); q += 22;
		s = scan_zip(b, (size_t)(q - b), &lim, &rc);
		T_OK(s->doc.nparts == 2 && strcmp(part_text(s, 1), "zip64 entry") == 0, "zip64: entry read through the ZIP64 fields");
		T_EQ_INT(s->doc.parts[0].unscannable, 0, "zip64: archive scannable");
		phi_scan_free(s);
		/* ZIP64 extra field missing: unscannable, no crash */
		b[cdo + 30] = 0;
		s = scan_zip(b, (size_t)(q - b), &lim, &rc);
		T_OK(has_why(s, "zip64"), "zip64: unreadable fields reported");
		phi_scan_free(s);
	}

	/* lying sizes: the directory claims more data than the file holds */
	memset(&z, 0, sizeof z);
	zb_add(&z, "a.txt", "short", 5, 0, 0);
	le32(z.cd + 20, 0x7FFFFFF0ul);
	le32(z.cd + 24, 0x7FFFFFF0ul);
	zb_finish(&z);
	s = scan_zip(z.p, z.n, &lim, &rc);
	T_OK(s->doc.nparts == 2 && s->doc.parts[1].unscannable, "lying size: entry marked truncated");
	T_OK(has_why(s, "truncated"), "lying size: reason truncated");
	phi_scan_free(s);
	free(z.p);

	/* overlapping entries: two directory records for one local entry */
	memset(&z, 0, sizeof z);
	zb_add(&z, "a.txt", "overlap data", 12, 0, 0);
	memcpy(z.cd + z.cdn, z.cd, z.cdn);
	z.cdn *= 2;
	z.count = 2;
	zb_finish(&z);
	s = scan_zip(z.p, z.n, &lim, &rc);
	T_OK(has_why(s, "zip overlapping entries"), "overlap: reported");
	T_EQ_INT(s->doc.nparts, 2, "overlap: the duplicate entry is not read twice");
	phi_scan_free(s);
	free(z.p);

	/* max_parts through doc_add_part */
	{
		struct phi_limits l3 = lim;
		int i;
		char nm[32];
		l3.max_parts = 5;
		memset(&z, 0, sizeof z);
		for (i = 0; i < 20; i++) {
			snprintf(nm, sizeof nm, "f%d.txt", i);
			zb_add(&z, nm, "x", 1, 0, 0);
		}
		zb_finish(&z);
		s = scan_zip(z.p, z.n, &l3, &rc);
		T_OK(has_why(s, "limit max_parts"), "max_parts: reported");
		T_EQ_INT(s->doc.nparts, 5, "max_parts: stops at the cap");
		phi_scan_free(s);
		free(z.p);
	}

	/* DOCX: runs split mid-word join, paragraphs and breaks */
	memset(&z, 0, sizeof z);
	zb_add(&z, "[Content_Types].xml", "<Types/>", 8, 8, 0);
	zb_add(&z, "_rels/.rels", "<Relationships/>", 16, 8, 0);
	zb_add(&z, "word/document.xml", docx_doc, sizeof docx_doc - 1, 8, 0);
	zb_add(&z, "word/footer1.xml", "<w:ftr><w:p><w:r><w:t>Footer text</w:t></w:r></w:p></w:ftr>", 59, 8, 0);
	zb_add(&z, "word/media/image1.png", "\x89PNG\r\n\x1a\n", 8, 0, 0);
	zb_finish(&z);
	s = scan_zip(z.p, z.n, &lim, &rc);
	T_EQ_INT(s->doc.parts[0].format, PHI_FMT_DOCX, "docx: format set");
	T_OK(strcmp(part_text(s, 0), "Patient name:\tZed Q\nLine\ntwo & more\n\nFooter text\n") == 0,
	     "docx: split run joined, tab, break, paragraph, footer, no field code");
	T_EQ_INT(s->doc.nparts, 2, "docx: only the media file is a child part");
	phi_scan_free(s);
	free(z.p);

	/* DOCX table: a row is one line, cells end with tabs, paragraphs in a cell joined by a space */
	{
		static const char tbl[] =
			"<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>"
			"<w:p><w:r><w:t>Form</w:t></w:r></w:p><w:tbl>"
			"<w:tr><w:tc><w:p><w:r><w:t>Patient</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>Zed</w:t></w:r></w:p>"
			"<w:p><w:r><w:t>Quux</w:t></w:r></w:p></w:tc></w:tr>"
			"<w:tr><w:tc><w:p><w:r><w:t>DOB</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>1980-02-03</w:t></w:r></w:p></w:tc></w:tr>"
			"</w:tbl><w:p><w:r><w:t>End</w:t></w:r></w:p></w:body></w:document>";
		memset(&z, 0, sizeof z);
		zb_add(&z, "[Content_Types].xml", "<Types/>", 8, 8, 0);
		zb_add(&z, "word/document.xml", tbl, sizeof tbl - 1, 8, 0);
		zb_finish(&z);
		s = scan_zip(z.p, z.n, &lim, &rc);
		T_OK(strcmp(part_text(s, 0), "Form\nPatient\tZed Quux\t\nDOB\t1980-02-03\t\nEnd\n") == 0,
		     "docx table: row on one line, cells split by tabs");
		phi_scan_free(s);
		free(z.p);
	}

	/* XLSX: shared strings, inline strings, column gaps */
	memset(&z, 0, sizeof z);
	zb_add(&z, "xl/workbook.xml", "<workbook/>", 11, 8, 0);
	zb_add(&z, "xl/sharedStrings.xml", xlsx_sst, sizeof xlsx_sst - 1, 8, 0);
	zb_add(&z, "xl/worksheets/sheet1.xml", xlsx_sheet, sizeof xlsx_sheet - 1, 8, 0);
	zb_finish(&z);
	s = scan_zip(z.p, z.n, &lim, &rc);
	T_EQ_INT(s->doc.parts[0].format, PHI_FMT_XLSX, "xlsx: format set");
	T_OK(strcmp(part_text(s, 0), "MRN\tDOB\t\tNote\n12345\t1980-01-02\t\tAbc\t\n") == 0,
	     "xlsx: header row and data row joined with tabs");
	T_OK(has_cell(s, "DOB", "1980-01-02"), "xlsx: inline string cell named by its header");
	T_OK(has_cell(s, "MRN", "12345"), "xlsx: number cell named by its header");
	T_OK(has_cell(s, "Note", "Abc"), "xlsx: rich shared string joined, phonetic dropped");
	phi_scan_free(s);
	free(z.p);

	/* PPTX: slides and notes */
	{
		static const char slide[] = "<p:sld><p:cSld><p:spTree><p:sp><p:txBody>"
			"<a:p><a:r><a:t>Case </a:t></a:r><a:r><a:t>review</a:t></a:r></a:p>"
			"<a:p><a:r><a:t>MRN</a:t></a:r><a:br/><a:r><a:t>42</a:t></a:r></a:p>"
			"</p:txBody></p:sp></p:spTree></p:cSld></p:sld>";
		static const char notes[] = "<p:notes><a:p><a:r><a:t>speaker note</a:t></a:r></a:p></p:notes>";
		memset(&z, 0, sizeof z);
		zb_add(&z, "ppt/presentation.xml", "<p:presentation/>", 17, 8, 0);
		zb_add(&z, "ppt/slides/slide1.xml", slide, sizeof slide - 1, 8, 0);
		zb_add(&z, "ppt/notesSlides/notesSlide1.xml", notes, sizeof notes - 1, 8, 0);
		zb_add(&z, "ppt/slideLayouts/slideLayout1.xml", "<a:t>layout</a:t>", 17, 8, 0);
		zb_finish(&z);
		s = scan_zip(z.p, z.n, &lim, &rc);
		T_EQ_INT(s->doc.parts[0].format, PHI_FMT_PPTX, "pptx: format set");
		T_OK(strcmp(part_text(s, 0), "Case review\nMRN\n42\nspeaker note\n") == 0, "pptx: slide and notes text, layouts skipped");
		phi_scan_free(s);
		free(z.p);
	}

	/* ODT */
	{
		static const char odt[] = "<office:document-content><office:body><office:text>"
			"<text:h>Title</text:h><text:p>Hello<text:s/>there<text:tab/>x</text:p>"
			"<table:table><table:table-row><table:table-cell><text:p>A1</text:p></table:table-cell>"
			"<table:table-cell><text:p>B1</text:p></table:table-cell></table:table-row></table:table>"
			"</office:text></office:body></office:document-content>";
		memset(&z, 0, sizeof z);
		zb_add(&z, "mimetype", "application/vnd.oasis.opendocument.text", 39, 0, 0);
		zb_add(&z, "content.xml", odt, sizeof odt - 1, 8, 0);
		zb_finish(&z);
		s = scan_zip(z.p, z.n, &lim, &rc);
		T_EQ_INT(s->doc.parts[0].format, PHI_FMT_ODT, "odt: format set");
		T_OK(strcmp(part_text(s, 0), "Title\nHello there\tx\nA1 \tB1 \t\n") == 0, "odt: text, spaces, tabs, table");
		phi_scan_free(s);
		free(z.p);
	}
	return tap_done();
}
