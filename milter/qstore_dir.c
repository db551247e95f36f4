/*
 * qstore_dir.c - the local-directory backend of the quarantine store
 * (qstore.h).
 *
 * One entry is two files: ID.msg (the sealed message) and ID.meta (public
 * key=value lines, then "sealed=" with the hex of the sealed sender,
 * recipients and subject). Both are written crash-safely: a temporary
 * ".tmp-" name (O_EXCL, 0600), write, fsync, rename, and an fsync of the
 * directory (OpenSMTPD queue_fs.c). ID.meta is renamed last, and only
 * names ending ".meta" are entries, so a crash at any point leaves either
 * a whole entry or none visible (leftover temporaries and orphan .msg
 * files are ignored, and removed by del). Markers ID.used-WHAT are made
 * with O_EXCL, so "mark used" is atomic across processes. Counters
 * ID.count-WHAT hold one decimal number, written like the entry (temporary
 * name, fsync, rename, 0600). Every file of an entry is named "ID." or
 * ".tmp-ID." and more (ids have no dot), and del removes them all.
 * Files are opened relative to the directory descriptor, without
 * following links. Never logs.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "qstore.h"

#define META_MAX (64 * 1024 + 2 * QCRYPT_OVERHEAD) /* public lines + sealed hex */
#define SEALED_MAX (32 * 1024)                     /* sender, recipients, subject */

struct qdir {
	int dfd;
};

static int why(struct qstore *q, const char *fmt, const char *a)
{
	snprintf(q->why, sizeof q->why, fmt, a ? a : "", strerror(errno));
	return -1;
}

int qstore_id_ok(const char *id)
{
	size_t i;

	if (!id || !*id)
		return 0;
	for (i = 0; id[i]; i++) {
		char c = id[i];

		if (i + 1 >= QSTORE_ID_MAX)
			return 0;
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-'))
			return 0;
	}
	return 1;
}

int qstore_new_id(char out[QSTORE_ID_MAX])
{
	unsigned char r[8];
	struct tm tm;
	time_t t = time(NULL);
	size_t n;

	if (qcrypt_random(r, sizeof r) != 0 || !gmtime_r(&t, &tm))
		return -1;
	n = strftime(out, QSTORE_ID_MAX - 18, "%Y%m%d%H%M%S-", &tm);
	if (n == 0)
		return -1;
	qcrypt_hex(r, sizeof r, out + n); /* 16 digits and the NUL */
	return 0;
}

void qstore_item_free(struct qstore_item *it)
{
	size_t i;

	if (!it)
		return;
	if (it->sender) {
		qcrypt_wipe(it->sender, strlen(it->sender));
		free(it->sender);
	}
	if (it->subject) {
		qcrypt_wipe(it->subject, strlen(it->subject));
		free(it->subject);
	}
	for (i = 0; it->rcpts && i < it->nrcpt; i++) {
		qcrypt_wipe(it->rcpts[i], strlen(it->rcpts[i]));
		free(it->rcpts[i]);
	}
	free(it->rcpts);
	if (it->msg) {
		qcrypt_wipe(it->msg, it->msglen);
		free(it->msg);
	}
	it->sender = it->subject = NULL;
	it->rcpts = NULL;
	it->nrcpt = 0;
	it->msg = NULL;
	it->msglen = 0;
}

/* Append to a growable string; 0 or -1. */
struct sb {
	char *p;
	size_t len, cap;
};

