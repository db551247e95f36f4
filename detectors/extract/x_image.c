/*
 * x_image.c - images: sniffed and recorded (format image), and the text
 * that travels inside them: JPEG COM segments, EXIF ASCII/UserComment/XP*
 * tags (JPEG APP1, PNG eXIf, WebP EXIF, TIFF files), XMP packets (text runs
 * through xml.h), PNG tEXt/iTXt/zTXt (compressed chunks inflated with the
 * usual max_entry_bytes/max_ratio bounds), GIF comment extensions, and in
 * HEIC/HEIF/AVIF (ISOBMFF) the Exif item and any XMP item (application/
 * rdf+xml) that meta -> iinf names and iloc places (in the file or in
 * idat). BMP has no metadata block: recognised, no text. All reads are
 * bounds-checked; the EXIF walk follows at most IMG_IFDS directories; box
 * walks stop after BOX_MAX boxes per level, items after ITEM_MAX, extents
 * after EXTENT_MAX, an item's data at max_entry_bytes; at most IMG_TEXTS
 * segments per image. Never logs.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "phi/buf.h"
#include "extract.h"
#include "xml.h"
#include "zinflate.h"
#include "mime/charset.h"

#define IMG_IFDS 8
#define IMG_TEXTS 256
#define IMG_TEXT_MAX (1u << 20)
#define BOX_MAX 4096
#define ITEM_MAX 1024
#define EXTENT_MAX 64

struct img {
	struct phi_doc *d;
	int part;
	unsigned texts;
	size_t off; /* running offset for the segments */
};

static int starts(const unsigned char *p, size_t n, const char *s, size_t l)
{
	return n >= l && memcmp(p, s, l) == 0;
}

static int heic_brand(const unsigned char *p, size_t n)
{
	static const char *const b[] = { "heic", "heix", "heim", "heis", "hevc", "hevx", "mif1", "msf1", "avif" };
	size_t i;
	if (n < 12 || memcmp(p + 4, "ftyp", 4) != 0)
		return 0;
	for (i = 0; i < sizeof b / sizeof b[0]; i++)
		if (memcmp(p + 8, b[i], 4) == 0)
			return 1;
	return 0;
}

int x_image_sniff(const unsigned char *p, size_t n)
{
	if (n >= 3 && p[0] == 0xFF && p[1] == 0xD8 && p[2] == 0xFF)
		return 1;
	if (starts(p, n, "\x89PNG\r\n\x1a\n", 8) || starts(p, n, "GIF87a", 6) || starts(p, n, "GIF89a", 6))
		return 1;
	if (starts(p, n, "II*\0", 4) || starts(p, n, "MM\0*", 4))
		return 1;
	if (n >= 12 && memcmp(p, "RIFF", 4) == 0 && memcmp(p + 8, "WEBP", 4) == 0)
		return 1;
	if (n >= 26 && p[0] == 'B' && p[1] == 'M') {
		unsigned h = (unsigned)p[14] | (unsigned)p[15] << 8 | (unsigned)p[16] << 16 | (unsigned)p[17] << 24;
		if (h == 12 || h == 40 || h == 52 || h == 56 || h == 108 || h == 124)
			return 1;
	}
	return heic_brand(p, n);
}

/* Add text (trimmed of NULs and blanks) as a segment named `name`. */
static int text(struct img *m, const char *name, const unsigned char *s, size_t n, const char *cs)
{
	struct phi_buf conv;
	int rc;

	while (n && (s[n - 1] == 0 || s[n - 1] == ' '))
		n--;
	while (n && (s[0] == ' '))
		s++, n--;
	if (!n || m->texts >= IMG_TEXTS)
		return PHI_OK;
	if (n > IMG_TEXT_MAX)
		n = IMG_TEXT_MAX;
	m->texts++;
	if (!cs) {
		rc = doc_add_text(m->d, m->part, PHI_F_NONE, name, s, n, m->off);
		m->off += n;
		return rc;
	}
	phi_buf_init(&conv, IMG_TEXT_MAX * 2);
	rc = charset_to_utf8(cs, s, n, &conv);
	if (rc != PHI_ENOMEM && conv.len) {
		rc = doc_add_text(m->d, m->part, PHI_F_NONE, name, conv.data, conv.len, m->off);
		m->off += conv.len;
	}
	phi_buf_free(&conv);
	return rc == PHI_ENOMEM ? rc : PHI_OK;
}

