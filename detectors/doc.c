/*
 * doc.c - the decoded message: parts, text segments, their arena, budgets.
 *
 * Decoders add parts and text here; this file enforces the limits that are
 * about the message as a whole (part count, nesting depth, decoded bytes,
 * time) so that no decoder can forget one. Text is copied into an arena of
 * large blocks, wiped and freed with the scan.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/crypto.h>
#include "scan.h"
#include "utf8.h"

struct doc_arena_block {
	struct doc_arena_block *next;
	size_t used, cap;
	unsigned char data[];
};

#define ARENA_BLOCK (256u * 1024)

static void *arena_alloc(struct phi_doc *d, size_t n)
{
	struct doc_arena_block *b = d->arena;
	void *p;

	n = (n + 7) & ~(size_t)7;
	if (!b || b->cap - b->used < n) {
		size_t cap = n > ARENA_BLOCK ? n : ARENA_BLOCK;
		b = malloc(sizeof *b + cap);
		if (!b)
			return NULL;
		b->cap = cap;
		b->used = 0;
		/* Keep the current block first when a big allocation gets its own
		 * block, so the small leftover space is still used. */
		if (d->arena && n > ARENA_BLOCK) {
			b->next = d->arena->next;
			d->arena->next = b;
		} else {
			b->next = d->arena;
			d->arena = b;
		}
	}
	p = b->data + b->used;
	b->used += n;
	return p;
}

char *doc_strndup(struct phi_doc *d, const char *s, size_t n)
{
	char *p = arena_alloc(d, n + 1);
	if (!p)
		return NULL;
	memcpy(p, s, n);
	p[n] = 0;
	return p;
}

void doc_init(struct phi_doc *d, struct phi_scan *s, const struct phi_limits *lim,
              phi_tick_fn tick, void *tick_arg)
{
	memset(d, 0, sizeof *d);
	d->lim = *lim;
	d->scan = s;
	d->tick = tick;
	d->tick_arg = tick_arg;
	clock_gettime(CLOCK_MONOTONIC, &d->start);
}

void doc_free(struct phi_doc *d)
{
	struct doc_arena_block *b = d->arena, *n;

	while (b) {
		n = b->next;
		OPENSSL_cleanse(b->data, b->used);
		free(b);
		b = n;
	}
	free(d->parts);
	free(d->child_count);
	free(d->segs);
	memset(d, 0, sizeof *d);
}

void doc_unscannable(struct phi_doc *d, int part, const char *why)
{
	if (part >= 0 && (size_t)part < d->nparts)
		d->parts[part].unscannable = 1;
	finding_add_part(d->scan, part, PHI_T_UNSCANNABLE, PHI_CONF_HIGH, why);
}

static int part_new(struct phi_doc *d, int parent, const char *content_type,
                    const char *filename, enum phi_format fmt, size_t size, int attachment,
                    int headers);

int doc_add_part(struct phi_doc *d, int parent, const char *content_type,
                 const char *filename, enum phi_format fmt, size_t size, int attachment)
{
	return part_new(d, parent, content_type, filename, fmt, size, attachment, 0);
}

int doc_add_headers_part(struct phi_doc *d, int parent)
{
	return part_new(d, parent, "text/rfc822-headers", NULL, PHI_FMT_HEADER, 0, 0, 1);
}

static int part_new(struct phi_doc *d, int parent, const char *content_type,
                    const char *filename, enum phi_format fmt, size_t size, int attachment,
                    int headers)
{
	struct phi_part *p;
	char path[PHI_PART_MAX + 16];
	unsigned depth, no;

	if (parent >= (int)d->nparts)
		parent = -1;
	depth = parent >= 0 ? d->parts[parent].depth + 1 : 0;
	if (d->nparts >= d->lim.max_parts) {
		if (!d->parts_full) {
			d->parts_full = 1;
			doc_unscannable(d, parent, "limit max_parts");
		}
		return PHI_ELIMIT;
	}
	if (depth > d->lim.max_depth) {
		doc_unscannable(d, parent, "limit max_depth");
		return PHI_ELIMIT;
	}
	if (d->nparts == d->capparts) {
		size_t ncap = d->capparts ? d->capparts * 2 : 16;
		struct phi_part *np = realloc(d->parts, ncap * sizeof *np);
		unsigned *nc;
		if (!np)
			return PHI_ENOMEM;
		d->parts = np;
		nc = realloc(d->child_count, ncap * sizeof *nc);
		if (!nc)
			return PHI_ENOMEM;
		d->child_count = nc;
		d->capparts = ncap;
	}
	if (headers) {
		if (parent >= 0)
			snprintf(path, sizeof path, "%s.0", d->parts[parent].path);
		else
			snprintf(path, sizeof path, "0");
	} else if (parent >= 0) {
		no = ++d->child_count[parent];
		snprintf(path, sizeof path, "%s.%u", d->parts[parent].path, no);
	} else {
		no = ++d->top_children;
		snprintf(path, sizeof path, "%u", no);
	}
	path[PHI_PART_MAX - 1] = 0; /* deep paths are cut to what a finding can hold */
	p = &d->parts[d->nparts];
	memset(p, 0, sizeof *p);
	p->path = doc_strndup(d, path, strlen(path));
	p->content_type = content_type ? doc_strndup(d, content_type, strlen(content_type)) : "application/octet-stream";
	p->filename = filename ? doc_strndup(d, filename, strlen(filename)) : NULL;
	if (!p->path || !p->content_type || (filename && !p->filename))
		return PHI_ENOMEM;
	p->format = fmt;
	p->size = size;
	p->depth = depth;
	p->attachment = attachment;
	p->parent = parent;
	d->child_count[d->nparts] = 0;
	return (int)d->nparts++;
}

