/* t_image.c - image sniffing and embedded text: JPEG COM/EXIF/XMP, PNG
 * tEXt/zTXt/iTXt, GIF comments, TIFF, HEIC (Exif and XMP items), BMP
 * (recognised, no text); bounded on broken input. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include "tap.h"
#include "scan.h"
#include "extract/extract.h"

struct b { unsigned char p[1 << 16]; size_t n; };

static void put(struct b *b, const void *s, size_t n) { memcpy(b->p + b->n, s, n); b->n += n; }
static void u8(struct b *b, unsigned v) { b->p[b->n++] = (unsigned char)v; }
static void be16(struct b *b, unsigned v) { u8(b, v >> 8 & 255); u8(b, v & 255); }
static void be32(struct b *b, unsigned long v) { be16(b, v >> 16 & 0xFFFF); be16(b, v & 0xFFFF); }
static void le16(struct b *b, unsigned v) { u8(b, v & 255); u8(b, v >> 8 & 255); }
static void le32(struct b *b, unsigned long v) { le16(b, v & 0xFFFF); le16(b, v >> 16 & 0xFFFF); }

static struct phi_scan *run(const unsigned char *p, size_t n)
{
	struct phi_scan *s = phi_scan_new(NULL, NULL, NULL, NULL);
	int part = doc_add_part(&s->doc, -1, "image/jpeg", "i.jpg", PHI_FMT_IMAGE, n, 1);
	x_image_extract(&s->doc, part, p, n);
	return s;
}

static int seg(struct phi_scan *s, const char *name, const char *text)
{
	size_t k;
	for (k = 0; k < s->doc.nsegs; k++) {
		const struct phi_segment *g = &s->doc.segs[k];
		if (g->field_name && strcmp(g->field_name, name) == 0 && g->len == strlen(text) &&
		    memcmp(g->text, text, g->len) == 0)
			return 1;
	}
	return 0;
}

/* little-endian TIFF with ImageDescription in IFD0 and UserComment in the Exif IFD */
static void tiff(struct b *t)
{
	t->n = 0;
	put(t, "II*\0", 4);
	le32(t, 8);
	le16(t, 2);                                  /* IFD0 at 8: 2 entries */
	le16(t, 0x010E); le16(t, 2); le32(t, 11); le32(t, 8 + 2 + 24 + 4);     /* -> 38 */
	le16(t, 0x8769); le16(t, 4); le32(t, 1); le32(t, 38 + 12);             /* Exif IFD at 50 */
	le32(t, 0);
	put(t, "Zed Quux X\0\0", 12);                /* 38..49 */
	le16(t, 1);                                  /* Exif IFD at 50 */
	le16(t, 0x9286); le16(t, 7); le32(t, 8 + 9); le32(t, 50 + 2 + 12 + 4);
	le32(t, 0);
	put(t, "ASCII\0\0\0MRN 12345", 17);
}


/* Box: size, type, payload. */
static void box(struct b *o, const char *type, const void *payload, size_t n)
{
	be32(o, (unsigned long)(8 + n));
	put(o, type, 4);
	put(o, payload, n);
}

/* A HEIC: ftyp, meta (iinf: an hvc1 image, an Exif item and an XMP item;
 * iloc: the image and Exif in mdat, XMP in idat), mdat. The Exif item's
 * extent length is `exif_len` (0: its real length). */
