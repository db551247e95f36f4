/*
 * d_table.c - structure found in free text: a pasted HL7 v2 message, and
 * tables (CSV, tab- or pipe-separated) whose header row names a DOB, MRN or
 * SSN column.
 *
 * Decoders give CSV/XLSX cells as PHI_F_TABLE_CELL segments when they can;
 * this catches the same data when it reaches the detectors as plain lines
 * (a CSV read as text, a table pasted into a body). The header cell must be
 * the label itself ("DOB", "Date of Birth", "MRN"); each following row's
 * cell in that column is validated like a labelled value. A pasted HL7 v2
 * message (an MSH segment, then a PID segment with a patient name) makes
 * its part an hl7v2 document.
 */
#include <string.h>
#include "det.h"
#include "memfind.h"

#define TABLE_MAX_ROWS 20000

static size_t line_end(const unsigned char *t, size_t n, size_t i)
{
	const unsigned char *p = memchr(t + i, '\n', n - i);
	return p ? (size_t)(p - t) : n;
}

static unsigned char pick_sep(const unsigned char *t, size_t a, size_t b)
{
	static const unsigned char seps[] = { ',', '\t', '|', ';' };
	size_t cnt[4] = { 0, 0, 0, 0 }, i, k, best = 0;

	if (b - a > 4096)
		return 0;
	for (i = a; i < b; i++) {
		switch (t[i]) {
		case ',': cnt[0]++; break;
		case '\t': cnt[1]++; break;
		case '|': cnt[2]++; break;
		case ';': cnt[3]++; break;
		default: break;
		}
	}
	for (k = 1; k < 4; k++)
		if (cnt[k] > cnt[best])
			best = k;
	return cnt[best] >= 2 ? seps[best] : 0;
}

/* Cell `col` of line [a, b): sets [*ca, *cb) trimmed of spaces and quotes. */
static int cell(const unsigned char *t, size_t a, size_t b, unsigned char sep, int col, size_t *ca,
                size_t *cb)
{
	size_t i = a, s = a;
	int c = 0;

	for (;; i++) {
		if (i == b || t[i] == sep) {
			if (c == col) {
				while (s < i && (t[s] == ' ' || t[s] == '"' || t[s] == '\''))
					s++;
				while (i > s && (t[i - 1] == ' ' || t[i - 1] == '"' || t[i - 1] == '\r' || t[i - 1] == '\''))
					i--;
				*ca = s;
				*cb = i;
				return 1;
			}
			if (i == b)
				return 0;
			c++;
			s = i + 1;
		}
	}
}

static int ssn_cell(const unsigned char *t, size_t a, size_t b)
{
	char d[10];
	size_t k = 0;

	for (; a < b; a++) {
		if (IS_DIGIT(t[a])) {
			if (k >= 9)
				return 0;
			d[k++] = (char)t[a];
		} else if (t[a] != '-' && t[a] != ' ') {
			return 0;
		}
	}
	d[k] = 0;
	return k == 9 && ssn_valid(d);
}

/* Read one column under the header line ending at hdr_end; returns where the table ends. */
static size_t column(struct det_seg *ds, size_t hdr_end, unsigned char sep, int col, uint32_t kind)
{
	const unsigned char *t = ds->t;
	size_t n = ds->n, i = hdr_end + 1, rows = 0;

	while (i < n && rows++ < TABLE_MAX_ROWS) {
		size_t le = line_end(t, n, i), ca, cb, dig = 0, k;
		int y, m, d;
		if (le - i <= 1)
			break; /* a blank line ends the table */
		if (cell(t, i, le, sep, col, &ca, &cb) && ca < cb) {
			for (k = ca; k < cb; k++)
				if (IS_DIGIT(t[k]))
					dig++;
			if (kind & K_DOB) {
				size_t u = date_parse(t + ca, cb - ca, &y, &m, &d);
				if (u == cb - ca && date_plausible_dob(ds->de, y, m, d))
					det_add(ds, PHI_T_DATE_OF_BIRTH, PHI_CONF_HIGH, ca, u, "column dob");
			} else if (kind & K_SSN) {
				if (ssn_cell(t, ca, cb))
					det_add(ds, PHI_T_US_SSN, PHI_CONF_HIGH, ca, cb - ca, "column ssn");
			} else if (kind & K_MRN) {
				if (dig >= 3 && cb - ca <= 24)
					det_add(ds, PHI_T_MRN, PHI_CONF_HIGH, ca, cb - ca, "column mrn");
			}
		}
		i = le + 1;
	}
	return i;
}

