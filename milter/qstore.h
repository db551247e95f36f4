/*
 * qstore.h - the quarantine store: each held or redirected message kept
 * encrypted at rest, with its metadata apart from the content.
 *
 * Behind a struct of function pointers (OpenSMTPD queue_backend.c) so a
 * shared database backend can replace the local directory (qstore_dir.c)
 * without touching the callers. Public metadata (id, time, queue id,
 * incident, rule, action, finding types and counts, sizes, sender domain,
 * recipient count, expiry) can be listed without the key; the fields that
 * can identify a patient (sender address, recipients, subject) are sealed
 * with the message key, and the message itself is sealed with the id and
 * the public metadata as AAD (qcrypt.h), so every read checks both.
 *
 * Ids are [A-Za-z0-9-], at most QSTORE_ID_MAX-1 characters; every entry
 * point refuses anything else (ids come from admins' command lines and
 * portal links). No libmilter; never logs. Errors: a short reason in
 * store->why (no content, no key).
 */
#ifndef PHI_QSTORE_H
#define PHI_QSTORE_H

#include <stddef.h>
#include "qcrypt.h"

#define QSTORE_ID_MAX 40
#define QSTORE_WHY_MAX 256

/* Public metadata: nothing here identifies a patient. */
struct qstore_meta {
	char id[QSTORE_ID_MAX];
	long long time;            /* seconds since the epoch, when stored */
	long long expires;         /* redirect links expire then; 0 = no expiry */
	char queue_id[40];         /* the MTA's queue id, cleaned */
	char incident[32];         /* ties to the audit record and the notice */
	char rule[80];             /* rule id */
	char action[16];           /* "quarantine" or "redirect" */
	char types[256];           /* "us_ssn:1,mrn:2" */
	char sender_domain[128];
	unsigned nrcpt;
	size_t size;               /* message bytes */
};

/* The sealed part of an entry (owned strings, wiped by qstore_item_free). */
struct qstore_item {
	struct qstore_meta meta;
	char *sender;              /* envelope sender */
	char *subject;             /* Subject header value, "" when none */
	char **rcpts;              /* envelope recipients */
	size_t nrcpt;
	unsigned char *msg;        /* the original message bytes */
	size_t msglen;
};

struct qstore;

struct qstore_ops {
	/* Store an entry (meta.id filled in by the caller with qstore_new_id).
	 * Returns 0 only when the entry is durably on disk. */
	int (*put)(struct qstore *q, const struct qstore_item *it);
	/* Read and decrypt; 0, or -1 (missing, tampered, wrong key). With
	 * want_msg = 0 only metadata and the sealed fields are read. */
	int (*get)(struct qstore *q, const char *id, int want_msg, struct qstore_item *out);
	/* Public metadata of every entry, oldest first; cb returning non-zero
	 * stops. Returns the number listed or -1. */
	int (*list)(struct qstore *q, int (*cb)(const struct qstore_meta *, void *), void *arg);
	/* Remove an entry and every file that belongs to it (markers,
	 * counters, crash leftovers): the one removal used by phictl
	 * quarantine delete/purge and phiportal's retention purge. 0, or -1
	 * (no such entry; its other files are removed all the same). */
	int (*del)(struct qstore *q, const char *id);
	/* Mark `what` (e.g. "release") as used for id, atomically: 0 the first
	 * time, 1 when it was already used, -1 on error. */
	int (*mark_used)(struct qstore *q, const char *id, const char *what);
	/* Has `what` been used for id? 1 yes, 0 no, -1 error. */
	int (*is_used)(struct qstore *q, const char *id, const char *what);
	void (*close)(struct qstore *q);
	/* A small counter `what` of entry id kept beside it (the portal's
	 * wrong codes per recipient, "wrong-N"). count_get: 0 with the value
	 * in *n (0 when there is none), -1 when it cannot be read, -2 when it
	 * is corrupt (not a regular file, over QSTORE_COUNT_FILE_MAX bytes,
	 * not a decimal number up to QSTORE_COUNT_MAX). count_set stores n
	 * durably (0 removes it); -1 on error, or when the entry is gone (the
	 * counter is then not left behind). No PHI: only the number. */
	int (*count_get)(struct qstore *q, const char *id, const char *what, unsigned *n);
	int (*count_set)(struct qstore *q, const char *id, const char *what, unsigned n);
};

#define QSTORE_COUNT_FILE_MAX 16
#define QSTORE_COUNT_MAX 1000000u

struct qstore {
	const struct qstore_ops *ops;
	unsigned char key[QCRYPT_KEY_LEN]; /* copy of the store key, wiped at close */
	void *impl;                        /* owned by the backend */
	char why[QSTORE_WHY_MAX];          /* last error, no content */
};

/* Open the local-directory store at dir (created 0700 when missing; an
 * existing one with group/other bits is refused). NULL with the reason in
 * why on failure. */
struct qstore *qstore_dir_open(const char *dir, const unsigned char key[QCRYPT_KEY_LEN], char *why,
                               size_t whylen);

/* Close any store. NULL is fine. */
void qstore_close(struct qstore *q);

/* A fresh id: "YYYYMMDDHHMMSS-" + 16 random hex digits. 0 or -1. */
int qstore_new_id(char out[QSTORE_ID_MAX]);

/* 1 when id has only [A-Za-z0-9-] and fits. */
int qstore_id_ok(const char *id);

/* Wipe and free the sealed fields and message of an item (not the struct). */
void qstore_item_free(struct qstore_item *it);

#endif
