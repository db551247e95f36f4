/*
 * x_fhir.c - FHIR resources (JSON, NDJSON and XML) as named field segments.
 *
 * Both syntaxes are read into one small tree (objects, arrays, strings; XML
 * repeated elements are repeated keys, <x value="v"/> is a string, a
 * resource element <Patient> gives its parent a "resourceType"), then the
 * tree is walked: any object with a resourceType is a resource, wherever it
 * sits (Bundle.entry.resource, contained, nested Bundles, Parameters).
 * Patient/Person/RelatedPerson demographics become PHI_F_* segments named
 * "Patient.name" etc.; code/display/text/value strings of clinical resources
 * become PHI_F_CLINICAL; every other string is a "key: value" line of free
 * text. Bounded: the tree is capped (FHIR_MAX_NODES, FHIR_POOL_MAX), nesting
 * by the tokenizers' depth caps, the walk by FHIR_WALK_DEPTH. Attachment
 * data (base64) is not decoded. Never logs.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "phi/buf.h"
#include "mime/mime.h"
#include "json.h"
#include "xml.h"
#include "extract.h"

/* The tree costs about 48 bytes a node plus the strings; past these caps
 * the rest of the document is read as plain text. */
#define FHIR_MAX_NODES  (512u * 1024)
#define FHIR_POOL_MAX   (32u * 1024 * 1024)
#define FHIR_WALK_DEPTH 100u
#define FHIR_CHUNK      (32u * 1024)
#define FHIR_STACK      JSON_DEPTH_CAP

enum { FN_OBJ, FN_ARR, FN_STR };

struct fnode {
	unsigned char type;
	uint32_t key, klen;      /* key in the pool (klen 0: none) */
	uint32_t val, vlen;      /* FN_STR: value in the pool */
	int32_t first, last, next; /* children, -1 = none */
	size_t off;              /* where it starts in the part */
};

struct fhir {
	struct phi_doc *d;       /* borrowed */
	int part;
	struct fnode *n;         /* owned */
	size_t nn, cap;
	struct phi_buf pool;     /* owned: keys and values */
	int full;                /* a tree cap was hit */
	struct phi_buf out;      /* owned: pending free-text lines */
	size_t out_off;
	struct phi_buf tmp;      /* owned: rendered field */
	struct phi_buf clin;     /* owned: pending clinical lines of one resource */
	size_t clin_off;
	char clin_name[48];      /* resource type the pending lines belong to */
	int rc;
};

/* --- the tree --- */

static int32_t node_new(struct fhir *f, int32_t parent, unsigned char type,
                        const unsigned char *k, size_t kl, const unsigned char *v, size_t vl,
                        size_t off)
{
	struct fnode *x;
	size_t need = kl + vl;

	if (f->full)
		return -1;
	if (f->nn >= FHIR_MAX_NODES || need > FHIR_POOL_MAX || f->pool.len > FHIR_POOL_MAX - need) {
		f->full = 1;
		return -1;
	}
	if (f->nn == f->cap) {
		size_t ncap = f->cap ? f->cap * 2 : 256;
		struct fnode *nn = realloc(f->n, ncap * sizeof *nn);
		if (!nn) {
			f->rc = PHI_ENOMEM;
			f->full = 1;
			return -1;
		}
		f->n = nn;
		f->cap = ncap;
	}
	x = &f->n[f->nn];
	memset(x, 0, sizeof *x);
	x->type = type;
	x->first = x->last = x->next = -1;
	x->off = off;
	x->key = (uint32_t)f->pool.len;
	x->klen = (uint32_t)kl;
	if (kl && phi_buf_append(&f->pool, k, kl) != PHI_OK)
		goto nomem;
	x->val = (uint32_t)f->pool.len;
	x->vlen = (uint32_t)vl;
	if (vl && phi_buf_append(&f->pool, v, vl) != PHI_OK)
		goto nomem;
	if (parent >= 0) {
		struct fnode *p = &f->n[parent];
		if (p->last >= 0)
			f->n[p->last].next = (int32_t)f->nn;
		else
			p->first = (int32_t)f->nn;
		p->last = (int32_t)f->nn;
	}
	return (int32_t)f->nn++;
nomem:
	f->full = 1;
	return -1;
}

