/*
 * phimilter.c - the daemon's main: options, config check, socket, daemon
 * mode, pid file, privilege drop, the reload thread, smfi_main.
 *
 *   phimilter [-c CONFIG] [-p SOCKET] [-f] [-n] [-V]
 *
 * Start-up order (STYLE.md section 9): load and check the config (fatal on
 * error), refuse root unless `user` names it, load the config once more as
 * `user` (in a child: its files must be that user's), register, open the socket
 * (smfi_opensocket removes a stale unix socket, so errors show now and not
 * at the first connection), set socket mode and owner, daemonize, pid
 * file, drop privileges, block signals in every thread, start the reload
 * thread, smfi_main. umask 077 from the first line.
 * Signals: SIGUSR1 reloads (our thread, sigwait). SIGTERM/SIGHUP stop and
 * SIGINT aborts: libmilter's own signal thread handles those; smfi_main
 * then returns and we wait for open messages before exiting.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <syslog.h>
#include <unistd.h>
#include "conf.h"
#include "log.h"
#include "metrics.h"
#include "metrics_http.h"
#include "mlfi.h"
#include "scan_socket.h"

#ifndef PHI_VERSION
#define PHI_VERSION "0.0.0"
#endif

#define DEFAULT_CONF "/etc/phimilter/phimilter.conf"
#define SOURCE_CONF "conf/phimilter.conf"
#define DRAIN_SECONDS 60 /* how long SIGTERM waits for messages in progress */

static const char *conf_path;
static volatile int stopping;

static void usage(void)
{
	fprintf(stderr, "usage: phimilter [-c CONFIG] [-p SOCKET] [-f] [-n] [-V]\n");
	exit(2);
}

static void fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

/* Start-up trouble: say so on stderr and in the log, exit 1. */
static void fatal(const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	fprintf(stderr, "phimilter: %s\n", msg);
	syslog(LOG_ERR, "fatal: %s", msg); /* not log_write: stderr has it already */
	exit(1);
}

/* "unix:/p", "local:/p" or "/p" -> "/p"; anything else -> NULL. */
static const char *unix_path(const char *sock)
{
	if (strncmp(sock, "unix:", 5) == 0)
		return sock + 5;
	if (strncmp(sock, "local:", 6) == 0)
		return sock + 6;
	if (sock[0] == '/')
		return sock;
	return NULL;
}

/* libmilter keeps its listening socket to itself; find it among our fds
 * and set TCP_NODELAY (Linux accepted sockets inherit it), so that small
 * milter replies are not held back by Nagle. */
static void tcp_nodelay_listeners(void)
{
	int fd, one = 1;

	for (fd = 3; fd < 1024; fd++) {
		int acc = 0, dom = 0, type = 0;
		socklen_t l = sizeof acc;

		if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &acc, &l) != 0 || !acc)
			continue;
		l = sizeof dom;
		if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &dom, &l) != 0 || (dom != AF_INET && dom != AF_INET6))
			continue;
		l = sizeof type;
		if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &l) != 0 || type != SOCK_STREAM)
			continue;
		if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) != 0)
			LOG_AT(LOG_WARNING, "TCP_NODELAY on the listening socket: %s", strerror(errno));
	}
}

static void daemonize(void)
{
	pid_t pid = fork();
	int fd;

	if (pid < 0)
		fatal("fork: %s", strerror(errno));
	if (pid > 0)
		_exit(0);
	if (setsid() < 0)
		fatal("setsid: %s", strerror(errno));
	pid = fork(); /* never reacquire a controlling terminal */
	if (pid < 0)
		fatal("fork: %s", strerror(errno));
	if (pid > 0)
		_exit(0);
	if (chdir("/") != 0)
		fatal("chdir /: %s", strerror(errno));
	if ((fd = open("/dev/null", O_RDWR)) >= 0) {
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		if (fd > 2)
			close(fd);
	}
}

static void write_pid_file(const char *path)
{
	char buf[32];
	int fd, n;

	if (!path || !*path)
		return;
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		fatal("pid_file %s: %s", path, strerror(errno));
	n = snprintf(buf, sizeof buf, "%ld\n", (long)getpid());
	if (write(fd, buf, (size_t)n) != n || close(fd) != 0)
		fatal("pid_file %s: %s", path, strerror(errno));
}

