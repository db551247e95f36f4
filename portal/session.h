/*
 * session.h - the portal's memory: browser sessions with their CSRF
 * tokens, the per-link state (the hash of the current one-time code, wrong
 * attempts, codes sent), and per-client-address rate limits.
 *
 * One table (struct session_table) with one mutex; every entry point
 * takes it for a moment and copies out what the caller needs, so no
 * pointer into the table escapes. Fixed capacity: when full, the entry
 * used least recently is reused (an old session then has to start again;
 * what matters is also kept in the store: the lock, see link.c, and the
 * count of wrong codes).
 *
 * The count of wrong codes per link (message, recipient index) is kept in
 * the store as the counter "wrong-N" (qstore.h count_get/count_set: file
 * ID.count-wrong-N, the number only), read on every check and written on
 * every wrong code, so a restart keeps it; the right code removes it, the
 * store's del removes it with the entry. Code checks take a second mutex
 * around the read, the check and the write (they are serialised with each
 * other; the file I/O does not hold up the other entry points).
 *
 * Session ids and CSRF tokens are 32 random bytes in hex. A session is
 * bound to one message id and one recipient index; it becomes verified
 * after the right code and then lives portal_session_ttl. CSRF tokens are
 * single use: each accepted form replaces the token, so a replayed form is
 * refused. All comparisons of secrets are constant time.
 * No libmicrohttpd, never logs: unit-tested in tests/unit/t_portal_session.c.
 */
#ifndef PHI_PORTAL_SESSION_H
#define PHI_PORTAL_SESSION_H

#include <stddef.h>
#include "code.h"
#include "qstore.h"
#include "token.h"

#define SESSION_TOKEN_HEX 64   /* 32 bytes in hex */
#define SESSION_MAX 4096
#define LINKSTATE_MAX 4096
#define RATE_MAX 4096
#define RATE_ADDR_MAX 64
#define CODE_SENDS_PER_HOUR 5  /* codes mailed per link and hour */

enum session_state {
	SESSION_NEW = 0,       /* landing page shown */
	SESSION_CODE_SENT = 1, /* a code was mailed */
	SESSION_VERIFIED = 2   /* the right code was entered */
};

struct session {
	char sid[SESSION_TOKEN_HEX + 1];
	char csrf[SESSION_TOKEN_HEX + 1];
	char id[QSTORE_ID_MAX];       /* the message it is bound to */
	unsigned n;                   /* recipient index of the link */
	char token[TOKEN_MAX];        /* the link's token (re-checked on every request) */
	int state;                    /* enum session_state */
	long long expires;            /* after this the session is void */
	long long used;               /* last use (for reuse when full) */
};

enum code_result {
	CODE_OK = 0,
	CODE_WRONG = 1,   /* *left tries remain */
	CODE_LOCKED = 2,  /* this attempt reached the limit, or it was reached before */
	CODE_NONE = 3,    /* no code was sent, or it expired */
	CODE_ERROR = 4,   /* the stored count could not be read: nothing checked */
};

/* What a code check met in the store (for the caller's log: q->why). */
enum code_store {
	CODE_STORE_OK = 0,
	CODE_STORE_CORRUPT = 1, /* corrupt or oversized count: taken as the limit reached */
	CODE_STORE_ERROR = 2    /* the count could not be read or written */
};

struct session_table;

/* New table; NULL when out of memory. */
struct session_table *session_table_new(void);
void session_table_free(struct session_table *t);

/* Start a session for (id, n, token), valid until now + ttl. Fills *out
 * (sid and csrf fresh). 0 or -1. */
int session_new(struct session_table *t, const char *id, unsigned n, const char *token, long long now,
                long long ttl, struct session *out);

/* Look a session up by its id: 0 with a copy in *out when it exists, is
 * bound to message `id` and has not expired; -1 otherwise. */
int session_get(struct session_table *t, const char *sid, const char *id, long long now, struct session *out);

/* Check and consume the session's CSRF token: 0 when csrf is the current
 * one (a fresh one is then in *out), -1 otherwise (missing, replayed,
 * wrong session or message). */
int session_csrf_take(struct session_table *t, const char *sid, const char *id, const char *csrf,
                      long long now, struct session *out);

/* Set the state (and the expiry when expires > 0). 0 or -1. */
int session_set_state(struct session_table *t, const char *sid, int state, long long expires);

/* Forget a session. */
void session_drop(struct session_table *t, const char *sid);

/* Remember a new code hash for the link (id, n), valid until `expires`,
 * replacing any earlier one. -1 when CODE_SENDS_PER_HOUR codes were
 * already sent for it in the last hour (nothing changes), else 0. */
int session_code_set(struct session_table *t, const char *id, unsigned n,
                     const unsigned char hash[CODE_HASH_LEN], long long now, long long expires);

/* Check a typed code for (id, n) with code_check under key. Right: the
 * code is used up and CODE_OK. Wrong: one attempt is counted; at
 * max_attempts the result is CODE_LOCKED, else CODE_WRONG with *left.
 * CODE_NONE when there is no live code (nothing is counted).
 * With a store q (NULL: memory only) the count is the larger of memory
 * and q's counter "wrong-N", and is written back to q (removed on
 * CODE_OK). A counter that cannot be read gives CODE_ERROR; a corrupt one
 * counts as max_attempts (CODE_LOCKED). *note (may be NULL) says what the
 * store did, the reason in q->why. */
enum code_result session_code_check(struct session_table *t, const unsigned char key[QCRYPT_KEY_LEN],
                                    const char *id, unsigned n, const char *typed, long long now,
                                    unsigned max_attempts, unsigned *left, struct qstore *q,
                                    enum code_store *note);

/* Rate limit: count one request from addr in the current minute; 0 while
 * at most `limit` requests came in it, -1 past that. */
int session_rate(struct session_table *t, const char *addr, long long now, unsigned limit);

/* "NAME=SID; Path=/; Max-Age=N; HttpOnly; SameSite=Strict[; Secure]"
 * into out. 0 or -1 when it does not fit. */
int session_cookie(char *out, size_t len, const char *name, const char *sid, long long max_age, int secure);

/* The cookie name for message id ("phiportal-" + id). 0 or -1. */
int session_cookie_name(const char *id, char *out, size_t len);

#endif
