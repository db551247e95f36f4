/* t_gzip.c - gzip members built in memory: name, multi-member, bomb, truncated, tar. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include "tap.h"
#include "scan.h"
#include "extract/extract.h"

static unsigned char *gz(const void *in, size_t n, const char *name, size_t *outn)
{
	z_stream s;
	gz_header h;
	size_t cap = compressBound(n) + 512;
	unsigned char *o = malloc(cap);
	memset(&s, 0, sizeof s);
	memset(&h, 0, sizeof h);
	deflateInit2(&s, 9, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY);
	if (name) {
		h.name = (Bytef *)(uintptr_t)name;
		deflateSetHeader(&s, &h);
	}
	s.next_in = (unsigned char *)(uintptr_t)in;
	s.avail_in = (uInt)n;
	s.next_out = o;
	s.avail_out = (uInt)cap;
	deflate(&s, Z_FINISH);
	*outn = s.total_out;
	deflateEnd(&s);
	return o;
}

static struct phi_scan *scan(const unsigned char *p, size_t n, const char *fname)
{
	struct phi_scan *s = phi_scan_new(NULL, NULL, NULL, NULL);
	int part = doc_add_part(&s->doc, -1, "application/gzip", fname, PHI_FMT_GZIP, n, 1);
	x_gzip_extract(&s->doc, part, p, n);
	return s;
}

static const char *part_text(struct phi_scan *s, int i)
{
	static char buf[1 << 16];
	size_t o = 0, k;
	for (k = 0; k < s->doc.nsegs; k++) {
		const struct phi_segment *g = &s->doc.segs[k];
		if (g->part != i || g->field == PHI_F_FILENAME || o + g->len >= sizeof buf)
			continue;
		memcpy(buf + o, g->text, g->len);
		o += g->len;
	}
	buf[o] = 0;
	return buf;
}

static int has_why(struct phi_scan *s, const char *why)
{
	size_t i;
	for (i = 0; i < phi_scan_nfindings(s); i++) {
		const struct phi_finding *f = phi_scan_finding(s, i);
		if (f->type == PHI_T_UNSCANNABLE && strstr(f->why, why))
			return 1;
	}
	return 0;
}

int main(void)
{
	struct phi_scan *s;
	size_t n1, n2;
	unsigned char *a = gz("first member. ", 14, "notes.txt", &n1);
	unsigned char *b = gz("second member", 13, NULL, &n2);
	unsigned char *cat = malloc(n1 + n2);

	T_OK(x_gzip_sniff(a, n1), "sniff gzip magic");
	s = scan(a, n1, "x.gz");
	T_EQ_INT(s->doc.nparts, 2, "single: one child part");
	T_OK(s->doc.nparts == 2 && s->doc.parts[1].filename && strcmp(s->doc.parts[1].filename, "notes.txt") == 0,
	     "single: child named from FNAME");
	T_OK(strcmp(part_text(s, 1), "first member. ") == 0, "single: text decoded");
	phi_scan_free(s);

	memcpy(cat, a, n1);
	memcpy(cat + n1, b, n2);
	s = scan(cat, n1 + n2, "x.txt.gz");
	T_OK(strcmp(part_text(s, 1), "first member. second member") == 0, "multi: members concatenated");
	phi_scan_free(s);

	s = scan(b, n2, "report.txt.gz");
	T_OK(s->doc.nparts == 2 && s->doc.parts[1].filename && strcmp(s->doc.parts[1].filename, "report.txt") == 0,
	     "no FNAME: name from the part's file name without .gz");
	phi_scan_free(s);

	s = scan(cat, n1 + n2 - 6, "x.gz");
	T_OK(has_why(s, "truncated"), "truncated: unscannable truncated");
	T_OK(strncmp(part_text(s, 1), "first member. second", 20) == 0 || strcmp(part_text(s, 1), "first member. ") == 0,
	     "truncated: what was decoded is kept");
	phi_scan_free(s);
	{
		size_t k;
		for (k = 0; k < n1 + n2; k++)
			phi_scan_free(scan(cat, k, "x.gz"));
		T_OK(1, "every prefix survives");
	}

	{
		size_t big = 20u << 20, nb;
		unsigned char *z = calloc(1, big);
		unsigned char *bomb = gz(z, big, "zeros", &nb);
		free(z);
		s = scan(bomb, nb, "b.gz");
		T_OK(has_why(s, "limit max_ratio"), "bomb: max_ratio");
		T_OK(s->doc.nparts == 2 && s->doc.parts[1].size < (1u << 20), "bomb: stopped early");
		phi_scan_free(s);
		free(bomb);
	}
	{
		/* tar with two files */
		unsigned char tar[512 * 6];
		size_t nt;
		unsigned char *tgz;
		memset(tar, 0, sizeof tar);
		strcpy((char *)tar, "a.txt");
		snprintf((char *)tar + 124, 12, "%011o", 5u);
		tar[156] = '0';
		memcpy(tar + 257, "ustar", 5);
		memcpy(tar + 512, "alpha", 5);
		strcpy((char *)tar + 1024, "b.txt");
		snprintf((char *)tar + 1024 + 124, 12, "%011o", 4u);
		tar[1024 + 156] = '0';
		memcpy(tar + 1024 + 257, "ustar", 5);
		memcpy(tar + 1536, "beta", 4);
		tgz = gz(tar, sizeof tar, NULL, &nt);
		s = scan(tgz, nt, "x.tgz");
		T_EQ_INT(s->doc.nparts, 4, "tar.gz: tar part and two files");
		T_OK(s->doc.nparts == 4 && strcmp(part_text(s, 2), "alpha") == 0 && strcmp(part_text(s, 3), "beta") == 0,
		     "tar.gz: file contents read");
		phi_scan_free(s);
		free(tgz);
	}
	s = scan((const unsigned char *)"\x1f\x8b\x08garbage-garbage", 18, "g.gz");
	T_OK(has_why(s, "corrupt") || has_why(s, "truncated"), "garbage after magic: unscannable");
	phi_scan_free(s);
	free(a);
	free(b);
	free(cat);
	return tap_done();
}
