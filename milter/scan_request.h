/*
 * scan_request.h - one scan-socket request line in, one reply line out
 * (CONTRACTS.md "Scan socket"), with no sockets: scan_socket.c does the
 * network, this file the JSON, the scan and the decision.
 *
 * A request is decoded (strict JSON, base64 attachments), scanned with the
 * current configuration's engine and limits (phi_scan_parts: the same
 * extractors as mail), and decided by decide.c exactly as a mail message
 * with the same recipients would be. The decision is logged like mail
 * (decide_log_line) with " channel=..." added. Over max_scans, on a scan
 * error or when the time budget runs out, the reply follows on_error.
 *
 * Never logs request content: ids, addresses, text, file names stay out of
 * the log; the reply's notice names types and the incident id only.
 * Related: scan_socket.c (listener, connections), decide.c, engine.h.
 */
#ifndef PHI_SCAN_REQUEST_H
#define PHI_SCAN_REQUEST_H

#include <stddef.h>

/* Longest request id echoed back (bytes of its JSON text). */
#define SCAN_REQUEST_ID_MAX 256

/* Text in a request's "text" that makes scan_request_handle sleep
 * `ms` milliseconds before scanning, when scan_request_set_test_delay set
 * one (only the daemon under test does: PHIMILTER_TEST_SCAN_DELAY_MS).
 * Off by default; it exists so a test can make one scan slow. */
#define SCAN_REQUEST_TEST_DELAY_MARK "phimilter-test-delay"
void scan_request_set_test_delay(unsigned ms);

/* Answer one request. `line` is the request without its '\n' (borrowed,
 * not NUL-terminated). `conn` and `seq` name the request in the log
 * ("sock-CONN-SEQ"). Sets *out to a malloc'd reply line ending in '\n'
 * (the caller frees it) and *outlen to its length. Returns 0, or -1 when
 * out of memory (then *out is NULL; the caller answers with
 * scan_request_oom_reply). Side effects: a log line per decision. */
int scan_request_handle(const unsigned char *line, size_t len, unsigned long conn,
                        unsigned long seq, char **out, size_t *outlen);

/* An error reply {"id":...,"error":"why"}\n for a request that cannot be
 * read whole (too large): the id is taken from `prefix` (the request's
 * first bytes) when it starts with one, else null. Same out/return
 * convention as scan_request_handle. */
int scan_request_error(const unsigned char *prefix, size_t len, const char *why, char **out,
                       size_t *outlen);

/* A constant reply for when memory ran out. */
const char *scan_request_oom_reply(void);

/* Strict JSON string unescaping and base64 decoding, exposed for tests.
 * scan_request_b64 decodes in place (`p` keeps the bytes, *outlen their
 * count); white space is skipped; returns 0 or -1 on a bad character or
 * length. */
int scan_request_b64(unsigned char *p, size_t len, size_t *outlen);

#endif
