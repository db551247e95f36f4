/*
 * t_context.c - the keyword matcher and the term lists: phrases across
 * punctuation ("d.o.b.", "date of birth", "year-old"), the '#' and ':'
 * requirements ("ss#", "pt:"), capitals-only labels, plurals of health
 * words, proximity queries, and loading *.txt term files from a directory
 * the test makes itself (with FILE:LINE errors).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "tap.h"
#include "scan.h"
#include "detect/det.h"

static struct detect_engine de;

/* ds keeps its hit and candidate arrays from call to call, as detect_run does. */
static uint32_t cats_of(const char *txt, struct det_seg *ds)
{
	ds->de = &de;
	ds->t = (const unsigned char *)txt;
	ds->n = strlen(txt);
	ctx_scan(ds);
	return ds->allcats;
}

static const struct {
	const char *name, *text;
	uint32_t cat;
	int want;
} rows[] = {
	{ "matcher finds ssn", "my SSN is", K_SSN, 1 },
	{ "matcher finds social security number across spaces", "Social  Security Number:", K_SSN, 1 },
	{ "matcher finds ss# only with the hash", "ss# 1", K_SSN, 1 },
	{ "matcher ignores ss without the hash", "ss 1", K_SSN, 0 },
	{ "matcher finds d.o.b.", "D.O.B.: x", K_DOB, 1 },
	{ "matcher finds date of birth", "Date of Birth", K_DOB, 1 },
	{ "matcher finds pt: only with the colon", "Pt: Roe", K_PATIENT, 1 },
	{ "matcher ignores pt without the colon", "5 pt font", K_PATIENT, 0 },
	{ "matcher finds year-old as an age", "92-year-old", K_AGE_POST, 1 },
	{ "matcher needs capitals for PO", "the po box", K_NEG, 0 },
	{ "matcher finds PO in capitals", "PO 8812", K_NEG, 1 },
	{ "matcher finds a plural health word", "two biopsies and tumors", K_HEALTH, 1 },
	{ "matcher finds a two-word condition", "acute bronchitis", K_HEALTH, 1 },
	{ "matcher finds a word with digits", "HbA1c 7.2", K_HEALTH, 1 },
	{ "matcher ignores words inside others", "prescriptionist", K_HEALTH, 0 },
	{ "matcher finds mr# as mrn", "MR# 12", K_MRN, 1 },
	{ "matcher finds nothing in plain prose", "the weather was fine today", ~0u, 0 },
};

static void write_file(const char *path, const char *body)
{
	FILE *fp = fopen(path, "w");
	if (fp) {
		fputs(body, fp);
		fclose(fp);
	}
}

int main(void)
{
	struct det_seg ds;
	size_t i;
	char dir[] = "/tmp/t_context_XXXXXX", path[256], err[512];
	struct term_table tt;
	int rc;

	if (terms_init_builtin(&de.terms) != PHI_OK || terms_load_dir(&de.terms, NULL, err, sizeof err) != PHI_OK) {
		printf("Bail out! terms\n");
		return 1;
	}
	memset(&ds, 0, sizeof ds);
	for (i = 0; i < sizeof rows / sizeof rows[0]; i++)
		T_EQ_INT((cats_of(rows[i].text, &ds) & rows[i].cat) != 0, rows[i].want, rows[i].name);
	cats_of("SSN here; then fifty more bytes of filler text ........ 078", &ds);
	T_OK(ctx_before(&ds, ds.n - 3, 80, K_SSN) != NULL, "ctx_before finds a label within the window");
	T_OK(ctx_before(&ds, ds.n - 3, 20, K_SSN) == NULL, "ctx_before ignores a label beyond the window");
	T_OK((ctx_near(&ds, ds.n - 3, ds.n, 80, 0) & K_SSN) != 0, "ctx_near sees a label before");
	free(ds.hits);
	free(ds.cands);

	T_OK(mkdtemp(dir) != NULL, "test makes a term directory");
	snprintf(path, sizeof path, "%s/a.txt", dir);
	write_file(path, "# comment\nzebra fever\n\n  quokka syndrome  # trailing\n");
	memset(&tt, 0, sizeof tt);
	err[0] = 0;
	rc = terms_load_dir(&tt, dir, err, sizeof err);
	T_EQ_INT(rc, PHI_OK, "terms load a good file");
	T_OK(terms_lookup(&tt, "zebra fever") & K_HEALTH, "terms file adds a two-word term");
	T_OK(terms_lookup(&tt, "Quokka Syndrome") & K_HEALTH, "terms lookup is case-insensitive and trims");
	T_OK(!(terms_lookup(&tt, "diabetes") & K_HEALTH), "terms dir replaces the built-in list");
	terms_free(&tt);

	snprintf(path, sizeof path, "%s/b.txt", dir);
	write_file(path, "ok term\none two three four five\n");
	memset(&tt, 0, sizeof tt);
	err[0] = 0;
	rc = terms_load_dir(&tt, dir, err, sizeof err);
	T_EQ_INT(rc, PHI_ECONFIG, "terms reject a five-word term");
	T_OK(strstr(err, "b.txt:2:") != NULL, "terms error names FILE:LINE");
	terms_free(&tt);
	unlink(path);
	snprintf(path, sizeof path, "%s/a.txt", dir);
	unlink(path);
	rmdir(dir);

	memset(&tt, 0, sizeof tt);
	err[0] = 0;
	T_EQ_INT(terms_load_dir(&tt, "/nonexistent/terms", err, sizeof err), PHI_ECONFIG,
	         "terms report a missing directory");
	terms_free(&tt);
	terms_free(&de.terms);
	return tap_done();
}
