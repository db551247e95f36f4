/*
 * x_zip.c - ZIP archives, and the ZIP-based office documents.
 *
 * Entries are found through the central directory (ZIP64 fields read through
 * the same bounds-checked getters), with a scan of local headers as the
 * fallback when the directory is missing or corrupt. Stored and deflated
 * entries are decoded through zinflate (bounded by max_entry_bytes and
 * max_ratio as it goes); each becomes a child part handed to extract_part().
 * Encrypted entries, other methods, overlapping entries (the "overlapping
 * files" bomb) and truncated data make the entry (or the archive)
 * unscannable; the rest of the archive is still read.
 *
 * DOCX/XLSX/PPTX and ODT/ODS/ODP are recognised by their member names; their
 * document text is extracted into the archive part itself (x_ooxml.c-style
 * text rules in x_ooxml.c) instead of recursing into every XML member;
 * embedded objects and media are still child parts. Never logs.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "extract.h"
#include "zinflate.h"
#include "ooxml.h"
#include "mime/charset.h"

#define ZIP_NAME_MAX 255

struct zent {
	size_t cd_index;        /* order in the central directory */
	uint64_t lho;           /* local header offset (adjusted for a prefix) */
	uint64_t csize, usize;
	unsigned method, flags;
	const unsigned char *name;
	size_t name_len;
	uint64_t data_off;      /* resolved from the local header */
	int skip;               /* overlapping or unreadable */
	int truncated;          /* data runs past the end of the archive */
};

static int get16(const unsigned char *p, size_t n, uint64_t off, unsigned *v)
{
	*v = 0;
	if (off > n || n - off < 2)
		return 0;
	*v = (unsigned)p[off] | (unsigned)p[off + 1] << 8;
	return 1;
}

static int get32(const unsigned char *p, size_t n, uint64_t off, uint64_t *v)
{
	*v = 0;
	if (off > n || n - off < 4)
		return 0;
	*v = (uint64_t)p[off] | (uint64_t)p[off + 1] << 8 | (uint64_t)p[off + 2] << 16 |
	     (uint64_t)p[off + 3] << 24;
	return 1;
}

static int get64(const unsigned char *p, size_t n, uint64_t off, uint64_t *v)
{
	uint64_t lo, hi;
	*v = 0;
	if (!get32(p, n, off, &lo) || !get32(p, n, off + 4, &hi))
		return 0;
	*v = lo | hi << 32;
	return 1;
}

static int sig(const unsigned char *p, size_t n, uint64_t off, unsigned char a, unsigned char b)
{
	return off <= n && n - off >= 4 && p[off] == 'P' && p[off + 1] == 'K' &&
	       p[off + 2] == a && p[off + 3] == b;
}

int x_zip_sniff(const unsigned char *p, size_t n)
{
	return n >= 4 && p[0] == 'P' && p[1] == 'K' &&
	       ((p[2] == 3 && p[3] == 4) || (p[2] == 5 && p[3] == 6) || (p[2] == 7 && p[3] == 8));
}

/* --- content type guess for entries, by extension --- */

static int name_ends(const unsigned char *n, size_t l, const char *suf)
{
	size_t s = strlen(suf), i;
	if (l < s)
		return 0;
	for (i = 0; i < s; i++) {
		unsigned c = n[l - s + i];
		if (c >= 'A' && c <= 'Z')
			c += 32;
		if (c != (unsigned char)suf[i])
			return 0;
	}
	return 1;
}

