/*
 * phiportal.c - the secure portal daemon (CONTRACTS.md "phiportal"):
 *
 *   phiportal [-c CONFIG] [-l ADDR:PORT] [-f] [-n] [-V]
 *
 * Reads phimilter's configuration, store and keys; serves plain HTTP on
 * portal_listen (loopback, for a TLS reverse proxy) through libmicrohttpd,
 * which parses every request (this file only routes). Limits: connection
 * memory (request line + headers) PORTAL_CONN_MEMORY, POST bodies
 * PORTAL_BODY_MAX, connections in all and per address, a 30 s idle
 * timeout, and portal_rate_limit requests a minute per client address.
 * Every refusal is a plain page; nothing a visitor sends ends the process.
 *
 * Signals (a thread in sigwait, as phimilter): SIGUSR1 reloads the
 * configuration (requests in flight keep the one they started with);
 * SIGTERM/SIGINT stop. Once a minute, and at start, the retention purge
 * and the expiry notices run (notify.c).
 * Log lines carry the route, the message id and the status: never the
 * token, the recipient or anything from the message.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <grp.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include "log.h"
#include "phi/engine.h"
#include "phi/status.h"
#include "portal.h"

#define CONN_LIMIT 256
#define CONN_PER_IP 32
#define CONN_TIMEOUT 30
#define THREADS 8

static const char *const TEMPLATES[] = { "layout.html", "landing.html", "code.html", "message.html",
	                                 "error.html", "portal.css", NULL };

static void usage(FILE *o)
{
	fputs("usage: phiportal [-c CONFIG] [-l ADDR:PORT] [-f] [-n] [-V]\n", o);
}

/* "127.0.0.1:8025", "[::1]:8025" -> a socket address. 0 or -1. */
static int parse_listen(const char *s, struct sockaddr_storage *ss, socklen_t *len)
{
	char host[128];
	const char *colon;
	char *end;
	long port;

	memset(ss, 0, sizeof *ss);
	if (s[0] == '[') {
		const char *rb = strchr(s, ']');

		if (!rb || rb[1] != ':' || (size_t)(rb - s - 1) >= sizeof host)
			return -1;
		memcpy(host, s + 1, (size_t)(rb - s - 1));
		host[rb - s - 1] = 0;
		colon = rb + 1;
	} else {
		if (!(colon = strrchr(s, ':')) || (size_t)(colon - s) >= sizeof host)
			return -1;
		memcpy(host, s, (size_t)(colon - s));
		host[colon - s] = 0;
	}
	port = strtol(colon + 1, &end, 10);
	if (*end || port < 1 || port > 65535 || !colon[1])
		return -1;
	if (inet_pton(AF_INET, host, &((struct sockaddr_in *)ss)->sin_addr) == 1) {
		((struct sockaddr_in *)ss)->sin_family = AF_INET;
		((struct sockaddr_in *)ss)->sin_port = htons((unsigned short)port);
		*len = sizeof(struct sockaddr_in);
		return 0;
	}
	if (inet_pton(AF_INET6, host, &((struct sockaddr_in6 *)ss)->sin6_addr) == 1) {
		((struct sockaddr_in6 *)ss)->sin6_family = AF_INET6;
		((struct sockaddr_in6 *)ss)->sin6_port = htons((unsigned short)port);
		*len = sizeof(struct sockaddr_in6);
		return 0;
	}
	return -1;
}

/* What phiportal needs beyond what conf_load checks. Problems to errs as
 * "FILE: problem"; returns the number found. */