static int xmp(struct img *m, const unsigned char *p, size_t n)
{
	struct xml_reader r;
	struct phi_buf out;
	enum xml_tok t;
	int rc = PHI_OK;

	xml_init(&r, p, n, 64, 64 * 1024);
	phi_buf_init(&out, IMG_TEXT_MAX);
	while ((t = xml_next(&r)) != XML_EOF && t != XML_ERROR) {
		size_t s = 0, e = r.text.len;
		if (t != XML_TEXT)
			continue;
		while (s < e && r.text.data[s] <= ' ')
			s++;
		while (e > s && r.text.data[e - 1] <= ' ')
			e--;
		if (e > s && (phi_buf_append(&out, r.text.data + s, e - s) != PHI_OK || phi_buf_putc(&out, '\n') != PHI_OK))
			break;
	}
	if (out.len)
		rc = text(m, "XMP", out.data, out.len, NULL);
	xml_free(&r);
	phi_buf_free(&out);
	return rc;
}

/* --- EXIF / TIFF --- */

struct tiff {
	const unsigned char *p;
	size_t n;
	int be;
};

static int t16(const struct tiff *t, uint64_t off, unsigned *v)
{
	*v = 0;
	if (off > t->n || t->n - off < 2)
		return 0;
	*v = t->be ? (unsigned)t->p[off] << 8 | t->p[off + 1] : (unsigned)t->p[off + 1] << 8 | t->p[off];
	return 1;
}

static int t32(const struct tiff *t, uint64_t off, uint32_t *v)
{
	unsigned a, b;
	*v = 0;
	if (!t16(t, off, &a) || !t16(t, off + 2, &b))
		return 0;
	*v = t->be ? (uint32_t)a << 16 | b : (uint32_t)b << 16 | a;
	return 1;
}

static const char *tag_name(unsigned tag)
{
	switch (tag) {
	case 0x010D: return "EXIF DocumentName";
	case 0x010E: return "EXIF ImageDescription";
	case 0x013B: return "EXIF Artist";
	case 0x8298: return "EXIF Copyright";
	case 0x9286: return "EXIF UserComment";
	case 0x9C9B: return "EXIF XPTitle";
	case 0x9C9C: return "EXIF XPComment";
	case 0x9C9D: return "EXIF XPAuthor";
	case 0x9C9E: return "EXIF XPKeywords";
	case 0x9C9F: return "EXIF XPSubject";
	case 0xA430: return "EXIF CameraOwnerName";
	default: return NULL;
	}
}

static int exif(struct img *m, const unsigned char *p, size_t n)
{
	struct tiff t = { p, n, 0 };
	uint32_t ifds[IMG_IFDS], off;
	unsigned nifd = 0, k, magic;
	int rc = PHI_OK;

	if (starts(p, n, "Exif\0\0", 6)) {
		t.p += 6;
		t.n -= 6;
	}
	if (t.n < 8 || !((t.p[0] == 'I' && t.p[1] == 'I') || (t.p[0] == 'M' && t.p[1] == 'M')))
		return PHI_OK;
	t.be = t.p[0] == 'M';
	if (!t16(&t, 2, &magic) || magic != 42 || !t32(&t, 4, &off))
		return PHI_OK;
	ifds[nifd++] = off;
	for (k = 0; k < nifd && rc == PHI_OK; k++) {
		unsigned cnt, i;
		uint64_t base = ifds[k];
		if (!t16(&t, base, &cnt))
			continue;
		for (i = 0; i < cnt && rc == PHI_OK; i++) {
			uint64_t e = base + 2 + 12ull * i;
			unsigned tag, type;
			uint32_t count, voff;
			const char *name;
			uint64_t size, at;
			if (!t16(&t, e, &tag) || !t16(&t, e + 2, &type) || !t32(&t, e + 4, &count) || !t32(&t, e + 8, &voff))
				break;
			if (tag == 0x8769 && nifd < IMG_IFDS) { /* Exif sub-IFD */
				unsigned j, seen = 0;
				for (j = 0; j < nifd; j++)
					seen |= ifds[j] == voff;
				if (!seen)
					ifds[nifd++] = voff;
				continue;
			}
			if (!(name = tag_name(tag)) || (type != 2 && type != 1 && type != 7))
				continue;
			size = count;
			at = size <= 4 ? e + 8 : voff;
			if (at > t.n || size > t.n - at)
				continue;
			if (tag == 0x9286 && size >= 8) {
				const unsigned char *v = t.p + at;
				if (memcmp(v, "UNICODE\0", 8) == 0)
					rc = text(m, name, v + 8, (size_t)size - 8, t.be ? "UTF-16BE" : "UTF-16LE");
				else if (memcmp(v, "ASCII\0\0\0", 8) == 0 || memcmp(v, "\0\0\0\0\0\0\0\0", 8) == 0)
					rc = text(m, name, v + 8, (size_t)size - 8, NULL);
				else if (memcmp(v, "JIS", 3) == 0)
					rc = text(m, name, v + 8, (size_t)size - 8, "ISO-2022-JP");
				continue;
			}
			if (tag >= 0x9C9B && tag <= 0x9C9F)
				rc = text(m, name, t.p + at, (size_t)size, "UTF-16LE");
			else
				rc = text(m, name, t.p + at, (size_t)size, charset_is_utf8(t.p + at, (size_t)size) ? NULL : "ISO-8859-1");
		}
	}
	return rc;
}