static const char *guess_type(const unsigned char *n, size_t l, enum phi_format *fmt)
{
	static const struct { const char *ext, *type; enum phi_format fmt; } t[] = {
		{ ".pdf", "application/pdf", PHI_FMT_PDF },
		{ ".docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", PHI_FMT_DOCX },
		{ ".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", PHI_FMT_XLSX },
		{ ".pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation", PHI_FMT_PPTX },
		{ ".odt", "application/vnd.oasis.opendocument.text", PHI_FMT_ODT },
		{ ".ods", "application/vnd.oasis.opendocument.spreadsheet", PHI_FMT_ODS },
		{ ".odp", "application/vnd.oasis.opendocument.presentation", PHI_FMT_ODP },
		{ ".zip", "application/zip", PHI_FMT_ZIP },
		{ ".gz", "application/gzip", PHI_FMT_GZIP },
		{ ".rtf", "application/rtf", PHI_FMT_RTF },
		{ ".csv", "text/csv", PHI_FMT_CSV },
		{ ".tsv", "text/tab-separated-values", PHI_FMT_CSV },
		{ ".txt", "text/plain", PHI_FMT_TEXT },
		{ ".htm", "text/html", PHI_FMT_HTML },
		{ ".html", "text/html", PHI_FMT_HTML },
		{ ".xml", "application/xml", PHI_FMT_XML },
		{ ".json", "application/json", PHI_FMT_JSON },
		{ ".hl7", "x-application/hl7-v2+er7", PHI_FMT_HL7V2 },
		{ ".ics", "text/calendar", PHI_FMT_ICAL },
		{ ".vcf", "text/vcard", PHI_FMT_VCARD },
		{ ".eml", "message/rfc822", PHI_FMT_RFC822 },
		{ ".dcm", "application/dicom", PHI_FMT_DICOM },
		{ ".jpg", "image/jpeg", PHI_FMT_IMAGE },
		{ ".jpeg", "image/jpeg", PHI_FMT_IMAGE },
		{ ".png", "image/png", PHI_FMT_IMAGE },
		{ ".gif", "image/gif", PHI_FMT_IMAGE },
		{ ".tif", "image/tiff", PHI_FMT_IMAGE },
		{ ".tiff", "image/tiff", PHI_FMT_IMAGE },
	};
	size_t i;

	for (i = 0; i < sizeof t / sizeof t[0]; i++)
		if (name_ends(n, l, t[i].ext)) {
			*fmt = t[i].fmt;
			return t[i].type;
		}
	*fmt = PHI_FMT_BINARY;
	return "application/octet-stream";
}

/* A printable copy of an entry name (control bytes and, for a name that is
 * not UTF-8, high bytes become '?'). */
static void name_copy(const struct zent *e, char *out)
{
	size_t l = e->name_len > ZIP_NAME_MAX ? ZIP_NAME_MAX : e->name_len, i;
	int utf8 = charset_is_utf8(e->name, l);

	for (i = 0; i < l; i++) {
		unsigned c = e->name[i];
		out[i] = (char)(c < 0x20 || c == 0x7F || (!utf8 && c >= 0x80) ? '?' : c);
	}
	out[l] = 0;
}

/* --- archive context --- */

struct zctx {
	struct phi_doc *d;
	int part;
	const unsigned char *p;
	size_t n;
	struct zent *ents;      /* owned */
	size_t nents, capents;
	size_t text_off;        /* running offset of office text in the part */
	int truncated_said;
};

static int ents_push(struct zctx *z, const struct zent *e)
{
	if (z->nents == z->capents) {
		size_t nc = z->capents ? z->capents * 2 : 32;
		struct zent *ne = realloc(z->ents, nc * sizeof *ne);
		if (!ne)
			return PHI_ENOMEM;
		z->ents = ne;
		z->capents = nc;
	}
	z->ents[z->nents++] = *e;
	return PHI_OK;
}

/* Decode one entry's data (at most avail bytes at data) into out.
 * Returns the zinflate code; *why set on a limit or error. */
static int entry_decode(struct zctx *z, const struct zent *e, const unsigned char *data,
                        size_t avail, struct phi_buf *out, size_t *used, const char **why)
{
	size_t maxo = z->d->lim.max_entry_bytes;

	*why = NULL;
	*used = 0;
	if (e->method == 0) {
		size_t k = avail > maxo ? maxo : avail;
		int rc = phi_buf_append(out, data, k);
		if (rc == PHI_ENOMEM)
			return rc;
		*used = k;
		if (avail > maxo) {
			*why = "limit max_entry_bytes";
			return PHI_ELIMIT;
		}
		return PHI_OK;
	}
	return zinf_inflate(z->d, data, avail, ZINF_RAW, maxo, z->d->lim.max_ratio, out, used, why);
}

/* --- office detection --- */