static int check_portal(const struct conf *c, const char *listen, FILE *errs)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	int n = 0;
	size_t i;

	if (parse_listen(listen, &ss, &sl) != 0)
		n++, fprintf(errs, "%s: portal_listen: '%s' is not ADDR:PORT\n", c->path, listen);
	if (!c->have_portal_key)
		n++, fprintf(errs, "%s: portal_key_file: phiportal needs the portal key\n", c->path);
	if (!c->have_quarantine_key)
		n++, fprintf(errs, "%s: quarantine_key_file: phiportal needs the store key\n", c->path);
	for (i = 0; TEMPLATES[i]; i++) {
		char p[4096];

		snprintf(p, sizeof p, "%s/%s", c->portal_templates, TEMPLATES[i]);
		if (access(p, R_OK) != 0)
			n++, fprintf(errs, "%s: portal_templates: %s: %s\n", c->path, p, strerror(errno));
	}
	return n;
}

/* The client's address: the peer's, or, when the peer is loopback (our
 * reverse proxy), the last entry of X-Forwarded-For, which the proxy sets. */
static void client_addr(struct MHD_Connection *conn, char *out, size_t len)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const struct sockaddr *sa = ci ? ci->client_addr : NULL;
	int loopback = 0;
	const char *xff;

	snprintf(out, len, "unknown");
	if (sa && sa->sa_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)sa;

		inet_ntop(AF_INET, &in->sin_addr, out, (socklen_t)len);
		loopback = (ntohl(in->sin_addr.s_addr) >> 24) == 127;
	} else if (sa && sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;

		inet_ntop(AF_INET6, &in6->sin6_addr, out, (socklen_t)len);
		loopback = IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr);
	}
	if (loopback && (xff = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "X-Forwarded-For"))) {
		const char *last = strrchr(xff, ',');
		size_t k = 0;

		last = last ? last + 1 : xff;
		while (*last == ' ')
			last++;
		for (; last[k] && k + 1 < len && strchr("0123456789abcdefABCDEF.:", last[k]); k++)
			;
		if (k > 0 && !last[k]) {
			memcpy(out, last, k);
			out[k] = 0;
		}
	}
}

static int is_secure(struct MHD_Connection *conn, const struct conf *c)
{
	const char *p;

	if (c->portal_secure_cookie == CONF_COOKIE_YES)
		return 1;
	if (c->portal_secure_cookie == CONF_COOKIE_NO)
		return 0;
	p = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "X-Forwarded-Proto");
	return p && strcasecmp(p, "https") == 0;
}

static enum MHD_Result dispatch(struct preq *r)
{
	const char *u = r->url, *seg[4];
	size_t nseg = 0, ul = strlen(u);
	char buf[256], *s, *save = NULL;
	int get = strcmp(r->method, "GET") == 0 || strcmp(r->method, "HEAD") == 0;
	int post = strcmp(r->method, "POST") == 0;

	if (session_rate(r->p->st, r->addr, r->now, r->c->portal_rate_limit) != 0) {
		r->route = "rate-limit";
		return http_error(r, MHD_HTTP_TOO_MANY_REQUESTS, "Too many requests",
		                  "Too many requests came from your network in the last minute. Please wait a "
		                  "minute and try again.");
	}
	if (!get && !post) {
		r->route = "method";
		return http_error(r, MHD_HTTP_METHOD_NOT_ALLOWED, "Not allowed", "This kind of request is not used here.");
	}
	if (r->body_over) {
		r->route = "too-large";
		return http_error(r, MHD_HTTP_CONTENT_TOO_LARGE, "Too much data", "The request was larger than any form here.");
	}
	if (ul >= 11 && strcmp(u + ul - 11, "/portal.css") == 0 && get)
		return route_css(r);
	if (ul >= sizeof buf || strncmp(u, "/m/", 3) != 0)
		goto notfound;
	memcpy(buf, u + 3, ul - 2);
	for (s = strtok_r(buf, "/", &save); s && nseg < 4; s = strtok_r(NULL, "/", &save))
		seg[nseg++] = s;
	if (s || nseg == 0 || !qstore_id_ok(seg[0]))
		goto notfound;
	if (nseg == 1 && get)
		return route_landing(r, seg[0]);
	if (nseg == 2 && post && strcmp(seg[1], "code") == 0)
		return route_send_code(r, seg[0]);
	if (nseg == 2 && post && strcmp(seg[1], "verify") == 0)
		return route_verify(r, seg[0]);
	if (nseg == 2 && get && strcmp(seg[1], "view") == 0)
		return route_message(r, seg[0]);
	if (nseg == 2 && post && strcmp(seg[1], "reply") == 0)
		return route_reply(r, seg[0]);
	if (nseg == 3 && get && strcmp(seg[1], "a") == 0)
		return route_download(r, seg[0], seg[2]);
	if (nseg == 2 && get && (strcmp(seg[1], "code") == 0 || strcmp(seg[1], "verify") == 0 ||
	                             strcmp(seg[1], "reply") == 0)) {
		r->route = "stale";
		return http_error(r, MHD_HTTP_FORBIDDEN, "Please start again",
		                  "This page only works from the portal's own buttons. Open the link from your "
		                  "e-mail again.");
	}
notfound:
	r->route = "not-found";
	return http_error(r, MHD_HTTP_NOT_FOUND, "There is nothing here",
	                  "This address does not lead to a message. Open the link from your e-mail again.");
}

