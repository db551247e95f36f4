/*
 * x_ooxml.c - text of office XML members (see ooxml.h): WordprocessingML
 * and DrawingML runs joined without spaces inside a paragraph (a word split
 * across runs stays one word), w:p/a:p -> newline (a space inside a table
 * cell: a row is one line, its cells ended by tabs), w:br/w:cr -> newline,
 * w:tab -> tab (not the tab stops of w:tabs), field codes (w:instrText)
 * dropped, tracked deletions (w:delText) kept; SpreadsheetML rows with
 * cells joined by tabs (gaps in the column letters keep their tabs, so the
 * header row lines up), shared and inline strings, phonetic runs dropped;
 * OpenDocument paragraphs, spaces, tabs and table cells. Bounded by the
 * xml.h caps, SST_MAX shared strings and SHEET_CELLS cell segments.
 * Never logs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ooxml.h"
#include "xml.h"

#define XML_DEPTH 256

#define SST_MAX 1000000u

int ooxml_sst_load(struct ooxml_ctx *z, const unsigned char *x, size_t n, struct ooxml_sst *s)
{
	struct xml_reader r;
	enum xml_tok t;
	unsigned in_t = 0, in_rph = 0, in_si = 0;
	int rc = PHI_OK;

	xml_init(&r, x, n, XML_DEPTH, 64 * 1024);
	while ((t = xml_next(&r)) != XML_EOF && t != XML_ERROR) {
		if ((rc = doc_budget(z->d)) != PHI_OK)
			break;
		if (t == XML_OPEN) {
			if (xml_is(&r, "si")) {
				if (s->count >= SST_MAX)
					break;
				if (s->count + 2 > s->cap) {
					size_t nc = s->cap ? s->cap * 2 : 256;
					size_t *no = realloc(s->off, nc * sizeof *no);
					if (!no) {
						rc = PHI_ENOMEM;
						break;
					}
					s->off = no;
					s->cap = nc;
				}
				s->off[s->count] = s->buf.len;
				in_si = 1;
			} else if (xml_is(&r, "t")) {
				in_t = r.depth;
			} else if (xml_is(&r, "rPh")) {
				in_rph = r.depth; /* phonetic reading: not the text */
			}
		} else if (t == XML_CLOSE) {
			if (xml_is(&r, "si") && in_si) {
				s->count++;
				s->off[s->count] = s->buf.len;
				in_si = 0;
			} else if (xml_is(&r, "t")) {
				in_t = 0;
			} else if (xml_is(&r, "rPh")) {
				in_rph = 0;
			}
		} else if (t == XML_TEXT && in_si && in_t && !in_rph) {
			if (phi_buf_append(&s->buf, r.text.data, r.text.len) == PHI_ENOMEM) {
				rc = PHI_ENOMEM;
				break;
			}
		}
	}
	if (in_si && s->off) { /* unterminated last string */
		s->count++;
		s->off[s->count] = s->buf.len;
	}
	xml_free(&r);
	return rc;
}

/* Column index (0-based) of a cell reference such as "AB12"; -1 if none. */
static long col_of(const unsigned char *r, size_t n)
{
	long c = 0;
	size_t i;
	for (i = 0; i < n && i < 4; i++) {
		unsigned ch = r[i];
		if (ch >= 'a' && ch <= 'z')
			ch -= 32;
		if (ch < 'A' || ch > 'Z')
			break;
		c = c * 26 + (ch - 'A' + 1);
	}
	return i ? c - 1 : -1;
}

static int put(struct phi_buf *o, const void *p, size_t n)
{
	int rc = phi_buf_append(o, p, n);
	return rc == PHI_ENOMEM ? PHI_ENOMEM : rc;
}

#define SHEET_COLS 512
#define SHEET_HDR 64
#define SHEET_CELLS 200000u

/* A spreadsheet cell: in the first row it names its column; below, it is a
 * PHI_F_TABLE_CELL segment named by that header (as x_csv does), at its
 * offset in the sheet text. */
