/*
 * report_json.c - `phictl scan` output: the CONTRACTS.md JSON line and the
 * readable report. Reads only findings (type, place, redacted sample, why),
 * never the decoded text.
 */
#include <stdio.h>
#include <string.h>
#include "phi/report.h"

void phi_json_string(FILE *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");

	fputc('"', out);
	for (; *p; p++) {
		switch (*p) {
		case '"': fputs("\\\"", out); break;
		case '\\': fputs("\\\\", out); break;
		case '\n': fputs("\\n", out); break;
		case '\r': fputs("\\r", out); break;
		case '\t': fputs("\\t", out); break;
		default:
			if (*p < 0x20 || *p == 0x7f)
				fprintf(out, "\\u%04x", *p);
			else
				fputc(*p, out);
		}
	}
	fputc('"', out);
}

static void finding_type_json(FILE *out, const struct phi_finding *f)
{
	if (f->type == PHI_T_CUSTOM) {
		char name[PHI_CUSTOM_MAX + 8];
		snprintf(name, sizeof name, "custom:%s", f->custom);
		phi_json_string(out, name);
	} else {
		phi_json_string(out, phi_type_name(f->type));
	}
}

void phi_report_json(FILE *out, const char *file, const struct phi_scan *s)
{
	fputs("{\"file\":", out);
	phi_json_string(out, file);
	fprintf(out, ",\"verdict\":\"%s\",\"score\":%.2f,\"findings\":",
	        phi_verdict_name(phi_scan_verdict(s)), phi_scan_score(s));
	phi_report_json_findings(out, s);
	fputs("}\n", out);
}

void phi_report_json_findings(FILE *out, const struct phi_scan *s)
{
	size_t i, n = phi_scan_nfindings(s);

	fputc('[', out);
	for (i = 0; i < n; i++) {
		const struct phi_finding *f = phi_scan_finding(s, i);
		fputs(i ? ",{\"type\":" : "{\"type\":", out);
		finding_type_json(out, f);
		fprintf(out, ",\"confidence\":\"%s\",\"part\":", phi_confidence_name(f->confidence));
		phi_json_string(out, f->part);
		fputs(",\"filename\":", out);
		if (f->filename)
			phi_json_string(out, f->filename);
		else
			fputs("null", out);
		fprintf(out, ",\"offset\":%zu,\"length\":%zu,\"sample\":", f->offset, f->length);
		phi_json_string(out, f->sample);
		if (f->why[0]) {
			fputs(",\"why\":", out);
			phi_json_string(out, f->why);
		}
		fputc('}', out);
	}
	fputc(']', out);
}

void phi_report_json_error(FILE *out, const char *file, const char *error)
{
	fputs("{\"file\":", out);
	phi_json_string(out, file);
	fputs(",\"verdict\":\"error\",\"error\":", out);
	phi_json_string(out, error);
	fputs(",\"findings\":[]}\n", out);
}

void phi_report_text(FILE *out, const char *file, const struct phi_scan *s)
{
	size_t i, n = phi_scan_nfindings(s);
	const struct phi_doc *d = phi_scan_doc(s);

	fprintf(out, "%s: %s (score %.2f), %zu finding%s in %zu part%s\n", file,
	        phi_verdict_name(phi_scan_verdict(s)), phi_scan_score(s), n, n == 1 ? "" : "s",
	        phi_doc_nparts(d), phi_doc_nparts(d) == 1 ? "" : "s");
	for (i = 0; i < n; i++) {
		const struct phi_finding *f = phi_scan_finding(s, i);
		const char *tn = f->type == PHI_T_CUSTOM ? "custom:" : phi_type_name(f->type);
		fprintf(out, "  %-14s%s %-6s part %s", tn, f->type == PHI_T_CUSTOM ? f->custom : "",
		        phi_confidence_name(f->confidence), f->part);
		if (f->filename)
			fprintf(out, " (%s)", f->filename);
		if (f->length)
			fprintf(out, " at %zu+%zu", f->offset, f->length);
		if (f->sample[0])
			fprintf(out, "  sample %s", f->sample);
		if (f->why[0])
			fprintf(out, "  [%s]", f->why);
		fputc('\n', out);
	}
}