static const unsigned char *kstr(const struct fhir *f, int32_t i) { return f->pool.data + f->n[i].key; }
static const unsigned char *vstr(const struct fhir *f, int32_t i) { return f->pool.data + f->n[i].val; }

static int key_is(const struct fhir *f, int32_t i, const char *k)
{
	size_t l = strlen(k);
	return f->n[i].klen == l && memcmp(kstr(f, i), k, l) == 0;
}

static int val_is(const struct fhir *f, int32_t i, const char *v)
{
	size_t l = strlen(v);
	return i >= 0 && f->n[i].type == FN_STR && f->n[i].vlen == l && memcmp(vstr(f, i), v, l) == 0;
}

/* Iterate the values of key k in obj: repeated keys (XML) and array
 * elements (JSON) alike. */
struct fiter {
	int32_t child, elem;
};

static int32_t fiter_next(const struct fhir *f, int32_t obj, const char *k, struct fiter *it)
{
	for (;;) {
		if (it->elem >= 0) {
			int32_t e = it->elem;
			it->elem = f->n[e].next;
			return e;
		}
		it->child = it->child == -2 ? f->n[obj].first : f->n[it->child].next;
		if (it->child < 0)
			return -1;
		if (!key_is(f, it->child, k))
			continue;
		if (f->n[it->child].type == FN_ARR) {
			it->elem = f->n[it->child].first;
			continue;
		}
		return it->child;
	}
}

#define FITER_INIT { -2, -1 }

static int32_t get(const struct fhir *f, int32_t obj, const char *k)
{
	struct fiter it = FITER_INIT;
	return obj >= 0 && f->n[obj].type == FN_OBJ ? fiter_next(f, obj, k, &it) : -1;
}

/* --- building from JSON --- */

/* Read JSON p[0..n) (at part offset base) into the tree. With `one`, stop
 * after the first top-level value (a resource pasted inside text). Returns
 * the bytes consumed. */
static size_t build_json(struct fhir *f, const unsigned char *p, size_t n, size_t base, int one)
{
	size_t used;
	struct json_reader r;
	int32_t stack[FHIR_STACK + 1];
	unsigned sp = 0;
	enum json_tok t;
	unsigned char key[256];
	size_t klen = 0, ntok = 0;

	stack[0] = 0;   /* the root array */
	json_init(&r, p, n, FHIR_STACK, 4u * 1024 * 1024);
	while (!f->full && f->rc == PHI_OK) {
		if ((++ntok & 1023) == 0 && (f->rc = doc_budget(f->d)) != PHI_OK)
			break;
		t = json_next(&r);
		if (t == JSON_EOF || t == JSON_ERROR)
			break;
		r.tok_offset += base;
		switch (t) {
		case JSON_KEY:
			klen = r.text.len < sizeof key ? r.text.len : sizeof key;
			memcpy(key, r.text.data, klen);
			break;
		case JSON_OBJ_BEGIN:
		case JSON_ARR_BEGIN: {
			int32_t parent = stack[sp];
			int inobj = f->n[parent].type == FN_OBJ;
			int32_t x = node_new(f, parent, t == JSON_OBJ_BEGIN ? FN_OBJ : FN_ARR,
			                     key, inobj ? klen : 0, NULL, 0, r.tok_offset);
			if (x < 0 || sp >= FHIR_STACK)
				break;
			stack[++sp] = x;
			klen = 0;
			break;
		}
		case JSON_OBJ_END:
		case JSON_ARR_END:
			if (sp)
				sp--;
			klen = 0;
			if (one && r.depth == 0)
				goto out;
			break;
		case JSON_STRING:
		case JSON_NUMBER:
		case JSON_TRUE:
		case JSON_FALSE: {
			int32_t parent = stack[sp];
			int inobj = f->n[parent].type == FN_OBJ;
			const unsigned char *v = t == JSON_TRUE ? (const unsigned char *)"true" :
			                         t == JSON_FALSE ? (const unsigned char *)"false" : r.text.data;
			size_t vl = t == JSON_TRUE ? 4 : t == JSON_FALSE ? 5 : r.text.len;
			node_new(f, parent, FN_STR, key, inobj ? klen : 0, v, vl, r.tok_offset);
			klen = 0;
			break;
		}
		default:
			klen = 0;
			break;
		}
	}
out:
	used = (size_t)(r.p - p);
	json_free(&r);
	return used;
}

