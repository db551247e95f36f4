/*
 * pdf.h - internals shared by the PDF extractor's files (not an API):
 *   pdf_lex.c   tokens of PDF syntax, dictionary lookup, string decoding
 *   pdf_text.c  ToUnicode CMaps and the content-stream text interpreter
 *   pdf_font.c  font dictionaries, glyph names, embedded TrueType (pdf_font.h)
 *   x_pdf.c     objects, streams, filters, pages (the extractor)
 * Everything reads borrowed spans [p, p+n) through bounded cursors.
 */
#ifndef PHI_PDF_H
#define PHI_PDF_H

#include <stddef.h>
#include <stdint.h>
#include "phi/buf.h"
#include "extract.h"

enum pdf_tt {
	PT_EOF = 0,
	PT_NAME,     /* s/n: the name after '/', #xx not yet decoded */
	PT_NUM,
	PT_STR,      /* literal string: s/n inside the outer parentheses, raw */
	PT_HEX,      /* hex string: s/n inside < > */
	PT_DICT,     /* << */
	PT_DICT_END, /* >> */
	PT_ARR,      /* [ */
	PT_ARR_END,  /* ] */
	PT_KW        /* a bare word: obj, R, stream, BT, Tj, true ... */
};

struct pdf_tok {
	enum pdf_tt type;
	const unsigned char *s; /* borrowed span of the token's content */
	size_t n;
	const unsigned char *end; /* just after the token */
};

struct pdf_lex {
	const unsigned char *p, *e; /* borrowed cursor */
};

/* Next token; PT_EOF at the end. Comments are skipped. */
enum pdf_tt pdf_lex_next(struct pdf_lex *l, struct pdf_tok *t);

/* After reading `first`, skip the rest of the value it starts (a whole
 * dict or array, or "n g R"). Returns the end of the value. Nesting is
 * counted, not recursed, and bounded by the span. */
const unsigned char *pdf_skip_value(struct pdf_lex *l, const struct pdf_tok *first);

/* Value of /key at the top level of the dictionary starting at or after s
 * (s..s+n). Returns 1 and the value's span, or 0. */
int pdf_dict_get(const unsigned char *s, size_t n, const char *key,
                 const unsigned char **vs, size_t *vn);

/* Parse "n g R" at vs; returns 1 and the object number. */
int pdf_ref(const unsigned char *vs, size_t vn, long *num);
/* Parse a number at vs; returns 1 and its value. */
int pdf_num(const unsigned char *vs, size_t vn, double *v);
/* Does the value at vs name `name` ("/FlateDecode" -> "FlateDecode")? */
int pdf_is_name(const unsigned char *vs, size_t vn, const char *name);

/* Bytes of a PT_STR or PT_HEX token, escapes decoded, appended to out. */
int pdf_str_bytes(const struct pdf_tok *t, struct phi_buf *out);

/* Text strings outside content streams (Info, form fields): UTF-16BE with
 * a BOM, else PDFDocEncoding (as cp1252), appended to out as UTF-8. */
int pdf_textstring_utf8(const unsigned char *p, size_t n, struct phi_buf *out);

/* One byte in cp1252 (WinAnsi) as UTF-8 into o (>= 3 bytes); returns length. */
size_t pdf_cp1252(unsigned char c, unsigned char *o);
/* A code point as UTF-8 into o (>= 4 bytes); returns length. */
size_t pdf_utf8(unsigned long cp, unsigned char *o);

/* --- pdf_text.c --- */

struct pdf_cmap; /* a parsed ToUnicode CMap */

/* Parse a ToUnicode CMap (decoded stream bytes). NULL when nothing usable
 * or out of memory. Entries are capped. */
struct pdf_cmap *pdf_cmap_parse(struct phi_doc *d, const unsigned char *p, size_t n);
void pdf_cmap_free(struct pdf_cmap *c);
/* 1 when the map's codes are 2 bytes wide. */
int pdf_cmap_two_byte(const struct pdf_cmap *c);
/* A 2-byte map (codespace <0000>-<FFFF>) from uni[code] for code < n
 * (0 = unmapped; n <= 65536), as if it were a ToUnicode CMap: for fonts
 * whose map comes from their embedded font. NULL when nothing is mapped or
 * out of memory. */
struct pdf_cmap *pdf_cmap_from_codes(const uint32_t *uni, size_t n);

struct pdf_font {
	const unsigned char *name; /* borrowed resource name (after '/'), name_len bytes */
	size_t name_len;
	const struct pdf_cmap *cmap; /* borrowed, may be NULL */
	int composite;               /* Type0: 2-byte codes (Identity-H) */
	const unsigned short *diff;  /* borrowed, may be NULL: 256 code points from
	                                /Encoding /Differences (0 = not overridden) */
};

/* pdf_font.c: Unicode of a glyph name from an /Encoding /Differences
 * array or a post table ("a", "quoteright", "fi", "uni00E9", "u1F600",
 * "a.sc" ...), 0 when unknown. */
unsigned long pdf_glyph_unicode(const unsigned char *name, size_t n);

/* Text of a content stream appended to out. Fonts by resource name; when a
 * name is not found, `fallback` (may be NULL) is used for its strings.
 * Returns PHI_OK, PHI_ELIMIT (out full), PHI_ENOMEM or PHI_ETIME. */
int pdf_content_text(struct phi_doc *d, const unsigned char *p, size_t n,
                     const struct pdf_font *fonts, size_t nfonts,
                     const struct pdf_cmap *fallback, struct phi_buf *out);

#endif