static int ename_is(const struct zent *e, const char *s)
{
	size_t l = strlen(s);
	return e->name_len == l && memcmp(e->name, s, l) == 0;
}

static int ename_pre_suf(const struct zent *e, const char *pre, const char *suf)
{
	size_t pl = strlen(pre);
	return e->name_len > pl && memcmp(e->name, pre, pl) == 0 && name_ends(e->name, e->name_len, suf);
}

static const struct zent *find_ent(const struct zctx *z, const char *name)
{
	size_t i;
	for (i = 0; i < z->nents; i++)
		if (!z->ents[i].skip && ename_is(&z->ents[i], name))
			return &z->ents[i];
	return NULL;
}

/* Read an entry fully into out (bounded); returns a zinflate code. */
static int read_ent(struct zctx *z, const struct zent *e, struct phi_buf *out, const char **why)
{
	size_t used, avail;

	if (e->data_off > z->n)
		return PHI_EINVAL;
	avail = z->n - (size_t)e->data_off;
	if (e->csize < avail)
		avail = (size_t)e->csize;
	if (e->flags & 1) {
		*why = "encrypted";
		return PHI_EINVAL;
	}
	if (e->method != 0 && e->method != 8) {
		*why = "unsupported compression";
		return PHI_EINVAL;
	}
	return entry_decode(z, e, z->p + e->data_off, avail, out, &used, why);
}

static enum phi_format office_kind(struct zctx *z)
{
	const struct zent *mt;

	if (find_ent(z, "word/document.xml"))
		return PHI_FMT_DOCX;
	if (find_ent(z, "xl/workbook.xml"))
		return PHI_FMT_XLSX;
	if (find_ent(z, "ppt/presentation.xml"))
		return PHI_FMT_PPTX;
	if (find_ent(z, "content.xml")) {
		mt = find_ent(z, "mimetype");
		if (mt && mt->method == 0 && mt->data_off < z->n && mt->csize < 128 &&
		    z->n - mt->data_off >= mt->csize) {
			const unsigned char *v = z->p + mt->data_off;
			size_t l = (size_t)mt->csize;
			if (l >= 11 && memmem(v, l, "spreadsheet", 11))
				return PHI_FMT_ODS;
			if (l >= 12 && memmem(v, l, "presentation", 12))
				return PHI_FMT_ODP;
		}
		return PHI_FMT_ODT;
	}
	return PHI_FMT_ZIP;
}

/* Is entry e one whose text the office extraction reads, and how? Returns
 * 1 with *m set; 0 for members that are office plumbing (skipped) ; -1 for
 * members that are not (embedded files, media: child parts). */
static int office_member(enum phi_format k, const struct zent *e, enum ooxml_mode *m)
{
	if (ename_is(e, "docProps/core.xml") || ename_is(e, "meta.xml")) {
		*m = OOXML_ALL;
		return 1;
	}
	switch (k) {
	case PHI_FMT_DOCX:
		if (ename_is(e, "word/document.xml") || ename_pre_suf(e, "word/header", ".xml") ||
		    ename_pre_suf(e, "word/footer", ".xml") || ename_is(e, "word/footnotes.xml") ||
		    ename_is(e, "word/endnotes.xml") || ename_pre_suf(e, "word/comments", ".xml")) {
			*m = OOXML_RUNS;
			return 1;
		}
		break;
	case PHI_FMT_XLSX:
		if (ename_pre_suf(e, "xl/worksheets/sheet", ".xml")) {
			*m = OOXML_SHEET;
			return 1;
		}
		if (ename_pre_suf(e, "xl/comments", ".xml") || ename_pre_suf(e, "xl/drawings/drawing", ".xml")) {
			*m = OOXML_RUNS;
			return 1;
		}
		break;
	case PHI_FMT_PPTX:
		if (ename_pre_suf(e, "ppt/slides/slide", ".xml") || ename_pre_suf(e, "ppt/notesSlides/", ".xml") ||
		    ename_pre_suf(e, "ppt/comments/", ".xml")) {
			*m = OOXML_RUNS;
			return 1;
		}
		break;
	default:
		if (ename_is(e, "content.xml") || ename_is(e, "styles.xml")) {
			*m = OOXML_ODF;
			return 1;
		}
		break;
	}
	if (name_ends(e->name, e->name_len, ".xml") || name_ends(e->name, e->name_len, ".rels") ||
	    name_ends(e->name, e->name_len, "/") || ename_is(e, "mimetype") ||
	    name_ends(e->name, e->name_len, ".rdf") || name_ends(e->name, e->name_len, ".bin"))
		return 0;
	return -1;
}