void d_table_hits(struct det_seg *ds)
{
	const unsigned char *t = ds->t;
	size_t h, hdr_line = (size_t)-1, table_end = 0;
	size_t cur_ls = 0, cur_le = 0, cur_pos = 0;  /* the line of the last hit, and a cursor in it */
	unsigned char cur_sep = 0;
	int cur_col = 0, cur_hits = 0;

	if (!(ds->allcats & (K_DOB | K_MRN | K_SSN)))
		return;
	for (h = 0; h < ds->nhits; h++) {
		const struct kw_hit *k = &ds->hits[h];
		size_t ca = 0, cb = 0;

		if (!(k->cats & (K_DOB | K_MRN | K_SSN)))
			continue;
		if (h == 0 || k->start >= cur_le || cur_le == 0) {
			/* a new line: hits come in order, so look back no further than the last line */
			const unsigned char *nl;
			size_t lo = cur_le;
			if (k->start < lo)
				lo = 0;
			nl = k->start > lo ? memrchr(t + lo, '\n', k->start - lo) : NULL;
			cur_ls = nl ? (size_t)(nl - t) + 1 : lo;
			cur_le = line_end(t, ds->n, k->start);
			cur_sep = pick_sep(t, cur_ls, cur_le);
			cur_pos = cur_ls;
			cur_col = 0;
			cur_hits = 0;
		}
		if (!cur_sep || ++cur_hits > 64)
			continue;
		/* labels inside a table already read are cells, not headers (and
		 * reading the table again for each would be quadratic) */
		if (k->start < table_end && cur_ls != hdr_line)
			continue;
		/* the column of this hit: separators between the line start and it */
		for (; cur_pos < k->start; cur_pos++)
			if (t[cur_pos] == cur_sep)
				cur_col++;
		if (!cell(t, cur_ls, cur_le, cur_sep, cur_col, &ca, &cb))
			continue;
		/* the header cell is the label itself, not a sentence that mentions it */
		if (!(ca <= k->start && k->end <= cb + 1) || cb - ca > 24)
			continue;
		{
			size_t e = column(ds, cur_le, cur_sep, cur_col, k->cats);
			hdr_line = cur_ls;
			if (e > table_end)
				table_end = e;
		}
	}
}

/* "MSH" at t[i] with a field separator, 2-4 distinct encoding characters
 * and the separator again ("MSH|^~\\&|", "MSH|@*!%|", "MSH#^~\\&#"):
 * returns the separator, or 0. */
static unsigned char msh_header(const unsigned char *t, size_t n, size_t i)
{
	unsigned char fs;
	size_t k, j;

	if (n - i < 8 || memcmp(t + i, "MSH", 3) != 0)
		return 0;
	fs = t[i + 3];
	if (fs <= ' ' || fs >= 0x7F || IS_ALNUM(fs))
		return 0;
	for (k = i + 4; k < n && k < i + 9; k++) {
		if (t[k] == fs)
			return k - (i + 4) >= 2 ? fs : 0;
		if (t[k] <= ' ' || t[k] >= 0x7F || IS_ALNUM(t[k]))
			return 0;
		for (j = i + 4; j < k; j++)
			if (t[j] == t[k])
				return 0;
	}
	return 0;
}

void d_pasted_hl7(struct det_seg *ds)
{
	const unsigned char *t = ds->t, *msh = NULL, *p;
	size_t n = ds->n, from = 0, tries = 0;
	unsigned char fs = 0;
	char pid[4] = { 'P', 'I', 'D', 0 };

	if (ds->seg->format == PHI_FMT_HL7V2 || n < 16)
		return;
	/* the first message header, whatever its delimiters */
	while (!fs && tries++ < 16 && (msh = memfind(t + from, n - from, "MSH", 3)) != NULL) {
		size_t i = (size_t)(msh - t);
		fs = msh_header(t, n, i);
		from = i + 3;
	}
	if (!fs)
		return;
	pid[3] = (char)fs;
	for (p = msh; (p = memmem(p, n - (size_t)(p - t), pid, 4)) != NULL; p += 4) {
		size_t i = (size_t)(p - t), f = 0, k;
		if (i > 0 && t[i - 1] != '\n' && t[i - 1] != '\r' && t[i - 1] != ' ')
			continue;
		/* PID-5 (patient name): the fifth separator starts it */
		for (k = i + 4; k < n && t[k] != '\n' && t[k] != '\r'; k++) {
			if (t[k] == fs) {
				f++;
				continue;
			}
			if (f == 4 && IS_ALPHA(t[k])) {
				finding_add_part(ds->s, ds->seg->part, PHI_T_HL7V2, PHI_CONF_HIGH, "pasted pid");
				return;
			}
			if (f > 4)
				break;
		}
	}
}