static int sheet_cell(struct ooxml_ctx *z, char (*hdr)[SHEET_HDR], unsigned row, long col,
                      const unsigned char *v, size_t vn, size_t off)
{
	char name[SHEET_HDR];
	int rc;

	if (row == 0) {
		if (col >= 0 && col < SHEET_COLS) {
			size_t k = vn < SHEET_HDR - 1 ? vn : SHEET_HDR - 1;
			memcpy(hdr[col], v, k);
			hdr[col][k] = 0;
		}
		return PHI_OK;
	}
	if (z->cells >= SHEET_CELLS)
		return PHI_OK;
	z->cells++;
	if (col >= 0 && col < SHEET_COLS && hdr[col][0])
		snprintf(name, sizeof name, "%s", hdr[col]);
	else
		snprintf(name, sizeof name, "column %ld", col + 1);
	rc = doc_add_text(z->d, z->part, PHI_F_TABLE_CELL, name, v, vn, off);
	return rc == PHI_ELIMIT ? PHI_ELIMIT : rc;
}

/* Text of one office XML member into out, by mode. Returns PHI_OK,
 * PHI_ELIMIT (out full), PHI_ENOMEM or PHI_ETIME. */
int ooxml_text(struct ooxml_ctx *z, const unsigned char *x, size_t n, enum ooxml_mode m,
                       const struct ooxml_sst *ss, struct phi_buf *out)
{
	struct xml_reader r;
	struct phi_buf a, cell;
	enum xml_tok t;
	unsigned in_t = 0, in_tabs = 0, in_p = 0, in_cell = 0, in_v = 0, in_instr = 0, in_tc = 0;
	int shared = 0;
	long cell_col = -1, last_col = -1;
	unsigned row = 0;
	size_t vstart;
	char (*hdr)[SHEET_HDR] = NULL;
	int rc = PHI_OK;

	if (m == OOXML_SHEET && !(hdr = calloc(SHEET_COLS, sizeof *hdr)))
		return PHI_ENOMEM;
	xml_init(&r, x, n, XML_DEPTH, 1024 * 1024);
	phi_buf_init(&a, 256);
	phi_buf_init(&cell, 1024 * 1024);
	while (rc == PHI_OK && (t = xml_next(&r)) != XML_EOF && t != XML_ERROR) {
		if ((rc = doc_budget(z->d)) != PHI_OK)
			break;
		if (m == OOXML_ALL) {
			if (t == XML_TEXT) {
				size_t s = 0, e = r.text.len;
				while (s < e && (r.text.data[s] <= ' '))
					s++;
				while (e > s && r.text.data[e - 1] <= ' ')
					e--;
				if (e > s && (rc = put(out, r.text.data + s, e - s)) == PHI_OK)
					rc = put(out, "\n", 1);
			}
			continue;
		}
		if (m == OOXML_SHEET) {
			if (t == XML_OPEN && xml_is(&r, "c")) {
				in_cell = 1;
				phi_buf_reset(&cell);
				shared = xml_attr(&r, "t", &a) && a.len == 1 && a.data[0] == 's';
				cell_col = xml_attr(&r, "r", &a) ? col_of(a.data, a.len) : -1;
			} else if (t == XML_OPEN && (xml_is(&r, "v") || xml_is(&r, "t")) && in_cell) {
				in_v = 1;
			} else if (t == XML_CLOSE && (xml_is(&r, "v") || xml_is(&r, "t"))) {
				in_v = 0;
			} else if (t == XML_TEXT && in_v) {
				rc = put(&cell, r.text.data, r.text.len);
			} else if (t == XML_CLOSE && xml_is(&r, "c") && in_cell) {
				long c = cell_col, tabs;
				in_cell = 0;
				if (c <= last_col)
					c = last_col + 1;
				tabs = last_col < 0 ? c : c - last_col;
				if (tabs > 64)
					tabs = 64;
				while (tabs-- > 0 && rc == PHI_OK)
					rc = put(out, "\t", 1);
				last_col = c;
				if (rc != PHI_OK)
					break;
				vstart = out->len;
				if (shared && ss) {
					unsigned long idx = 0;
					size_t k;
					int ok = cell.len > 0 && cell.len < 10;
					for (k = 0; ok && k < cell.len; k++) {
						if (cell.data[k] < '0' || cell.data[k] > '9')
							ok = 0;
						else
							idx = idx * 10 + (cell.data[k] - '0');
					}
					if (ok && idx < ss->count)
						rc = put(out, ss->buf.data + ss->off[idx], ss->off[idx + 1] - ss->off[idx]);
				} else if (cell.len) {
					rc = put(out, cell.data, cell.len);
				}
				if (rc == PHI_OK && out->len > vstart)
					rc = sheet_cell(z, hdr, row, c, out->data + vstart, out->len - vstart,
					                z->text_off + vstart);
			} else if (t == XML_CLOSE && xml_is(&r, "row")) {
				if (last_col >= 0)
					row++;
				last_col = -1;
				rc = put(out, "\n", 1);
			}
			continue;
		}
		if (m == OOXML_RUNS) {
			if (t == XML_OPEN) {
				if (xml_is(&r, "t") || xml_is(&r, "delText"))
					in_t = r.self_closing ? 0 : 1;
				else if (xml_is(&r, "instrText"))
					in_instr = 1;
				else if (xml_is(&r, "tabs"))
					in_tabs = 1;
				else if (xml_is(&r, "tab") && !in_tabs)
					rc = put(out, "\t", 1);
				else if (xml_is(&r, "br") || xml_is(&r, "cr"))
					rc = put(out, "\n", 1);
				else if (xml_is(&r, "tc") && !r.self_closing)
					in_tc++;
			} else if (t == XML_CLOSE) {
				if (xml_is(&r, "t") || xml_is(&r, "delText"))
					in_t = 0;
				else if (xml_is(&r, "instrText"))
					in_instr = 0;
				else if (xml_is(&r, "tabs"))
					in_tabs = 0;
				else if (xml_is(&r, "p"))
					/* a table row is one line, its cells split by tabs
					 * ("Patient<TAB>Jane Roe"), as a sheet's row */
					rc = put(out, in_tc ? " " : "\n", 1);
				else if (xml_is(&r, "tc") && in_tc) {
					in_tc--;
					if (out->len && out->data[out->len - 1] == ' ')
						out->len--;
					rc = put(out, "\t", 1);
				} else if (xml_is(&r, "tr"))
					rc = put(out, "\n", 1);
			} else if (t == XML_TEXT && in_t && !in_instr) {
				rc = put(out, r.text.data, r.text.len);
			}
			continue;
		}
		/* OOXML_ODF */
		if (t == XML_OPEN) {
			if (xml_is(&r, "p") || xml_is(&r, "h"))
				in_p++;
			else if (xml_is(&r, "s"))
				rc = put(out, " ", 1);
			else if (xml_is(&r, "tab"))
				rc = put(out, "\t", 1);
			else if (xml_is(&r, "line-break"))
				rc = put(out, "\n", 1);
			else if (xml_is(&r, "table-cell") || xml_is(&r, "covered-table-cell"))
				in_cell++;
		} else if (t == XML_CLOSE) {
			if ((xml_is(&r, "p") || xml_is(&r, "h")) && in_p) {
				in_p--;
				rc = put(out, in_cell ? " " : "\n", 1);
			} else if ((xml_is(&r, "table-cell") || xml_is(&r, "covered-table-cell")) && in_cell) {
				in_cell--;
				rc = put(out, "\t", 1);
			} else if (xml_is(&r, "table-row")) {
				rc = put(out, "\n", 1);
			}
		} else if (t == XML_TEXT && in_p) {
			rc = put(out, r.text.data, r.text.len);
		}
	}
	xml_free(&r);
	phi_buf_free(&a);
	phi_buf_free(&cell);
	free(hdr);
	return rc;
}