static void heic(struct b *h, const struct b *tif, const char *xmp, unsigned long exif_len)
{
	struct b meta, inner, t;
	size_t mdat_at = 0, pass;
	size_t xl = strlen(xmp);

	for (pass = 0; pass < 2; pass++) {
		h->n = 0;
		box(h, "ftyp", "heic\0\0\0\0mif1heic", 16);
		inner.n = 0;
		t.n = 0;
		put(&t, "\0\0\0\0\0\0\0\0pict\0\0\0\0\0\0\0\0\0\0\0\0\0", 25);
		box(&inner, "hdlr", t.p, t.n);
		/* iinf v0, 3 entries of infe v2 */
		t.n = 0;
		put(&t, "\0\0\0\0", 4);
		be16(&t, 3);
		be32(&t, 8 + 4 + 2 + 2 + 4 + 1); put(&t, "infe", 4); put(&t, "\2\0\0\0", 4); be16(&t, 1); be16(&t, 0); put(&t, "hvc1", 4); u8(&t, 0);
		be32(&t, 8 + 4 + 2 + 2 + 4 + 1); put(&t, "infe", 4); put(&t, "\2\0\0\0", 4); be16(&t, 2); be16(&t, 0); put(&t, "Exif", 4); u8(&t, 0);
		be32(&t, 8 + 4 + 2 + 2 + 4 + 1 + 20); put(&t, "infe", 4); put(&t, "\2\0\0\0", 4); be16(&t, 3); be16(&t, 0); put(&t, "mime", 4); u8(&t, 0);
		put(&t, "application/rdf+xml\0", 20);
		box(&inner, "iinf", t.p, t.n);
		/* iloc v1: offset 4, length 4, base 0, index 0 */
		t.n = 0;
		put(&t, "\1\0\0\0", 4);
		u8(&t, 0x44); u8(&t, 0x00);
		be16(&t, 3);
		be16(&t, 1); be16(&t, 0); be16(&t, 0); be16(&t, 1); be32(&t, (unsigned long)(mdat_at + 8)); be32(&t, 8);
		be16(&t, 2); be16(&t, 0); be16(&t, 0); be16(&t, 1); be32(&t, (unsigned long)(mdat_at + 16));
		be32(&t, exif_len ? exif_len : (unsigned long)(4 + 6 + tif->n));
		be16(&t, 3); be16(&t, 1); be16(&t, 0); be16(&t, 1); be32(&t, 0); be32(&t, (unsigned long)xl);
		box(&inner, "iloc", t.p, t.n);
		box(&inner, "idat", xmp, xl);
		meta.n = 0;
		put(&meta, "\0\0\0\0", 4);
		put(&meta, inner.p, inner.n);
		box(h, "meta", meta.p, meta.n);
		mdat_at = h->n;
		be32(h, (unsigned long)(8 + 8 + 4 + 6 + tif->n));
		put(h, "mdat", 4);
		put(h, "hevcdata", 8);
		be32(h, 6);
		put(h, "Exif\0\0", 6);
		put(h, tif->p, tif->n);
	}
}