/* --- containers --- */

static int jpeg(struct img *m, const unsigned char *p, size_t n)
{
	size_t pos = 2;
	int rc = PHI_OK;

	while (pos + 4 <= n && rc == PHI_OK) {
		unsigned mk, len;
		if ((rc = doc_budget(m->d)) != PHI_OK)
			break;
		if (p[pos] != 0xFF) {
			pos++; /* resync */
			continue;
		}
		mk = p[pos + 1];
		if (mk == 0xFF) {
			pos++;
			continue;
		}
		if (mk == 0xD8 || (mk >= 0xD0 && mk <= 0xD7) || mk == 0x01) {
			pos += 2;
			continue;
		}
		if (mk == 0xD9 || mk == 0xDA)
			break; /* end of image / start of scan: no more metadata */
		len = (unsigned)p[pos + 2] << 8 | p[pos + 3];
		if (len < 2 || len > n - pos - 2)
			break;
		{
			const unsigned char *s = p + pos + 4;
			size_t sl = len - 2;
			if (mk == 0xFE)
				rc = text(m, "JPEG comment", s, sl, charset_is_utf8(s, sl) ? NULL : "ISO-8859-1");
			else if (mk == 0xE1 && starts(s, sl, "Exif\0", 5))
				rc = exif(m, s, sl);
			else if (mk == 0xE1 && starts(s, sl, "http://ns.adobe.com/xap/1.0/\0", 29))
				rc = xmp(m, s + 29, sl - 29);
		}
		pos += 2 + len;
	}
	return rc;
}

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int png_z(struct img *m, const char *name, const unsigned char *s, size_t n, const char *cs)
{
	struct phi_buf out;
	const char *why = NULL;
	size_t used;
	int rc;
	size_t cap = m->d->lim.max_entry_bytes < IMG_TEXT_MAX ? m->d->lim.max_entry_bytes : IMG_TEXT_MAX;

	phi_buf_init(&out, cap);
	rc = zinf_inflate(m->d, s, n, ZINF_ZLIB, cap, m->d->lim.max_ratio, &out, &used, &why);
	if (rc == PHI_ENOMEM || rc == PHI_ETIME) {
		phi_buf_free(&out);
		return rc;
	}
	if (why)
		doc_unscannable(m->d, m->part, why);
	rc = PHI_OK;
	if (out.len && !(why && strcmp(why, "limit max_ratio") == 0)) {
		if (strcmp(name, "XML:com.adobe.xmp") == 0)
			rc = xmp(m, out.data, out.len);
		else
			rc = text(m, "PNG text", out.data, out.len, cs);
	}
	phi_buf_free(&out);
	return rc;
}

