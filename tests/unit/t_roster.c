/*
 * t_roster.c - the patient roster: normalisation, CSV import to a keyed-hash
 * index, loading (tampered, truncated, wrong key, loose key permissions) and
 * scanning. Every patient here is invented; test output never shows roster
 * values (names state the behaviour only).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "tap.h"
#include "scan.h"
#include "detect/ext.h"
#include "detect/norm.h"

static char dir[64], csv[128], idx[128], key[128];

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

static unsigned char *read_all(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	unsigned char *p;
	long sz;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	sz = ftell(f);
	rewind(f);
	p = malloc((size_t)sz + 1);
	*n = fread(p, 1, (size_t)sz, f);
	fclose(f);
	return p;
}

static void write_bytes(const char *path, const unsigned char *p, size_t n)
{
	FILE *f = fopen(path, "wb");
	fwrite(p, 1, n, f);
	fclose(f);
}

/* A scan over one free-text part holding `text`. */
static struct phi_scan *scan_text(const struct roster *r, const char *text)
{
	struct phi_scan *s = phi_scan_new(NULL, NULL, NULL, NULL);
	int part = doc_add_part(&s->doc, -1, "text/plain", NULL, PHI_FMT_TEXT, strlen(text), 0);
	doc_add_text(&s->doc, part, PHI_F_NONE, NULL, (const unsigned char *)text, strlen(text), 0);
	roster_scan(r, s);
	return s;
}

/* Highest confidence of patient_roster findings at offset off (-1: any), 0 if none. */
static int roster_conf(const struct phi_scan *s, long off)
{
	size_t i;
	int best = 0;

	for (i = 0; i < s->nf; i++)
		if (s->f[i].type == PHI_T_PATIENT_ROSTER && (off < 0 || s->f[i].offset == (size_t)off) &&
		    (int)s->f[i].confidence > best)
			best = (int)s->f[i].confidence;
	return best;
}

static long offset_of(const char *hay, const char *needle)
{
	const char *p = strstr(hay, needle);
	return p ? (long)(p - hay) : -2;
}

static void test_norm(void)
{
	static const struct { const char *in, *want; } dates[] = {
		{ "1962-03-14", "19620314" }, { "19620314", "19620314" }, { "03/14/1962", "19620314" },
		{ "3/14/62", "19620314" }, { "14/03/1962", "19620314" }, { "03-14-1962", "19620314" },
		{ "Mar 14, 1962", "19620314" }, { "March 14th 1962", "19620314" },
		{ "14 March 1962", "19620314" }, { "14-MAR-1962", "19620314" },
		{ "196203141230", "19620314" }, { "1962-03-14T00:00:00Z", "19620314" },
	};
	static const char *const not_dates[] = { "02/30/1962", "13/13/1962", "1962-3", "May",
	                                         "12345678", "03/14/19622" };
	char out[NORM_MAX + 1];
	size_t i;

	for (i = 0; i < sizeof dates / sizeof dates[0]; i++) {
		char name[96];
		out[0] = 0;
		snprintf(name, sizeof name, "norm_date reads form %zu (%s)", i, dates[i].in);
		if (!norm_date((const unsigned char *)dates[i].in, strlen(dates[i].in), out))
			out[0] = 0;
		T_EQ_STR(out, dates[i].want, name);
	}
	for (i = 0; i < sizeof not_dates / sizeof not_dates[0]; i++) {
		char name[96];
		snprintf(name, sizeof name, "norm_date rejects %s", not_dates[i]);
		T_OK(!norm_date((const unsigned char *)not_dates[i], strlen(not_dates[i]), out), name);
	}
	{
		const char *nm = "O'Br\xc3\xad" "an-Ru\xc3\xad" "z";
		norm_name((const unsigned char *)nm, strlen(nm), out, sizeof out);
	}
	T_EQ_STR(out, "obrianruiz", "norm_name folds case, accents, drops ' and -");
	norm_name((const unsigned char *)"Jos\xe9", 4, out, sizeof out);
	T_EQ_STR(out, "jose", "norm_name reads a Latin-1 export's accents");
	norm_digits((const unsigned char *)"(617) 555-0100", 14, out, sizeof out);
	T_EQ_STR(out, "6175550100", "norm_digits keeps digits only");
	norm_alnum((const unsigned char *)"A-123 456", 9, out, sizeof out);
	T_EQ_STR(out, "a123456", "norm_alnum keeps lower-case letters and digits");
}