/* --- entries as child parts --- */

static int child_entry(struct zctx *z, const struct zent *e, const unsigned char *data,
                       size_t avail, size_t *used)
{
	char name[ZIP_NAME_MAX + 1];
	enum phi_format fmt;
	const char *ctype = guess_type(e->name, e->name_len, &fmt);
	struct phi_buf out;
	const char *why = NULL;
	int child, rc;

	*used = avail;
	name_copy(e, name);
	child = doc_add_part(z->d, z->part, ctype, name, fmt,
	                     e->usize > SIZE_MAX ? SIZE_MAX : (size_t)e->usize, 1);
	if (child < 0)
		return child; /* ELIMIT: max_parts/max_depth, already reported */
	/* Entry names are read like attachment file names (they often name
	 * the patient), even for entries that cannot be opened. */
	if (name[0] && (rc = doc_add_text(z->d, child, PHI_F_FILENAME, "filename",
	                                  (const unsigned char *)name, strlen(name), 0)) != PHI_OK)
		return rc == PHI_ELIMIT ? PHI_OK : rc;
	if (e->flags & 1) {
		doc_unscannable(z->d, child, "encrypted");
		return PHI_OK;
	}
	if (e->method != 0 && e->method != 8) {
		doc_unscannable(z->d, child, "unsupported compression");
		return PHI_OK;
	}
	phi_buf_init(&out, z->d->lim.max_entry_bytes);
	rc = entry_decode(z, e, data, avail, &out, used, &why);
	if (rc == PHI_ENOMEM || rc == PHI_ETIME) {
		phi_buf_free(&out);
		return rc;
	}
	if (why)
		doc_unscannable(z->d, child, why);
	else if (e->truncated)
		doc_unscannable(z->d, child, "truncated");
	z->d->parts[child].size = out.len;
	rc = PHI_OK;
	/* A bomb stopped by max_ratio holds nothing worth reading. */
	if (out.len && !(why && strcmp(why, "limit max_ratio") == 0))
		rc = extract_part(z->d, child, out.data, out.len);
	phi_buf_free(&out);
	return rc == PHI_ELIMIT ? PHI_OK : rc;
}

static int cmp_lho(const void *a, const void *b)
{
	const struct zent *x = *(const struct zent *const *)a, *y = *(const struct zent *const *)b;
	return x->lho < y->lho ? -1 : x->lho > y->lho;
}

/* Resolve each entry's data offset from its local header; mark overlaps. */
static int resolve(struct zctx *z)
{
	struct zent **v;
	size_t i;
	int overlap = 0;

	for (i = 0; i < z->nents; i++) {
		struct zent *e = &z->ents[i];
		unsigned nl, xl;
		if (!sig(z->p, z->n, e->lho, 3, 4) || !get16(z->p, z->n, e->lho + 26, &nl) ||
		    !get16(z->p, z->n, e->lho + 28, &xl)) {
			e->skip = 1;
			continue;
		}
		e->data_off = e->lho + 30 + nl + xl;
		if (e->data_off > z->n) {
			e->skip = 1;
			continue;
		}
		if (e->csize > z->n - e->data_off) {
			e->truncated = 1;
			e->csize = z->n - e->data_off;
		}
	}
	v = malloc((z->nents ? z->nents : 1) * sizeof *v);
	if (!v)
		return PHI_ENOMEM;
	for (i = 0; i < z->nents; i++)
		v[i] = &z->ents[i];
	qsort(v, z->nents, sizeof *v, cmp_lho);
	{
		uint64_t end = 0;
		int have = 0;
		for (i = 0; i < z->nents; i++) {
			if (v[i]->skip)
				continue;
			if (have && v[i]->lho < end) {
				v[i]->skip = 2;
				overlap = 1;
				continue;
			}
			end = v[i]->data_off + v[i]->csize;
			have = 1;
		}
	}
	free(v);
	if (overlap)
		doc_unscannable(z->d, z->part, "zip overlapping entries");
	return PHI_OK;
}