/* A filter that reads every outbound message should not hold root while it
 * parses hostile attachments: started as root, it needs `user` to say whom to
 * become, or `user = root` to say that root is meant. Checked before the
 * socket is opened and before the fork, so the caller sees exit 1. */
static void refuse_root_by_default(const char *user)
{
	if (geteuid() == 0 && !*user)
		fatal("running as root: set `user = USER` in %s to drop privileges after binding, "
		      "or `user = root` to run as root on purpose",
		      conf_path);
}

/* Started as root to become `user`: what the config names (key files, lists,
 * terms) must work for that user too, or every reload, read as the user,
 * fails (a root-owned key passes a check made as root). A child takes the
 * user's identity and loads the config once; its problems, on stderr, are
 * start-up errors. Before any thread exists, so fork is safe. */
static void check_conf_as_user(const char *user)
{
	struct passwd *pw;
	pid_t pid;
	int st;

	if (geteuid() != 0 || !*user || !(pw = getpwnam(user)) || pw->pw_uid == 0)
		return; /* no drop (or no such user: drop_privileges says so) */
	fflush(NULL);
	if ((pid = fork()) < 0)
		fatal("fork: %s", strerror(errno));
	if (pid == 0) {
		struct conf *uc = NULL;

		if (initgroups(pw->pw_name, pw->pw_gid) != 0 || setgid(pw->pw_gid) != 0 || setuid(pw->pw_uid) != 0)
			_exit(2);
		_exit(conf_load(conf_path, &uc, stderr) == 0 ? 0 : 1);
	}
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			fatal("waitpid: %s", strerror(errno));
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		fatal("%s does not load as user %s (above): what it names must be that user's to read, "
		      "or no reload would work", conf_path, user);
}

/* Drop to `user`: supplementary groups, gid, uid, each fatal on failure,
 * then check that root cannot be regained. The unix socket is handed to
 * the user first so that a reload or restart can still manage it. */
static void drop_privileges(const char *user, const char *sock_path)
{
	struct passwd *pw;

	if (!*user)
		return; /* not root: refuse_root_by_default let it through */
	if (!(pw = getpwnam(user)))
		fatal("user %s: no such user", user);
	if (geteuid() != 0) {
		if (geteuid() != pw->pw_uid)
			LOG_AT(LOG_WARNING, "not root: cannot switch to user %s, staying uid %ld", user,
			       (long)geteuid());
		return;
	}
	if (pw->pw_uid == 0) {
		LOG_AT(LOG_NOTICE, "running as root: `user = %s` asks for it", user);
		return;
	}
	/* Owner only: the group stays what the socket directory gave it (a
	 * set-group-id directory of the MTA's group lets the MTA connect). */
	if (sock_path && chown(sock_path, pw->pw_uid, (gid_t)-1) != 0)
		fatal("chown %s: %s", sock_path, strerror(errno));
	if (initgroups(pw->pw_name, pw->pw_gid) != 0)
		fatal("initgroups %s: %s", user, strerror(errno));
	if (setgid(pw->pw_gid) != 0)
		fatal("setgid %s: %s", user, strerror(errno));
	if (setuid(pw->pw_uid) != 0)
		fatal("setuid %s: %s", user, strerror(errno));
	if (setuid(0) == 0 || seteuid(0) == 0)
		fatal("could regain root after dropping to %s", user);
	LOG_AT(LOG_INFO, "running as user %s", user);
}

/* Log the problems of a failed reload line by line (they are FILE:LINE:
 * lines about config text, never message content). */
static void log_lines(int level, const char *prefix, const char *text)
{
	const char *s = text, *e;

	while (s && *s) {
		e = strchr(s, '\n');
		LOG_AT(level, "%s%.*s", prefix, e ? (int)(e - s) : (int)strlen(s), s);
		s = e ? e + 1 : NULL;
	}
}