/* Offset of a '{' that opens a pasted resource ({ "resourceType" ...), or n. */
static size_t find_pasted_json(const unsigned char *p, size_t n)
{
	const unsigned char *q = p, *e = p + n;

	while (q < e && (q = memchr(q, '{', (size_t)(e - q))) != NULL) {
		const unsigned char *k = q + 1;
		while (k < e && (*k == ' ' || *k == '\t' || *k == '\r' || *k == '\n'))
			k++;
		if (e - k >= 14 && memcmp(k, "\"resourceType\"", 14) == 0)
			return (size_t)(q - p);
		q++;
	}
	return n;
}

/* --- building from XML --- */

static int is_blank(const unsigned char *s, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
			return 0;
	return 1;
}

/* Read FHIR XML into the tree; returns the bytes consumed. */
static size_t build_xml(struct fhir *f, const unsigned char *p, size_t n)
{
	size_t used;
	struct xml_reader r;
	int32_t stack[FHIR_STACK + 1];
	unsigned sp = 0, div_depth = 0, ntok = 0;
	struct phi_buf av;
	enum xml_tok t;
	int32_t div = -1;

	stack[0] = 0;
	phi_buf_init(&av, 1024 * 1024);
	xml_init(&r, p, n, FHIR_STACK, 4u * 1024 * 1024);
	while (!f->full && f->rc == PHI_OK) {
		if ((++ntok & 1023) == 0 && (f->rc = doc_budget(f->d)) != PHI_OK)
			break;
		t = xml_next(&r);
		if (t == XML_EOF || t == XML_ERROR)
			break;
		if (div_depth) {
			/* narrative XHTML: all its text goes into one string; the
			 * pool end is the div's value, as no other node is made */
			if (t == XML_OPEN) {
				div_depth++;
				if (xml_is(&r, "br") || xml_is(&r, "p") || xml_is(&r, "tr") ||
				    xml_is(&r, "li") || xml_is(&r, "td") || xml_is(&r, "th"))
					if (phi_buf_putc(&f->pool, ' ') == PHI_OK)
						f->n[div].vlen++;
			} else if (t == XML_CLOSE) {
				div_depth--;
			} else if (t == XML_TEXT && f->pool.len + r.text.len < FHIR_POOL_MAX &&
			           phi_buf_append(&f->pool, r.text.data, r.text.len) == PHI_OK) {
				f->n[div].vlen += (uint32_t)r.text.len;
			}
			continue;
		}
		if (t == XML_OPEN) {
			int32_t parent = stack[sp], x;
			size_t off = (size_t)(r.name - r.start);
			int upper = r.local_len && r.local[0] >= 'A' && r.local[0] <= 'Z';

			if (sp >= FHIR_STACK)
				break;
			if (upper && sp > 0) {
				/* <resource><Patient>: the resource element is the object */
				node_new(f, parent, FN_STR, (const unsigned char *)"resourceType", 12,
				         r.local, r.local_len, off);
				stack[++sp] = parent;
				continue;
			}
			if (xml_is(&r, "div")) {
				div = node_new(f, parent, FN_STR, r.local, r.local_len, NULL, 0, off);
				if (div >= 0)
					div_depth = 1;
				continue;
			}
			if (xml_attr(&r, "value", &av)) {
				x = node_new(f, parent, FN_STR, r.local, r.local_len, av.data, av.len, off);
			} else {
				x = node_new(f, parent, FN_OBJ, r.local, r.local_len, NULL, 0, off);
				if (x >= 0 && upper)
					node_new(f, x, FN_STR, (const unsigned char *)"resourceType", 12,
					         r.local, r.local_len, off);
				if (x >= 0 && xml_attr(&r, "url", &av))
					node_new(f, x, FN_STR, (const unsigned char *)"url", 3, av.data, av.len, off);
			}
			if (x < 0)
				break;
			stack[++sp] = x;
		} else if (t == XML_CLOSE) {
			if (sp)
				sp--;
		} else if (t == XML_TEXT && !is_blank(r.text.data, r.text.len) &&
		           f->n[stack[sp]].type == FN_OBJ) {
			node_new(f, stack[sp], FN_STR, (const unsigned char *)"text", 4, r.text.data,
			         r.text.len, r.text_offset);
		}
	}
	phi_buf_free(&av);
	used = (size_t)(r.p - r.start);
	xml_free(&r);
	return used;
}

