/*
 * session.c - sessions, CSRF tokens, per-link code state and rate limits
 * (see session.h). Linear scans over fixed arrays: a few thousand entries
 * are scanned in microseconds, far below the cost of one request, and
 * nothing grows with hostile input.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "session.h"

struct linkstate {
	char id[QSTORE_ID_MAX];       /* "" = free */
	unsigned n;
	unsigned char hash[CODE_HASH_LEN];
	long long code_expires;       /* 0 = no live code */
	unsigned attempts;            /* wrong codes so far */
	unsigned sends;               /* codes mailed in the window */
	long long window;             /* start of that hour */
	long long used;
};

struct rate {
	char addr[RATE_ADDR_MAX];     /* "" = free */
	long long minute;
	unsigned count;
};

struct session_table {
	pthread_mutex_t mu;
	pthread_mutex_t count_mu;     /* code checks: around the store's counter */
	struct session s[SESSION_MAX];
	struct linkstate l[LINKSTATE_MAX];
	struct rate r[RATE_MAX];
};

struct session_table *session_table_new(void)
{
	struct session_table *t = calloc(1, sizeof *t);

	if (!t)
		return NULL;
	if (pthread_mutex_init(&t->mu, NULL) != 0) {
		free(t);
		return NULL;
	}
	if (pthread_mutex_init(&t->count_mu, NULL) != 0) {
		pthread_mutex_destroy(&t->mu);
		free(t);
		return NULL;
	}
	return t;
}

void session_table_free(struct session_table *t)
{
	if (!t)
		return;
	pthread_mutex_destroy(&t->mu);
	pthread_mutex_destroy(&t->count_mu);
	qcrypt_wipe(t, sizeof *t);
	free(t);
}

static int random_hex(char out[SESSION_TOKEN_HEX + 1])
{
	unsigned char r[SESSION_TOKEN_HEX / 2];

	if (qcrypt_random(r, sizeof r) != 0)
		return -1;
	qcrypt_hex(r, sizeof r, out);
	qcrypt_wipe(r, sizeof r);
	return 0;
}

/* Constant-time equality of two NUL-terminated hex tokens of our length. */
static int tok_eq(const char *a, const char *b)
{
	return a && b && strlen(a) == SESSION_TOKEN_HEX && strlen(b) == SESSION_TOKEN_HEX &&
	       qcrypt_equal(a, b, SESSION_TOKEN_HEX);
}

static struct session *find(struct session_table *t, const char *sid)
{
	size_t i;

	if (!sid || strlen(sid) != SESSION_TOKEN_HEX)
		return NULL;
	for (i = 0; i < SESSION_MAX; i++)
		if (t->s[i].sid[0] && tok_eq(t->s[i].sid, sid))
			return &t->s[i];
	return NULL;
}

int session_new(struct session_table *t, const char *id, unsigned n, const char *token, long long now,
                long long ttl, struct session *out)
{
	struct session *v = NULL;
	size_t i;

	if (!qstore_id_ok(id) || strlen(token) >= TOKEN_MAX)
		return -1;
	pthread_mutex_lock(&t->mu);
	for (i = 0; i < SESSION_MAX; i++) {
		struct session *e = &t->s[i];

		if (!e->sid[0] || e->expires < now) {
			v = e;
			break;
		}
		if (!v || e->used < v->used)
			v = e;
	}
	memset(v, 0, sizeof *v);
	if (random_hex(v->sid) != 0 || random_hex(v->csrf) != 0) {
		memset(v, 0, sizeof *v);
		pthread_mutex_unlock(&t->mu);
		return -1;
	}
	snprintf(v->id, sizeof v->id, "%s", id);
	snprintf(v->token, sizeof v->token, "%s", token);
	v->n = n;
	v->state = SESSION_NEW;
	v->expires = now + ttl;
	v->used = now;
	*out = *v;
	pthread_mutex_unlock(&t->mu);
	return 0;
}

int session_get(struct session_table *t, const char *sid, const char *id, long long now, struct session *out)
{
	struct session *e;
	int rc = -1;

	pthread_mutex_lock(&t->mu);
	if ((e = find(t, sid)) && e->expires >= now && strcmp(e->id, id) == 0) {
		e->used = now;
		*out = *e;
		rc = 0;
	}
	pthread_mutex_unlock(&t->mu);
	return rc;
}

int session_csrf_take(struct session_table *t, const char *sid, const char *id, const char *csrf,
                      long long now, struct session *out)
{
	struct session *e;
	int rc = -1;

	pthread_mutex_lock(&t->mu);
	if ((e = find(t, sid)) && e->expires >= now && strcmp(e->id, id) == 0 && tok_eq(e->csrf, csrf) &&
	    random_hex(e->csrf) == 0) {
		e->used = now;
		*out = *e;
		rc = 0;
	}
	pthread_mutex_unlock(&t->mu);
	return rc;
}

int session_set_state(struct session_table *t, const char *sid, int state, long long expires)
{
	struct session *e;
	int rc = -1;

	pthread_mutex_lock(&t->mu);
	if ((e = find(t, sid))) {
		e->state = state;
		if (expires > 0)
			e->expires = expires;
		rc = 0;
	}
	pthread_mutex_unlock(&t->mu);
	return rc;
}

void session_drop(struct session_table *t, const char *sid)
{
	struct session *e;

	pthread_mutex_lock(&t->mu);
	if ((e = find(t, sid)))
		memset(e, 0, sizeof *e);
	pthread_mutex_unlock(&t->mu);
}

/* The state of link (id, n); with make, a free or least recently used
 * slot is taken for it. Called with the mutex held. */