static void test_tokens(void)
{
	const char *t = "Doe, John Q. DOB 01/31/1980 MRN A12-3456 (617) 555-0100 x@example.org";
	static const enum norm_kind want[] = { NORM_WORD, NORM_WORD, NORM_WORD, NORM_WORD,
	                                       NORM_DATE, NORM_WORD, NORM_ALNUM, NORM_NUM,
	                                       NORM_EMAIL };
	struct norm_iter it;
	struct norm_tok tok;
	size_t n = 0;
	int kinds_ok = 1, comma_ok = 0;

	norm_iter_init(&it, (const unsigned char *)t, strlen(t));
	while (norm_iter_next(&it, &tok)) {
		if (n < sizeof want / sizeof want[0] && tok.kind != want[n])
			kinds_ok = 0;
		if (n == 1)
			comma_ok = tok.adj && tok.comma;
		if (n == 7)
			T_EQ_STR(tok.norm, "6175550100", "tokeniser joins a phone number's groups");
		n++;
	}
	T_EQ_INT(n, 9, "tokeniser finds words, date, id, number, address");
	T_OK(kinds_ok, "tokeniser kinds are word/date/alnum/num/email");
	T_OK(comma_ok, "tokeniser marks \"Last, First\" as adjacent with a comma");
}

static const char roster_csv[] =
	"\xef\xbb\xbfMRN,First Name,Last Name,Date of Birth,SSN,Phone,ZIP,E-mail\r\n"
	"00482913,Zebulon,Quixtrand,03/14/1962,219-09-9998,(617) 555-0142,02115,zq@example.net\r\n"
	"\"7730142\",\"Jos\xc3\xa9\",\"N\xc3\xba\xc3\xb1""ez-Farrow\",1975-11-02,,,,\r\n"
	"A55120,Marigold,\"Van der Brook\",\"Jan 5, 1990\",,617.555.0199,,\r\n"
	"bad,,,,n/a-qqq,12,,\r\n";

