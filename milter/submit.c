/*
 * submit.c - hand a made message to the MTA (see submit.h).
 *
 * Why our own small SMTP client: libcurl's SMTP would do, but the daemon
 * needs only one local hop to its own MTA, and every reply must be checked
 * (a 4xx to one RCPT is a failure of the whole submission here: a release
 * or notice that reached only some recipients would be worse than a retry).
 */
#include <errno.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
#include "submit.h"

static int send_all(int fd, const void *p, size_t n)
{
	const char *c = p;

	while (n) {
		ssize_t w = send(fd, c, n, MSG_NOSIGNAL);

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

/* Read one (possibly multi-line) reply; returns the code or -1. */
static int reply(int fd, char *buf, size_t len)
{
	size_t used = 0;

	for (;;) {
		char *nl, *line;
		ssize_t r;

		buf[used] = 0;
		/* the last line of a reply is "NNN " */
		line = buf;
		while ((nl = strstr(line, "\r\n")) != NULL) {
			if (nl - line >= 3 && (line[3] == ' ' || nl - line == 3))
				return atoi(line);
			line = nl + 2;
		}
		if (used + 1 >= len) {
			/* keep the tail only */
			size_t keep = (size_t)(buf + used - line);

			if (keep + 1 >= len)
				return -1;
			memmove(buf, line, keep);
			used = keep;
		}
		r = recv(fd, buf + used, len - used - 1, 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		used += (size_t)r;
	}
}

static int cmd(int fd, char *buf, size_t len, const char *fmt, const char *arg, int want)
{
	char line[1200];
	int n = snprintf(line, sizeof line, fmt, arg ? arg : "");

	if (n < 0 || (size_t)n >= sizeof line || send_all(fd, line, (size_t)n) != 0)
		return -1;
	n = reply(fd, buf, len);
	return n / 100 == want / 100 ? 0 : n > 0 ? n : -1;
}

/* The message with bare LF made CRLF and leading dots doubled. */
static int send_data(int fd, const unsigned char *m, size_t len)
{
	char out[8192];
	size_t o = 0, i;
	int bol = 1;

	for (i = 0; i < len; i++) {
		unsigned char c = m[i];

		if (o + 4 > sizeof out) {
			if (send_all(fd, out, o) != 0)
				return -1;
			o = 0;
		}
		if (bol && c == '.')
			out[o++] = '.';
		if (c == '\n' && (i == 0 || m[i - 1] != '\r'))
			out[o++] = '\r';
		out[o++] = (char)c;
		bol = c == '\n';
	}
	if (!bol) {
		out[o++] = '\r';
		out[o++] = '\n';
	}
	if (send_all(fd, out, o) != 0)
		return -1;
	return send_all(fd, ".\r\n", 3);
}

static int smtp(const char *hostport, const char *from, char *const *rcpts, size_t nrcpt,
                const unsigned char *msg, size_t len, char *why, size_t whylen)
{
	char host[256], buf[4096];
	const char *colon = strrchr(hostport, ':');
	struct addrinfo hints, *ai = NULL, *a;
	struct timeval tv = { 30, 0 };
	size_t i;
	int fd = -1, rc;

	if (!colon || (size_t)(colon - hostport) >= sizeof host || colon == hostport) {
		snprintf(why, whylen, "submission: want smtp:HOST:PORT");
		return -1;
	}
	memcpy(host, hostport, (size_t)(colon - hostport));
	host[colon - hostport] = 0;
	memset(&hints, 0, sizeof hints);
	hints.ai_socktype = SOCK_STREAM;
	if ((rc = getaddrinfo(host, colon + 1, &hints, &ai)) != 0) {
		snprintf(why, whylen, "submission: %s", gai_strerror(rc));
		return -1;
	}
	for (a = ai; a; a = a->ai_next) {
		fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
		if (fd < 0)
			continue;
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
		setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
		if (connect(fd, a->ai_addr, a->ai_addrlen) == 0)
			break;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(ai);
	if (fd < 0) {
		snprintf(why, whylen, "submission: cannot connect: %s", strerror(errno));
		return -1;
	}
	rc = reply(fd, buf, sizeof buf);
	if (rc / 100 != 2) {
		snprintf(why, whylen, "submission: greeting %d", rc);
		goto fail;
	}
	if ((rc = cmd(fd, buf, sizeof buf, "EHLO localhost\r\n", NULL, 250)) != 0) {
		snprintf(why, whylen, "submission: EHLO answered %d", rc);
		goto fail;
	}
	if ((rc = cmd(fd, buf, sizeof buf, "MAIL FROM:<%s>\r\n", from, 250)) != 0) {
		snprintf(why, whylen, "submission: MAIL FROM answered %d", rc);
		goto fail;
	}
	for (i = 0; i < nrcpt; i++)
		if ((rc = cmd(fd, buf, sizeof buf, "RCPT TO:<%s>\r\n", rcpts[i], 250)) != 0) {
			snprintf(why, whylen, "submission: RCPT TO answered %d", rc);
			goto fail;
		}
	if ((rc = cmd(fd, buf, sizeof buf, "DATA\r\n", NULL, 354)) != 0) {
		snprintf(why, whylen, "submission: DATA answered %d", rc);
		goto fail;
	}
	if (send_data(fd, msg, len) != 0 || (rc = reply(fd, buf, sizeof buf)) / 100 != 2) {
		snprintf(why, whylen, "submission: end of data answered %d", rc);
		goto fail;
	}
	cmd(fd, buf, sizeof buf, "QUIT\r\n", NULL, 221);
	close(fd);
	return 0;
fail:
	close(fd);
	return -1;
}

static int command(const char *spec, const char *from, char *const *rcpts, size_t nrcpt,
                   const unsigned char *msg, size_t len, char *why, size_t whylen)
{
	int p[2], st;
	pid_t pid;
	size_t off = 0;
	int headers_name_rcpts = strstr(spec, " -t") != NULL;

	char script[1200];
	char **argv = calloc(nrcpt + 8, sizeof *argv);
	size_t i, k = 0;

	if (!argv) {
		snprintf(why, whylen, "submission: out of memory");
		return -1;
	}
	snprintf(script, sizeof script, "%s \"$@\"", spec);
	argv[k++] = "/bin/sh";
	argv[k++] = "-c";
	argv[k++] = script;
	argv[k++] = "sh";
	if (!headers_name_rcpts) {
		argv[k++] = "-f";
		argv[k++] = (char *)from;
		argv[k++] = "--";
		for (i = 0; i < nrcpt; i++)
			argv[k++] = rcpts[i];
	}
	argv[k] = NULL;
	if (pipe(p) != 0) {
		free(argv);
		snprintf(why, whylen, "submission: pipe: %s", strerror(errno));
		return -1;
	}
	pid = fork();
	if (pid < 0) {
		free(argv);
		close(p[0]);
		close(p[1]);
		snprintf(why, whylen, "submission: fork: %s", strerror(errno));
		return -1;
	}
	if (pid == 0) {
		/* only async-signal-safe calls here: the daemon has threads */
		if (dup2(p[0], 0) < 0)
			_exit(127);
		close(p[0]);
		close(p[1]);
		execv("/bin/sh", argv);
		_exit(127);
	}
	free(argv);
	close(p[0]);
	while (off < len) {
		ssize_t w = write(p[1], msg + off, len - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		off += (size_t)w;
	}
	close(p[1]);
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR) {
			snprintf(why, whylen, "submission: waitpid: %s", strerror(errno));
			return -1;
		}
	if (off != len || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		snprintf(why, whylen, "submission command failed (status %d)", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
		return -1;
	}
	return 0;
}

int submit_message(const char *spec, const char *from, char *const *rcpts, size_t nrcpt,
                   const unsigned char *msg, size_t len, char *why, size_t whylen)
{
	if (!spec || !*spec) {
		snprintf(why, whylen, "submission is not set");
		return -1;
	}
	if (strncmp(spec, "smtp:", 5) == 0)
		return smtp(spec + 5, from, rcpts, nrcpt, msg, len, why, whylen);
	return command(spec, from, rcpts, nrcpt, msg, len, why, whylen);
}