static void reload(void)
{
	char *errtext = NULL;
	size_t errlen = 0;
	FILE *errs = open_memstream(&errtext, &errlen);
	struct conf *old = conf_acquire_current(), *now;
	int rc = conf_reload(conf_path, errs);

	if (errs)
		fclose(errs);
	if (rc != 0) {
		LOG_AT(LOG_ERR, "reload of %s failed, keeping the running configuration", conf_path);
		log_lines(LOG_ERR, "reload: ", errtext);
	} else {
		now = conf_acquire_current();
		log_set_level(now->log_level);
		if (old) {
			const char *keys[8];
			size_t i, n = conf_restart_keys(old, now, keys, 8);

			for (i = 0; i < n && i < 8; i++)
				LOG_AT(LOG_NOTICE, "reload: %s changed; it takes effect at restart", keys[i]);
		}
		LOG_AT(LOG_NOTICE, "configuration reloaded from %s (mode=%s)", conf_path,
		       conf_mode_name(now->mode));
		conf_release(now);
	}
	conf_release(old);
	free(errtext);
}

/* Rewrite metrics_file every metrics_interval seconds (both read afresh
 * each round, so a reload applies them). Counting itself is lock-free in
 * metrics.c; this thread only renders. */
static void *metrics_thread(void *arg)
{
	(void)arg;
	while (!stopping) {
		struct conf *c = conf_acquire_current();
		unsigned secs = c && c->metrics_interval ? c->metrics_interval : 10;

		if (c && (c->metrics_file[0] || c->metrics_listen[0]))
			metrics_quarantine_scan(c->quarantine_dir);
		if (c && c->metrics_file[0] && metrics_write_file(c->metrics_file) != 0)
			LOG_AT(LOG_WARNING, "metrics_file %s: %s", c->metrics_file, strerror(errno));
		conf_release(c);
		sleep(secs);
	}
	return NULL;
}

static void *signal_thread(void *arg)
{
	sigset_t set;
	int sig;

	(void)arg;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	for (;;) {
		if (sigwait(&set, &sig) != 0)
			continue;
		if (stopping)
			break;
		if (sig == SIGUSR1)
			reload();
	}
	return NULL;
}

static const char *pick_default_conf(void)
{
	if (access(DEFAULT_CONF, F_OK) != 0 && access(SOURCE_CONF, F_OK) == 0)
		return SOURCE_CONF;
	return DEFAULT_CONF;
}