static void test_import_and_scan(void)
{
	struct roster *r = NULL;
	struct phi_scan *s;
	struct stat st;
	char err[512];
	unsigned char *file;
	size_t n;
	FILE *errs = tmpfile();
	const char *txt;
	int rc;

	write_file(csv, roster_csv);
	rc = roster_import(csv, idx, key, errs);
	T_EQ_INT(rc, PHI_OK, "import of an EHR CSV export succeeds");
	T_OK(stat(key, &st) == 0 && (st.st_mode & 0777) == 0600, "import creates the key file 0600");
	T_OK(stat(key, &st) == 0 && st.st_size == 32, "the new key is 32 random bytes");
	rewind(errs);
	{
		char line[256];
		int saw_line5 = 0, leaked = 0;
		while (fgets(line, sizeof line, errs)) {
			if (strstr(line, ":5: "))
				saw_line5 = 1;
			if (strstr(line, "qqq"))
				leaked = 1;
		}
		T_OK(saw_line5, "import reports a bad row as FILE:LINE");
		T_OK(!leaked, "import problems do not echo values");
	}
	fclose(errs);

	file = read_all(idx, &n);
	T_OK(file && n > 64, "import writes the index file");
	T_OK(file && !memmem(file, n, "Quixtrand", 9) && !memmem(file, n, "quixtrand", 9) &&
	     !memmem(file, n, "00482913", 8) && !memmem(file, n, "19620314", 8),
	     "the index holds no clear roster value");
	free(file);
	T_OK(access(idx, F_OK) == 0 && access(csv, F_OK) == 0, "index in place");

	rc = roster_load(idx, key, &r, err, sizeof err);
	T_EQ_INT(rc, PHI_OK, "roster_load accepts the index it wrote");
	if (rc != PHI_OK) {
		printf("# %s\n", err);
		return;
	}

	txt = "Re: Zebulon Quixtrand, DOB 03/14/1962, follow-up tomorrow";
	s = scan_text(r, txt);
	T_EQ_INT(roster_conf(s, offset_of(txt, "Zebulon")), PHI_CONF_HIGH,
	         "name pair with roster DOB is patient_roster high");
	T_EQ_INT(roster_conf(s, offset_of(txt, "03/14")), PHI_CONF_HIGH,
	         "the roster DOB next to the name is high too");
	{
		size_t i;
		int sample_ok = 1;
		for (i = 0; i < s->nf; i++)
			if (strstr(s->f[i].sample, "uixtrand") || strstr(s->f[i].sample, "ebulon") ||
			    strstr(s->f[i].sample, "1962"))
				sample_ok = 0;
		T_OK(sample_ok, "roster samples keep initials only, no date digits");
	}
	phi_scan_free(s);

	txt = "Lunch with Zebulon Quixtrand on Friday?";
	s = scan_text(r, txt);
	T_EQ_INT(roster_conf(s, offset_of(txt, "Zebulon")), PHI_CONF_MEDIUM,
	         "a lone roster name pair is medium");
	phi_scan_free(s);

	txt = "Patient QUIXTRAND, ZEBULON seen today";
	s = scan_text(r, txt);
	T_EQ_INT(roster_conf(s, offset_of(txt, "QUIXTRAND")), PHI_CONF_HIGH,
	         "\"LAST, FIRST\" in capitals with a health word is high");
	phi_scan_free(s);

	txt = "patient Jose Nunez Farrow was discharged";
	s = scan_text(r, txt);
	T_OK(roster_conf(s, offset_of(txt, "Jose")) >= PHI_CONF_MEDIUM,
	     "accents and hyphens in the roster do not hide a name");
	phi_scan_free(s);

	txt = "Marigold Van der Brook called from 617-555-0199";
	s = scan_text(r, txt);
	T_EQ_INT(roster_conf(s, offset_of(txt, "Marigold")), PHI_CONF_HIGH,
	         "multi-word family name with roster phone is high");
	phi_scan_free(s);

	txt = "Zebulon Smith and Alice Quixtrand met Marigold Jones; call 617-555-0100";
	s = scan_text(r, txt);
	T_EQ_INT(roster_conf(s, -1), 0, "non-member names and numbers are not matched");
	phi_scan_free(s);

	txt = "please pull chart 00482913";
	s = scan_text(r, txt);
	T_EQ_INT(roster_conf(s, offset_of(txt, "00482913")), PHI_CONF_MEDIUM,
	         "a roster MRN alone is medium");
	phi_scan_free(s);

	txt = "the MRN is A55120";
	s = scan_text(r, txt);
	T_EQ_INT(roster_conf(s, offset_of(txt, "A55120")), PHI_CONF_MEDIUM,
	         "an alphanumeric roster MRN is found");
	phi_scan_free(s);

	txt = "SSN 219 09 9998 on file";
	s = scan_text(r, txt);
	T_EQ_INT(roster_conf(s, offset_of(txt, "219")), PHI_CONF_MEDIUM,
	         "a roster SSN with blanks is medium");
	phi_scan_free(s);

	txt = "born 03/14/1962";
	s = scan_text(r, txt);
	T_EQ_INT(roster_conf(s, offset_of(txt, "03/14")), PHI_CONF_MEDIUM,
	         "a roster DOB after a birth word is medium");
	phi_scan_free(s);

	txt = "meeting on 03/14/1962";
	s = scan_text(r, txt);
	T_OK(roster_conf(s, offset_of(txt, "03/14")) <= PHI_CONF_LOW,
	     "a roster date without birth context is at most low");
	phi_scan_free(s);

	txt = "zip 02115 and zq@example.net";
	s = scan_text(r, txt);
	T_EQ_INT(roster_conf(s, -1), 0, "roster zip and e-mail alone are not reported");
	phi_scan_free(s);

	s = scan_text(NULL, "Zebulon Quixtrand");
	T_EQ_INT(s->nf, 0, "no roster: nothing found");
	phi_scan_free(s);
	roster_free(r);
}