static int sb_add(struct sb *b, const char *s, size_t n)
{
	if (n > SIZE_MAX / 2 - b->len - 1)
		return -1;
	if (b->len + n + 1 > b->cap) {
		size_t nc = (b->len + n + 1) * 2;
		char *np = realloc(b->p, nc);

		if (!np)
			return -1;
		b->p = np;
		b->cap = nc;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = 0;
	return 0;
}

/* "key=value\n" with CR, LF and NUL in the value made spaces. */
static int sb_kv(struct sb *b, const char *k, const char *v)
{
	size_t i, n = strlen(v ? v : "");
	int rc = sb_add(b, k, strlen(k)) | sb_add(b, "=", 1);

	for (i = 0; rc == 0 && i < n; i++) {
		char c = v[i] == '\r' || v[i] == '\n' ? ' ' : v[i];

		rc = sb_add(b, &c, 1);
	}
	return rc | sb_add(b, "\n", 1);
}

static void sb_wipe(struct sb *b)
{
	if (b->p) {
		qcrypt_wipe(b->p, b->cap);
		free(b->p);
	}
	b->p = NULL;
	b->len = b->cap = 0;
}

static int public_text(const struct qstore_meta *m, struct sb *b)
{
	char num[64];
	int rc = sb_add(b, "phimilter-quarantine 1\n", 23);

	rc |= sb_kv(b, "id", m->id);
	snprintf(num, sizeof num, "%lld", m->time);
	rc |= sb_kv(b, "time", num);
	snprintf(num, sizeof num, "%lld", m->expires);
	rc |= sb_kv(b, "expires", num);
	rc |= sb_kv(b, "queue_id", m->queue_id);
	rc |= sb_kv(b, "incident", m->incident);
	rc |= sb_kv(b, "rule", m->rule);
	rc |= sb_kv(b, "action", m->action);
	rc |= sb_kv(b, "types", m->types);
	rc |= sb_kv(b, "sender_domain", m->sender_domain);
	snprintf(num, sizeof num, "%u", m->nrcpt);
	rc |= sb_kv(b, "nrcpt", num);
	snprintf(num, sizeof num, "%zu", m->size);
	rc |= sb_kv(b, "size", num);
	return rc ? -1 : 0;
}

/* AAD: a label, then the public text (which begins with the id). */
static int aad(const char *label, const struct sb *pub, struct sb *out)
{
	return sb_add(out, label, strlen(label)) | sb_add(out, pub->p, pub->len) ? -1 : 0;
}

static int write_all(int fd, const void *p, size_t n)
{
	const char *c = p;

	while (n) {
		ssize_t w = write(fd, c, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		c += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Temporary name, write, fsync, rename. */
static int write_atomic(struct qstore *q, int dfd, const char *name, const void *p, size_t n)
{
	char tmp[2 * QSTORE_ID_MAX + 32];
	int fd, e;

	snprintf(tmp, sizeof tmp, ".tmp-%s", name);
	unlinkat(dfd, tmp, 0); /* a leftover of a crash */
	fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return why(q, "create %s: %s", name);
	if (write_all(fd, p, n) != 0 || fsync(fd) != 0) {
		e = errno;
		close(fd);
		unlinkat(dfd, tmp, 0);
		errno = e;
		return why(q, "write %s: %s", name);
	}
	if (close(fd) != 0 || renameat(dfd, tmp, dfd, name) != 0) {
		e = errno;
		unlinkat(dfd, tmp, 0);
		errno = e;
		return why(q, "rename %s: %s", name);
	}
	return 0;
}

static int dir_put(struct qstore *q, const struct qstore_item *it)
{
	struct qdir *d = q->impl;
	struct sb pub = { 0 }, priv = { 0 }, a1 = { 0 }, a2 = { 0 }, meta = { 0 };
	unsigned char *sealed = NULL, *smsg = NULL;
	size_t slen = 0, mlen = 0, i;
	char name[QSTORE_ID_MAX + 16], *hex = NULL;
	int rc = -1;

	if (!qstore_id_ok(it->meta.id)) {
		snprintf(q->why, sizeof q->why, "bad id");
		return -1;
	}
	if (public_text(&it->meta, &pub) || sb_kv(&priv, "sender", it->sender ? it->sender : "") ||
	    sb_kv(&priv, "subject", it->subject ? it->subject : ""))
		goto nomem;
	for (i = 0; i < it->nrcpt; i++)
		if (sb_kv(&priv, "rcpt", it->rcpts[i]))
			goto nomem;
	if (priv.len > SEALED_MAX) {
		snprintf(q->why, sizeof q->why, "too many or too long recipients");
		goto out;
	}
	if (aad("meta\n", &pub, &a1) || aad("msg\n", &pub, &a2))
		goto nomem;
	if (qcrypt_seal(q->key, (unsigned char *)a1.p, a1.len, (unsigned char *)priv.p, priv.len, &sealed,
	                &slen) != 0 ||
	    qcrypt_seal(q->key, (unsigned char *)a2.p, a2.len, it->msg, it->msglen, &smsg, &mlen) != 0) {
		snprintf(q->why, sizeof q->why, "encryption failed");
		goto out;
	}
	if (!(hex = malloc(2 * slen + 1)))
		goto nomem;
	qcrypt_hex(sealed, slen, hex);
	if (sb_add(&meta, pub.p, pub.len) || sb_kv(&meta, "sealed", hex))
		goto nomem;
	snprintf(name, sizeof name, "%s.msg", it->meta.id);
	if (write_atomic(q, d->dfd, name, smsg, mlen) != 0)
		goto out;
	snprintf(name, sizeof name, "%s.meta", it->meta.id);
	if (write_atomic(q, d->dfd, name, meta.p, meta.len) != 0) {
		snprintf(name, sizeof name, "%s.msg", it->meta.id);
		unlinkat(d->dfd, name, 0);
		goto out;
	}
	if (fsync(d->dfd) != 0) {
		why(q, "fsync of the directory%s: %s", NULL);
		goto out;
	}
	rc = 0;
	goto out;
nomem:
	snprintf(q->why, sizeof q->why, "out of memory");
out:
	sb_wipe(&pub);
	sb_wipe(&priv);
	sb_wipe(&a1);
	sb_wipe(&a2);
	sb_wipe(&meta);
	free(sealed);
	free(smsg);
	free(hex);
	return rc;
}

/* Read a whole file below the directory (at most max bytes). */
static int read_at(struct qstore *q, int dfd, const char *name, size_t max, unsigned char **out,
                   size_t *len)
{
	struct stat st;
	unsigned char *p;
	size_t got = 0;
	int fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);

	*out = NULL;
	*len = 0;
	if (fd < 0)
		return why(q, "%s: %s", name);
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || (size_t)st.st_size > max) {
		close(fd);
		snprintf(q->why, sizeof q->why, "%s: not a regular file or too big", name);
		return -1;
	}
	if (!(p = malloc((size_t)st.st_size + 1))) {
		close(fd);
		snprintf(q->why, sizeof q->why, "out of memory");
		return -1;
	}
	while (got < (size_t)st.st_size) {
		ssize_t r = read(fd, p + got, (size_t)st.st_size - got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	close(fd);
	if (got != (size_t)st.st_size) {
		free(p);
		snprintf(q->why, sizeof q->why, "%s: short read", name);
		return -1;
	}
	p[got] = 0;
	*out = p;
	*len = got;
	return 0;
}

static const char *kv(const char *text, const char *key, size_t *vlen)
{
	size_t kl = strlen(key);
	const char *s = text;

	while (s && *s) {
		const char *e = strchr(s, '\n');

		if (!e)
			e = s + strlen(s);
		if ((size_t)(e - s) > kl && strncmp(s, key, kl) == 0 && s[kl] == '=') {
			*vlen = (size_t)(e - s) - kl - 1;
			return s + kl + 1;
		}
		s = *e ? e + 1 : NULL;
	}
	return NULL;
}

static void kv_copy(const char *text, const char *key, char *out, size_t outlen)
{
	size_t n = 0;
	const char *v = kv(text, key, &n);

	if (!v)
		n = 0;
	if (n >= outlen)
		n = outlen - 1;
	memcpy(out, v ? v : "", n);
	out[n] = 0;
}

static long long kv_num(const char *text, const char *key)
{
	char b[32];

	kv_copy(text, key, b, sizeof b);
	return strtoll(b, NULL, 10);
}

/* Parse the public part of a .meta text into m; -1 when malformed. */
static int parse_public(const char *text, struct qstore_meta *m)
{
	memset(m, 0, sizeof *m);
	if (strncmp(text, "phimilter-quarantine 1\n", 23) != 0)
		return -1;
	kv_copy(text, "id", m->id, sizeof m->id);
	m->time = kv_num(text, "time");
	m->expires = kv_num(text, "expires");
	kv_copy(text, "queue_id", m->queue_id, sizeof m->queue_id);
	kv_copy(text, "incident", m->incident, sizeof m->incident);
	kv_copy(text, "rule", m->rule, sizeof m->rule);
	kv_copy(text, "action", m->action, sizeof m->action);
	kv_copy(text, "types", m->types, sizeof m->types);
	kv_copy(text, "sender_domain", m->sender_domain, sizeof m->sender_domain);
	m->nrcpt = (unsigned)kv_num(text, "nrcpt");
	m->size = (size_t)kv_num(text, "size");
	return qstore_id_ok(m->id) ? 0 : -1;
}

static char *dup_n(const char *s, size_t n)
{
	char *d = malloc(n + 1);

	if (d) {
		memcpy(d, s, n);
		d[n] = 0;
	}
	return d;
}

/* The sealed fields: sender=, subject=, rcpt= lines. */
static int parse_private(const char *t, struct qstore_item *out)
{
	const char *s = t;

	while (*s) {
		const char *e = strchr(s, '\n'), *eq;

		if (!e)
			e = s + strlen(s);
		eq = memchr(s, '=', (size_t)(e - s));
		if (eq) {
			char *v = dup_n(eq + 1, (size_t)(e - eq - 1));
			size_t kl = (size_t)(eq - s);

			if (!v)
				return -1;
			if (kl == 6 && strncmp(s, "sender", 6) == 0 && !out->sender)
				out->sender = v;
			else if (kl == 7 && strncmp(s, "subject", 7) == 0 && !out->subject)
				out->subject = v;
			else if (kl == 4 && strncmp(s, "rcpt", 4) == 0) {
				char **nv = realloc(out->rcpts, (out->nrcpt + 1) * sizeof *nv);

				if (!nv) {
					free(v);
					return -1;
				}
				out->rcpts = nv;
				out->rcpts[out->nrcpt++] = v;
			} else
				free(v);
		}
		s = *e ? e + 1 : e;
	}
	return out->sender && out->subject ? 0 : -1;
}

static int dir_get(struct qstore *q, const char *id, int want_msg, struct qstore_item *out)
{
	struct qdir *d = q->impl;
	struct sb pub = { 0 }, a = { 0 };
	unsigned char *meta = NULL, *sealed = NULL, *pt = NULL, *smsg = NULL;
	size_t mlen, slen, ptlen, hl, smlen;
	const char *hex, *sp;
	char name[QSTORE_ID_MAX + 16];
	int rc = -1;

	memset(out, 0, sizeof *out);
	if (!qstore_id_ok(id)) {
		snprintf(q->why, sizeof q->why, "bad id");
		return -1;
	}
	snprintf(name, sizeof name, "%s.meta", id);
	if (read_at(q, d->dfd, name, META_MAX, &meta, &mlen) != 0)
		return -1;
	if (parse_public((char *)meta, &out->meta) != 0 || strcmp(out->meta.id, id) != 0 ||
	    !(hex = kv((char *)meta, "sealed", &hl)) || !(sp = strstr((char *)meta, "\nsealed="))) {
		snprintf(q->why, sizeof q->why, "%s: malformed metadata", name);
		goto out;
	}
	/* The AAD is the public text exactly as stored (up to "sealed="):
	 * an edited field fails the tag check below. */
	if (sb_add(&pub, (char *)meta, (size_t)(sp - (char *)meta) + 1) || aad("meta\n", &pub, &a) ||
	    !(sealed = malloc(hl / 2 + 1)))
		goto nomem;
	slen = hl / 2;
	if (qcrypt_unhex(hex, hl, sealed, slen) != 0 ||
	    qcrypt_open(q->key, (unsigned char *)a.p, a.len, sealed, slen, &pt, &ptlen) != 0) {
		snprintf(q->why, sizeof q->why, "%s: metadata fails the integrity check (tampered, or another key)", id);
		goto out;
	}
	if (parse_private((char *)pt, out) != 0) {
		snprintf(q->why, sizeof q->why, "%s: malformed sealed metadata", id);
		goto out;
	}
	if (want_msg) {
		sb_wipe(&a);
		snprintf(name, sizeof name, "%s.msg", id);
		if (read_at(q, d->dfd, name, (size_t)1 << 33, &smsg, &smlen) != 0)
			goto out;
		if (aad("msg\n", &pub, &a))
			goto nomem;
		if (qcrypt_open(q->key, (unsigned char *)a.p, a.len, smsg, smlen, &out->msg, &out->msglen) != 0) {
			snprintf(q->why, sizeof q->why, "%s: message fails the integrity check (tampered, or another key)", id);
			goto out;
		}
	}
	rc = 0;
	goto out;
nomem:
	snprintf(q->why, sizeof q->why, "out of memory");
out:
	if (rc != 0)
		qstore_item_free(out);
	if (pt) {
		qcrypt_wipe(pt, ptlen);
		free(pt);
	}
	sb_wipe(&pub);
	sb_wipe(&a);
	free(meta);
	free(sealed);
	free(smsg);
	return rc;
}

static int cmp_meta(const void *a, const void *b)
{
	const struct qstore_meta *x = a, *y = b;

	if (x->time != y->time)
		return x->time < y->time ? -1 : 1;
	return strcmp(x->id, y->id);
}

static int dir_list(struct qstore *q, int (*cb)(const struct qstore_meta *, void *), void *arg)
{
	struct qdir *d = q->impl;
	struct qstore_meta *v = NULL;
	size_t n = 0, cap = 0, i;
	struct dirent *e;
	DIR *dir;
	int fd = dup(d->dfd);

	if (fd < 0 || !(dir = fdopendir(fd))) {
		if (fd >= 0)
			close(fd);
		return why(q, "list%s: %s", NULL);
	}
	rewinddir(dir);
	while ((e = readdir(dir)) != NULL) {
		size_t l = strlen(e->d_name);
		unsigned char *text;
		size_t tl;

		if (e->d_name[0] == '.' || l < 6 || strcmp(e->d_name + l - 5, ".meta") != 0)
			continue;
		if (read_at(q, d->dfd, e->d_name, META_MAX, &text, &tl) != 0)
			continue;
		if (n == cap) {
			size_t nc = cap ? cap * 2 : 64;
			struct qstore_meta *nv = realloc(v, nc * sizeof *nv);

			if (!nv) {
				free(text);
				break;
			}
			v = nv;
			cap = nc;
		}
		if (parse_public((char *)text, &v[n]) == 0 && strlen(v[n].id) + 5 == l &&
		    strncmp(v[n].id, e->d_name, l - 5) == 0)
			n++;
		free(text);
	}
	closedir(dir);
	if (n) /* v is NULL when the store is empty */
		qsort(v, n, sizeof *v, cmp_meta);
	for (i = 0; i < n; i++)
		if (cb(&v[i], arg))
			break;
	free(v);
	return (int)n;
}

/* Is name a file of entry id: "ID." or ".tmp-ID." followed by more? */
static int entry_file(const char *name, const char *id, size_t idlen)
{
	if (strncmp(name, ".tmp-", 5) == 0)
		name += 5;
	return strncmp(name, id, idlen) == 0 && name[idlen] == '.' && name[idlen + 1];
}

static int dir_del(struct qstore *q, const char *id)
{
	struct qdir *d = q->impl;
	char name[QSTORE_ID_MAX + 32];
	size_t idlen;
	struct dirent *e;
	DIR *dir;
	int rc, fd;

	if (!qstore_id_ok(id)) {
		snprintf(q->why, sizeof q->why, "bad id");
		return -1;
	}
	/* .meta first: the entry is gone for every reader at once */
	snprintf(name, sizeof name, "%s.meta", id);
	rc = unlinkat(d->dfd, name, 0);
	if (rc != 0)
		why(q, "%s: %s", name);
	snprintf(name, sizeof name, "%s.msg", id);
	if (unlinkat(d->dfd, name, 0) == 0 && rc != 0)
		rc = 0; /* an orphan message left by a crash */
	/* then everything else of it: ID.used-*, ID.count-*, temporaries */
	idlen = strlen(id);
	if ((fd = dup(d->dfd)) >= 0 && (dir = fdopendir(fd)) != NULL) {
		rewinddir(dir);
		while ((e = readdir(dir)) != NULL)
			if (entry_file(e->d_name, id, idlen))
				unlinkat(d->dfd, e->d_name, 0);
		closedir(dir);
	} else if (fd >= 0)
		close(fd);
	fsync(d->dfd);
	return rc == 0 ? 0 : -1;
}

static int marker(struct qstore *q, const char *id, const char *what, char *name, size_t len)
{
	if (!qstore_id_ok(id) || !qstore_id_ok(what)) {
		snprintf(q->why, sizeof q->why, "bad id");
		return -1;
	}
	snprintf(name, len, "%s.used-%s", id, what);
	return 0;
}

static int dir_mark_used(struct qstore *q, const char *id, const char *what)
{
	struct qdir *d = q->impl;
	char name[2 * QSTORE_ID_MAX + 16];
	int fd;

	if (marker(q, id, what, name, sizeof name) != 0)
		return -1;
	fd = openat(d->dfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		if (errno == EEXIST)
			return 1;
		return why(q, "%s: %s", name);
	}
	if (fsync(fd) != 0 || close(fd) != 0 || fsync(d->dfd) != 0)
		return why(q, "%s: %s", name);
	return 0;
}

static int dir_is_used(struct qstore *q, const char *id, const char *what)
{
	struct qdir *d = q->impl;
	char name[2 * QSTORE_ID_MAX + 16];
	struct stat st;

	if (marker(q, id, what, name, sizeof name) != 0)
		return -1;
	if (fstatat(d->dfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0)
		return 1;
	return errno == ENOENT ? 0 : why(q, "%s: %s", name);
}

static int counter(struct qstore *q, const char *id, const char *what, char *name, size_t len)
{
	if (!qstore_id_ok(id) || !qstore_id_ok(what)) {
		snprintf(q->why, sizeof q->why, "bad id");
		return -1;
	}
	snprintf(name, len, "%s.count-%s", id, what);
	return 0;
}

static int dir_count_get(struct qstore *q, const char *id, const char *what, unsigned *n)
{
	struct qdir *d = q->impl;
	char name[2 * QSTORE_ID_MAX + 16], b[QSTORE_COUNT_FILE_MAX + 1];
	unsigned long v = 0;
	struct stat st;
	ssize_t r;
	size_t i;
	int fd;

	*n = 0;
	if (counter(q, id, what, name, sizeof name) != 0)
		return -1;
	fd = openat(d->dfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return 0;
		why(q, "%s: %s", name);
		return errno == ELOOP ? -2 : -1; /* a symbolic link is not ours */
	}
	if (fstat(fd, &st) != 0) {
		why(q, "%s: %s", name);
		close(fd);
		return -1;
	}
	if (!S_ISREG(st.st_mode) || st.st_size > QSTORE_COUNT_FILE_MAX) {
		close(fd);
		snprintf(q->why, sizeof q->why, "%s: not a regular file or too big", name);
		return -2;
	}
	do
		r = read(fd, b, QSTORE_COUNT_FILE_MAX + 1);
	while (r < 0 && errno == EINTR);
	if (r < 0) {
		why(q, "%s: %s", name);
		close(fd);
		return -1;
	}
	close(fd);
	/* digits, then one newline, nothing else */
	for (i = 0; i < (size_t)r && b[i] >= '0' && b[i] <= '9' && v <= QSTORE_COUNT_MAX; i++)
		v = v * 10 + (unsigned long)(b[i] - '0');
	if (i == 0 || i + 1 != (size_t)r || b[i] != '\n' || v > QSTORE_COUNT_MAX) {
		snprintf(q->why, sizeof q->why, "%s: corrupt", name);
		return -2;
	}
	*n = (unsigned)v;
	return 0;
}

static int dir_count_set(struct qstore *q, const char *id, const char *what, unsigned n)
{
	struct qdir *d = q->impl;
	char name[2 * QSTORE_ID_MAX + 16], meta[QSTORE_ID_MAX + 16], b[32];
	struct stat st;
	int w;

	if (counter(q, id, what, name, sizeof name) != 0)
		return -1;
	if (n == 0) {
		if (unlinkat(d->dfd, name, 0) != 0 && errno != ENOENT)
			return why(q, "%s: %s", name);
		return fsync(d->dfd) == 0 ? 0 : why(q, "fsync of the directory%s: %s", NULL);
	}
	if (n > QSTORE_COUNT_MAX)
		n = QSTORE_COUNT_MAX;
	w = snprintf(b, sizeof b, "%u\n", n);
	if (write_atomic(q, d->dfd, name, b, (size_t)w) != 0)
		return -1;
	if (fsync(d->dfd) != 0)
		return why(q, "fsync of the directory%s: %s", NULL);
	/* del removes .meta before it sweeps the rest: an entry deleted
	 * meanwhile is seen here, and its counter does not stay behind */
	snprintf(meta, sizeof meta, "%s.meta", id);
	if (fstatat(d->dfd, meta, &st, AT_SYMLINK_NOFOLLOW) != 0) {
		unlinkat(d->dfd, name, 0);
		snprintf(q->why, sizeof q->why, "%s: no such entry", id);
		return -1;
	}
	return 0;
}

static void dir_close(struct qstore *q)
{
	struct qdir *d = q->impl;

	if (d) {
		close(d->dfd);
		free(d);
	}
}

static const struct qstore_ops dir_ops = {
	dir_put, dir_get, dir_list, dir_del, dir_mark_used, dir_is_used, dir_close, dir_count_get, dir_count_set
};

struct qstore *qstore_dir_open(const char *dir, const unsigned char key[QCRYPT_KEY_LEN], char *whybuf,
                               size_t whylen)
{
	struct qstore *q;
	struct qdir *d;
	struct stat st;
	int fd;

	/* No umask() here: it is process-wide and the daemon has threads. The
	 * modes given (0700, 0600) can only be narrowed by any umask. */
	if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
		snprintf(whybuf, whylen, "quarantine_dir %s: %s", dir, strerror(errno));
		return NULL;
	}
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		snprintf(whybuf, whylen, "quarantine_dir %s: %s", dir, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) != 0 || (st.st_mode & 077)) {
		snprintf(whybuf, whylen, "quarantine_dir %s: mode %04o lets group or others in (chmod 700)", dir,
		         (unsigned)(st.st_mode & 07777));
		close(fd);
		return NULL;
	}
	q = calloc(1, sizeof *q);
	d = calloc(1, sizeof *d);
	if (!q || !d) {
		free(q);
		free(d);
		close(fd);
		snprintf(whybuf, whylen, "out of memory");
		return NULL;
	}
	d->dfd = fd;
	q->impl = d;
	q->ops = &dir_ops;
	memcpy(q->key, key, QCRYPT_KEY_LEN);
	return q;
}

void qstore_close(struct qstore *q)
{
	if (!q)
		return;
	if (q->ops && q->ops->close)
		q->ops->close(q);
	qcrypt_wipe(q->key, sizeof q->key);
	free(q);
}
