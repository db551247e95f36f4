/*
 * t_portal_session.c - the portal's request-side logic without HTTP:
 * sessions (bound to one message, expiry, unknown ids), CSRF tokens (single
 * use, replay, missing, another session's), per-link code state (right,
 * wrong, the attempt limit, expiry, used up, resend limit, a code for
 * another message), per-address rate limits, the cookie's attributes, the
 * urlencoded form parser, HTML escaping, and the message view (multipart
 * with an attachment, HTML to text without its script); the wrong-code
 * count kept in the store (survives a fresh table over the same directory,
 * as after a restart; cleared by the right code; a corrupt count locks);
 * the retention purge leaves no file of a purged entry (the directory is
 * listed).
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "tap.h"
#include "form.h"
#include "msgview.h"
#include "portal.h"
#include "session.h"

static const char *ID = "20261201120000-00112233aabbccdd";
static const char *ID2 = "20261201120000-99112233aabbccdd";
static const char *ID3 = "20261201120000-aaaaaaaaaaaaaaaa";
static const unsigned char key[QCRYPT_KEY_LEN] = "0123456789abcdef0123456789abcde";

static void test_sessions(void)
{
	struct session_table *t = session_table_new();
	struct session s, g, s2;
	char old[SESSION_TOKEN_HEX + 1];

	T_OK(t != NULL, "session table made");
	T_EQ_INT(session_new(t, ID, 1, "tok", 1000, 600, &s), 0, "session_new");
	T_EQ_INT((int)strlen(s.sid), SESSION_TOKEN_HEX, "session id: 64 hex digits");
	T_OK(strcmp(s.sid, s.csrf) != 0, "session id and CSRF token differ");
	T_EQ_INT(session_get(t, s.sid, ID, 1001, &g), 0, "session_get: found for its message");
	T_EQ_INT(g.n, 1, "session keeps the recipient index");
	T_EQ_STR(g.token, "tok", "session keeps the link's token");
	T_EQ_INT(session_get(t, s.sid, ID2, 1001, &g), -1, "session_get: refused for another message");
	T_EQ_INT(session_get(t, s.sid, ID, 1601, &g), -1, "session_get: refused once expired");
	T_EQ_INT(session_get(t, "00", ID, 1001, &g), -1, "session_get: a short id is refused");
	T_EQ_INT(session_get(t, NULL, ID, 1001, &g), -1, "session_get: no cookie is refused");
	{
		char fake[SESSION_TOKEN_HEX + 1];

		memcpy(fake, s.sid, sizeof fake);
		fake[0] = fake[0] == 'a' ? 'b' : 'a';
		T_EQ_INT(session_get(t, fake, ID, 1001, &g), -1, "session_get: one changed digit is refused");
	}
	T_EQ_INT(session_new(t, "../etc", 0, "tok", 1000, 600, &s2), -1, "session_new: a bad message id is refused");

	/* CSRF */
	memcpy(old, s.csrf, sizeof old);
	T_EQ_INT(session_csrf_take(t, s.sid, ID, NULL, 1001, &g), -1, "csrf: missing token refused");
	T_EQ_INT(session_csrf_take(t, s.sid, ID, "", 1001, &g), -1, "csrf: empty token refused");
	T_EQ_INT(session_csrf_take(t, s.sid, ID, s.sid, 1001, &g), -1, "csrf: the session id is not the CSRF token");
	T_EQ_INT(session_csrf_take(t, s.sid, ID2, old, 1001, &g), -1, "csrf: refused on another message");
	T_EQ_INT(session_csrf_take(t, s.sid, ID, old, 1001, &g), 0, "csrf: the current token is accepted");
	T_OK(strcmp(g.csrf, old) != 0 && strlen(g.csrf) == SESSION_TOKEN_HEX, "csrf: a fresh token replaces it");
	T_EQ_INT(session_csrf_take(t, s.sid, ID, old, 1002, &s2), -1, "csrf: the used token is refused (replay)");
	T_EQ_INT(session_new(t, ID, 1, "tok", 1000, 600, &s2), 0, "a second session");
	T_EQ_INT(session_csrf_take(t, s2.sid, ID, g.csrf, 1002, &s2), -1, "csrf: another session's token is refused");
	T_EQ_INT(session_csrf_take(t, s.sid, ID, g.csrf, 1700, &s2), -1, "csrf: refused after the session expired");

	/* state */
	T_EQ_INT(session_set_state(t, s.sid, SESSION_VERIFIED, 5000), 0, "set state verified");
	T_EQ_INT(session_get(t, s.sid, ID, 4000, &g), 0, "the verified session lives to its new expiry");
	T_EQ_INT(g.state, SESSION_VERIFIED, "state read back");
	session_drop(t, s.sid);
	T_EQ_INT(session_get(t, s.sid, ID, 1001, &g), -1, "a dropped session is gone");
	session_table_free(t);
}