/* --- output --- */

static void emit(struct fhir *f, enum phi_field fld, const char *name, const unsigned char *t,
                 size_t n, size_t off)
{
	int rc;

	while (n && (*t == ' ' || *t == '\n' || *t == '\t'))
		t++, n--;
	while (n && (t[n - 1] == ' ' || t[n - 1] == '\n' || t[n - 1] == '\t'))
		n--;
	if (n == 0 || f->rc != PHI_OK)
		return;
	rc = doc_add_text(f->d, f->part, fld, name, t, n, off);
	if (rc != PHI_OK)
		f->rc = rc;
}

static void flush(struct fhir *f)
{
	emit(f, PHI_F_NONE, NULL, f->out.data, f->out.len, f->out_off);
	phi_buf_reset(&f->out);
}

static void clin_flush(struct fhir *f)
{
	emit(f, PHI_F_CLINICAL, f->clin_name, f->clin.data, f->clin.len, f->clin_off);
	phi_buf_reset(&f->clin);
}

/* A clinical string, gathered per resource so that a large Bundle gives
 * a segment per resource rather than one per code. */
static void clin_line(struct fhir *f, int32_t v, const char *rtype)
{
	if (f->n[v].vlen == 0)
		return;
	if (strcmp(f->clin_name, rtype) != 0) {
		clin_flush(f);
		snprintf(f->clin_name, sizeof f->clin_name, "%s", rtype);
	}
	if (f->clin.len == 0)
		f->clin_off = f->n[v].off;
	phi_buf_append(&f->clin, vstr(f, v), f->n[v].vlen);
	phi_buf_putc(&f->clin, '\n');
	if (f->clin.len >= FHIR_CHUNK)
		clin_flush(f);
}

static void text_line(struct fhir *f, int32_t i)
{
	if (f->n[i].vlen == 0)
		return;
	if (f->out.len == 0)
		f->out_off = f->n[i].off;
	if (f->n[i].klen) {
		phi_buf_append(&f->out, kstr(f, i), f->n[i].klen);
		phi_buf_append(&f->out, ": ", 2);
	}
	phi_buf_append(&f->out, vstr(f, i), f->n[i].vlen);
	phi_buf_putc(&f->out, '\n');
	if (f->out.len >= FHIR_CHUNK)
		flush(f);
}

/* Append the string values of key k in obj to tmp, space separated. */
static void cat_vals(struct fhir *f, int32_t obj, const char *k)
{
	struct fiter it = FITER_INIT;
	int32_t v;

	if (obj < 0 || f->n[obj].type != FN_OBJ)
		return;
	while ((v = fiter_next(f, obj, k, &it)) >= 0) {
		if (f->n[v].type != FN_STR || f->n[v].vlen == 0)
			continue;
		if (f->tmp.len)
			phi_buf_putc(&f->tmp, ' ');
		phi_buf_append(&f->tmp, vstr(f, v), f->n[v].vlen);
	}
}

static void emit_tmp(struct fhir *f, enum phi_field fld, const char *name, size_t off)
{
	emit(f, fld, name, f->tmp.data, f->tmp.len, off);
	phi_buf_reset(&f->tmp);
}

static void emit_str(struct fhir *f, enum phi_field fld, const char *name, int32_t v)
{
	if (v >= 0 && f->n[v].type == FN_STR)
		emit(f, fld, name, vstr(f, v), f->n[v].vlen, f->n[v].off);
}

/* HumanName: "given... family", else its text. */
static void emit_name(struct fhir *f, enum phi_field fld, const char *name, int32_t hn)
{
	if (f->n[hn].type == FN_STR) {
		emit_str(f, fld, name, hn);
		return;
	}
	phi_buf_reset(&f->tmp);
	cat_vals(f, hn, "given");
	cat_vals(f, hn, "family");
	if (f->tmp.len == 0)
		cat_vals(f, hn, "text");
	emit_tmp(f, fld, name, f->n[hn].off);
}

