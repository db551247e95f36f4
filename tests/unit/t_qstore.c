/*
 * t_qstore.c - the quarantine store and its crypto: round trip, tamper
 * detection (message and metadata), wrong key, crash-safe writes (no
 * partial entry visible), list/delete, single use, id checks, key files,
 * counters (count_get/count_set: crash-safe 0600 file, corrupt and huge
 * files, no counter left for a deleted entry), and that delete removes
 * every file of an entry (markers, counters, temporaries; the directory
 * is listed) and nothing of a neighbour whose id starts the same.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "tap.h"
#include "qstore.h"

static char dir[128];

static void writefile(const char *path, const void *p, size_t n, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);

	if (fd >= 0) {
		if (write(fd, p, n) != (ssize_t)n)
			perror("write");
		fchmod(fd, mode);
		close(fd);
	}
}

static int flip_byte(const char *path, long off)
{
	int fd = open(path, O_RDWR);
	unsigned char c;
	int ok;

	if (fd < 0)
		return -1;
	if (off < 0)
		off += lseek(fd, 0, SEEK_END);
	ok = pread(fd, &c, 1, off) == 1;
	c ^= 0x01;
	ok = ok && pwrite(fd, &c, 1, off) == 1;
	close(fd);
	return ok ? 0 : -1;
}

static int count_cb(const struct qstore_meta *m, void *arg)
{
	(void)m;
	(*(int *)arg)++;
	return 0;
}

/* Files in store directory d whose name has id followed by '.' (with or
 * without the ".tmp-" prefix); their names joined into out. */
static int files_of(const char *d, const char *id, char *out, size_t len)
{
	DIR *dd = opendir(d);
	struct dirent *e;
	size_t l = strlen(id);
	int n = 0;

	out[0] = 0;
	if (!dd)
		return -1;
	while ((e = readdir(dd)) != NULL) {
		const char *nm = strncmp(e->d_name, ".tmp-", 5) == 0 ? e->d_name + 5 : e->d_name;

		if (strncmp(nm, id, l) == 0 && nm[l] == '.') {
			n++;
			if (strlen(out) + strlen(e->d_name) + 2 < len) {
				strcat(out, e->d_name);
				strcat(out, " ");
			}
		}
	}
	closedir(dd);
	return n;
}

static void make_item(struct qstore_item *it, const char *id, const unsigned char *msg, size_t len)
{
	static char *rcpts[] = { "bob@outside.example", "carol@example.org" };

	memset(it, 0, sizeof *it);
	snprintf(it->meta.id, sizeof it->meta.id, "%s", id);
	it->meta.time = 1764600000;
	snprintf(it->meta.rule, sizeof it->meta.rule, "default.external.phi");
	snprintf(it->meta.action, sizeof it->meta.action, "quarantine");
	snprintf(it->meta.types, sizeof it->meta.types, "us_ssn:1");
	snprintf(it->meta.sender_domain, sizeof it->meta.sender_domain, "example.org");
	it->meta.nrcpt = 2;
	it->meta.size = len;
	it->sender = "alice@example.org";
	it->subject = "Patient follow-up";
	it->rcpts = rcpts;
	it->nrcpt = 2;
	it->msg = (unsigned char *)msg;
	it->msglen = len;
}

