/*
 * scan_socket.h - the scan socket of CONTRACTS.md, served by the daemon:
 * a listener for chat and other gateways, one JSON request per line in,
 * one reply per line out, in order (scan_request.c answers each line).
 *
 * One thread per connection, at most SCAN_SOCKET_MAX_CONNS at once (a
 * connection past that gets one error line and is closed). A connection
 * reads requests one after another, so replies come in request order; a
 * slow scan holds back only the later requests of its own connection.
 * A line longer than scan_max_request is skipped up to its '\n' and
 * answered with an error; the connection stays usable. A connection that
 * sends nothing for scan_socket_timeout seconds is closed.
 * No libmilter here (phictl and the tests link this file).
 */
#ifndef PHI_SCAN_SOCKET_H
#define PHI_SCAN_SOCKET_H

#include <stddef.h>

#define SCAN_SOCKET_MAX_CONNS 512

/* Open the listening socket for `spec` (unix:/path, local:/path, /path,
 * inet:PORT@HOST, inet6:PORT@HOST). A unix socket replaces a stale one,
 * is made mode 0660 and, when running as root and `user` is set, owned by
 * that user (so it can be removed after the privilege drop). Returns 0,
 * or -1 with a reason in err. Call before dropping privileges. */
int scan_socket_open(const char *spec, const char *user, char *err, size_t errlen);

/* Start serving on the socket opened by scan_socket_open (after any
 * fork). Returns 0, or -1 with a reason in err. */
int scan_socket_start(char *err, size_t errlen);

/* Stop: no new connections; open connections are shut down and waited
 * for (up to `seconds`); the unix socket is removed if it is still ours.
 * Safe to call when nothing was opened. */
void scan_socket_stop(unsigned seconds);

/* Connections open now (for tests and the stop wait). */
unsigned scan_socket_connections(void);

#endif
