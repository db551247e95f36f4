/*
 * t_rules.c - admin PCRE2 rules and allowlists: FILE:LINE errors, custom
 * matches, context words, as=TYPE, match limits, allowlist normalisation,
 * and the shipped example files.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "tap.h"
#include "scan.h"
#include "detect/ext.h"

static char dir[64], rfile[128], afile[128];

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	if (!f) {
		perror("fopen");
		exit(2);
	}
	fputs(text, f);
	fclose(f);
}

static struct phi_scan *scan_text(const struct rules *r, const char *text)
{
	struct phi_scan *s = phi_scan_new(NULL, NULL, NULL, NULL);
	int part = doc_add_part(&s->doc, -1, "text/plain", NULL, PHI_FMT_TEXT, strlen(text), 0);
	doc_add_text(&s->doc, part, PHI_F_NONE, NULL, (const unsigned char *)text, strlen(text), 0);
	rules_scan(r, s);
	return s;
}

static const struct phi_finding *find(const struct phi_scan *s, enum phi_type t, const char *custom)
{
	size_t i;

	for (i = 0; i < s->nf; i++)
		if (s->f[i].type == t && (!custom || strcmp(s->f[i].custom, custom) == 0))
			return &s->f[i];
	return NULL;
}

static void test_errors(void)
{
	struct rules *r = NULL;
	char err[1024];
	int rc;

	write_file(rfile,
	           "# comment\n"
	           "good high /abc/\n"
	           "broken high /foo(bar/\n"
	           "\n"
	           "conf_bad maybe /x/\n"
	           "noslash low abc\n"
	           "flags low /x/q\n"
	           "bad$name low /x/\n"
	           "good medium /dup/\n"
	           "needy low needs-context /x/\n");
	rc = rules_load(rfile, NULL, &r, err, sizeof err);
	T_EQ_INT(rc, PHI_ECONFIG, "a rules file with errors is refused");
	T_OK(r == NULL, "no rules handle on error");
	T_OK(strstr(err, ":3: rule broken: bad pattern") != NULL, "a bad pattern names its line");
	T_OK(strstr(err, "at offset 7") != NULL, "a bad pattern gives the pcre2 offset");
	T_OK(strstr(err, ":5: rule conf_bad: confidence") != NULL, "a bad confidence names its line");
	T_OK(strstr(err, ":6: rule noslash: unknown option \"abc\" (or no /pattern/)") != NULL, "a missing pattern names its line");
	T_OK(strstr(err, ":7: rule flags: unknown flag") != NULL, "an unknown flag names its line");
	T_OK(strstr(err, ":8: rule name") != NULL, "a bad rule name names its line");
	T_OK(strstr(err, ":9: rule good defined twice") != NULL, "a duplicate rule names its line");
	T_OK(strstr(err, ":10: rule needy: needs-context without") != NULL,
	     "needs-context without words names its line");
	T_OK(strncmp(err, rfile, strlen(rfile)) == 0, "errors start with the file name");

	rc = rules_load("/nonexistent/x.rules", NULL, &r, err, sizeof err);
	T_OK(rc != PHI_OK && strstr(err, "/nonexistent/x.rules"), "a missing rules file is named");
	rc = rules_load(NULL, "", &r, err, sizeof err);
	T_OK(rc == PHI_OK && r == NULL, "no rules and no allowlist: nothing loaded");

	write_file(afile, "phone 617-555-0100\nbogus_type 12\nnpi\nphone no digits\n");
	rc = rules_load(NULL, afile, &r, err, sizeof err);
	T_OK(rc == PHI_ECONFIG && strstr(err, ":2: unknown finding type"),
	     "an allowlist with an unknown type names its line");
	T_OK(strstr(err, ":3: npi: no value") != NULL, "an allowlist entry without value names its line");
	T_OK(strstr(err, ":4: phone: value has nothing") != NULL,
	     "an allowlist phone without digits names its line");
}

static void test_matching(void)
{
	struct rules *r = NULL;
	struct phi_scan *s;
	const struct phi_finding *f;
	char err[1024];
	int rc;

	write_file(rfile,
	           "# local account numbers\n"
	           "acct_local   high   /\\bACC-\\d{6}\\b/\n"
	           "badge  low  context=badge,employee  needs-context  /\\bB\\d{5}\\b/\n"
	           "study_id medium context=study /\\bSTU\\d{4}\\b/i\n"
	           "local_mrn medium as=mrn context=mrn /\\bGH\\d{7}\\b/\n"
	           "slow low /(a+)+$/\n");
	write_file(afile, "# our own numbers\n"
	                  "phone  617-555-0100\n"
	                  "fax +1 (617) 555-0101\n"
	                  "npi 1234567893\n"
	                  "email FrontDesk@Example.ORG\n"
	                  "address 1 Main Street, Suite 4\n"
	                  "custom ACC-000001\n");
	rc = rules_load(rfile, afile, &r, err, sizeof err);
	T_EQ_INT(rc, PHI_OK, "good rules and allowlist load");
	if (rc != PHI_OK) {
		printf("# %s\n", err);
		return;
	}

	s = scan_text(r, "Please credit ACC-123456 today.");
	f = find(s, PHI_T_CUSTOM, "acct_local");
	T_OK(f != NULL, "a custom rule matches (custom:NAME)");
	T_OK(f && f->offset == 14 && f->length == 10, "the match has its offset and length");
	T_OK(f && f->confidence == PHI_CONF_HIGH, "the rule's confidence is used");
	T_OK(f && !strstr(f->sample, "123456"), "the sample is redacted");
	phi_scan_free(s);

	s = scan_text(r, "Code B12345 issued.");
	T_OK(find(s, PHI_T_CUSTOM, "badge") == NULL, "needs-context: no context, no finding");
	phi_scan_free(s);
	s = scan_text(r, "Employee badge B12345 issued.");
	f = find(s, PHI_T_CUSTOM, "badge");
	T_OK(f != NULL, "needs-context: a context word nearby reports it");
	T_OK(f && f->confidence == PHI_CONF_MEDIUM, "a context word raises the confidence one step");
	phi_scan_free(s);

	s = scan_text(r, "ref stu0042 only");
	f = find(s, PHI_T_CUSTOM, "study_id");
	T_OK(f && f->confidence == PHI_CONF_MEDIUM, "flag i: caseless match, base confidence");
	phi_scan_free(s);

	s = scan_text(r, "MRN: GH1234567");
	f = find(s, PHI_T_MRN, NULL);
	T_OK(f && f->confidence == PHI_CONF_HIGH, "as=mrn reports the vocabulary type");
	phi_scan_free(s);

	s = scan_text(r, "Refund ACC-000001 please");
	T_OK(find(s, PHI_T_CUSTOM, "acct_local") == NULL, "an allowlisted value suppresses a rule match");
	phi_scan_free(s);

	{
		static char big[40000];
		memset(big, 'a', sizeof big - 2);
		big[sizeof big - 2] = 'b';
		big[sizeof big - 1] = 0;
		s = scan_text(r, big);
		f = find(s, PHI_T_UNSCANNABLE, NULL);
		T_OK(f && strstr(f->why, "slow"), "a rule over its match limit makes the part unscannable");
		phi_scan_free(s);
	}

	T_OK(rules_allowed(r, PHI_T_PHONE, (const unsigned char *)"(617) 555-0100", 14),
	     "allowlist: phone compared as digits");
	T_OK(rules_allowed(r, PHI_T_PHONE, (const unsigned char *)"+1 617.555.0100", 15),
	     "allowlist: phone country code ignored");
	T_OK(!rules_allowed(r, PHI_T_PHONE, (const unsigned char *)"617-555-0199", 12),
	     "allowlist: another phone is not allowed");
	T_OK(!rules_allowed(r, PHI_T_FAX, (const unsigned char *)"617-555-0100", 12),
	     "allowlist: entries are per type");
	T_OK(rules_allowed(r, PHI_T_FAX, (const unsigned char *)"6175550101", 10),
	     "allowlist: fax entry");
	T_OK(rules_allowed(r, PHI_T_NPI, (const unsigned char *)"1234567893", 10), "allowlist: npi");
	T_OK(rules_allowed(r, PHI_T_EMAIL, (const unsigned char *)"frontdesk@example.org", 21),
	     "allowlist: e-mail case-folded");
	T_OK(rules_allowed(r, PHI_T_ADDRESS, (const unsigned char *)"1 MAIN STREET SUITE 4", 21),
	     "allowlist: address case and punctuation folded");
	T_OK(!rules_allowed(r, PHI_T_ADDRESS, (const unsigned char *)"2 Main Street", 13),
	     "allowlist: another address is not allowed");
	T_OK(!rules_allowed(NULL, PHI_T_PHONE, (const unsigned char *)"6175550100", 10),
	     "no allowlist: nothing allowed");
	rules_free(r);
}

static void test_shipped(void)
{
	const char *top = getenv("PHI_TOP");
	char rp[512], ap[512], err[1024];
	struct rules *r = NULL;
	int rc;

	snprintf(rp, sizeof rp, "%s/conf/rules/example.rules", top ? top : ".");
	snprintf(ap, sizeof ap, "%s/conf/allowlist", top ? top : ".");
	if (access(rp, R_OK) != 0 || access(ap, R_OK) != 0) {
		T_OK(1, "shipped rules not found from here (skipped)");
		return;
	}
	rc = rules_load(rp, ap, &r, err, sizeof err);
	T_EQ_INT(rc, PHI_OK, "the shipped example rules and allowlist load");
	if (rc != PHI_OK)
		printf("# %s\n", err);
	rules_free(r);
}

int main(void)
{
	char cmd[128];

	snprintf(dir, sizeof dir, "/tmp/t_rules.XXXXXX");
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 2;
	}
	snprintf(rfile, sizeof rfile, "%s/test.rules", dir);
	snprintf(afile, sizeof afile, "%s/allowlist", dir);
	test_errors();
	test_matching();
	test_shipped();
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		printf("# could not remove %s\n", dir);
	return tap_done();
}