int main(void)
{
	unsigned char key[QCRYPT_KEY_LEN], key2[QCRYPT_KEY_LEN], got[QCRYPT_KEY_LEN];
	static const unsigned char msg[] = "Subject: Patient follow-up\r\n\r\nSSN 371-42-8195 diabetes\r\n";
	struct qstore_item it, out;
	struct qstore *q, *q2;
	char why[1024], path[512], id[QSTORE_ID_MAX], id2[QSTORE_ID_MAX];
	unsigned char *s1 = NULL, *s2 = NULL;
	size_t l1 = 0, l2 = 0;
	int n, rc;

	memset(key, 0x11, sizeof key);
	memset(key2, 0x22, sizeof key2);
	snprintf(dir, sizeof dir, "%s/t_qstore.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(dir))
		return 1;
	snprintf(path, sizeof path, "%s/q", dir);

	/* crypto */
	T_OK(qcrypt_seal(key, (const unsigned char *)"a", 1, msg, sizeof msg, &s1, &l1) == 0 &&
	     qcrypt_seal(key, (const unsigned char *)"a", 1, msg, sizeof msg, &s2, &l2) == 0,
	     "seal works twice");
	T_OK(l1 == sizeof msg + QCRYPT_OVERHEAD && s1[0] == QCRYPT_VERSION, "sealed layout: version, nonce, ct, tag");
	T_OK(memcmp(s1 + 1, s2 + 1, QCRYPT_NONCE_LEN) != 0, "each seal has a fresh nonce");
	{
		unsigned char *pt;
		size_t pl;

		T_OK(qcrypt_open(key, (const unsigned char *)"a", 1, s1, l1, &pt, &pl) == 0 && pl == sizeof msg &&
		     memcmp(pt, msg, pl) == 0, "open returns the plaintext");
		free(pt);
		T_OK(qcrypt_open(key, (const unsigned char *)"b", 1, s1, l1, &pt, &pl) != 0 && !pt,
		     "open refuses other AAD");
		s1[l1 - 1] ^= 1;
		T_OK(qcrypt_open(key, (const unsigned char *)"a", 1, s1, l1, &pt, &pl) != 0 && !pt,
		     "open refuses a flipped tag byte");
		s1[l1 - 1] ^= 1;
		s1[QCRYPT_NONCE_LEN + 3] ^= 1;
		T_OK(qcrypt_open(key, (const unsigned char *)"a", 1, s1, l1, &pt, &pl) != 0 && !pt,
		     "open refuses a flipped ciphertext byte");
		T_OK(qcrypt_open(key2, (const unsigned char *)"a", 1, s2, l2, &pt, &pl) != 0 && !pt,
		     "open refuses another key");
	}
	free(s1);
	free(s2);

	/* store */
	q = qstore_dir_open(path, key, why, sizeof why);
	T_OK(q != NULL, "store opens (creating the directory)");
	if (!q)
		return tap_done();
	n = 0;
	T_EQ_INT(q->ops->list(q, count_cb, &n), 0, "an empty store lists nothing");
	{
		struct stat st;

		T_OK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0700, "store directory is mode 0700");
	}
	T_OK(qstore_new_id(id) == 0 && qstore_id_ok(id), "new id is valid");
	T_OK(qstore_new_id(id2) == 0 && strcmp(id, id2) != 0, "two new ids differ");
	make_item(&it, id, msg, sizeof msg - 1);
	T_EQ_INT(q->ops->put(q, &it), 0, "put stores an entry");
	rc = q->ops->get(q, id, 1, &out);
	T_EQ_INT(rc, 0, "get reads it back");
	if (rc == 0) {
		T_OK(out.msglen == sizeof msg - 1 && memcmp(out.msg, msg, out.msglen) == 0, "round trip: message byte-exact");
		T_EQ_STR(out.sender, "alice@example.org", "round trip: sender");
		T_EQ_STR(out.subject, "Patient follow-up", "round trip: subject");
		T_OK(out.nrcpt == 2 && strcmp(out.rcpts[1], "carol@example.org") == 0, "round trip: recipients");
		T_EQ_STR(out.meta.rule, "default.external.phi", "round trip: rule");
		T_EQ_STR(out.meta.types, "us_ssn:1", "round trip: types");
		qstore_item_free(&out);
	}
	{
		/* nothing identifying on disk in the clear */
		unsigned char buf[8192];
		int fd;
		ssize_t r;

		snprintf(why, sizeof why, "%s/%s.meta", path, id);
		fd = open(why, O_RDONLY);
		r = fd >= 0 ? read(fd, buf, sizeof buf - 1) : -1;
		if (fd >= 0)
			close(fd);
		buf[r > 0 ? r : 0] = 0;
		T_OK(r > 0 && !strstr((char *)buf, "alice@") && !strstr((char *)buf, "bob@") &&
		     !strstr((char *)buf, "Patient"), "metadata file holds no sender, recipient or subject in clear");
		snprintf(why, sizeof why, "%s/%s.msg", path, id);
		fd = open(why, O_RDONLY);
		r = fd >= 0 ? read(fd, buf, sizeof buf) : -1;
		if (fd >= 0)
			close(fd);
		T_OK(r > 0 && !memmem(buf, (size_t)r, "371-42", 6), "message file holds no plaintext");
	}

	/* tamper: a byte of the message file */
	snprintf(why, sizeof why, "%s/%s.msg", path, id);
	flip_byte(why, 20);
	T_OK(q->ops->get(q, id, 1, &out) != 0 && !out.msg, "a flipped byte in the message file is refused");
	flip_byte(why, 20);
	T_OK(q->ops->get(q, id, 1, &out) == 0, "restored file reads again");
	qstore_item_free(&out);
	/* tamper: the public metadata (rule changed) */
	snprintf(why, sizeof why, "%s/%s.meta", path, id);
	{
		FILE *f = fopen(why, "r+");
		char text[8192];
		size_t len = f ? fread(text, 1, sizeof text - 1, f) : 0;
		char *r;

		text[len] = 0;
		if ((r = strstr(text, "rule=default")))
			r[5] = 'D';
		if (f) {
			rewind(f);
			fwrite(text, 1, len, f);
			fclose(f);
		}
		T_OK(q->ops->get(q, id, 1, &out) != 0, "edited metadata (rule) is refused");
		if (r)
			r[5] = 'd';
		writefile(why, text, len, 0600);
	}
	/* wrong key */
	q2 = qstore_dir_open(path, key2, why, sizeof why);
	T_OK(q2 && q2->ops->get(q2, id, 1, &out) != 0 && !out.msg, "another key is refused");
	qstore_close(q2);

	/* crash safety: leftovers of a crash are not entries */
	snprintf(why, sizeof why, "%s/.tmp-%s.meta", path, id2);
	writefile(why, "phimilter-quarantine 1\nid=", 26, 0600);
	snprintf(why, sizeof why, "%s/%s.msg", path, id2);
	writefile(why, "partial", 7, 0600);
	n = 0;
	T_EQ_INT(q->ops->list(q, count_cb, &n), 1, "list sees only the whole entry (temporary and orphan ignored)");
	T_OK(q->ops->get(q, id2, 1, &out) != 0, "an orphan message without metadata cannot be read");
	T_EQ_INT(q->ops->del(q, id2), 0, "del removes an orphan message");
	{
		/* a second put after a crash left a temporary of the same name */
		struct qstore_item it2;

		snprintf(why, sizeof why, "%s/.tmp-%s.msg", path, id2);
		writefile(why, "junk", 4, 0600);
		make_item(&it2, id2, msg, 5);
		T_EQ_INT(q->ops->put(q, &it2), 0, "put succeeds over a crash leftover");
		n = 0;
		q->ops->list(q, count_cb, &n);
		T_EQ_INT(n, 2, "list sees both entries");
	}

	/* single use */
	T_EQ_INT(q->ops->is_used(q, id, "release"), 0, "not used yet");
	T_EQ_INT(q->ops->mark_used(q, id, "release"), 0, "mark used the first time");
	T_EQ_INT(q->ops->mark_used(q, id, "release"), 1, "mark used again says already used");
	T_EQ_INT(q->ops->is_used(q, id, "release"), 1, "is used");

	/* ids */
	T_OK(!qstore_id_ok("../etc/passwd") && !qstore_id_ok("a/b") && !qstore_id_ok("") && !qstore_id_ok("a.b"),
	     "ids with / . or empty are refused");
	T_OK(q->ops->get(q, "../q", 0, &out) != 0, "get refuses a path as id");

	/* counters */
	{
		unsigned v = 99;
		struct stat st;
		char f[600], names[1024];

		T_EQ_INT(q->ops->count_get(q, id, "wrong-0", &v), 0, "count_get: no counter yet is 0");
		T_EQ_INT(v, 0, "and its value is 0");
		T_EQ_INT(q->ops->count_set(q, id, "wrong-0", 2), 0, "count_set stores 2");
		T_OK(q->ops->count_get(q, id, "wrong-0", &v) == 0 && v == 2, "count_get reads 2 back");
		snprintf(f, sizeof f, "%s/%s.count-wrong-0", path, id);
		T_OK(stat(f, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 0777) == 0600 && st.st_size == 2,
		     "the counter is ID.count-wrong-0, mode 0600, holding \"2\\n\"");
		T_OK(q->ops->count_set(q, id, "../x", 1) != 0 && q->ops->count_set(q, "a/b", "wrong-0", 1) != 0,
		     "count_set refuses a path as id or name");
		writefile(f, "12x\n", 4, 0600);
		T_EQ_INT(q->ops->count_get(q, id, "wrong-0", &v), -2, "a counter that is not a number is corrupt (-2)");
		writefile(f, "", 0, 0600);
		T_EQ_INT(q->ops->count_get(q, id, "wrong-0", &v), -2, "an empty counter is corrupt");
		writefile(f, "99999999999\n", 12, 0600);
		T_EQ_INT(q->ops->count_get(q, id, "wrong-0", &v), -2, "a number past QSTORE_COUNT_MAX is corrupt");
		writefile(f, "00000000000000000000000000000001\n", 33, 0600);
		T_EQ_INT(q->ops->count_get(q, id, "wrong-0", &v), -2, "a counter over QSTORE_COUNT_FILE_MAX bytes is corrupt");
		T_EQ_INT(q->ops->count_set(q, id, "wrong-0", 0), 0, "count_set 0 removes the counter");
		T_OK(stat(f, &st) != 0, "and the file is gone");
		snprintf(f, sizeof f, "%s/%s.count-wrong-1", path, id);
		if (symlink("/etc/passwd", f) == 0)
			T_EQ_INT(q->ops->count_get(q, id, "wrong-1", &v), -2, "a symbolic link as counter is corrupt");
		unlink(f);
		T_OK(q->ops->count_set(q, "20260101000000-ffffffffffffffff", "wrong-0", 1) != 0 &&
		     files_of(path, "20260101000000-ffffffffffffffff", names, sizeof names) == 0,
		     "count_set for an entry that is not there fails and leaves no file");
	}

	/* delete removes every file of the entry, and nothing of another */
	{
		char nb[QSTORE_ID_MAX], f[600], names[1024];
		struct qstore_item it3;

		snprintf(nb, sizeof nb, "%.*s-x", QSTORE_ID_MAX - 3, id); /* a neighbour whose id begins with id */
		make_item(&it3, nb, msg, 5);
		T_EQ_INT(q->ops->put(q, &it3), 0, "a neighbour entry whose id begins with the other id");
		q->ops->mark_used(q, nb, "lock-0");
		q->ops->mark_used(q, id, "lock-0");
		q->ops->mark_used(q, id, "opened-1");
		q->ops->mark_used(q, id, "revoked");
		q->ops->count_set(q, id, "wrong-0", 1);
		q->ops->count_set(q, id, "wrong-1", 3);
		snprintf(f, sizeof f, "%s/.tmp-%s.count-wrong-0", path, id);
		writefile(f, "1\n", 2, 0600);
		T_EQ_INT(files_of(path, id, names, sizeof names), 9, "before delete: meta, msg, 4 markers, 2 counters, 1 temporary");
		T_EQ_INT(q->ops->del(q, id), 0, "delete removes the entry");
		T_EQ_INT(files_of(path, id, names, sizeof names), 0, "after delete no file of the entry is left");
		if (names[0])
			printf("#   left: %s\n", names);
		T_EQ_INT(files_of(path, nb, names, sizeof names), 3, "the neighbour keeps its meta, msg and marker");
		T_EQ_INT(q->ops->del(q, nb), 0, "the neighbour is deleted too");
		T_EQ_INT(files_of(path, nb, names, sizeof names), 0, "and none of its files is left");
		snprintf(f, sizeof f, "%s/%s.used-lock-0", path, id);
		writefile(f, "", 0, 0600);
		T_OK(q->ops->del(q, id) != 0 && files_of(path, id, names, sizeof names) == 0,
		     "delete of a gone entry says so, and still removes a leftover marker");
		q->ops->put(q, &it);
	}
	T_EQ_INT(q->ops->del(q, id), 0, "delete removes the entry again");
	n = 0;
	q->ops->list(q, count_cb, &n);
	T_EQ_INT(n, 1, "list after delete");
	T_OK(q->ops->get(q, id, 0, &out) != 0, "a deleted entry cannot be read");
	T_OK(q->ops->del(q, id) != 0, "deleting twice fails");
	qstore_close(q);

	/* a store directory others can read is refused */
	chmod(path, 0755);
	T_OK(qstore_dir_open(path, key, why, sizeof why) == NULL, "a store directory with mode 0755 is refused");
	chmod(path, 0700);

	/* key files */
	snprintf(path, sizeof path, "%s/key", dir);
	writefile(path, key, sizeof key, 0600);
	T_OK(qcrypt_load_key(path, got, why, sizeof why) == 0 && memcmp(got, key, sizeof key) == 0,
	     "a 32-byte 0600 key file loads");
	chmod(path, 0640);
	T_OK(qcrypt_load_key(path, got, why, sizeof why) != 0 && strstr(why, "chmod 600"),
	     "a key file readable by the group is refused");
	chmod(path, 0600);
	writefile(path, key, 31, 0600);
	T_OK(qcrypt_load_key(path, got, why, sizeof why) != 0, "a key file of 31 bytes is refused");
	writefile(path, key, sizeof key, 0600);
	snprintf(why, sizeof why, "%s/keylink", dir);
	if (symlink(path, why) == 0) {
		char w2[256];

		T_OK(qcrypt_load_key(why, got, w2, sizeof w2) != 0 && strstr(w2, "symbolic"), "a symlinked key file is refused");
	}
	T_OK(qcrypt_load_key("/nonexistent/key", got, why, sizeof why) != 0, "a missing key file is refused");
	{
		char cmd[600];

		snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
		if (system(cmd) != 0)
			fprintf(stderr, "cleanup failed\n");
	}
	return tap_done();
}