static void test_full_table(void)
{
	struct session_table *t = session_table_new();
	struct session first, s, g;
	int i, ok = 1;

	session_new(t, ID, 0, "tok", 1000, 600, &first);
	for (i = 0; i < SESSION_MAX + 10; i++)
		if (session_new(t, ID, 0, "tok", 1001 + i, 600, &s) != 0)
			ok = 0;
	T_OK(ok, "a full table still makes sessions (the least recently used is reused)");
	T_EQ_INT(session_get(t, first.sid, ID, 1100, &g), -1, "the oldest session was the one reused");
	T_EQ_INT(session_get(t, s.sid, ID, 1100 + SESSION_MAX, &g), 0, "the newest is there");
	session_table_free(t);
}

static void test_codes(void)
{
	struct session_table *t = session_table_new();
	unsigned char h[CODE_HASH_LEN];
	unsigned left = 99;
	int i, rc;

	T_EQ_INT(session_code_check(t, key, ID, 0, "12345678", 1000, 3, &left, NULL, NULL), CODE_NONE,
	         "no code sent yet: CODE_NONE, nothing counted");
	code_hash(key, ID, 0, "12345678", h);
	T_EQ_INT(session_code_set(t, ID, 0, h, 1000, 1900), 0, "a code is set");
	T_EQ_INT(session_code_check(t, key, ID, 0, "11111111", 1001, 3, &left, NULL, NULL), CODE_WRONG, "wrong code: CODE_WRONG");
	T_EQ_INT(left, 2, "two tries left of three");
	T_EQ_INT(session_code_check(t, key, ID2, 0, "12345678", 1001, 3, &left, NULL, NULL), CODE_NONE,
	         "the code typed for another message finds no code there");
	T_EQ_INT(session_code_check(t, key, ID, 1, "12345678", 1001, 3, &left, NULL, NULL), CODE_NONE,
	         "the code typed for another recipient's link finds no code there");
	T_EQ_INT(session_code_check(t, key, ID, 0, "12345678", 1002, 3, &left, NULL, NULL), CODE_OK, "the right code: CODE_OK");
	T_EQ_INT(session_code_check(t, key, ID, 0, "12345678", 1003, 3, &left, NULL, NULL), CODE_NONE,
	         "the same code again: used up (CODE_NONE)");

	code_hash(key, ID, 0, "22222222", h);
	session_code_set(t, ID, 0, h, 1000, 1900);
	T_EQ_INT(session_code_check(t, key, ID, 0, "22222222", 1901, 3, &left, NULL, NULL), CODE_NONE, "an expired code: CODE_NONE");

	/* the attempt limit */
	code_hash(key, ID2, 0, "33333333", h);
	session_code_set(t, ID2, 0, h, 1000, 1900);
	session_code_check(t, key, ID2, 0, "00000000", 1001, 3, &left, NULL, NULL);
	session_code_check(t, key, ID2, 0, "00000000", 1002, 3, &left, NULL, NULL);
	rc = session_code_check(t, key, ID2, 0, "00000000", 1003, 3, &left, NULL, NULL);
	T_EQ_INT(rc, CODE_LOCKED, "the third wrong code of three: CODE_LOCKED");
	T_EQ_INT(session_code_check(t, key, ID2, 0, "33333333", 1004, 3, &left, NULL, NULL), CODE_LOCKED,
	         "after the lock even the right code is refused");
	code_hash(key, ID2, 0, "44444444", h);
	session_code_set(t, ID2, 0, h, 1005, 1900);
	T_EQ_INT(session_code_check(t, key, ID2, 0, "44444444", 1006, 3, &left, NULL, NULL), CODE_LOCKED,
	         "a new code does not unlock the link");
	T_EQ_INT(session_code_check(t, key, ID2, 1, "44444444", 1006, 3, &left, NULL, NULL), CODE_NONE,
	         "the lock is per recipient: another index is not locked");

	/* codes mailed per hour */
	for (i = 0, rc = 0; i < CODE_SENDS_PER_HOUR; i++)
		rc |= session_code_set(t, ID3, 0, h, 2000 + i, 2900);
	T_EQ_INT(rc, 0, "codes up to the hourly limit are accepted");
	T_EQ_INT(session_code_set(t, ID3, 0, h, 2010, 2900), -1, "one more code within the hour is refused");
	T_EQ_INT(session_code_set(t, ID3, 0, h, 2000 + 3600, 6500), 0, "an hour later a code is accepted again");
	session_table_free(t);
}

