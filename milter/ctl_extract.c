/*
 * ctl_extract.c - `phictl extract FILE...`: what the decoders made of a message.
 *
 * A developer tool for the MIME and extractor layers: each file is scanned
 * with a default engine (no terms, rules or roster) and every text segment
 * of the decoded doc is printed as one JSON line
 *   {"file","part","filename","content_type","format","field","field_name",
 *    "offset","text"}
 * followed by one {"file","part",...,"segments":N} line per part with no
 * text ("text":null), so binary and container parts show up too. It prints
 * decoded message text by design: never run it on live mail in a place
 * whose output is kept (logs, tickets). Exit 0, or 1 when a file could not
 * be read or scanned.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ctl.h"
#include "phi/engine.h"
#include "phi/status.h"

static void json_str(FILE *o, const unsigned char *s, size_t n)
{
	size_t i;

	if (!s) {
		fputs("null", o);
		return;
	}
	putc('"', o);
	for (i = 0; i < n; i++) {
		unsigned char c = s[i];
		switch (c) {
		case '"': fputs("\\\"", o); break;
		case '\\': fputs("\\\\", o); break;
		case '\n': fputs("\\n", o); break;
		case '\r': fputs("\\r", o); break;
		case '\t': fputs("\\t", o); break;
		default:
			if (c < 0x20 || c == 0x7F)
				fprintf(o, "\\u%04x", c);
			else
				putc(c, o);
		}
	}
	putc('"', o);
}

static void json_cstr(FILE *o, const char *s)
{
	json_str(o, (const unsigned char *)s, s ? strlen(s) : 0);
}

static const char *field_name(enum phi_field f)
{
	static const char *const names[PHI_F__COUNT] = {
		"none", "subject", "header", "filename", "patient_name", "patient_id", "birth_date",
		"ssn", "address", "phone", "patient_other", "relative_name", "clinical", "table_cell",
	};
	return (unsigned)f < PHI_F__COUNT ? names[f] : "unknown";
}

static void part_head(FILE *o, const char *file, const struct phi_part *pt)
{
	fputs("{\"file\":", o);
	json_cstr(o, file);
	fputs(",\"part\":", o);
	json_cstr(o, pt->path);
	fputs(",\"filename\":", o);
	json_cstr(o, pt->filename);
	fputs(",\"content_type\":", o);
	json_cstr(o, pt->content_type);
	fputs(",\"format\":", o);
	json_cstr(o, phi_format_name(pt->format));
}

static int extract_one(const struct phi_engine *e, const char *file, FILE *o)
{
	struct phi_limits lim;
	struct phi_scan *s;
	const struct phi_doc *d;
	unsigned char *msg;
	size_t len, i, np, *nseg = NULL;
	int trunc, rc;

	phi_limits_default(&lim);
	if (ctl_read_file(file, lim.max_message_bytes, &msg, &len, &trunc) != 0) {
		fprintf(stderr, "phictl extract: %s: %s\n", file, strerror(errno));
		return 1;
	}
	s = phi_scan_new(e, &lim, NULL, NULL);
	if (!s) {
		free(msg);
		fprintf(stderr, "phictl extract: %s: out of memory\n", file);
		return 1;
	}
	if (trunc)
		phi_scan_mark_truncated(s, "limit max_message_bytes");
	rc = phi_scan_message(s, msg, len);
	if (rc != PHI_OK)
		fprintf(stderr, "phictl extract: %s: %s\n", file, phi_scan_error(s));
	d = phi_scan_doc(s);
	np = phi_doc_nparts(d);
	nseg = calloc(np ? np : 1, sizeof *nseg);
	for (i = 0; i < phi_doc_nsegments(d); i++) {
		const struct phi_segment *sg = phi_doc_segment(d, i);
		const struct phi_part *pt = phi_doc_part(d, (size_t)sg->part);
		if (!pt)
			continue;
		if (nseg)
			nseg[sg->part]++;
		part_head(o, file, pt);
		fputs(",\"field\":", o);
		json_cstr(o, field_name(sg->field));
		fputs(",\"field_name\":", o);
		json_cstr(o, sg->field_name);
		fprintf(o, ",\"offset\":%zu,\"text\":", sg->part_offset);
		json_str(o, sg->text, sg->len);
		fputs("}\n", o);
	}
	for (i = 0; nseg && i < np; i++) {
		const struct phi_part *pt = phi_doc_part(d, i);
		if (nseg[i])
			continue;
		part_head(o, file, pt);
		fprintf(o, ",\"field\":null,\"field_name\":null,\"offset\":0,\"text\":null,"
		        "\"size\":%zu,\"unscannable\":%s}\n", pt->size, pt->unscannable ? "true" : "false");
	}
	free(nseg);
	phi_scan_free(s);
	free(msg);
	return rc == PHI_OK ? 0 : 1;
}

int ctl_extract(int argc, char **argv)
{
	struct phi_engine *e;
	char err[512];
	int i, st = 0;

	if (argc < 2) {
		fputs("usage: phictl extract FILE...\n", stderr);
		return 2;
	}
	if (phi_engine_new(NULL, &e, err, sizeof err) != PHI_OK) {
		fprintf(stderr, "phictl extract: %s\n", err);
		return 1;
	}
	for (i = 1; i < argc; i++)
		st |= extract_one(e, argv[i], stdout);
	phi_engine_free(e);
	return st;
}