int doc_add_text(struct phi_doc *d, int part, enum phi_field field, const char *field_name,
                 const unsigned char *text, size_t len, size_t part_offset)
{
	struct phi_segment *sg;
	unsigned char *copy;
	size_t i, run;

	if (len == 0)
		return PHI_OK;
	if (part < 0 || (size_t)part >= d->nparts)
		return PHI_EINVAL;
	if (len > d->lim.max_decoded_bytes || d->decoded_bytes > d->lim.max_decoded_bytes - len) {
		if (!d->decoded_full) {
			d->decoded_full = 1;
			doc_unscannable(d, part, "limit max_decoded_bytes");
		}
		return PHI_ELIMIT;
	}
	if (d->nsegs == d->capsegs) {
		size_t ncap = d->capsegs ? d->capsegs * 2 : 32;
		struct phi_segment *ns = realloc(d->segs, ncap * sizeof *ns);
		if (!ns)
			return PHI_ENOMEM;
		d->segs = ns;
		d->capsegs = ncap;
	}
	copy = arena_alloc(d, len);
	if (!copy)
		return PHI_ENOMEM;
	/* Copy, turning bytes that are not UTF-8 (and NULs) into '?' so that
	 * offsets stay those of the decoded part and detectors may assume UTF-8.
	 * Valid stretches are found eight ASCII bytes at a time and copied with
	 * one memcpy each: this runs over every decoded byte of every message. */
	for (i = 0, run = 0; i < len;) {
		size_t k;
		while (len - i >= 8) {
			uint64_t v;
			memcpy(&v, text + i, 8);
			/* a high bit, or a zero byte */
			if ((v | ((v - 0x0101010101010101ull) & ~v)) & 0x8080808080808080ull)
				break;
			i += 8;
		}
		if (i >= len)
			break;
		if (text[i] && text[i] < 0x80) {
			i++;
			continue;
		}
		k = text[i] ? utf8_seq(text + i, len - i) : 0;
		if (k == 0) {
			memcpy(copy + run, text + run, i - run);
			copy[i++] = '?';
			run = i;
			continue;
		}
		i += k;
	}
	memcpy(copy + run, text + run, len - run);
	sg = &d->segs[d->nsegs++];
	sg->part = part;
	sg->format = d->parts[part].format;
	sg->field = field;
	sg->field_name = field_name ? doc_strndup(d, field_name, strlen(field_name)) : NULL;
	sg->text = copy;
	sg->len = len;
	sg->part_offset = part_offset;
	d->decoded_bytes += len;
	return PHI_OK;
}

void doc_set_subject(struct phi_doc *d, const unsigned char *s, size_t n)
{
	if (!d->subject)
		d->subject = doc_strndup(d, (const char *)s, n);
}

int doc_budget(struct phi_doc *d)
{
	struct timespec now;
	unsigned long ms;

	if (d->timed_out)
		return PHI_ETIME;
	if ((++d->budget_calls & 15u) != 0)
		return PHI_OK;
	if (d->tick && (d->budget_calls & 1023u) == 0)
		d->tick(d->tick_arg);
	if (!d->lim.time_budget_ms)
		return PHI_OK;
	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (unsigned long)(now.tv_sec - d->start.tv_sec) * 1000ul +
	     (unsigned long)((now.tv_nsec - d->start.tv_nsec) / 1000000l);
	if (ms > d->lim.time_budget_ms) {
		d->timed_out = 1;
		doc_unscannable(d, -1, "limit time_budget_ms");
		return PHI_ETIME;
	}
	return PHI_OK;
}

size_t phi_doc_nparts(const struct phi_doc *d) { return d->nparts; }
const struct phi_part *phi_doc_part(const struct phi_doc *d, size_t i) { return i < d->nparts ? &d->parts[i] : NULL; }
size_t phi_doc_nsegments(const struct phi_doc *d) { return d->nsegs; }
const struct phi_segment *phi_doc_segment(const struct phi_doc *d, size_t i) { return i < d->nsegs ? &d->segs[i] : NULL; }

const char *phi_format_name(enum phi_format f)
{
	static const char *const names[PHI_FMT__COUNT] = {
		"text", "header", "html", "pdf", "docx", "xlsx", "pptx", "odt", "ods", "odp",
		"rtf", "csv", "ical", "vcard", "xml", "json", "hl7v2", "fhir", "ccda", "dicom",
		"zip", "gzip", "rfc822", "multipart", "image", "audio", "video", "binary",
		"tnef", "x12",
	};
	return (unsigned)f < PHI_FMT__COUNT ? names[f] : "unknown";
}