int main(int argc, char **argv)
{
	const char *sock_opt = NULL, *sock, *upath;
	int foreground = 0, check = 0, opt, rc;
	struct conf *c;
	sigset_t set;
	pthread_t thr, mthr;
	char *pid_file = NULL;
	unsigned left;
	struct stat sock_st, st;
	char *abs_conf = NULL, *sock_copy = NULL;
	mode_t old_umask;

	/* Everything the daemon writes (audit log, store, metrics, pid file)
	 * is for its own user only, whatever umask it was started with; the
	 * sockets get their 0660 explicitly. */
	umask(077);
	while ((opt = getopt(argc, argv, "c:p:fnVh")) != -1) {
		switch (opt) {
		case 'c': conf_path = optarg; break;
		case 'p': sock_opt = optarg; break;
		case 'f': foreground = 1; break;
		case 'n': check = 1; break;
		case 'V':
			printf("phimilter %s\n", PHI_VERSION);
			return 0;
		default: usage();
		}
	}
	if (optind != argc)
		usage();
	if (!conf_path)
		conf_path = pick_default_conf();
	/* Reload reads the file again after the daemon's chdir("/"). */
	if (conf_path[0] != '/' && (abs_conf = realpath(conf_path, NULL)) != NULL)
		conf_path = abs_conf;

	if (conf_load(conf_path, &c, stderr) != 0) {
		if (check)
			return 1;
		fprintf(stderr, "phimilter: %s: configuration has errors, not starting\n", conf_path);
		return 1;
	}
	if (check) {
		conf_release(c);
		return 0;
	}
	log_open(c->syslog_facility, foreground);
	log_set_level(c->log_level);
	refuse_root_by_default(c->user);
	check_conf_as_user(c->user);
	/* A copy: the config is freed at shutdown, the socket path is needed then. */
	if (!(sock_copy = strdup(sock_opt ? sock_opt : c->socket)))
		fatal("out of memory");
	sock = sock_copy;
	upath = unix_path(sock);
	if (c->pid_file[0] && !(pid_file = strdup(c->pid_file)))
		fatal("out of memory");

	if (smfi_register(mlfi_desc) != MI_SUCCESS)
		fatal("smfi_register failed");
	if (smfi_setconn((char *)sock) != MI_SUCCESS)
		fatal("bad socket %s", sock);
	/* Created 0660 from the start, not 0777 until the chmod below. */
	old_umask = umask(0117);
	if (smfi_opensocket(1) != MI_SUCCESS)
		fatal("cannot open socket %s (does its directory exist and is it writable?)", sock);
	umask(old_umask);
	if (upath && chmod(upath, 0660) != 0)
		fatal("chmod %s: %s", upath, strerror(errno));
	if (upath && stat(upath, &sock_st) != 0)
		fatal("stat %s: %s", upath, strerror(errno));
	if (!upath)
		tcp_nodelay_listeners();
	/* The scan socket for chat gateways (scan_socket.c): opened here,
	 * before the privilege drop, served once the config is current. */
	if (c->scan_socket[0]) {
		char serr[256];
		if (scan_socket_open(c->scan_socket, c->user, serr, sizeof serr) != 0)
			fatal("%s", serr);
	}
	/* metrics_listen (metrics_http.c): bound here, before the drop, so a
	 * port below 1024 works; served once the threads start. */
	if (c->metrics_listen[0]) {
		char merr[256];
		if (metrics_http_open(c->metrics_listen, merr, sizeof merr) != 0)
			fatal("%s", merr);
	}

	if (!foreground)
		daemonize();
	write_pid_file(pid_file);
	drop_privileges(c->user, upath);

	/* Block in every thread (libmilter's and ours inherit this mask) the
	 * signals that are taken by sigwait: USR1 by us, HUP/TERM/INT by
	 * libmilter's signal thread. A thread with them unblocked would die
	 * of the default action instead. */
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	if (pthread_sigmask(SIG_BLOCK, &set, NULL) != 0)
		fatal("pthread_sigmask failed");
	signal(SIGPIPE, SIG_IGN);
	conf_set_current(c); /* takes our reference */
	if ((rc = pthread_create(&thr, NULL, signal_thread, NULL)) != 0)
		fatal("reload thread: %s", strerror(rc));
	if ((rc = pthread_create(&mthr, NULL, metrics_thread, NULL)) != 0 || (rc = pthread_detach(mthr)) != 0)
		fatal("metrics thread: %s", strerror(rc));
	if (c->scan_socket[0]) {
		char serr[256];
		if (scan_socket_start(serr, sizeof serr) != 0)
			fatal("%s", serr);
		LOG_AT(LOG_NOTICE, "scan socket listening on %s", c->scan_socket);
	}
	if (c->metrics_listen[0]) {
		char merr[256];
		if (metrics_http_start(merr, sizeof merr) != 0)
			fatal("%s", merr);
		LOG_AT(LOG_NOTICE, "metrics on http://%s/metrics", c->metrics_listen);
	}

	LOG_AT(LOG_NOTICE, "phimilter %s starting on %s (config %s, mode=%s)", PHI_VERSION, sock, conf_path,
	       conf_mode_name(c->mode));
	rc = smfi_main();

	LOG_AT(LOG_NOTICE, "stopping: waiting for messages in progress");
	left = mlfi_wait_idle(DRAIN_SECONDS);
	scan_socket_stop(DRAIN_SECONDS);
	metrics_http_stop();
	if (left)
		LOG_AT(LOG_WARNING, "stopping with %u message(s) still in progress (the MTA retries them)", left);
	stopping = 1;
	pthread_kill(thr, SIGUSR1);
	pthread_join(thr, NULL);
	{
		struct conf *mc = conf_acquire_current(); /* the final counts */

		if (mc && mc->metrics_file[0])
			metrics_write_file(mc->metrics_file);
		conf_release(mc);
	}
	conf_set_current(NULL);
	if (pid_file) {
		unlink(pid_file);
		free(pid_file);
	}
	/* Remove the socket only if it is still ours: a new instance may
	 * already have replaced it. */
	if (upath && stat(upath, &st) == 0 && st.st_ino == sock_st.st_ino && st.st_dev == sock_st.st_dev)
		unlink(upath);
	LOG_AT(LOG_NOTICE, "stopped");
	free(abs_conf);
	free(sock_copy);
	return rc == MI_SUCCESS ? 0 : 1;
}
