/*
 * ctl_scan_socket.c - `phictl scan --socket ADDR [--json] [--text]
 *   [--channel mail|chat|web] [--from ADDR] [--rcpt ADDR]... FILE...`
 *
 * Sends each FILE through the scan socket of the running daemon (libphiscan)
 * so an admin sees what the daemon itself decides: same configuration,
 * policy and audit line (the daemon logs each request). A FILE is sent as
 * an RFC 5322 message (an attachment of type message/rfc822), or with
 * --text as the request's text. Without --rcpt the daemon judges the
 * message as going outside. Output: a readable line per file, or with
 * --json the daemon's reply with "file" first. Exit 0 all clean, 1
 * something found, 2 an error (as `phictl scan`).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "phi/report.h"
#include "phi/scan_client.h"
#include "ctl.h"
#include "ctl_scan_socket.h"

#define CTL_SOCK_MAX_FILE (1024u * 1024 * 1024)
#define CTL_SOCK_TIMEOUT_MS 120000

static const char *base_name(const char *p)
{
	const char *s = strrchr(p, '/');
	return s ? s + 1 : p;
}

static void print_error(int json, const char *file, const char *why)
{
	if (json)
		phi_report_json_error(stdout, file, why);
	else
		fprintf(stderr, "phictl: %s: %s\n", file, why);
}

static int scan_one(struct phiscan *c, const char *file, int json, int text_mode, const char *channel,
                    const char *from, const char *const *rcpts, size_t nrcpt, unsigned long no)
{
	unsigned char *buf = NULL;
	size_t len, reqlen, replylen;
	int truncated, result = 2;
	char *req = NULL, *reply = NULL, id[32], verdict[16], action[16], incident[64], err[256];
	struct phiscan_file f;

	if (ctl_read_file(file, CTL_SOCK_MAX_FILE, &buf, &len, &truncated) < 0) {
		snprintf(err, sizeof err, "cannot read: %s", strerror(errno));
		print_error(json, file, err);
		return 2;
	}
	snprintf(id, sizeof id, "phictl-%lu", no);
	f.filename = strcmp(file, "-") == 0 ? NULL : base_name(file);
	f.content_type = "message/rfc822";
	f.data = buf;
	f.len = len;
	if (phiscan_request_json(id, channel, from, rcpts, nrcpt, text_mode ? buf : NULL, len,
	                         text_mode ? NULL : &f, text_mode ? 0 : 1, &req, &reqlen) != 0) {
		print_error(json, file, "out of memory");
		goto out;
	}
	if (phiscan_call(c, req, reqlen, &reply, &replylen) != 0) {
		snprintf(err, sizeof err, "scan socket: %s", phiscan_error(c));
		print_error(json, file, err);
		goto out;
	}
	if (phiscan_reply_str(reply, "error", err, sizeof err) == 0) {
		print_error(json, file, err);
		goto out;
	}
	phiscan_reply_str(reply, "verdict", verdict, sizeof verdict);
	phiscan_reply_str(reply, "action", action, sizeof action);
	if (phiscan_reply_str(reply, "incident", incident, sizeof incident) != 0)
		snprintf(incident, sizeof incident, "-");
	if (json) {
		/* The daemon's reply as it came, with the file name first. */
		fputs("{\"file\":", stdout);
		phi_json_string(stdout, file);
		fputc(',', stdout);
		fputs(reply + 1, stdout);
		fputc('\n', stdout);
	} else {
		char notice[8192];
		int deliver = phiscan_reply_bool(reply, "deliver");

		printf("%s: %s, action %s, %s, incident %s\n", file, verdict, action,
		       deliver == 1 ? "delivered" : "not delivered", incident);
		if (phiscan_reply_str(reply, "notice", notice, sizeof notice) == 0 && notice[0]) {
			char *line = notice, *nl;
			for (; line && *line; line = nl ? nl + 1 : NULL) {
				nl = strchr(line, '\n');
				if (nl)
					*nl = 0;
				printf("  | %s\n", line);
			}
		}
	}
	result = strcmp(verdict, "clean") == 0 ? 0 : strcmp(verdict, "error") == 0 ? 2 : 1;
out:
	if (req) {
		memset(req, 0, reqlen);
		free(req);
	}
	free(reply);
	if (buf) {
		memset(buf, 0, len);
		free(buf);
	}
	return result;
}

int ctl_scan_socket(int argc, char **argv)
{
	const char *addr = NULL, *channel = "mail", *from = NULL;
	const char **rcpts;
	size_t nrcpt = 0;
	int json = 0, text_mode = 0, i, worst = 0;
	unsigned long no = 0;
	struct phiscan *c = NULL;
	char err[256];

	if (!(rcpts = calloc((size_t)argc + 1, sizeof *rcpts))) {
		fputs("phictl: out of memory\n", stderr);
		return 2;
	}
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			json = 1;
		else if (strcmp(argv[i], "--text") == 0)
			text_mode = 1;
		else if (strcmp(argv[i], "--socket") == 0 && i + 1 < argc)
			addr = argv[++i];
		else if (strcmp(argv[i], "--channel") == 0 && i + 1 < argc)
			channel = argv[++i];
		else if (strcmp(argv[i], "--from") == 0 && i + 1 < argc)
			from = argv[++i];
		else if (strcmp(argv[i], "--rcpt") == 0 && i + 1 < argc)
			rcpts[nrcpt++] = argv[++i];
		else if (strcmp(argv[i], "-c") == 0 && i + 1 < argc)
			i++; /* the daemon's own configuration applies */
		else if (strcmp(argv[i], "--") == 0) {
			i++;
			break;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			fprintf(stderr, "phictl scan: unknown option %s\n", argv[i]);
			free(rcpts);
			return 2;
		} else
			break;
	}
	if (!addr || i >= argc) {
		fputs("usage: phictl scan --socket ADDR [--json] [--text] [--channel mail|chat|web]"
		      " [--from ADDR] [--rcpt ADDR]... FILE...\n", stderr);
		free(rcpts);
		return 2;
	}
	if (phiscan_connect(addr, CTL_SOCK_TIMEOUT_MS, &c, err, sizeof err) != 0) {
		fprintf(stderr, "phictl: scan socket %s: %s\n", addr, err);
		free(rcpts);
		return 2;
	}
	for (; i < argc; i++) {
		int r = scan_one(c, argv[i], json, text_mode, channel, from, rcpts, nrcpt, ++no);
		if (r == 2 || (r == 1 && worst == 0))
			worst = r;
		fflush(stdout);
		if (r == 2 && phiscan_error(c)[0])
			break; /* the connection is gone */
	}
	phiscan_close(c);
	free(rcpts);
	return worst;
}
