/*
 * scan_client.h - libphiscan: a small client for phimilter's scan socket
 * (CONTRACTS.md "Scan socket"), for phictl, the tests and gateways
 * written in C. Plain POSIX sockets, no other dependency; the protocol is
 * one JSON object per line each way, replies in request order.
 *
 *   struct phiscan *c;
 *   phiscan_connect("unix:/run/phimilter/scan.sock", 5000, &c, err, sizeof err);
 *   phiscan_request_json("r1", "chat", "alice@example.org", rcpts, 1,
 *                        text, textlen, NULL, 0, &req, &reqlen);
 *   phiscan_call(c, req, reqlen, &reply, &replylen);
 *   phiscan_reply_bool(reply, "deliver") ...
 *   free(req); free(reply); phiscan_close(c);
 *
 * A connection is for one thread at a time. Several requests may be sent
 * before reading (pipelining); replies come back in the same order.
 * Never logs, never prints; errors are returned as -1 with a reason in
 * phiscan_error(c) (or err for phiscan_connect).
 */
#ifndef PHI_SCAN_CLIENT_H
#define PHI_SCAN_CLIENT_H

#include <stddef.h>

struct phiscan;

/* Connect to `addr`: "unix:/path", "/path", "inet:PORT@HOST" or
 * "inet6:PORT@HOST" (the forms of the scan_socket key). `timeout_ms` bounds
 * every later send and receive (0 = none). Returns 0 and sets *out, or -1
 * with a reason in err. */
int phiscan_connect(const char *addr, int timeout_ms, struct phiscan **out, char *err, size_t errlen);

/* Close and free (NULL is fine). */
void phiscan_close(struct phiscan *c);

/* Send one request line (`len` bytes of JSON; a '\n' is added when it does
 * not end with one). Returns 0 or -1. */
int phiscan_send(struct phiscan *c, const char *line, size_t len);

/* Receive the next reply line: *reply is malloc'd, NUL-terminated, without
 * the '\n' (the caller frees it). Returns 0, or -1 (closed, timed out, or a
 * reply longer than 64 MiB). */
int phiscan_recv(struct phiscan *c, char **reply, size_t *len);

/* phiscan_send then phiscan_recv. */
int phiscan_call(struct phiscan *c, const char *line, size_t len, char **reply, size_t *replylen);

/* The reason for the last -1 of this connection ("" when none). */
const char *phiscan_error(const struct phiscan *c);

/* A file of a request. Borrowed for the call. */
struct phiscan_file {
	const char *filename;      /* or NULL */
	const char *content_type;  /* or NULL (the daemon guesses from name and bytes) */
	const unsigned char *data; /* raw bytes (base64 is done here) */
	size_t len;
};

/* Build a scan request line (with '\n') into *out (malloc'd; the caller
 * frees it). id, channel, sender may be NULL (left out); text may be NULL
 * (no text); rcpts[nrcpt] are the recipients. Strings are written as JSON
 * strings (UTF-8 expected; other bytes are sent as U+FFFD). Returns 0 or
 * -1 when out of memory. */
int phiscan_request_json(const char *id, const char *channel, const char *sender,
                         const char *const *rcpts, size_t nrcpt, const unsigned char *text,
                         size_t textlen, const struct phiscan_file *files, size_t nfiles,
                         char **out, size_t *outlen);

/* Read a top-level member of a reply object.
 * phiscan_reply_str: a string member, unescaped into out (cut to fit);
 *   returns 0, or -1 when absent, null or not a string (out = "").
 * phiscan_reply_bool: 1 true, 0 false, -1 absent or not a boolean.
 * phiscan_reply_raw: the member's JSON text as written (for arrays such as
 *   "findings"); returns 0 and sets *p and *len (pointing into `reply`), or -1. */
int phiscan_reply_str(const char *reply, const char *key, char *out, size_t outlen);
int phiscan_reply_bool(const char *reply, const char *key);
int phiscan_reply_raw(const char *reply, const char *key, const char **p, size_t *len);

#endif