static void emit_address(struct fhir *f, const char *name, int32_t a)
{
	if (f->n[a].type == FN_STR) {
		emit_str(f, PHI_F_ADDRESS, name, a);
		return;
	}
	phi_buf_reset(&f->tmp);
	cat_vals(f, a, "line");
	cat_vals(f, a, "city");
	cat_vals(f, a, "district");
	cat_vals(f, a, "state");
	cat_vals(f, a, "postalCode");
	cat_vals(f, a, "country");
	if (f->tmp.len == 0)
		cat_vals(f, a, "text");
	emit_tmp(f, PHI_F_ADDRESS, name, f->n[a].off);
}

static void emit_telecom(struct fhir *f, const char *name, int32_t c)
{
	int32_t sys = get(f, c, "system"), v = get(f, c, "value");

	if (val_is(f, sys, "email") || val_is(f, sys, "url") || val_is(f, sys, "other"))
		emit_str(f, PHI_F_PATIENT_OTHER, name, v);
	else
		emit_str(f, PHI_F_PHONE, name, v);
}

/* Is this Identifier a US SSN (type code SS or the SSN system)? */
static int ident_is_ssn(struct fhir *f, int32_t id)
{
	struct fiter it = FITER_INIT;
	int32_t sys = get(f, id, "system"), type = get(f, id, "type"), c;

	if (val_is(f, sys, "http://hl7.org/fhir/sid/us-ssn") || val_is(f, sys, "urn:oid:2.16.840.1.113883.4.1"))
		return 1;
	if (type < 0 || f->n[type].type != FN_OBJ)
		return 0;
	while ((c = fiter_next(f, type, "coding", &it)) >= 0)
		if (val_is(f, get(f, c, "code"), "SS") || val_is(f, get(f, c, "code"), "SSN"))
			return 1;
	return 0;
}

static void walk_resource(struct fhir *f, int32_t obj, unsigned depth);

static int is_clinical_key(const struct fhir *f, int32_t i)
{
	return key_is(f, i, "display") || key_is(f, i, "text") || key_is(f, i, "valueString") ||
	       key_is(f, i, "div") || key_is(f, i, "conclusion") || key_is(f, i, "description") ||
	       key_is(f, i, "valueQuantity") || key_is(f, i, "value") || key_is(f, i, "unit") ||
	       key_is(f, i, "code") || key_is(f, i, "comment") || key_is(f, i, "note");
}

/* Strip markup from a narrative div in place (tmp). */
static void emit_div(struct fhir *f, enum phi_field fld, const char *name, int32_t v)
{
	const unsigned char *s = vstr(f, v);
	size_t i, n = f->n[v].vlen;
	int in_tag = 0;

	phi_buf_reset(&f->tmp);
	for (i = 0; i < n; i++) {
		if (s[i] == '<') {
			in_tag = 1;
			phi_buf_putc(&f->tmp, ' ');
		} else if (s[i] == '>' && in_tag) {
			in_tag = 0;
		} else if (!in_tag) {
			phi_buf_putc(&f->tmp, s[i]);
		}
	}
	emit_tmp(f, fld, name, f->n[v].off);
}

/* An Attachment (contentType + base64 data) becomes a child part read by
 * its own extractor; a Binary resource's data likewise. */
static void embed(struct fhir *f, int32_t obj)
{
	int32_t data = get(f, obj, "data"), ct = get(f, obj, "contentType");
	char ctype[96];
	struct phi_buf raw;
	int child, rc;

	if (data < 0 || f->n[data].type != FN_STR || f->n[data].vlen == 0)
		return;
	snprintf(ctype, sizeof ctype, "%.*s", ct >= 0 && f->n[ct].type == FN_STR ? (int)f->n[ct].vlen : 0,
	         ct >= 0 ? (const char *)vstr(f, ct) : "");
	if (strchr(ctype, ';'))                 /* "text/plain; charset=utf-8" */
		*strchr(ctype, ';') = 0;
	phi_buf_init(&raw, f->d->lim.max_entry_bytes);
	rc = cte_base64_decode(vstr(f, data), f->n[data].vlen, &raw);
	if (rc == PHI_ENOMEM) {
		f->rc = rc;
	} else if (raw.len) {
		if (rc == PHI_ELIMIT)
			doc_unscannable(f->d, f->part, "limit max_entry_bytes");
		child = doc_add_part(f->d, f->part, ctype[0] ? ctype : "application/octet-stream", NULL,
		                     PHI_FMT_BINARY, raw.len, 1);
		if (child >= 0) {
			rc = extract_part(f->d, child, raw.data, raw.len);
			if (rc == PHI_ENOMEM || rc == PHI_ETIME)
				f->rc = rc;
		} else if (child == PHI_ENOMEM) {
			f->rc = child;
		}
	}
	phi_buf_free(&raw);
}