static int png(struct img *m, const unsigned char *p, size_t n)
{
	size_t pos = 8;
	int rc = PHI_OK;

	while (pos + 12 <= n && rc == PHI_OK) {
		uint32_t len = be32(p + pos);
		const unsigned char *ty = p + pos + 4, *s = p + pos + 8, *z;
		char kw[80];
		size_t kl;

		if ((rc = doc_budget(m->d)) != PHI_OK)
			break;
		if (len > n - pos - 12)
			break;
		z = memchr(s, 0, len);
		kl = z ? (size_t)(z - s) : 0;
		if (kl >= sizeof kw)
			kl = sizeof kw - 1;
		memcpy(kw, s, kl);
		kw[kl] = 0;
		if (memcmp(ty, "tEXt", 4) == 0 && z) {
			rc = text(m, "PNG text", z + 1, len - (size_t)(z + 1 - s), "ISO-8859-1");
		} else if (memcmp(ty, "zTXt", 4) == 0 && z && (size_t)(z + 2 - s) <= len) {
			rc = png_z(m, kw, z + 2, len - (size_t)(z + 2 - s), "ISO-8859-1");
		} else if (memcmp(ty, "iTXt", 4) == 0 && z && (size_t)(z + 3 - s) <= len) {
			int comp = z[1];
			const unsigned char *q = z + 3, *e = s + len, *l2;
			/* language tag \0 translated keyword \0 text */
			l2 = memchr(q, 0, (size_t)(e - q));
			if (l2 && (l2 = memchr(l2 + 1, 0, (size_t)(e - l2 - 1))) != NULL) {
				q = l2 + 1;
				if (comp)
					rc = png_z(m, kw, q, (size_t)(e - q), NULL);
				else if (strcmp(kw, "XML:com.adobe.xmp") == 0)
					rc = xmp(m, q, (size_t)(e - q));
				else
					rc = text(m, "PNG text", q, (size_t)(e - q), NULL);
			}
		} else if (memcmp(ty, "eXIf", 4) == 0) {
			rc = exif(m, s, len);
		} else if (memcmp(ty, "IEND", 4) == 0) {
			break;
		}
		pos += 12 + (size_t)len;
	}
	return rc;
}

static int gif(struct img *m, const unsigned char *p, size_t n)
{
	size_t pos = 13;
	struct phi_buf c;
	int rc = PHI_OK;

	if (n < 13)
		return PHI_OK;
	if (p[10] & 0x80)
		pos += 3u * (1u << ((p[10] & 7) + 1));
	phi_buf_init(&c, IMG_TEXT_MAX);
	while (pos < n && rc == PHI_OK) {
		unsigned b = p[pos];
		int is_com = 0;
		if ((rc = doc_budget(m->d)) != PHI_OK)
			break;
		if (b == 0x3B)
			break;
		if (b == 0x21 && pos + 1 < n) {
			is_com = p[pos + 1] == 0xFE;
			pos += 2;
		} else if (b == 0x2C && pos + 10 <= n) {
			unsigned fl = p[pos + 9];
			pos += 10;
			if (fl & 0x80)
				pos += 3u * (1u << ((fl & 7) + 1));
			pos++; /* LZW minimum code size */
		} else {
			break;
		}
		/* data sub-blocks */
		phi_buf_reset(&c);
		while (pos < n) {
			unsigned l = p[pos++];
			if (!l)
				break;
			if (l > n - pos)
				l = (unsigned)(n - pos);
			if (is_com)
				phi_buf_append(&c, p + pos, l);
			pos += l;
		}
		if (is_com && c.len)
			rc = text(m, "GIF comment", c.data, c.len, charset_is_utf8(c.data, c.len) ? NULL : "ISO-8859-1");
	}
	phi_buf_free(&c);
	return rc;
}

static int webp(struct img *m, const unsigned char *p, size_t n)
{
	size_t pos = 12;
	int rc = PHI_OK;
	while (pos + 8 <= n && rc == PHI_OK) {
		uint32_t len = (uint32_t)p[pos + 4] | (uint32_t)p[pos + 5] << 8 | (uint32_t)p[pos + 6] << 16 |
		               (uint32_t)p[pos + 7] << 24;
		if (len > n - pos - 8)
			break;
		if (memcmp(p + pos, "EXIF", 4) == 0)
			rc = exif(m, p + pos + 8, len);
		else if (memcmp(p + pos, "XMP ", 4) == 0)
			rc = xmp(m, p + pos + 8, len);
		pos += 8 + (size_t)len + (len & 1);
	}
	return rc;
}

/* --- HEIC / HEIF (ISOBMFF) --- */

struct box {
	char type[5];
	const unsigned char *p; /* payload (after the header) */
	size_t n;
};

static uint64_t bev(const unsigned char *p, unsigned k)
{
	uint64_t v = 0;
	unsigned i;
	for (i = 0; i < k; i++)
		v = v << 8 | p[i];
	return v;
}

/* Next box in [*pos, n) of p; 0 at the end or on a size that does not fit
 * (the walk stops there: a lying size never reads past its parent). */