/* Central directory. Returns 1 when one was found and read, 0 if not. */
static int read_cd(struct zctx *z, int *rc)
{
	const unsigned char *p = z->p;
	size_t n = z->n, eocd = 0, lo;
	uint64_t entries, cd_size, cd_off, i, pos;
	unsigned v16;
	int found = 0;

	*rc = PHI_OK;
	if (n < 22)
		return 0;
	lo = n - 22 > 65535 ? n - 22 - 65535 : 0;
	for (size_t k = n - 22 + 1; k-- > lo;) {
		if (sig(p, n, k, 5, 6)) {
			eocd = k;
			found = 1;
			break;
		}
	}
	if (!found)
		return 0;
	get16(p, n, eocd + 10, &v16);
	entries = v16;
	get32(p, n, eocd + 12, &cd_size);
	get32(p, n, eocd + 16, &cd_off);
	if (entries == 0xFFFF || cd_size == 0xFFFFFFFFu || cd_off == 0xFFFFFFFFu) {
		uint64_t z64;
		if (eocd < 20 || !sig(p, n, eocd - 20, 6, 7) || !get64(p, n, eocd - 20 + 8, &z64) ||
		    !sig(p, n, z64, 6, 6) || !get64(p, n, z64 + 32, &entries) ||
		    !get64(p, n, z64 + 40, &cd_size) || !get64(p, n, z64 + 48, &cd_off))
			return 0;
	}
	/* Data prepended to the archive (self-extractors) shifts every offset. */
	{
		uint64_t delta = 0;
		if (!sig(p, n, cd_off, 1, 2) && cd_size <= eocd && sig(p, n, eocd - cd_size, 1, 2) &&
		    eocd - cd_size >= cd_off)
			delta = eocd - cd_size - cd_off;
		cd_off += delta;
		if (!sig(p, n, cd_off, 1, 2))
			return entries == 0; /* empty archive is fine; else corrupt */
		for (i = 0, pos = cd_off; i < entries && sig(p, n, pos, 1, 2); i++) {
			struct zent e;
			unsigned nl, xl, cl, fl, me;
			uint64_t cs, us, lho;

			if ((*rc = doc_budget(z->d)) != PHI_OK)
				return 1;
			if (z->nents > (size_t)z->d->lim.max_parts)
				break; /* doc_add_part reports max_parts */
			if (!get16(p, n, pos + 8, &fl) || !get16(p, n, pos + 10, &me) ||
			    !get32(p, n, pos + 20, &cs) || !get32(p, n, pos + 24, &us) ||
			    !get16(p, n, pos + 28, &nl) || !get16(p, n, pos + 30, &xl) ||
			    !get16(p, n, pos + 32, &cl) || !get32(p, n, pos + 42, &lho) ||
			    pos + 46 + nl > n)
				break;
			/* ZIP64 extended information: only the fields that are all ones. */
			if (us == 0xFFFFFFFFu || cs == 0xFFFFFFFFu || lho == 0xFFFFFFFFu) {
				uint64_t x = pos + 46 + nl, xe = x + xl;
				int ok = 0;
				if (xe > n)
					xe = n;
				while (x + 4 <= xe) {
					unsigned id, sz;
					get16(p, n, x, &id);
					get16(p, n, x + 2, &sz);
					if (id == 1) {
						uint64_t f = x + 4, fe = x + 4 + sz;
						ok = 1;
						if (us == 0xFFFFFFFFu) {
							if (f + 8 > fe || !get64(p, n, f, &us)) ok = 0;
							f += 8;
						}
						if (ok && cs == 0xFFFFFFFFu) {
							if (f + 8 > fe || !get64(p, n, f, &cs)) ok = 0;
							f += 8;
						}
						if (ok && lho == 0xFFFFFFFFu) {
							if (f + 8 > fe || !get64(p, n, f, &lho)) ok = 0;
						}
						break;
					}
					x += 4 + sz;
				}
				if (!ok) {
					doc_unscannable(z->d, z->part, "zip64 fields unreadable");
					pos += 46 + (uint64_t)nl + xl + cl;
					continue;
				}
			}
			memset(&e, 0, sizeof e);
			e.cd_index = (size_t)i;
			e.flags = fl;
			e.method = me;
			e.csize = cs;
			e.usize = us;
			e.lho = lho + delta;
			e.name = p + pos + 46;
			e.name_len = nl;
			if ((*rc = ents_push(z, &e)) != PHI_OK)
				return 1;
			pos += 46 + (uint64_t)nl + xl + cl;
		}
	}
	return z->nents > 0 || entries == 0;
}