static enum MHD_Result handler(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
                               const char *version, const char *upload, size_t *upload_size, void **con_cls)
{
	struct preq *r = *con_cls;
	enum MHD_Result rc;
	char idlog[QSTORE_ID_MAX + 8], mlog[12];

	(void)version;
	if (!r) {
		if (!(r = calloc(1, sizeof *r)))
			return MHD_NO;
		r->conn = conn;
		r->p = cls;
		phi_buf_init(&r->body, PORTAL_BODY_MAX);
		*con_cls = r;
		return MHD_YES;
	}
	if (*upload_size) {
		if (phi_buf_append(&r->body, upload, *upload_size) != PHI_OK)
			r->body_over = 1;
		*upload_size = 0;
		return MHD_YES;
	}
	r->method = method;
	r->url = url;
	r->now = (long long)time(NULL);
	r->route = "-";
	client_addr(conn, r->addr, sizeof r->addr);
	if (!(r->c = conf_acquire_current()))
		return MHD_NO;
	r->secure = is_secure(conn, r->c);
	rc = dispatch(r);
	/* the id is not PHI (a store key); the token and the query never go in a log */
	log_clean(url, strcspn(url, "?"), idlog, sizeof idlog);
	LOG_AT(LOG_INFO, "phiportal: %s %s route=%s status=%u", log_clean(method, (size_t)-1, mlog, sizeof mlog),
	       idlog, r->route, r->status);
	conf_release(r->c);
	r->c = NULL;
	return rc;
}

static void completed(void *cls, struct MHD_Connection *conn, void **con_cls, enum MHD_RequestTerminationCode t)
{
	struct preq *r = *con_cls;

	(void)cls, (void)conn, (void)t;
	if (!r)
		return;
	qcrypt_wipe(r->body.data, r->body.len);
	phi_buf_free(&r->body);
	free(r);
	*con_cls = NULL;
}