static int box_next(const unsigned char *p, size_t n, size_t *pos, struct box *b)
{
	size_t at = *pos, hdr = 8;
	uint64_t size;
	if (at > n || n - at < 8)
		return 0;
	size = bev(p + at, 4);
	memcpy(b->type, p + at + 4, 4);
	b->type[4] = 0;
	if (size == 1) {
		if (n - at < 16)
			return 0;
		size = bev(p + at + 8, 8);
		hdr = 16;
	} else if (size == 0) {
		size = n - at;
	}
	if (size < hdr || size > n - at)
		return 0;
	b->p = p + at + hdr;
	b->n = (size_t)size - hdr;
	*pos = at + (size_t)size;
	return 1;
}

/* The first child box of type `t` in payload p..n (after `skip` bytes). */
static int box_find(const unsigned char *p, size_t n, size_t skip, const char *t, struct box *out)
{
	size_t pos = skip;
	unsigned k;
	for (k = 0; k < BOX_MAX && box_next(p, n, &pos, out); k++)
		if (memcmp(out->type, t, 4) == 0)
			return 1;
	return 0;
}

struct heif_item {
	uint32_t id;
	int kind; /* 1 Exif, 2 XMP */
};

/* infe entries of iinf: Exif items and XMP (mime application/rdf+xml). */
static size_t heif_items(const struct box *iinf, struct heif_item *it, size_t max)
{
	size_t pos, n = 0;
	struct box e;
	unsigned k;
	if (iinf->n < 6)
		return 0;
	pos = iinf->p[0] == 0 ? 6 : 8; /* FullBox + entry_count (16 or 32 bits) */
	for (k = 0; k < BOX_MAX && n < max && box_next(iinf->p, iinf->n, &pos, &e); k++) {
		unsigned v;
		size_t q;
		uint32_t id;
		if (memcmp(e.type, "infe", 4) != 0 || e.n < 4)
			continue;
		v = e.p[0];
		q = 4;
		if (v < 2) {
			/* item_ID(16) protection(16) name\0 content_type\0 */
			const unsigned char *z, *ct;
			if (e.n < q + 4)
				continue;
			id = (uint32_t)bev(e.p + q, 2);
			q += 4;
			if (!(z = memchr(e.p + q, 0, e.n - q)))
				continue;
			ct = z + 1;
			if ((size_t)(e.p + e.n - ct) >= 19 && memcmp(ct, "application/rdf+xml", 19) == 0) {
				it[n].id = id;
				it[n++].kind = 2;
			}
			continue;
		}
		if (e.n < q + (v == 2 ? 2u : 4u) + 2 + 4)
			continue;
		id = (uint32_t)bev(e.p + q, v == 2 ? 2 : 4);
		q += (v == 2 ? 2u : 4u) + 2; /* item_ID, item_protection_index */
		if (memcmp(e.p + q, "Exif", 4) == 0) {
			it[n].id = id;
			it[n++].kind = 1;
		} else if (memcmp(e.p + q, "mime", 4) == 0) {
			const unsigned char *z = memchr(e.p + q + 4, 0, e.n - q - 4), *ct;
			if (!z)
				continue;
			ct = z + 1;
			if ((size_t)(e.p + e.n - ct) >= 19 && memcmp(ct, "application/rdf+xml", 19) == 0) {
				it[n].id = id;
				it[n++].kind = 2;
			}
		}
	}
	return n;
}

/* The bytes of item `id` placed by iloc (file offsets, or idat offsets for
 * construction method 1) into out. 1 when found. */