static char sdir[256];

/* A redirected entry `id` stored at `when` in the store q. */
static int put_entry(struct qstore *q, const char *id, long long when)
{
	static char *rcpts[] = { "bob@outside.example", "dave@outside.example", "eve@outside.example",
		                 "fay@outside.example" };
	static unsigned char m[] = "Subject: x\r\n\r\nbody\r\n";
	struct qstore_item it;

	memset(&it, 0, sizeof it);
	snprintf(it.meta.id, sizeof it.meta.id, "%s", id);
	it.meta.time = when;
	snprintf(it.meta.action, sizeof it.meta.action, "redirect");
	it.meta.nrcpt = 4;
	it.sender = "alice@example.org";
	it.subject = "Patient follow-up";
	it.rcpts = rcpts;
	it.nrcpt = 4;
	it.msg = m;
	it.msglen = sizeof m - 1;
	return q->ops->put(q, &it);
}

/* The content of file NAME in the store directory ("" when absent). */
static void slurp(const char *name, char *out, size_t len)
{
	char p[600];
	FILE *f;
	size_t n = 0;

	snprintf(p, sizeof p, "%s/%s", sdir, name);
	if ((f = fopen(p, "r"))) {
		n = fread(out, 1, len - 1, f);
		fclose(f);
	}
	out[n] = 0;
}

/* How many files of entry id ("ID." or ".tmp-ID.") are in the store. */
static int files_of(const char *id)
{
	DIR *d = opendir(sdir);
	struct dirent *e;
	size_t l = strlen(id);
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)) != NULL) {
		const char *nm = strncmp(e->d_name, ".tmp-", 5) == 0 ? e->d_name + 5 : e->d_name;

		if (strncmp(nm, id, l) == 0 && nm[l] == '.') {
			n++;
			printf("#   %s\n", e->d_name);
		}
	}
	closedir(d);
	return n;
}

