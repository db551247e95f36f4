/*
 * ooxml.h - document text of the XML members of office files (x_ooxml.c),
 * used by x_zip.c once it knows the archive is a DOCX/XLSX/PPTX/ODF file.
 */
#ifndef PHI_OOXML_H
#define PHI_OOXML_H

#include <stddef.h>
#include "phi/buf.h"
#include "extract.h"

enum ooxml_mode {
	OOXML_RUNS,  /* WordprocessingML / DrawingML: <t> runs, p/br/tab */
	OOXML_ODF,   /* OpenDocument: text:p/h, s, tab, line-break, table cells */
	OOXML_ALL,   /* every text run, one per line (docProps/core.xml, meta.xml) */
	OOXML_SHEET  /* SpreadsheetML worksheet: cells by tab, rows by newline */
};

/* The shared strings of a workbook. */
struct ooxml_sst {
	struct phi_buf buf;     /* owned: all shared strings, back to back */
	size_t *off;            /* owned: start of string i; off[count] = end */
	size_t count, cap;
};

struct ooxml_ctx {
	struct phi_doc *d;      /* borrowed */
	int part;               /* the archive part the text belongs to */
	size_t text_off;        /* where this member's text starts in the part */
	unsigned cells;         /* spreadsheet cell segments so far (capped) */
};

/* Load xl/sharedStrings.xml into s (zeroed, buf initialised by the caller;
 * freed by the caller). Returns PHI_OK, PHI_ENOMEM or PHI_ETIME. */
int ooxml_sst_load(struct ooxml_ctx *z, const unsigned char *x, size_t n, struct ooxml_sst *s);

/* Text of one XML member into out by mode. In OOXML_SHEET mode the cells
 * below the first row are also added as PHI_F_TABLE_CELL segments named by
 * the first row's cells (offsets z->text_off + position in out). Returns
 * PHI_OK, PHI_ELIMIT (out full), PHI_ENOMEM or PHI_ETIME. */
int ooxml_text(struct ooxml_ctx *z, const unsigned char *x, size_t n, enum ooxml_mode m,
               const struct ooxml_sst *ss, struct phi_buf *out);

#endif
