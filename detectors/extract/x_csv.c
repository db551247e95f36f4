/*
 * x_csv.c - CSV/TSV (UTF-8): the whole text as one free-text segment, and
 * every data cell as a PHI_F_TABLE_CELL segment named by its column header
 * (the first row), so a detector sees that "1980-02-03" sits in column
 * "DOB". The delimiter (comma, semicolon or tab) is sniffed from the first
 * lines; quoted fields with "" escapes and embedded newlines are handled.
 * Caps: CSV_COLS columns get names (later cells are only in the free text),
 * CSV_CELL bytes per cell, CSV_CELLS cell segments per part. Cell offsets
 * are those of the cell's bytes in the part. Never logs.
 */
#include <stdio.h>
#include <string.h>
#include "phi/buf.h"
#include "extract.h"

#define CSV_COLS 512
#define CSV_HDR 64
#define CSV_CELL (64u * 1024)
#define CSV_CELLS 200000u

/* Count the candidate delimiters per line over the first lines (quotes
 * respected) and pick the one used the same nonzero number of times on
 * most lines. */
static unsigned char sniff_delim(const unsigned char *p, size_t n)
{
	static const unsigned char cand[3] = { '\t', ';', ',' };
	unsigned cnt[8][3], lines = 0, best = 2, best_score = 0, k;
	size_t i;
	int q = 0;

	memset(cnt, 0, sizeof cnt);
	for (i = 0; i < n && i < 65536 && lines < 8; i++) {
		unsigned c = p[i];
		if (c == '"')
			q = !q;
		else if (!q && c == '\n')
			lines++;
		else if (!q)
			for (k = 0; k < 3; k++)
				if (c == cand[k])
					cnt[lines][k]++;
	}
	if (lines < 8 && i >= n)
		lines++; /* last line without newline */
	for (k = 0; k < 3; k++) {
		unsigned same = 0, l;
		if (!cnt[0][k])
			continue;
		for (l = 0; l < lines && l < 8; l++)
			if (cnt[l][k] == cnt[0][k])
				same++;
		/* score: consistency first, then how many columns it makes */
		if (same * 1000 + cnt[0][k] > best_score) {
			best_score = same * 1000 + cnt[0][k];
			best = k;
		}
	}
	return cand[best];
}

int x_csv_extract(struct phi_doc *d, int part, const unsigned char *p, size_t n)
{
	char hdr[CSV_COLS][CSV_HDR];
	unsigned ncols = 0, col = 0, row = 0, cells = 0;
	unsigned char delim = sniff_delim(p, n);
	struct phi_buf cell;
	size_t i = 0, cell_off = 0;
	int rc;

	if (part >= 0 && (size_t)part < d->nparts)
		d->parts[part].format = PHI_FMT_CSV;
	rc = doc_add_text(d, part, PHI_F_NONE, NULL, p, n, 0);
	if (rc != PHI_OK)
		return rc == PHI_ELIMIT ? PHI_OK : rc;
	phi_buf_init(&cell, CSV_CELL);
	while (i <= n && rc == PHI_OK) {
		int end_row = 0, quoted = 0;

		if ((i & 4095) < 64 && (rc = doc_budget(d)) != PHI_OK)
			break;
		if (i == n)
			break;
		phi_buf_reset(&cell);
		cell_off = i;
		/* one field */
		if (p[i] == '"') {
			quoted = 1;
			i++;
			cell_off = i;
			while (i < n) {
				if (p[i] == '"') {
					if (i + 1 < n && p[i + 1] == '"') {
						phi_buf_putc(&cell, '"');
						i += 2;
						continue;
					}
					i++;
					break;
				}
				phi_buf_putc(&cell, p[i]); /* past CSV_CELL: cut */
				i++;
			}
			/* junk between the closing quote and the delimiter */
			while (i < n && p[i] != delim && p[i] != '\n')
				i++;
		} else {
			size_t s = i;
			while (i < n && p[i] != delim && p[i] != '\n')
				i++;
			phi_buf_append(&cell, p + s, (i - s) > CSV_CELL ? CSV_CELL : i - s);
		}
		if (i >= n || p[i] == '\n')
			end_row = 1;
		if (i < n)
			i++;
		/* trim a CR and (unquoted) surrounding blanks */
		while (cell.len && (cell.data[cell.len - 1] == '\r' ||
		                    (!quoted && cell.data[cell.len - 1] == ' ')))
			cell.len--;
		if (row == 0) {
			if (col < CSV_COLS) {
				size_t k = cell.len < CSV_HDR - 1 ? cell.len : CSV_HDR - 1;
				if (k)
					memcpy(hdr[col], cell.data, k);
				hdr[col][k] = 0;
				ncols = col + 1;
			}
		} else if (cell.len && cells < CSV_CELLS) {
			char name[CSV_HDR];
			if (col < ncols && hdr[col][0])
				snprintf(name, sizeof name, "%s", hdr[col]);
			else
				snprintf(name, sizeof name, "column %u", col + 1);
			rc = doc_add_text(d, part, PHI_F_TABLE_CELL, name, cell.data, cell.len, cell_off);
			cells++;
		}
		col++;
		if (end_row) {
			/* a blank line before any header is not the header */
			if (!(row == 0 && col == 1 && ncols == 1 && !hdr[0][0]))
				row++;
			col = 0;
		}
	}
	phi_buf_free(&cell);
	return rc == PHI_ELIMIT ? PHI_OK : rc;
}