static void test_stored_count(void)
{
	unsigned char skey[QCRYPT_KEY_LEN], key2[QCRYPT_KEY_LEN], h[CODE_HASH_LEN];
	struct session_table *t;
	struct qstore *q;
	enum code_store note;
	char why[QSTORE_WHY_MAX], name[128], got[64], p[600];
	unsigned left = 0;
	struct stat st;

	memset(skey, 0x33, sizeof skey);
	memset(key2, 0x44, sizeof key2);
	snprintf(sdir, sizeof sdir, "%s/t_portal_session.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!T_OK(mkdtemp(sdir) != NULL, "a store directory for the count tests"))
		return;
	q = qstore_dir_open(sdir, skey, why, sizeof why);
	if (!T_OK(q && put_entry(q, ID, 1000) == 0, "a redirected entry is stored"))
		return;

	/* two wrong codes of three */
	t = session_table_new();
	code_hash(key, ID, 0, "12345678", h);
	session_code_set(t, ID, 0, h, 1000, 1900);
	T_EQ_INT(session_code_check(t, key, ID, 0, "11111111", 1001, 3, &left, q, &note), CODE_WRONG,
	         "stored count: a wrong code is CODE_WRONG");
	T_OK(left == 2 && note == CODE_STORE_OK, "two tries left, the store written");
	snprintf(name, sizeof name, "%s.count-wrong-0", ID);
	slurp(name, got, sizeof got);
	T_EQ_STR(got, "1\n", "the count file ID.count-wrong-0 holds 1 (the number only)");
	snprintf(p, sizeof p, "%s/%s", sdir, name);
	T_OK(stat(p, &st) == 0 && (st.st_mode & 0777) == 0600, "the count file is mode 0600");
	session_code_check(t, key, ID, 0, "22222222", 1002, 3, &left, q, &note);
	slurp(name, got, sizeof got);
	T_EQ_STR(got, "2\n", "a second wrong code: 2");

	/* restart: a fresh table (and a fresh code key, as phiportal draws one) */
	session_table_free(t);
	t = session_table_new();
	T_EQ_INT(session_code_check(t, key2, ID, 0, "12345678", 1003, 3, &left, q, &note), CODE_NONE,
	         "after a restart the old code is gone (CODE_NONE), nothing counted");
	slurp(name, got, sizeof got);
	T_EQ_STR(got, "2\n", "and the count is still 2");
	code_hash(key2, ID, 0, "87654321", h);
	session_code_set(t, ID, 0, h, 1004, 1900);
	T_EQ_INT(session_code_check(t, key2, ID, 0, "33333333", 1005, 3, &left, q, &note), CODE_LOCKED,
	         "after a restart the third wrong code of three locks (the count survived)");
	slurp(name, got, sizeof got);
	T_EQ_STR(got, "3\n", "the count file says 3");

	/* another restart: still locked, even for the right code */
	session_table_free(t);
	t = session_table_new();
	code_hash(key2, ID, 0, "87654321", h);
	session_code_set(t, ID, 0, h, 1006, 1900);
	T_EQ_INT(session_code_check(t, key2, ID, 0, "87654321", 1007, 3, &left, q, &note), CODE_LOCKED,
	         "after another restart the link stays locked, the right code included");

	/* recipient 1: a wrong code, then the right one clears the count */
	code_hash(key2, ID, 1, "13572468", h);
	session_code_set(t, ID, 1, h, 1008, 1900);
	session_code_check(t, key2, ID, 1, "00000000", 1009, 3, &left, q, &note);
	snprintf(name, sizeof name, "%s.count-wrong-1", ID);
	slurp(name, got, sizeof got);
	T_EQ_STR(got, "1\n", "recipient 1 has its own count");
	session_table_free(t);
	t = session_table_new();
	session_code_set(t, ID, 1, h, 1010, 1900);
	T_EQ_INT(session_code_check(t, key2, ID, 1, "13572468", 1011, 3, &left, q, &note), CODE_OK,
	         "the right code (after a restart) is CODE_OK");
	snprintf(p, sizeof p, "%s/%s", sdir, name);
	T_OK(stat(p, &st) != 0, "and its count file is removed");
	code_hash(key2, ID, 1, "24681357", h);
	session_code_set(t, ID, 1, h, 1012, 1900);
	session_code_check(t, key2, ID, 1, "00000000", 1013, 3, &left, q, &note);
	T_EQ_INT(left, 2, "counting starts afresh after the right code");

	/* a corrupt or huge count locks, and says so */
	snprintf(p, sizeof p, "%s/%s.count-wrong-2", sdir, ID);
	{
		FILE *f = fopen(p, "w");

		if (f) {
			fputs("garbage\n", f);
			fclose(f);
		}
	}
	code_hash(key2, ID, 2, "11223344", h);
	session_code_set(t, ID, 2, h, 1014, 1900);
	note = CODE_STORE_OK;
	T_EQ_INT(session_code_check(t, key2, ID, 2, "11223344", 1015, 3, &left, q, &note), CODE_LOCKED,
	         "a corrupt count file is the limit reached: CODE_LOCKED, the right code included");
	T_EQ_INT(note, CODE_STORE_CORRUPT, "and the note says corrupt (for the log)");
	snprintf(p, sizeof p, "%s/%s.count-wrong-3", sdir, ID);
	{
		FILE *f = fopen(p, "w");
		int i;

		for (i = 0; f && i < 5000; i++)
			fputc('1', f);
		if (f)
			fclose(f);
	}
	code_hash(key2, ID, 3, "11223344", h);
	session_code_set(t, ID, 3, h, 1016, 1900);
	T_EQ_INT(session_code_check(t, key2, ID, 3, "11223344", 1017, 3, &left, q, &note), CODE_LOCKED,
	         "a huge count file is the limit reached too");
	T_EQ_INT(note, CODE_STORE_CORRUPT, "and is noted as corrupt");

	/* the count files name the entry and an index, nothing else */
	{
		DIR *d = opendir(sdir);
		struct dirent *e;
		int bad = 0;

		while (d && (e = readdir(d)) != NULL)
			if (strchr(e->d_name, '@') || strstr(e->d_name, "bob") || strstr(e->d_name, "Patient"))
				bad = 1;
		if (d)
			closedir(d);
		T_EQ_INT(bad, 0, "no file name in the store carries an address or the subject");
	}

	/* deleting the entry takes its counts with it */
	T_OK(files_of(ID) > 2, "the entry has count files besides meta and msg");
	T_EQ_INT(q->ops->del(q, ID), 0, "the entry is deleted");
	T_EQ_INT(files_of(ID), 0, "no file of it is left (count files included)");
	code_hash(key2, ID, 0, "12121212", h);
	session_code_set(t, ID, 0, h, 1018, 1900);
	T_EQ_INT(session_code_check(t, key2, ID, 0, "00000000", 1019, 3, &left, q, &note), CODE_WRONG,
	         "a wrong code racing the delete of its entry is still wrong");
	T_EQ_INT(note, CODE_STORE_ERROR, "the store refuses its count (the entry is gone)");
	T_EQ_INT(files_of(ID), 0, "and no count file is left for the deleted entry");
	session_table_free(t);
	qstore_close(q);
}

static void test_purge(void)
{
	unsigned char skey[QCRYPT_KEY_LEN];
	struct conf c;
	struct qstore *q;
	char why[QSTORE_WHY_MAX], p[600];

	memset(skey, 0x33, sizeof skey);
	memset(&c, 0, sizeof c);
	c.quarantine_dir = sdir;
	memcpy(c.quarantine_key, skey, sizeof skey);
	c.have_quarantine_key = 1;
	c.portal_retention = 3600;
	q = qstore_dir_open(sdir, skey, why, sizeof why);
	if (!T_OK(q && put_entry(q, ID2, 1000) == 0 && put_entry(q, ID3, 100000) == 0, "two entries for the purge"))
		return;
	q->ops->mark_used(q, ID2, "lock-0");
	q->ops->mark_used(q, ID2, "opened-1");
	q->ops->mark_used(q, ID2, "revoked");
	q->ops->count_set(q, ID2, "wrong-1", 2);
	q->ops->count_set(q, ID3, "wrong-0", 1);
	q->ops->mark_used(q, ID3, "opened-0");
	snprintf(p, sizeof p, "%s/.tmp-%s.count-wrong-0", sdir, ID2);
	{
		FILE *f = fopen(p, "w");

		if (f)
			fclose(f);
	}
	T_EQ_INT(files_of(ID2), 7, "the old entry: meta, msg, 3 markers, a count and a temporary");
	T_EQ_INT(portal_purge(&c, 100000), 1, "the retention purge deletes the old entry");
	T_EQ_INT(files_of(ID2), 0, "no file of the purged entry is left");
	T_EQ_INT(files_of(ID3), 4, "the young entry keeps its meta, msg, marker and count");
	q->ops->del(q, ID3);
	qstore_close(q);
	rmdir(sdir);
}

static void test_rate(void)
{
	struct session_table *t = session_table_new();
	int i, over = 0, first_over = -1;

	for (i = 0; i < 15; i++)
		if (session_rate(t, "192.0.2.1", 6000, 10) != 0) {
			over++;
			if (first_over < 0)
				first_over = i;
		}
	T_EQ_INT(first_over, 10, "rate: the 11th request of a minute is the first refused (limit 10)");
	T_EQ_INT(over, 5, "rate: every request past the limit is refused");
	T_EQ_INT(session_rate(t, "192.0.2.2", 6001, 10), 0, "rate: another address is not affected");
	T_EQ_INT(session_rate(t, "192.0.2.1", 6060, 10), 0, "rate: the next minute starts afresh");
	for (i = 0; i < RATE_MAX + 5; i++) {
		char a[32];

		snprintf(a, sizeof a, "10.0.%d.%d", i / 256, i % 256);
		session_rate(t, a, 7000, 10);
	}
	T_EQ_INT(session_rate(t, "198.51.100.7", 7000, 10), 0, "rate: a full table still admits a new address");
	session_table_free(t);
}

static void test_cookie(void)
{
	char c[256], name[64];

	T_EQ_INT(session_cookie_name(ID, name, sizeof name), 0, "cookie name for a message id");
	T_EQ_INT(session_cookie_name("a;b", name, sizeof name), -1, "cookie name refuses a bad id");
	session_cookie_name(ID, name, sizeof name);
	session_cookie(c, sizeof c, name, "ab", 900, 0);
	T_OK(strstr(c, "; HttpOnly") && strstr(c, "; SameSite=Strict") && strstr(c, "Max-Age=900") &&
	     !strstr(c, "Secure"), "cookie: HttpOnly, SameSite=Strict, Max-Age; no Secure over plain HTTP");
	session_cookie(c, sizeof c, name, "ab", 900, 1);
	T_OK(strstr(c, "; Secure") != NULL, "cookie: Secure behind TLS");
	T_EQ_INT(session_cookie(c, 10, name, "ab", 900, 1), -1, "cookie: too small a buffer is an error");
}

static void test_form(void)
{
	static const struct {
		const char *name, *body, *field, *want;
		int rc;
	} rows[] = {
		{ "first field", "csrf=abc&code=123", "csrf", "abc", 1 },
		{ "second field", "csrf=abc&code=123", "code", "123", 1 },
		{ "absent", "csrf=abc", "code", "", 0 },
		{ "plus is a blank", "code=12+34", "code", "12 34", 1 },
		{ "percent escape", "code=12%2034", "code", "12 34", 1 },
		{ "a name that is a prefix does not match", "codex=1&code=2", "code", "2", 1 },
		{ "first occurrence wins", "code=1&code=2", "code", "1", 1 },
		{ "no value", "code&x=1", "code", "", 1 },
		{ "empty value", "code=", "code", "", 1 },
		{ "%00 is refused", "code=1%002", "code", "", -1 },
		{ "bad hex is refused", "code=%zz", "code", "", -1 },
		{ "truncated escape is refused", "code=12%2", "code", "", -1 },
		{ "lone percent is refused", "code=%", "code", "", -1 },
		{ "too long for the buffer", "code=0123456789abcdef0123456789abcdef", "code", "", -1 },
		{ "empty body", "", "code", "", 0 },
		{ "only separators", "&&&=&", "code", "", 0 },
	};
	size_t i;

	for (i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		char out[17] = "x", name[128];
		int rc = form_get((const unsigned char *)rows[i].body, strlen(rows[i].body), rows[i].field, out, sizeof out);

		snprintf(name, sizeof name, "form_get: %s", rows[i].name);
		if (!T_OK(rc == rows[i].rc && strcmp(out, rows[i].want) == 0, name))
			printf("#   got %d \"%s\", want %d \"%s\"\n", rc, out, rows[i].rc, rows[i].want);
	}
	{
		/* not NUL-terminated: the parser stops at len */
		char b[] = { 'c', 'o', 'd', 'e', '=', '1', '2', 'X' };
		char out[16];

		form_get((const unsigned char *)b, 7, "code", out, sizeof out);
		T_EQ_STR(out, "12", "form_get: reads only len bytes");
	}
}

static void test_escape(void)
{
	struct phi_buf b;

	phi_buf_init(&b, 0);
	page_escape(&b, "<script>\"a\" & 'b'</script>\x01", strlen("<script>\"a\" & 'b'</script>\x01"));
	phi_buf_putc(&b, 0);
	T_EQ_STR((char *)b.data, "&lt;script&gt;&quot;a&quot; &amp; &#39;b&#39;&lt;/script&gt;\xef\xbf\xbd",
	         "page_escape: markup characters and controls");
	phi_buf_free(&b);
}

static void test_msgview(void)
{
	static const char msg[] =
		"From: =?utf-8?q?J=C3=BCrgen?= <j@example.org>\r\n"
		"Subject: Results\r\n"
		"Date: Tue, 01 Dec 2026 10:00:00 +0000\r\n"
		"Content-Type: multipart/mixed; boundary=\"XX\"\r\n\r\n"
		"preamble\r\n--XX\r\n"
		"Content-Type: multipart/alternative; boundary=\"YY\"\r\n\r\n"
		"--YY\r\nContent-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
		"Gr=FC=DFe <b>bold</b>\r\n"
		"--YY\r\nContent-Type: text/html\r\n\r\n<p>html twin</p>\r\n--YY--\r\n"
		"--XX\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename=\"../../r\xc3\xa9port.pdf\"\r\n"
		"Content-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK\r\n"
		"--XX\r\nContent-Type: application/octet-stream\r\n\r\n\x01\x02\r\n"
		"--XX--\r\nepilogue\r\n";
	static const char html[] =
		"<html><head><title>T</title><style>p{}</style></head><body><script>alert(1)</script>"
		"<p>One &amp; two&nbsp;&lt;three&gt; &#x41;&#66;</p><!-- hidden --><div>Next <b>bold</b>line</div>"
		"<SCRIPT type=x>evil()</SCRIPT>tail</body></html>";
	struct msgview v;
	struct phi_buf out;

	T_EQ_INT(msgview_parse((const unsigned char *)msg, sizeof msg - 1, &v), 0, "msgview parses a nested multipart");
	T_EQ_STR(v.from, "J\xc3\xbcrgen <j@example.org>", "msgview: From decoded (RFC 2047)");
	T_EQ_STR(v.subject, "Results", "msgview: Subject");
	phi_buf_putc(&v.text, 0);
	T_EQ_STR((char *)v.text.data, "Gr\xc3\xbc\xc3\x9f" "e <b>bold</b>", "msgview: the text/plain body, QP and Latin-1 decoded");
	T_EQ_INT(v.text_from_html, 0, "msgview: the HTML twin is not used when there is plain text");
	T_EQ_INT(v.natt, 2, "msgview: two attachments (the HTML twin is not one)");
	if (v.natt >= 2) {
		T_EQ_STR(v.att[0].name, "r\xc3\xa9port.pdf", "msgview: file name without its path");
		T_OK(v.att[0].data.len == 9 && memcmp(v.att[0].data.data, "%PDF-1.4\n", 9) == 0,
		     "msgview: attachment bytes decoded from base64");
		T_EQ_STR(v.att[1].name, "attachment-2.bin", "msgview: a nameless part gets a plain name");
		T_OK(v.att[1].data.len == 2, "msgview: its bytes as they were");
	}
	msgview_free(&v);

	phi_buf_init(&out, 0);
	msgview_html_text((const unsigned char *)html, sizeof html - 1, &out);
	phi_buf_putc(&out, 0);
	T_OK(!strstr((char *)out.data, "alert") && !strstr((char *)out.data, "evil") && !strstr((char *)out.data, "p{}") &&
	     !strstr((char *)out.data, "hidden"), "html to text: script, style and comments are dropped");
	T_OK(strstr((char *)out.data, "One & two <three> AB") != NULL, "html to text: entities decoded");
	T_OK(strstr((char *)out.data, "\nNext boldline") != NULL, "html to text: a block starts a line, inline tags add nothing");
	T_OK(strstr((char *)out.data, "tail") != NULL, "html to text: text after an upper-case SCRIPT is kept");
	phi_buf_free(&out);

	T_EQ_INT(msgview_parse((const unsigned char *)"", 0, &v), 0, "msgview: an empty message");
	msgview_free(&v);
	{
		static const char unclosed[] = "Content-Type: multipart/mixed; boundary=Q\r\n\r\n--Q\r\n\r\nbody\r\n";

		T_EQ_INT(msgview_parse((const unsigned char *)unclosed, sizeof unclosed - 1, &v), 0,
		         "msgview: a multipart without its closing line");
		phi_buf_putc(&v.text, 0);
		T_OK(strstr((char *)v.text.data, "body") != NULL, "msgview: and its part is still read");
		msgview_free(&v);
	}
	{
		/* 50 nested multiparts: the depth cap stops the walk, no crash */
		struct phi_buf deep;
		int i;

		phi_buf_init(&deep, 0);
		for (i = 0; i < 50; i++) {
			char h[96];

			snprintf(h, sizeof h, "Content-Type: multipart/mixed; boundary=b%d\r\n\r\n--b%d\r\n", i, i);
			phi_buf_append(&deep, h, strlen(h));
		}
		phi_buf_append(&deep, "\r\ndeep text\r\n", 13);
		T_EQ_INT(msgview_parse(deep.data, deep.len, &v), 0, "msgview: 50 nested multiparts end at the depth cap");
		msgview_free(&v);
		phi_buf_free(&deep);
	}
}

int main(void)
{
	test_sessions();
	test_full_table();
	test_codes();
	test_stored_count();
	test_purge();
	test_rate();
	test_cookie();
	test_form();
	test_escape();
	test_msgview();
	return tap_done();
}