/* Fallback: walk local headers front to back. Entries are handled as met. */
static int scan_local(struct zctx *z)
{
	const unsigned char *p = z->p;
	size_t n = z->n, pos = 0;
	int rc = PHI_OK;

	while (pos + 30 <= n) {
		struct zent e;
		unsigned fl, me, nl, xl;
		uint64_t cs, us;
		size_t used = 0, avail;
		const unsigned char *hit;

		if ((rc = doc_budget(z->d)) != PHI_OK)
			return rc;
		if (!sig(p, n, pos, 3, 4)) {
			hit = memmem(p + pos + 1, n - pos - 1, "PK\3\4", 4);
			if (!hit)
				break;
			pos = (size_t)(hit - p);
			continue;
		}
		get16(p, n, pos + 6, &fl);
		get16(p, n, pos + 8, &me);
		get32(p, n, pos + 18, &cs);
		get32(p, n, pos + 22, &us);
		get16(p, n, pos + 26, &nl);
		get16(p, n, pos + 28, &xl);
		memset(&e, 0, sizeof e);
		e.flags = fl;
		e.method = me;
		e.csize = cs;
		e.usize = us;
		e.lho = pos;
		e.data_off = pos + 30 + (uint64_t)nl + xl;
		if (e.data_off > n)
			break;
		e.name = p + pos + 30;
		e.name_len = nl;
		avail = n - (size_t)e.data_off;
		if (!(fl & 8) || cs) {
			if (cs == 0xFFFFFFFFu) {
				doc_unscannable(z->d, z->part, "zip64 fields unreadable");
				break;
			}
			if (cs < avail)
				avail = (size_t)cs;
			else if (cs > avail)
				e.truncated = 1;
		} else if (me == 0) {
			/* Stored with a data descriptor: ends at the next signature. */
			hit = memmem(p + e.data_off, avail, "PK\7\x08", 4);
			if (hit)
				avail = (size_t)(hit - (p + e.data_off));
		}
		if (e.name_len && e.name[e.name_len - 1] == '/') {
			used = (fl & 8) && !cs ? 0 : avail;
		} else if ((rc = child_entry(z, &e, p + e.data_off, avail, &used)) != PHI_OK) {
			return rc == PHI_ELIMIT ? PHI_OK : rc;
		}
		if ((fl & 1) && (fl & 8) && !cs)
			break; /* encrypted, no size: cannot find the next entry */
		pos = (size_t)e.data_off + (used ? used : 1);
	}
	if (!z->truncated_said) {
		z->truncated_said = 1;
		doc_unscannable(z->d, z->part, "zip central directory missing");
	}
	return rc;
}

