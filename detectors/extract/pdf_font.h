/*
 * pdf_font.h - fonts of the PDF extractor (internals, not an API).
 *
 * pdf_font.c reads a font dictionary into a struct pdf_font: Type0 or
 * simple, its ToUnicode CMap, /Encoding /Differences, and for fonts that
 * carry no ToUnicode the code -> Unicode map that their embedded font
 * implies (CID -> GID by /CIDToGIDMap, GID -> Unicode by a TrueType or
 * OpenType cmap table read in reverse, else by its post table's glyph
 * names, or by a bare CFF's charset names). It
 * reaches objects through the four pdf_x_* calls that x_pdf.c provides.
 */
#ifndef PHI_PDF_FONT_H
#define PHI_PDF_FONT_H

#include <stddef.h>
#include <stdint.h>
#include "pdf.h"

struct pdf; /* x_pdf.c's document */

/* --- provided by x_pdf.c --- */
/* Value of /key in the dictionary s..s+n, references followed. 1 or 0. */
int pdf_x_get(struct pdf *x, const unsigned char *s, size_t n, const char *key,
              const unsigned char **vs, size_t *vn);
/* Follow references from the value at *vs to a direct value (in place). */
void pdf_x_resolve(struct pdf *x, const unsigned char **vs, size_t *vn);
/* The decoded stream of object num into out (reset first; bounded by
 * max_entry_bytes). PHI_OK, PHI_EINVAL (not a stream, not decodable),
 * PHI_ENOMEM or PHI_ETIME. */
int pdf_x_stream(struct pdf *x, long num, struct phi_buf *out);
struct phi_doc *pdf_x_doc(struct pdf *x);

/* --- pdf_font.c --- */
#define PDF_MAX_FONTS 64 /* fonts of one resources dict */

/* One document's parsed ToUnicode CMaps (by object number) and the maps
 * made from embedded fonts (by font dict); owns them. */
struct pdf_fontcache;
struct pdf_fontcache *pdf_fontcache_new(void);
void pdf_fontcache_free(struct pdf_fontcache *fc);

/* The parsed ToUnicode CMap of stream object num (cached), or NULL. */
const struct pdf_cmap *pdf_font_tounicode(struct pdf *x, struct pdf_fontcache *fc, long num);

/* Fill f (the caller has set name/name_len) from the font dictionary
 * fb..fb+fbn. map (256 entries, may be NULL) receives Differences and
 * embedded-font codes for a simple font; f->diff then points to it.
 * A malformed or unsupported font only leaves f as it was before the
 * embedded font was considered. Returns PHI_OK or PHI_ETIME. */
int pdf_font_load(struct pdf *x, struct pdf_fontcache *fc, const unsigned char *fb, size_t fbn,
                  struct pdf_font *f, unsigned short *map);

/* The fonts named in the /Font dict of resources dict res..res+resn into
 * f[PDF_MAX_FONTS] (maps: PDF_MAX_FONTS x 256, may be NULL). Returns how
 * many. */
size_t pdf_fonts_of(struct pdf *x, struct pdf_fontcache *fc, const unsigned char *res, size_t resn,
                    struct pdf_font *f, unsigned short (*maps)[256]);

/* TrueType (sfnt) bytes -> Unicode of each glyph id: rev[gid] for gid <
 * nrev (0 = unknown), from the cmap table's Unicode subtables (formats 0,
 * 4, 6, 12) in reverse, then post table names. Returns the number of
 * glyphs known (0 when nothing usable). Bounds-checked, iteration capped. */
size_t pdf_sfnt_glyph_unicode(struct phi_doc *d, const unsigned char *p, size_t n, uint32_t *rev,
                              size_t nrev);

#endif