static int heif_item_data(const unsigned char *file, size_t fn, const struct box *iloc,
                          const struct box *idat, uint32_t id, struct phi_buf *out)
{
	const unsigned char *p = iloc->p;
	size_t n = iloc->n, q = 4;
	unsigned v, osz, lsz, bsz, isz = 0, ic, i;

	if (n < 8)
		return 0;
	v = p[0];
	if (v > 2)
		return 0;
	osz = p[4] >> 4;
	lsz = p[4] & 15;
	bsz = p[5] >> 4;
	if (v >= 1)
		isz = p[5] & 15;
	q = 6;
#define NEED(k) do { if ((k) > n - q) return 0; } while (0)
#define OKSZ(s) ((s) == 0 || (s) == 4 || (s) == 8)
	if (!OKSZ(osz) || !OKSZ(lsz) || !OKSZ(bsz) || !OKSZ(isz))
		return 0;
	if (v < 2) {
		NEED(2);
		ic = (unsigned)bev(p + q, 2);
		q += 2;
	} else {
		NEED(4);
		ic = (unsigned)bev(p + q, 4);
		q += 4;
	}
	for (i = 0; i < ic && i < ITEM_MAX; i++) {
		uint32_t iid;
		unsigned method = 0, ec, k;
		uint64_t base;
		NEED(v < 2 ? 2u : 4u);
		iid = (uint32_t)bev(p + q, v < 2 ? 2 : 4);
		q += v < 2 ? 2 : 4;
		if (v >= 1) {
			NEED(2);
			method = p[q + 1] & 15;
			q += 2;
		}
		NEED(2 + bsz + 2);
		q += 2; /* data_reference_index */
		base = bev(p + q, bsz);
		q += bsz;
		ec = (unsigned)bev(p + q, 2);
		q += 2;
		for (k = 0; k < ec; k++) {
			uint64_t off, len;
			const unsigned char *src;
			size_t sn;
			NEED(isz + osz + lsz);
			q += isz;
			off = bev(p + q, osz);
			q += osz;
			len = bev(p + q, lsz);
			q += lsz;
			if (iid != id || k >= EXTENT_MAX || method > 1)
				continue;
			src = method == 1 ? (idat ? idat->p : NULL) : file;
			sn = method == 1 ? (idat ? idat->n : 0) : fn;
			if (!src || base > sn || off > sn - base)
				return 0;
			off += base;
			if (len == 0 && lsz == 0)
				len = sn - off; /* no length field: to the end */
			if (len > sn - off)
				len = sn - off; /* a lying length: what is there */
			if (out->max && len > out->max - out->len)
				len = out->max - out->len; /* max_entry_bytes: the start of it */
			if (phi_buf_append(out, src + off, (size_t)len) != PHI_OK)
				return out->len > 0;
		}
		if (iid == id)
			return out->len > 0;
	}
#undef NEED
#undef OKSZ
	return 0;
}

static int heif(struct img *m, const unsigned char *p, size_t n)
{
	struct box meta, iinf, iloc, idat;
	struct heif_item it[16];
	size_t ni, i;
	int have_idat, rc = PHI_OK;

	if (!box_find(p, n, 0, "meta", &meta) || meta.n < 4)
		return PHI_OK;
	/* meta is a FullBox: 4 bytes of version and flags before its children */
	if (!box_find(meta.p, meta.n, 4, "iinf", &iinf) || !box_find(meta.p, meta.n, 4, "iloc", &iloc))
		return PHI_OK;
	have_idat = box_find(meta.p, meta.n, 4, "idat", &idat);
	ni = heif_items(&iinf, it, sizeof it / sizeof it[0]);
	for (i = 0; i < ni && rc == PHI_OK; i++) {
		struct phi_buf b;
		if ((rc = doc_budget(m->d)) != PHI_OK)
			break;
		phi_buf_init(&b, m->d->lim.max_entry_bytes);
		if (heif_item_data(p, n, &iloc, have_idat ? &idat : NULL, it[i].id, &b)) {
			if (it[i].kind == 2) {
				rc = xmp(m, b.data, b.len);
			} else if (b.len >= 4) {
				/* Exif item: a 32-bit offset to the TIFF header, then the block */
				uint32_t off = (uint32_t)bev(b.data, 4);
				if (off <= b.len - 4)
					rc = exif(m, b.data + 4 + off, b.len - 4 - off);
			}
		}
		phi_buf_free(&b);
	}
	return rc;
}

int x_image_extract(struct phi_doc *d, int part, const unsigned char *p, size_t n)
{
	struct img m;
	int rc = PHI_OK;

	memset(&m, 0, sizeof m);
	m.d = d;
	m.part = part;
	if (part >= 0 && (size_t)part < d->nparts)
		d->parts[part].format = PHI_FMT_IMAGE;
	if (n >= 3 && p[0] == 0xFF && p[1] == 0xD8 && p[2] == 0xFF)
		rc = jpeg(&m, p, n);
	else if (starts(p, n, "\x89PNG\r\n\x1a\n", 8))
		rc = png(&m, p, n);
	else if (starts(p, n, "GIF8", 4))
		rc = gif(&m, p, n);
	else if (starts(p, n, "II*\0", 4) || starts(p, n, "MM\0*", 4))
		rc = exif(&m, p, n);
	else if (n >= 12 && memcmp(p, "RIFF", 4) == 0 && memcmp(p + 8, "WEBP", 4) == 0)
		rc = webp(&m, p, n);
	else if (heic_brand(p, n))
		rc = heif(&m, p, n);
	return rc == PHI_ELIMIT ? PHI_OK : rc;
}