static int office_extract(struct zctx *z, enum phi_format kind)
{
	struct ooxml_sst ss;
	struct ooxml_ctx oc;
	struct phi_buf raw, text;
	const struct zent *sse;
	const char *why;
	size_t i;
	int rc = PHI_OK;

	memset(&ss, 0, sizeof ss);
	memset(&oc, 0, sizeof oc);
	oc.d = z->d;
	oc.part = z->part;
	phi_buf_init(&ss.buf, z->d->lim.max_entry_bytes);
	z->d->parts[z->part].format = kind;
	if (kind == PHI_FMT_XLSX && (sse = find_ent(z, "xl/sharedStrings.xml")) != NULL) {
		phi_buf_init(&raw, z->d->lim.max_entry_bytes);
		why = NULL;
		rc = read_ent(z, sse, &raw, &why);
		if (why)
			doc_unscannable(z->d, z->part, why);
		if (rc != PHI_ENOMEM && rc != PHI_ETIME && raw.len)
			rc = ooxml_sst_load(&oc, raw.data, raw.len, &ss);
		if (rc != PHI_ENOMEM && rc != PHI_ETIME)
			rc = PHI_OK;
		phi_buf_free(&raw);
	}
	for (i = 0; rc == PHI_OK && i < z->nents; i++) {
		const struct zent *e = &z->ents[i];
		enum ooxml_mode m = OOXML_ALL;
		int k;

		if (e->skip)
			continue;
		k = office_member(kind, e, &m);
		if (k == 0)
			continue;
		if (k < 0) {
			size_t used, avail = e->data_off <= z->n ? z->n - (size_t)e->data_off : 0;
			if (e->csize < avail)
				avail = (size_t)e->csize;
			rc = child_entry(z, e, z->p + e->data_off, avail, &used);
			if (rc == PHI_ELIMIT)
				rc = PHI_OK;
			continue;
		}
		phi_buf_init(&raw, z->d->lim.max_entry_bytes);
		phi_buf_init(&text, z->d->lim.max_entry_bytes);
		why = NULL;
		rc = read_ent(z, e, &raw, &why);
		if (why)
			doc_unscannable(z->d, z->part, why);
		if (rc != PHI_ENOMEM && rc != PHI_ETIME) {
			oc.text_off = z->text_off;
			rc = raw.len ? ooxml_text(&oc, raw.data, raw.len, m, &ss, &text) : PHI_OK;
			if (rc == PHI_ELIMIT) {
				doc_unscannable(z->d, z->part, "limit max_entry_bytes");
				rc = PHI_OK;
			}
			if (rc == PHI_OK && text.len) {
				rc = doc_add_text(z->d, z->part, PHI_F_NONE, NULL, text.data, text.len, z->text_off);
				z->text_off += text.len;
				if (rc == PHI_ELIMIT)
					rc = PHI_OK;
			}
		}
		phi_buf_free(&raw);
		phi_buf_free(&text);
	}
	phi_buf_free(&ss.buf);
	free(ss.off);
	return rc;
}

int x_zip_extract(struct phi_doc *d, int part, const unsigned char *p, size_t n)
{
	struct zctx z;
	enum phi_format kind;
	size_t i;
	int rc = PHI_OK;

	memset(&z, 0, sizeof z);
	z.d = d;
	z.part = part;
	z.p = p;
	z.n = n;
	if (part >= 0 && (size_t)part < d->nparts && d->parts[part].format != PHI_FMT_ZIP &&
	    (d->parts[part].format < PHI_FMT_DOCX || d->parts[part].format > PHI_FMT_ODP))
		d->parts[part].format = PHI_FMT_ZIP;
	if (!read_cd(&z, &rc)) {
		free(z.ents);
		z.ents = NULL;
		z.nents = 0;
		if (rc != PHI_OK)
			return rc;
		return scan_local(&z);
	}
	if (rc != PHI_OK)
		goto out;
	if ((rc = resolve(&z)) != PHI_OK)
		goto out;
	kind = office_kind(&z);
	if (kind != PHI_FMT_ZIP) {
		rc = office_extract(&z, kind);
		goto out;
	}
	for (i = 0; i < z.nents; i++) {
		const struct zent *e = &z.ents[i];
		size_t used, avail;
		if (e->skip || (e->name_len && e->name[e->name_len - 1] == '/'))
			continue;
		avail = z.n - (size_t)e->data_off;
		if (e->csize < avail)
			avail = (size_t)e->csize;
		rc = child_entry(&z, e, z.p + e->data_off, avail, &used);
		if (rc == PHI_ELIMIT) {
			rc = PHI_OK;
			break;
		}
		if (rc != PHI_OK)
			break;
	}
out:
	free(z.ents);
	return rc == PHI_ELIMIT ? PHI_OK : rc;
}