static void test_load_errors(void)
{
	struct roster *r = NULL;
	char err[512], bad[160], key2[160];
	unsigned char *file;
	size_t n;
	int rc;

	file = read_all(idx, &n);
	snprintf(bad, sizeof bad, "%s/bad.idx", dir);

	file[n / 2] ^= 0x01;
	write_bytes(bad, file, n);
	rc = roster_load(bad, key, &r, err, sizeof err);
	T_OK(rc != PHI_OK && r == NULL, "a tampered index is rejected");
	T_OK(strstr(err, bad) && strstr(err, "altered"), "the error names the file and the MAC");
	file[n / 2] ^= 0x01;

	write_bytes(bad, file, n - 7);
	rc = roster_load(bad, key, &r, err, sizeof err);
	T_OK(rc != PHI_OK && strstr(err, "truncated"), "a truncated index is rejected");

	write_bytes(bad, file, 40);
	rc = roster_load(bad, key, &r, err, sizeof err);
	T_OK(rc != PHI_OK && strstr(err, bad), "a short index is rejected");

	memcpy(file, "NOTROSTR", 8);
	write_bytes(bad, file, n);
	rc = roster_load(bad, key, &r, err, sizeof err);
	T_OK(rc != PHI_OK && strstr(err, "magic"), "a file that is not an index is rejected");
	free(file);

	snprintf(key2, sizeof key2, "%s/other.key", dir);
	{
		unsigned char k[32];
		int fd;
		memset(k, 0x5a, sizeof k);
		fd = open(key2, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (write(fd, k, sizeof k) != (ssize_t)sizeof k)
			perror("write");
		close(fd);
	}
	rc = roster_load(idx, key2, &r, err, sizeof err);
	T_OK(rc != PHI_OK && strstr(err, "another key"), "an index under another key is rejected");

	chmod(key, 0640);
	rc = roster_load(idx, key, &r, err, sizeof err);
	T_OK(rc != PHI_OK && strstr(err, "group or others"), "a key readable by group is refused");
	T_OK(!strstr(err, "\x5a\x5a"), "the error does not carry key bytes");
	rc = roster_import(csv, idx, key, NULL);
	T_OK(rc != PHI_OK, "import refuses a key readable by group");
	chmod(key, 0600);

	rc = roster_load(idx, "/nonexistent/phi.key", &r, err, sizeof err);
	T_OK(rc != PHI_OK && strstr(err, "/nonexistent/phi.key"), "a missing key file is named");
	rc = roster_load(NULL, NULL, &r, err, sizeof err);
	T_OK(rc == PHI_OK && r == NULL, "no roster configured is fine");

	snprintf(bad, sizeof bad, "%s/nohdr.csv", dir);
	write_file(bad, "foo,bar\n1,2\n");
	rc = roster_import(bad, idx, key, NULL);
	T_OK(rc != PHI_OK, "a CSV without known columns is refused");
	rc = roster_load(idx, key, &r, err, sizeof err);
	T_OK(rc == PHI_OK, "a failed import leaves the old index in place");
	roster_free(r);
}

/* Other CSV shapes: ';' separated, one "Last, First" name column, quoted
 * fields holding the separator, quotes and a line break. */
static void test_csv_shapes(void)
{
	char c2[160], i2[160], err[512];
	struct roster *r = NULL;
	struct phi_scan *s;
	const char *txt;
	int rc;

	snprintf(c2, sizeof c2, "%s/semi.csv", dir);
	snprintf(i2, sizeof i2, "%s/semi.idx", dir);
	write_file(c2, "Patient Name;Birth Date;Notes\n"
	               "\"Hollowell-Brisk, Ottoline M\";1944-02-29;\"said \"\"hi\"\";\nthen left\"\n"
	               "\"Pennefeather, Quill\";;x\n");
	rc = roster_import(c2, i2, key, NULL);
	T_EQ_INT(rc, PHI_OK, "import reads ';' CSV with a \"Last, First\" column and quoted breaks");
	rc = roster_load(i2, key, &r, err, sizeof err);
	T_EQ_INT(rc, PHI_OK, "that index loads");
	if (rc != PHI_OK)
		return;
	txt = "Ottoline Hollowell-Brisk (dob 02/29/1944)";
	s = scan_text(r, txt);
	T_EQ_INT(roster_conf(s, 0), PHI_CONF_HIGH, "full-name column: pair with DOB is high");
	phi_scan_free(s);
	txt = "Quill Pennefeather";
	s = scan_text(r, txt);
	T_EQ_INT(roster_conf(s, 0), PHI_CONF_MEDIUM, "the row after a quoted line break is read");
	phi_scan_free(s);
	roster_free(r);
}

int main(void)
{
	char cmd[128];

	snprintf(dir, sizeof dir, "/tmp/t_roster.XXXXXX");
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 2;
	}
	snprintf(csv, sizeof csv, "%s/ehr.csv", dir);
	snprintf(idx, sizeof idx, "%s/roster.idx", dir);
	snprintf(key, sizeof key, "%s/roster.key", dir);

	test_norm();
	test_tokens();
	test_import_and_scan();
	test_load_errors();
	test_csv_shapes();

	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		printf("# could not remove %s\n", dir);
	return tap_done();
}