static struct linkstate *link_find(struct session_table *t, const char *id, unsigned n, long long now, int make)
{
	struct linkstate *v = NULL;
	size_t i;

	for (i = 0; i < LINKSTATE_MAX; i++) {
		struct linkstate *e = &t->l[i];

		if (e->id[0] && e->n == n && strcmp(e->id, id) == 0) {
			e->used = now;
			return e;
		}
		if (!make)
			continue;
		if (!e->id[0]) {
			if (!v || v->id[0])
				v = e;
		} else if (!v || (v->id[0] && e->used < v->used))
			v = e;
	}
	if (!make || !v)
		return NULL;
	memset(v, 0, sizeof *v);
	snprintf(v->id, sizeof v->id, "%s", id);
	v->n = n;
	v->used = now;
	return v;
}

int session_code_set(struct session_table *t, const char *id, unsigned n,
                     const unsigned char hash[CODE_HASH_LEN], long long now, long long expires)
{
	struct linkstate *l;
	int rc = -1;

	pthread_mutex_lock(&t->mu);
	if ((l = link_find(t, id, n, now, 1))) {
		if (now - l->window >= 3600) {
			l->window = now;
			l->sends = 0;
		}
		if (l->sends < CODE_SENDS_PER_HOUR) {
			l->sends++;
			memcpy(l->hash, hash, CODE_HASH_LEN);
			l->code_expires = expires;
			rc = 0;
		}
	}
	pthread_mutex_unlock(&t->mu);
	return rc;
}

enum code_result session_code_check(struct session_table *t, const unsigned char key[QCRYPT_KEY_LEN],
                                    const char *id, unsigned n, const char *typed, long long now,
                                    unsigned max_attempts, unsigned *left, struct qstore *q,
                                    enum code_store *note)
{
	struct linkstate *l;
	enum code_result r;
	enum code_store ns = CODE_STORE_OK;
	unsigned stored = 0, before, after;
	char what[32];
	int g;

	*left = 0;
	snprintf(what, sizeof what, "wrong-%u", n);
	pthread_mutex_lock(&t->count_mu);
	if (q) {
		g = q->ops->count_get(q, id, what, &stored);
		if (g == -2) {
			ns = CODE_STORE_CORRUPT;
			stored = max_attempts; /* the safe side */
		} else if (g != 0) {
			pthread_mutex_unlock(&t->count_mu);
			if (note)
				*note = CODE_STORE_ERROR;
			return CODE_ERROR;
		}
	}
	pthread_mutex_lock(&t->mu);
	l = link_find(t, id, n, now, 0);
	before = l && l->attempts > stored ? l->attempts : stored;
	after = before;
	if (before >= max_attempts) {
		if (l) {
			qcrypt_wipe(l->hash, sizeof l->hash);
			l->code_expires = 0;
		}
		r = CODE_LOCKED;
	} else if (!l || !l->code_expires || l->code_expires < now)
		r = CODE_NONE;
	else if (code_check(key, id, n, typed, l->hash)) {
		/* used up: the same code cannot open a second session */
		qcrypt_wipe(l->hash, sizeof l->hash);
		l->code_expires = 0;
		after = 0;
		r = CODE_OK;
	} else {
		after = before + 1;
		if (after >= max_attempts) {
			qcrypt_wipe(l->hash, sizeof l->hash);
			l->code_expires = 0;
			r = CODE_LOCKED;
		} else {
			*left = max_attempts - after;
			r = CODE_WRONG;
		}
	}
	if (l)
		l->attempts = after;
	pthread_mutex_unlock(&t->mu);
	/* the file follows: written on a wrong code, removed on the right one */
	if (q && (after != stored || (r == CODE_OK && before)) && ns != CODE_STORE_CORRUPT &&
	    q->ops->count_set(q, id, what, after) != 0)
		ns = CODE_STORE_ERROR;
	pthread_mutex_unlock(&t->count_mu);
	if (note)
		*note = ns;
	return r;
}

int session_rate(struct session_table *t, const char *addr, long long now, unsigned limit)
{
	struct rate *hit = NULL, *c = NULL;
	long long minute = now / 60;
	size_t i;
	int rc;

	pthread_mutex_lock(&t->mu);
	for (i = 0; i < RATE_MAX; i++) {
		struct rate *e = &t->r[i];

		if (e->addr[0] && strncmp(e->addr, addr, sizeof e->addr - 1) == 0) {
			hit = e;
			break;
		}
		/* a free slot first, else the one with the oldest minute */
		if (!c || (c->addr[0] && (!e->addr[0] || e->minute < c->minute)))
			c = e;
	}
	if (!hit) {
		hit = c;
		snprintf(hit->addr, sizeof hit->addr, "%s", addr);
		hit->minute = minute;
		hit->count = 0;
	}
	if (hit->minute != minute) {
		hit->minute = minute;
		hit->count = 0;
	}
	if (hit->count < 0xffffffffu)
		hit->count++;
	rc = hit->count <= limit ? 0 : -1;
	pthread_mutex_unlock(&t->mu);
	return rc;
}

int session_cookie(char *out, size_t len, const char *name, const char *sid, long long max_age, int secure)
{
	int w = snprintf(out, len, "%s=%s; Path=/; Max-Age=%lld; HttpOnly; SameSite=Strict%s", name, sid,
	                 max_age, secure ? "; Secure" : "");

	return w < 0 || (size_t)w >= len ? -1 : 0;
}

int session_cookie_name(const char *id, char *out, size_t len)
{
	int w;

	if (!qstore_id_ok(id))
		return -1;
	w = snprintf(out, len, "phiportal-%s", id);
	return w < 0 || (size_t)w >= len ? -1 : 0;
}
