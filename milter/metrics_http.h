/*
 * metrics_http.h - metrics_listen: the Prometheus text of metrics.c served
 * over plain HTTP/1.0 (no TLS, no authentication: loopback or a proxy).
 *
 * One thread accepts and answers one connection at a time. A request
 * (request line and headers) must arrive whole within
 * METRICS_HTTP_TIMEOUT_MS and METRICS_HTTP_MAX_REQUEST bytes; a silent
 * client is dropped after the timeout and the next one is served.
 * GET (or HEAD) /metrics and / answer 200 with metrics_render's text;
 * another path 404, another method 405, a malformed or oversized request
 * 400. Every answer closes the connection. The scan path never waits on
 * this: rendering reads the counters atomically.
 * No libmilter here (the tests link this file); never logs.
 */
#ifndef PHI_METRICS_HTTP_H
#define PHI_METRICS_HTTP_H

#include <stddef.h>
#include <sys/socket.h>

#define METRICS_HTTP_TIMEOUT_MS 2000  /* for a whole request to arrive */
#define METRICS_HTTP_MAX_REQUEST 4096 /* request line and headers, bytes */

/* Parse "A.B.C.D:PORT" or "[IPV6]:PORT" (numeric only, no name lookup;
 * PORT 0..65535) into *ss / *len. Returns 0, or -1 when spec is not one. */
int metrics_http_parse_addr(const char *spec, struct sockaddr_storage *ss, socklen_t *len);

/* The port of an address from metrics_http_parse_addr (host order). */
int metrics_http_port_of(const struct sockaddr_storage *ss);

/* Bind and listen on spec (SO_REUSEADDR, close-on-exec). Call before
 * dropping privileges. Returns 0, or -1 with a reason in err. */
int metrics_http_open(const char *spec, char *err, size_t errlen);

/* The port the listener is bound to (useful with port 0), or -1. */
int metrics_http_port(void);

/* Start the serving thread (after any fork). 0, or -1 with a reason in err. */
int metrics_http_start(char *err, size_t errlen);

/* Stop: wake and join the thread (an answer in progress finishes first,
 * bounded by the timeout), close the socket. Safe when nothing was opened;
 * metrics_http_open may be called again afterwards. */
void metrics_http_stop(void);

#endif
