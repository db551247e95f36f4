/* t_csv.c - CSV/TSV: delimiter sniffing, quotes, header-named cells, caps. */
#include <stdlib.h>
#include <string.h>
#include "tap.h"
#include "scan.h"
#include "extract/extract.h"

static struct phi_scan *csv(const char *in)
{
	struct phi_scan *s = phi_scan_new(NULL, NULL, NULL, NULL);
	int part = doc_add_part(&s->doc, -1, "text/csv", "l.csv", PHI_FMT_CSV, strlen(in), 1);
	x_csv_extract(&s->doc, part, (const unsigned char *)in, strlen(in));
	return s;
}

/* Is there a cell segment with this column name and text (at this offset, if off >= 0)? */
static int cell(struct phi_scan *s, const char *col, const char *text, long off)
{
	size_t k;
	for (k = 0; k < s->doc.nsegs; k++) {
		const struct phi_segment *g = &s->doc.segs[k];
		if (g->field == PHI_F_TABLE_CELL && g->field_name && strcmp(g->field_name, col) == 0 &&
		    g->len == strlen(text) && memcmp(g->text, text, g->len) == 0 &&
		    (off < 0 || (size_t)off == g->part_offset))
			return 1;
	}
	return 0;
}

static size_t ncells(struct phi_scan *s)
{
	size_t k, c = 0;
	for (k = 0; k < s->doc.nsegs; k++)
		c += s->doc.segs[k].field == PHI_F_TABLE_CELL;
	return c;
}

int main(void)
{
	struct phi_scan *s;
	const char *in = "Name,DOB,MRN\r\nQuux Zed,1980-02-03,A123\r\n\"Doe, Jo\",\"1975-01-01\",\"say \"\"hi\"\"\nthere\"\r\n";

	s = csv(in);
	T_OK(s->doc.nsegs > 0 && s->doc.segs[0].field == PHI_F_NONE && s->doc.segs[0].len == strlen(in),
	     "whole text is the first, free-text segment");
	T_OK(cell(s, "DOB", "1980-02-03", 23), "cell named by its header, offset in the part");
	T_OK(cell(s, "MRN", "A123", -1), "CR trimmed from last cell");
	T_OK(cell(s, "Name", "Doe, Jo", -1), "quoted comma stays in the cell");
	T_OK(cell(s, "MRN", "say \"hi\"\nthere", -1), "doubled quotes and embedded newline");
	T_EQ_INT(ncells(s), 6, "header row is not cells");
	T_EQ_INT(s->doc.parts[0].format, PHI_FMT_CSV, "format csv");
	phi_scan_free(s);

	s = csv("id;birth date;zip\n1;02.03.1980;12345\n2;04.05.1970;54321\n");
	T_OK(cell(s, "birth date", "02.03.1980", -1), "semicolon delimiter sniffed");
	phi_scan_free(s);

	s = csv("MRN\tNote\nM1\ta, b, c\nM2\td, e\n");
	T_OK(cell(s, "Note", "a, b, c", -1), "tab delimiter beats commas inside cells");
	phi_scan_free(s);

	s = csv("a,b\n1,2,3\n");
	T_OK(cell(s, "column 3", "3", -1), "cell past the header gets a column number");
	phi_scan_free(s);

	s = csv("x\n\"never closed, goes\non");
	T_OK(cell(s, "x", "never closed, goes\non", -1), "unterminated quote runs to the end");
	phi_scan_free(s);
	{
		size_t n = 3 << 20, k;
		char *big = malloc(n + 1);
		for (k = 0; k < n; k++)
			big[k] = (k % 7 == 6) ? ',' : (k % 97 == 96 ? '\n' : 'x');
		big[n] = 0;
		s = csv(big);
		T_OK(ncells(s) <= 200000, "cell segments capped");
		phi_scan_free(s);
		free(big);
	}
	return tap_done();
}