static int drop_privileges(const char *user)
{
	struct passwd *pw;

	if (!user[0])
		return 0;
	if (!(pw = getpwnam(user))) {
		fprintf(stderr, "phiportal: user %s: no such user\n", user);
		return -1;
	}
	if (geteuid() != 0) {
		/* Started as the user already (systemd User=, or by hand): nothing
		 * to drop; another unprivileged uid could not switch anyway. */
		if (geteuid() == pw->pw_uid)
			return 0;
		fprintf(stderr, "phiportal: not root: cannot switch to user %s, staying uid %ld\n", user,
		        (long)geteuid());
		return 0;
	}
	if (setgroups(0, NULL) != 0 || setgid(pw->pw_gid) != 0 || setuid(pw->pw_uid) != 0) {
		fprintf(stderr, "phiportal: cannot become %s: %s\n", user, strerror(errno));
		return -1;
	}
	if (pw->pw_uid != 0 && setuid(0) == 0) {
		fprintf(stderr, "phiportal: root could be regained after dropping to %s\n", user);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	const char *path = "/etc/phimilter/phimilter.conf", *listen = NULL;
	int fg = 0, check = 0, opt, sig;
	struct portal p;
	struct conf *c;
	struct sockaddr_storage ss;
	socklen_t sl;
	struct MHD_Daemon *d;
	sigset_t set;
	struct timespec tick = { 60, 0 };

	if (access(path, R_OK) != 0 && access("conf/phimilter.conf", R_OK) == 0)
		path = "conf/phimilter.conf";
	while ((opt = getopt(argc, argv, "c:l:fnVh")) != -1) {
		switch (opt) {
		case 'c': path = optarg; break;
		case 'l': listen = optarg; break;
		case 'f': fg = 1; break;
		case 'n': check = 1; break;
		case 'V': printf("phiportal %s\n", phi_version()); return 0;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	if (conf_load(path, &c, stderr) != 0)
		return 1;
	if (!listen)
		listen = c->portal_listen;
	if (check_portal(c, listen, stderr) != 0) {
		conf_release(c);
		return 1;
	}
	if (check) {
		conf_release(c);
		return 0;
	}
	log_open(c->syslog_facility, fg);
	log_set_level(c->log_level);
	memset(&p, 0, sizeof p);
	p.conf_path = path;
	if (qcrypt_random(p.code_key, sizeof p.code_key) != 0 || !(p.st = session_table_new())) {
		fprintf(stderr, "phiportal: out of memory or no randomness\n");
		return 1;
	}
	parse_listen(listen, &ss, &sl);
	conf_set_current(c);

	/* every thread inherits the blocked set; the main thread sigwaits */
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &set, NULL);

	d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG | MHD_USE_AUTO |
	                             (ss.ss_family == AF_INET6 ? MHD_USE_IPv6 : 0),
	                     0, NULL, NULL, handler, &p, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
	                     MHD_OPTION_THREAD_POOL_SIZE, (unsigned)THREADS, MHD_OPTION_CONNECTION_LIMIT,
	                     (unsigned)CONN_LIMIT, MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)CONN_PER_IP,
	                     MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)CONN_TIMEOUT,
	                     MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)PORTAL_CONN_MEMORY,
	                     MHD_OPTION_NOTIFY_COMPLETED, completed, &p, MHD_OPTION_END);
	if (!d) {
		fprintf(stderr, "phiportal: cannot listen on %s: %s\n", listen, strerror(errno));
		return 1;
	}
	{
		struct conf *cur = conf_acquire_current();
		int bad = drop_privileges(cur->user);

		conf_release(cur);
		if (bad) {
			MHD_stop_daemon(d);
			return 1;
		}
	}
	LOG_AT(LOG_NOTICE, "phiportal %s: listening on %s", phi_version(), listen);
	for (;;) {
		struct conf *cur = conf_acquire_current();
		int n = portal_purge(cur, (long long)time(NULL));

		if (n > 0)
			LOG_AT(LOG_INFO, "phiportal: retention purge removed %d message(s)", n);
		conf_release(cur);
		sig = sigtimedwait(&set, NULL, &tick);
		if (sig == SIGUSR1) {
			if (conf_reload(path, stderr) == 0)
				LOG_AT(LOG_NOTICE, "phiportal: configuration reloaded");
			else
				LOG_AT(LOG_ERR, "phiportal: reload failed; the running configuration stays");
		} else if (sig == SIGTERM || sig == SIGINT || sig == SIGHUP)
			break;
	}
	LOG_AT(LOG_NOTICE, "phiportal: stopping");
	MHD_stop_daemon(d);
	conf_set_current(NULL);
	session_table_free(p.st);
	qcrypt_wipe(p.code_key, sizeof p.code_key);
	return 0;
}