/* Any value: resources inside are walked, strings become text (clinical
 * text when `clin`, named `name`). */
static void walk_value(struct fhir *f, int32_t v, unsigned depth, int clin, const char *name)
{
	int32_t c;

	if (depth > FHIR_WALK_DEPTH || f->rc != PHI_OK)
		return;
	if ((depth & 7) == 0 && (f->rc = doc_budget(f->d)) != PHI_OK)
		return;
	switch (f->n[v].type) {
	case FN_STR:
		if (key_is(f, v, "data"))          /* base64 attachment payload */
			return;
		if (key_is(f, v, "div"))
			emit_div(f, clin ? PHI_F_CLINICAL : PHI_F_NONE, name, v);
		else if (clin && is_clinical_key(f, v))
			clin_line(f, v, name);
		else
			text_line(f, v);
		return;
	case FN_OBJ:
		if (get(f, v, "resourceType") >= 0) {
			walk_resource(f, v, depth + 1);
			return;
		}
		embed(f, v);
		/* fall through */
	default:
		for (c = f->n[v].first; c >= 0; c = f->n[c].next)
			walk_value(f, c, depth + 1, clin, name);
	}
}

enum rkind { R_OTHER, R_PATIENT, R_RELATED, R_CLINICAL };

static enum rkind resource_kind(const struct fhir *f, int32_t rt)
{
	static const char *const clinical[] = {
		"Condition", "Observation", "MedicationRequest", "MedicationStatement",
		"MedicationAdministration", "MedicationDispense", "Procedure", "DiagnosticReport",
		"Encounter", "AllergyIntolerance", "Immunization", "CarePlan", "ClinicalImpression",
		"FamilyMemberHistory", "ServiceRequest", "Specimen", "ImagingStudy", "Claim",
		"ExplanationOfBenefit", "Composition", "DocumentReference", "QuestionnaireResponse",
		"Goal", "CareTeam", "Coverage", "EpisodeOfCare", "Medication", "Communication",
	};
	size_t i;

	if (val_is(f, rt, "Patient") || val_is(f, rt, "Person"))
		return R_PATIENT;
	if (val_is(f, rt, "RelatedPerson"))
		return R_RELATED;
	for (i = 0; i < sizeof clinical / sizeof clinical[0]; i++)
		if (val_is(f, rt, clinical[i]))
			return R_CLINICAL;
	return R_OTHER;
}

static void walk_contact(struct fhir *f, int32_t ct, unsigned depth)
{
	int32_t c;

	if (f->n[ct].type != FN_OBJ)
		return;
	for (c = f->n[ct].first; c >= 0; c = f->n[c].next) {
		struct fiter it = FITER_INIT;
		int32_t v;
		if (key_is(f, c, "name")) {
			emit_name(f, PHI_F_RELATIVE_NAME, "Patient.contact.name", c);
		} else if (key_is(f, c, "telecom")) {
			while ((v = fiter_next(f, ct, "telecom", &it)) >= 0)
				emit_telecom(f, "Patient.contact.telecom", v);
			/* all telecom values done at the first key; skip repeats */
			while (f->n[c].next >= 0 && key_is(f, f->n[c].next, "telecom"))
				c = f->n[c].next;
		} else if (key_is(f, c, "address")) {
			emit_address(f, "Patient.contact.address", c);
		} else {
			walk_value(f, c, depth + 1, 0, NULL);
		}
	}
}