int main(void)
{
	struct b j = { .n = 0 }, t, x, g;
	struct phi_scan *s;
	static const char xmp[] = "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF><rdf:Description>"
		"<dc:description><rdf:Alt><rdf:li xml:lang=\"x-default\">wound photo Zed</rdf:li></rdf:Alt></dc:description>"
		"</rdf:Description></rdf:RDF></x:xmpmeta>";

	tiff(&t);
	put(&j, "\xff\xd8", 2);
	u8(&j, 0xFF); u8(&j, 0xFE); be16(&j, 2 + 12); put(&j, "patient Quux", 12);
	u8(&j, 0xFF); u8(&j, 0xE1); be16(&j, (unsigned)(2 + 6 + t.n)); put(&j, "Exif\0\0", 6); put(&j, t.p, t.n);
	u8(&j, 0xFF); u8(&j, 0xE1); be16(&j, (unsigned)(2 + 29 + sizeof xmp - 1));
	put(&j, "http://ns.adobe.com/xap/1.0/\0", 29); put(&j, xmp, sizeof xmp - 1);
	put(&j, "\xff\xda\0\x02\x12\x34\xff\xd9", 8);
	T_OK(x_image_sniff(j.p, j.n), "sniff jpeg");
	s = run(j.p, j.n);
	T_EQ_INT(s->doc.parts[0].format, PHI_FMT_IMAGE, "format image");
	T_OK(seg(s, "JPEG comment", "patient Quux"), "jpeg COM segment");
	T_OK(seg(s, "EXIF ImageDescription", "Zed Quux X"), "exif ImageDescription");
	T_OK(seg(s, "EXIF UserComment", "MRN 12345"), "exif UserComment in the Exif IFD");
	T_OK(seg(s, "XMP", "wound photo Zed\n"), "xmp text");
	phi_scan_free(s);

	s = run(t.p, t.n);
	T_OK(seg(s, "EXIF ImageDescription", "Zed Quux X"), "tiff file tags");
	phi_scan_free(s);

	/* PNG: tEXt (latin-1), zTXt, iTXt */
	{
		unsigned char z[256];
		uLongf zn = sizeof z;
		compress2(z, &zn, (const unsigned char *)"compressed note", 15, 9);
		x.n = 0;
		put(&x, "\x89PNG\r\n\x1a\n", 8);
		be32(&x, 13); put(&x, "IHDR", 4); put(&x, "\0\0\0\1\0\0\0\1\x08\x02\0\0\0", 13); be32(&x, 0);
		be32(&x, 16); put(&x, "tEXt", 4); put(&x, "Comment\0caf\xe9 Zed", 16); be32(&x, 0);
		be32(&x, (unsigned long)(9 + zn)); put(&x, "zTXt", 4); put(&x, "Comment\0\0", 9); put(&x, z, zn); be32(&x, 0);
		be32(&x, 8 + 2 + 3 + 1 + 8); put(&x, "iTXt", 4); put(&x, "Comment\0\0\0en\0\0utf8 txt", 8 + 2 + 3 + 1 + 8); be32(&x, 0);
		be32(&x, 0); put(&x, "IEND", 4); be32(&x, 0);
		s = run(x.p, x.n);
		T_OK(seg(s, "PNG text", "caf\xc3\xa9 Zed"), "png tEXt latin-1");
		T_OK(seg(s, "PNG text", "compressed note"), "png zTXt inflated");
		T_OK(seg(s, "PNG text", "utf8 txt"), "png iTXt");
		phi_scan_free(s);
	}
	/* GIF comment extension */
	g.n = 0;
	put(&g, "GIF89a", 6); le16(&g, 1); le16(&g, 1); u8(&g, 0); u8(&g, 0); u8(&g, 0);
	put(&g, "\x21\xfe", 2); u8(&g, 5); put(&g, "hello", 5); u8(&g, 6); put(&g, " world", 6); u8(&g, 0);
	put(&g, "\x2c\0\0\0\0\1\0\1\0\0\x02\x02\x44\x01\0\x3b", 16);
	s = run(g.p, g.n);
	T_OK(seg(s, "GIF comment", "hello world"), "gif comment sub-blocks joined");
	phi_scan_free(s);

	T_OK(!x_image_sniff((const unsigned char *)"hello", 5), "text is not an image");
	/* every prefix and random corruption of each */
	{
		struct b *all[4] = { &j, &t, &x, &g };
		unsigned seed = 5, i;
		size_t k;
		for (i = 0; i < 4; i++) {
			for (k = 0; k < all[i]->n; k++)
				phi_scan_free(run(all[i]->p, k));
			for (k = 0; k < 1000; k++) {
				unsigned char m[1 << 12];
				size_t n = all[i]->n < sizeof m ? all[i]->n : sizeof m, q;
				memcpy(m, all[i]->p, n);
				for (q = 0; q < 4; q++) {
					seed = seed * 1103515245u + 12345u;
					m[(seed >> 8) % n] = (unsigned char)(seed >> 20);
				}
				phi_scan_free(run(m, n));
			}
		}
		T_OK(1, "prefixes and mutations of every fixture survive");
	}
	/* HEIC: the Exif item (ImageDescription, UserComment) and the XMP item */
	{
		static struct b h, bad;
		static const char hx[] = "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF><rdf:Description>"
			"<dc:title>patient Zed Quux wound</dc:title></rdf:Description></rdf:RDF></x:xmpmeta>";
		unsigned seed = 11, q;
		size_t k;

		heic(&h, &t, hx, 0);
		T_OK(x_image_sniff(h.p, h.n), "sniff heic");
		s = run(h.p, h.n);
		T_EQ_INT(s->doc.parts[0].format, PHI_FMT_IMAGE, "heic: format image");
		T_OK(seg(s, "EXIF ImageDescription", "Zed Quux X"), "heic: Exif item ImageDescription");
		T_OK(seg(s, "EXIF UserComment", "MRN 12345"), "heic: Exif item UserComment (Exif IFD)");
		T_OK(seg(s, "XMP", "patient Zed Quux wound\n"), "heic: XMP item in idat");
		phi_scan_free(s);

		/* an extent length past the end: what is there is read */
		heic(&bad, &t, hx, 0x7FFFFFF0ul);
		s = run(bad.p, bad.n);
		T_OK(seg(s, "EXIF ImageDescription", "Zed Quux X"), "heic: a lying extent length is cut at the end");
		phi_scan_free(s);
		/* a meta box that claims more than the file: not read, no crash */
		memcpy(bad.p, h.p, h.n);
		bad.n = h.n;
		bad.p[24] = 0x7F;
		s = run(bad.p, bad.n);
		T_EQ_INT(s->doc.nsegs, 0, "heic: lying meta box size: nothing read");
		T_EQ_INT(s->doc.parts[0].format, PHI_FMT_IMAGE, "heic: still an image");
		phi_scan_free(s);
		/* a child size smaller than its header, and a 64-bit size of 2^63 */
		memcpy(bad.p, h.p, h.n);
		bad.p[24 + 12 + 3] = 3;
		s = run(bad.p, bad.n);
		T_EQ_INT(s->doc.nsegs, 0, "heic: child box size below its header: walk stops");
		phi_scan_free(s);
		memcpy(bad.p, h.p, h.n);
		memcpy(bad.p + 24, "\0\0\0\1meta\x80\0\0\0\0\0\0\0", 16);
		phi_scan_free(run(bad.p, bad.n));
		T_OK(1, "heic: largesize 2^63 survives");
		for (k = 0; k < h.n; k++)
			phi_scan_free(run(h.p, k));
		for (k = 0; k < 2000; k++) {
			memcpy(bad.p, h.p, h.n);
			for (q = 0; q < 4; q++) {
				seed = seed * 1103515245u + 12345u;
				bad.p[(seed >> 8) % h.n] = (unsigned char)(seed >> 20);
			}
			phi_scan_free(run(bad.p, h.n));
		}
		T_OK(1, "heic: prefixes and mutations survive");
	}
	/* BMP: recognised as an image, no metadata to read */
	{
		static struct b bm;
		bm.n = 0;
		put(&bm, "BM", 2); le32(&bm, 58); le32(&bm, 0); le32(&bm, 54);
		le32(&bm, 40); le32(&bm, 1); le32(&bm, 1); le16(&bm, 1); le16(&bm, 24); le32(&bm, 0);
		le32(&bm, 4); le32(&bm, 2835); le32(&bm, 2835); le32(&bm, 0); le32(&bm, 0);
		put(&bm, "\0\0\xff\0", 4);
		T_OK(x_image_sniff(bm.p, bm.n), "sniff bmp");
		s = run(bm.p, bm.n);
		T_EQ_INT(s->doc.parts[0].format, PHI_FMT_IMAGE, "bmp: format image");
		T_EQ_INT(s->doc.nsegs, 0, "bmp: no text");
		T_EQ_INT(s->doc.parts[0].unscannable, 0, "bmp: scannable");
		phi_scan_free(s);
	}
	return tap_done();
}
