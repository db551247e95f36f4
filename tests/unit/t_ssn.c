/*
 * t_ssn.c - the SSN detector and the verdict it leads to: validation rules
 * of docs/IDENTIFIERS.md section 1, separators, the label rule for bare
 * digits, and "a valid SSN with health context is phi". Synthetic values only.
 */
#include <stdlib.h>
#include <string.h>
#include "tap.h"
#include "scanfix.h"
#include "scan.h"
#include "detect/det.h"

static struct phi_engine *eng;

static struct phi_scan *scan_str(const char *txt)
{
	struct phi_scan *s = phi_scan_new(eng, NULL, NULL, NULL);
	size_t n = strlen(txt);
	int part = doc_add_part(&s->doc, -1, "text/plain", NULL, PHI_FMT_TEXT, n, 0);

	doc_add_text(&s->doc, part, PHI_F_NONE, NULL, (const unsigned char *)txt, n, 0);
	detect_run(s);
	score_verdict(s);
	return s;
}


static const struct {
	const char *name, *text;
	int found;       /* us_ssn of any confidence */
	int verdict;     /* -1: not checked */
} rows[] = {
	{ "ssn accepts dashed AAA-GG-SSSS", "SSN 512-44-3921 on file", 1, PHI_VERDICT_PII },
	{ "ssn without a label or health words is low", "voucher 512-44-3921", 1, PHI_VERDICT_CLEAN },
	{ "ssn accepts space separated with label", "ssn: 512 44 3921", 1, PHI_VERDICT_PII },
	{ "ssn rejects mixed separators", "SSN 512-44 3921", 0, -1 },
	{ "ssn rejects area 000", "SSN 000-44-3921", 0, -1 },
	{ "ssn rejects area 666", "SSN 666-44-3921", 0, -1 },
	{ "ssn rejects area 900-999", "SSN 912-44-3921", 0, -1 },
	{ "ssn rejects group 00", "SSN 512-00-3921", 0, -1 },
	{ "ssn rejects serial 0000", "SSN 512-44-0000", 0, -1 },
	{ "ssn rejects Woolworth 078-05-1120", "SSN 078-05-1120", 0, -1 },
	{ "ssn rejects pamphlet 219-09-9999", "SSN 219-09-9999", 0, -1 },
	{ "ssn rejects 123-45-6789", "SSN 123-45-6789", 0, -1 },
	{ "ssn rejects all-same digits", "SSN 555-55-5555", 0, -1 },
	{ "ssn rejects repeated-digit groups", "SSN 111-22-3333", 0, -1 },
	{ "ssn rejects bare nine digits without label", "ref 512443921 today", 0, PHI_VERDICT_CLEAN },
	{ "ssn accepts bare nine digits after social security", "Social Security Number: 512443921", 1, PHI_VERDICT_PII },
	{ "ssn accepts ss# label", "ss# 512443921", 1, -1 },
	{ "ssn rejects ten digits", "SSN 5124439210", 0, -1 },
	{ "ssn rejects longer dashed number", "SSN 512-44-3921-77", 0, -1 },
	{ "ssn rejects glued to letters", "SSN X512-44-3921", 0, -1 },
	{ "ssn with health context is phi", "Patient SSN 512-44-3921, diagnosis: type 2 diabetes, metformin", 1, PHI_VERDICT_PHI },
	{ "ssn near order number is low and clean", "Order number 512-44-3921 shipped", 1, PHI_VERDICT_CLEAN },
	{ "ssn shape in spaced phone is not an ssn", "call 415 555 0132", 0, -1 },
};

int main(void)
{
	char err[256];
	size_t i;

	if (phi_engine_new(NULL, &eng, err, sizeof err) != PHI_OK) {
		printf("Bail out! engine: %s\n", err);
		return 1;
	}
	for (i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		struct phi_scan *s = scan_str(rows[i].text);
		int got = finding_has(s, PHI_T_US_SSN, PHI_CONF_LOW);
		if (rows[i].verdict < 0) {
			T_EQ_INT(got, rows[i].found, rows[i].name);
		} else {
			T_OK(got == rows[i].found && (int)s->verdict == rows[i].verdict, rows[i].name);
			if (got != rows[i].found || (int)s->verdict != rows[i].verdict)
				printf("#   found %d verdict %s\n", got, phi_verdict_name(s->verdict));
		}
		phi_scan_free(s);
	}
	T_OK(ssn_valid("512443921"), "ssn_valid accepts a plain valid number");
	T_OK(!ssn_valid("51244392"), "ssn_valid rejects eight digits");
	phi_engine_free(eng);
	return tap_done();
}