static void walk_resource(struct fhir *f, int32_t obj, unsigned depth)
{
	int32_t rt = get(f, obj, "resourceType"), c, v;
	enum rkind kind = resource_kind(f, rt);
	char tname[48], name[96];
	enum phi_field namef = kind == R_RELATED ? PHI_F_RELATIVE_NAME : PHI_F_PATIENT_NAME;

	if (depth > FHIR_WALK_DEPTH || f->rc != PHI_OK)
		return;
	embed(f, obj);                             /* Binary */
	if (kind == R_PATIENT || kind == R_RELATED || kind == R_CLINICAL)
		f->d->parts[f->part].format = PHI_FMT_FHIR;
	snprintf(tname, sizeof tname, "%.*s", (int)(rt >= 0 && f->n[rt].type == FN_STR ? f->n[rt].vlen : 0),
	         rt >= 0 ? (const char *)vstr(f, rt) : "");
	for (c = f->n[obj].first; c >= 0 && f->rc == PHI_OK; c = f->n[c].next) {
		snprintf(name, sizeof name, "%s.%.*s", tname, (int)f->n[c].klen, (const char *)kstr(f, c));
		if (key_is(f, c, "resourceType"))
			continue;
		/* a patient named by reference in any resource */
		if ((key_is(f, c, "subject") || key_is(f, c, "patient") || key_is(f, c, "beneficiary")) &&
		    f->n[c].type == FN_OBJ && (v = get(f, c, "display")) >= 0) {
			snprintf(name, sizeof name, "%s.%.*s.display", tname, (int)f->n[c].klen,
			         (const char *)kstr(f, c));
			emit_str(f, PHI_F_PATIENT_NAME, name, v);
			continue;
		}
		if (kind == R_PATIENT || kind == R_RELATED) {
			if (key_is(f, c, "name")) {
				if (f->n[c].type == FN_ARR) {
					for (v = f->n[c].first; v >= 0; v = f->n[v].next)
						emit_name(f, namef, name, v);
				} else {
					emit_name(f, namef, name, c);
				}
				continue;
			}
			if (key_is(f, c, "identifier")) {
				int32_t e = f->n[c].type == FN_ARR ? f->n[c].first : c;
				for (; e >= 0; e = f->n[c].type == FN_ARR ? f->n[e].next : -1)
					emit_str(f, ident_is_ssn(f, e) ? PHI_F_SSN : PHI_F_PATIENT_ID, name,
					         get(f, e, "value"));
				continue;
			}
			if (key_is(f, c, "birthDate")) {
				emit_str(f, PHI_F_BIRTH_DATE, name, c);
				continue;
			}
			if (key_is(f, c, "address")) {
				int32_t e = f->n[c].type == FN_ARR ? f->n[c].first : c;
				for (; e >= 0; e = f->n[c].type == FN_ARR ? f->n[e].next : -1)
					emit_address(f, name, e);
				continue;
			}
			if (key_is(f, c, "telecom")) {
				int32_t e = f->n[c].type == FN_ARR ? f->n[c].first : c;
				for (; e >= 0; e = f->n[c].type == FN_ARR ? f->n[e].next : -1)
					emit_telecom(f, name, e);
				continue;
			}
			if (key_is(f, c, "deceasedDateTime") || key_is(f, c, "gender") ||
			    key_is(f, c, "multipleBirthInteger")) {
				emit_str(f, PHI_F_PATIENT_OTHER, name, c);
				continue;
			}
			if (key_is(f, c, "contact")) {
				int32_t e = f->n[c].type == FN_ARR ? f->n[c].first : c;
				for (; e >= 0; e = f->n[c].type == FN_ARR ? f->n[e].next : -1)
					walk_contact(f, e, depth + 1);
				continue;
			}
			if (key_is(f, c, "photo"))
				continue;
		}
		walk_value(f, c, depth + 1, kind == R_CLINICAL, kind == R_CLINICAL ? tname : name);
	}
	if (f->clin.len && strcmp(f->clin_name, tname) == 0)
		clin_flush(f);
}

/* --- sniffing --- */

static size_t skip_bom_ws(const unsigned char *p, size_t n)
{
	size_t i = 0;

	if (n >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF)
		i = 3;
	while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' || p[i] == '\n'))
		i++;
	return i;
}

static int fhir_is_json(const unsigned char *p, size_t n)
{
	size_t i = skip_bom_ws(p, n), w = n - i < 65536 ? n - i : 65536;

	if (i >= n || (p[i] != '{' && p[i] != '['))
		return 0;
	/* resourceType is usually first but may follow a large member (a
	 * Bundle whose entries come before it): look a little further */
	return memmem(p + i, w, "\"resourceType\"", 14) != NULL;
}

