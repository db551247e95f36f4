/*
 * engine.c - engine and scan lifecycle (the public API of phi/engine.h).
 *
 * The engine is built once per configuration and then only read. A scan
 * runs the decoders (mime/, extract/) to build the doc, then the detectors
 * (detect/), then the verdict (score.c). A decoder that runs out of memory
 * or time ends the decoding; what was decoded is still scanned and the
 * unscannable finding makes policy treat the message with care.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/crypto.h>
#include "scan.h"

#ifndef PHI_VERSION
#define PHI_VERSION "0.0.0"
#endif

const char *phi_version(void) { return PHI_VERSION; }

const char *phi_verdict_name(enum phi_verdict v)
{
	switch (v) {
	case PHI_VERDICT_PHI: return "phi";
	case PHI_VERDICT_PII: return "pii";
	default: return "clean";
	}
}

int phi_engine_new(const struct phi_engine_opts *opts, struct phi_engine **out,
                   char *err, size_t errlen)
{
	struct phi_engine *e;
	struct phi_engine_opts none;
	int rc;

	*out = NULL;
	if (errlen)
		err[0] = 0;
	if (!opts) {
		memset(&none, 0, sizeof none);
		opts = &none;
	}
	e = calloc(1, sizeof *e);
	if (!e)
		return PHI_ENOMEM;
	memcpy(e->disabled_types, opts->disabled_types, sizeof e->disabled_types);
	rc = detect_engine_new(opts, &e->det, err, errlen);
	if (rc != PHI_OK) {
		free(e);
		return rc;
	}
	*out = e;
	return PHI_OK;
}

void phi_engine_free(struct phi_engine *e)
{
	if (!e)
		return;
	detect_engine_free(e->det);
	free(e);
}

struct phi_scan *phi_scan_new(const struct phi_engine *e, const struct phi_limits *limits,
                              phi_tick_fn tick, void *tick_arg)
{
	struct phi_scan *s = calloc(1, sizeof *s);

	if (!s)
		return NULL;
	s->eng = e;
	if (limits)
		s->lim = *limits;
	else
		phi_limits_default(&s->lim);
	doc_init(&s->doc, s, &s->lim, tick, tick_arg);
	return s;
}

void phi_scan_mark_truncated(struct phi_scan *s, const char *limit)
{
	doc_unscannable(&s->doc, -1, limit);
}

static int finish(struct phi_scan *s, int rc)
{
	/* Detectors run even after a decoding limit: what was decoded is scanned. */
	if (rc == PHI_OK || rc == PHI_ELIMIT || rc == PHI_ETIME)
		rc = detect_run(s);
	else
		snprintf(s->err, sizeof s->err, "decoding failed: %s", phi_strerror(rc));
	if (rc == PHI_ELIMIT || rc == PHI_ETIME)
		rc = PHI_OK;
	if (rc != PHI_OK && !s->err[0])
		snprintf(s->err, sizeof s->err, "detection failed: %s", phi_strerror(rc));
	score_verdict(s);
	s->done = 1;
	return rc;
}

int phi_scan_message(struct phi_scan *s, const unsigned char *msg, size_t len)
{
	if (s->done)
		return PHI_EINVAL;
	return finish(s, mime_parse_message(&s->doc, -1, msg, len));
}

int phi_scan_text(struct phi_scan *s, const unsigned char *text, size_t len)
{
	int part, rc;

	if (s->done)
		return PHI_EINVAL;
	part = doc_add_part(&s->doc, -1, "text/plain", NULL, PHI_FMT_TEXT, len, 0);
	if (part < 0)
		return finish(s, part);
	rc = extract_part(&s->doc, part, text, len);
	return finish(s, rc);
}

/* Declared type as the dispatcher wants it: lower case "type/subtype",
 * without parameters or blanks; "" when none was given. */
static void clean_content_type(const char *in, char *out, size_t outlen)
{
	size_t k = 0;

	for (; in && *in && *in != ';' && k + 1 < outlen; in++) {
		char ch = *in;
		if (ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n')
			continue;
		out[k++] = (ch >= 'A' && ch <= 'Z') ? (char)(ch - 'A' + 'a') : ch;
	}
	out[k] = 0;
}

int phi_scan_parts(struct phi_scan *s, const struct phi_input_part *parts, size_t n)
{
	size_t i;
	int rc = PHI_OK;

	if (s->done)
		return PHI_EINVAL;
	for (i = 0; i < n && (rc == PHI_OK || rc == PHI_ELIMIT); i++) {
		const struct phi_input_part *ip = &parts[i];
		const unsigned char *data = ip->data ? ip->data : (const unsigned char *)"";
		char ct[128];
		int part;

		clean_content_type(ip->content_type, ct, sizeof ct);
		if (!ct[0])
			snprintf(ct, sizeof ct, "%s", ip->attachment ? "application/octet-stream" : "text/plain");
		part = doc_add_part(&s->doc, -1, ct, ip->filename, PHI_FMT_TEXT, ip->len, ip->attachment);
		if (part == PHI_ELIMIT) {
			rc = PHI_ELIMIT; /* max_parts: reported by doc_add_part; the rest is not read */
			break;
		}
		if (part < 0)
			return finish(s, part);
		rc = extract_part(&s->doc, part, data, ip->len);
		/* The name is text the sender wrote: scanned like a MIME file name. */
		if ((rc == PHI_OK || rc == PHI_ELIMIT) && ip->filename && ip->filename[0]) {
			int r2 = doc_add_text(&s->doc, part, PHI_F_FILENAME, "filename",
			                      (const unsigned char *)ip->filename, strlen(ip->filename), 0);
			if (r2 == PHI_ENOMEM)
				rc = r2;
		}
	}
	return finish(s, rc);
}

enum phi_verdict phi_scan_verdict(const struct phi_scan *s) { return s->verdict; }
double phi_scan_score(const struct phi_scan *s) { return s->score; }
size_t phi_scan_nfindings(const struct phi_scan *s) { return s->nf; }
const struct phi_finding *phi_scan_finding(const struct phi_scan *s, size_t i) { return i < s->nf ? &s->f[i] : NULL; }
const unsigned *phi_scan_type_counts(const struct phi_scan *s) { return s->counts; }
const struct phi_doc *phi_scan_doc(const struct phi_scan *s) { return &s->doc; }
const char *phi_scan_subject(const struct phi_scan *s) { return s->doc.subject; }
const char *phi_scan_error(const struct phi_scan *s) { return s->err; }

void phi_scan_free(struct phi_scan *s)
{
	if (!s)
		return;
	doc_free(&s->doc);
	if (s->f) {
		OPENSSL_cleanse(s->f, s->capf * sizeof *s->f);
		free(s->f);
	}
	free(s);
}