static int fhir_is_xml(const unsigned char *p, size_t n)
{
	size_t i = skip_bom_ws(p, n), w;
	unsigned k;

	/* the XML declaration, comments, processing instructions */
	for (k = 0; k < 64 && i + 1 < n && p[i] == '<' && (p[i + 1] == '?' || p[i + 1] == '!'); k++) {
		const unsigned char *e = memchr(p + i, '>', n - i);
		if (!e)
			return 0;
		i = (size_t)(e + 1 - p);
		while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' || p[i] == '\n'))
			i++;
	}
	if (i + 1 >= n || p[i] != '<')
		return 0;
	/* root local name: a resource type starts with a capital */
	{
		size_t j = i + 1, colon = 0;
		while (j < n && j < i + 80 && p[j] != ' ' && p[j] != '>' && p[j] != '/' && p[j] != '\n' &&
		       p[j] != '\r' && p[j] != '\t') {
			if (p[j] == ':')
				colon = j;
			j++;
		}
		j = colon ? colon + 1 : i + 1;
		if (j >= n || !(p[j] >= 'A' && p[j] <= 'Z'))
			return 0;
		if (n - j >= 17 && memcmp(p + j, "ClinicalDocument", 16) == 0)
			return 0;
	}
	w = n - i < 2048 ? n - i : 2048;
	return memmem(p + i, w, "http://hl7.org/fhir", 19) != NULL;
}

int x_fhir_sniff(const unsigned char *p, size_t n)
{
	return fhir_is_json(p, n) || fhir_is_xml(p, n);
}

int x_fhir_extract(struct phi_doc *d, int part, const unsigned char *p, size_t n)
{
	struct fhir f;
	int xml = !fhir_is_json(p, n) && fhir_is_xml(p, n);
	int32_t root;
	size_t tail = n;
	int rc;

	memset(&f, 0, sizeof f);
	f.d = d;
	f.part = part;
	phi_buf_init(&f.pool, FHIR_POOL_MAX + 1);
	phi_buf_init(&f.out, FHIR_CHUNK + 8u * 1024 * 1024);
	phi_buf_init(&f.tmp, 4u * 1024 * 1024);
	phi_buf_init(&f.clin, FHIR_CHUNK + 8u * 1024 * 1024);
	root = node_new(&f, -1, FN_ARR, NULL, 0, NULL, 0, 0);
	/* Segments come out in walk order; free text outside resources first. */
	if (root == 0) {
		if (xml)
			tail = build_xml(&f, p, n);
		else if (fhir_is_json(p, n))
			tail = build_json(&f, p, n, 0, 0);
		else {
			/* text with resources pasted into it: the text around
			 * each one stays free text */
			size_t pos = 0, k, used;
			unsigned count;
			for (count = 0; pos < n && count < 1000 && f.rc == PHI_OK && !f.full; count++) {
				k = pos + find_pasted_json(p + pos, n - pos);
				emit(&f, PHI_F_NONE, NULL, p + pos, k - pos, pos);
				if (k >= n)
					break;
				used = build_json(&f, p + k, n - k, k, 1);
				pos = k + (used ? used : 1);
			}
			if (pos < n && count >= 1000)
				emit(&f, PHI_F_NONE, NULL, p + pos, n - pos, pos);
		}
	}
	if (f.rc == PHI_OK && f.nn <= 1 && (xml || fhir_is_json(p, n)))
		emit(&f, PHI_F_NONE, NULL, p, n, 0);   /* nothing could be read: text */
	if (f.rc == PHI_OK && root == 0)
		walk_value(&f, root, 0, 0, NULL);
	if (f.rc == PHI_OK) {
		flush(&f);
		clin_flush(&f);
	}
	if (f.full && f.rc == PHI_OK) {
		doc_unscannable(d, part, "limit fhir_nodes");
		if (tail < n)   /* the rest as text */
			emit(&f, PHI_F_NONE, NULL, p + tail, n - tail, tail);
	}
	rc = f.rc;
	free(f.n);
	phi_buf_free(&f.pool);
	phi_buf_free(&f.out);
	phi_buf_free(&f.tmp);
	phi_buf_free(&f.clin);
	return rc == PHI_ELIMIT ? PHI_OK : rc;
}
