/*
 * nullmilter.c - the protocol-overhead baseline of `make bench`.
 *
 *   nullmilter -p unix:/path/sock      (also inet:PORT@HOST)
 *
 * A libmilter milter that does what phimilter does on the wire and nothing
 * else: it asks for every callback phimilter registers, receives the whole
 * body (no SMFIP_NOBODY / SKIP shortcuts), and at end of message adds one
 * header (X-Bench-Null: scanned), as phimilter adds X-PHI-Scanned, so that
 * the comparison includes the modification round trip. Everything is
 * accepted. It keeps no per-message state; the counters are atomics. At exit
 * (SIGTERM: libmilter stops smfi_main) it prints "nullmilter: messages=N
 * body_bytes=N" on stderr, so the bench can check it saw every message.
 * Never logs message content.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <libmilter/mfapi.h>

static unsigned long long n_msgs, n_body;

static sfsistat nm_connect(SMFICTX *ctx, char *host, _SOCK_ADDR *sa)
{
	(void)ctx; (void)host; (void)sa;
	return SMFIS_CONTINUE;
}

static sfsistat nm_helo(SMFICTX *ctx, char *helo)
{
	(void)ctx; (void)helo;
	return SMFIS_CONTINUE;
}

static sfsistat nm_envfrom(SMFICTX *ctx, char **argv)
{
	(void)ctx; (void)argv;
	return SMFIS_CONTINUE;
}

static sfsistat nm_envrcpt(SMFICTX *ctx, char **argv)
{
	(void)ctx; (void)argv;
	return SMFIS_CONTINUE;
}

static sfsistat nm_header(SMFICTX *ctx, char *name, char *value)
{
	(void)ctx; (void)name; (void)value;
	return SMFIS_CONTINUE;
}

static sfsistat nm_eoh(SMFICTX *ctx)
{
	(void)ctx;
	return SMFIS_CONTINUE;
}

static sfsistat nm_body(SMFICTX *ctx, unsigned char *p, size_t n)
{
	(void)ctx; (void)p;
	__atomic_add_fetch(&n_body, (unsigned long long)n, __ATOMIC_RELAXED);
	return SMFIS_CONTINUE;
}

static sfsistat nm_eom(SMFICTX *ctx)
{
	__atomic_add_fetch(&n_msgs, 1, __ATOMIC_RELAXED);
	if (smfi_addheader(ctx, "X-Bench-Null", "scanned") != MI_SUCCESS)
		return SMFIS_TEMPFAIL;
	return SMFIS_ACCEPT;
}

static sfsistat nm_abort(SMFICTX *ctx)
{
	(void)ctx;
	return SMFIS_CONTINUE;
}

static sfsistat nm_close(SMFICTX *ctx)
{
	(void)ctx;
	return SMFIS_CONTINUE;
}

int main(int argc, char **argv)
{
	struct smfiDesc desc;
	const char *sock = NULL;
	int c;

	while ((c = getopt(argc, argv, "p:")) != -1) {
		if (c == 'p')
			sock = optarg;
		else
			return fputs("usage: nullmilter -p SOCKET\n", stderr), 2;
	}
	if (!sock)
		return fputs("usage: nullmilter -p SOCKET\n", stderr), 2;
	memset(&desc, 0, sizeof desc);
	desc.xxfi_name = "nullmilter";
	desc.xxfi_version = SMFI_VERSION;
	desc.xxfi_flags = SMFIF_ADDHDRS;
	desc.xxfi_connect = nm_connect;
	desc.xxfi_helo = nm_helo;
	desc.xxfi_envfrom = nm_envfrom;
	desc.xxfi_envrcpt = nm_envrcpt;
	desc.xxfi_header = nm_header;
	desc.xxfi_eoh = nm_eoh;
	desc.xxfi_body = nm_body;
	desc.xxfi_eom = nm_eom;
	desc.xxfi_abort = nm_abort;
	desc.xxfi_close = nm_close;
	if (strncmp(sock, "unix:", 5) == 0)
		unlink(sock + 5);
	if (smfi_setconn((char *)sock) != MI_SUCCESS || smfi_register(desc) != MI_SUCCESS)
		return fprintf(stderr, "nullmilter: cannot use %s\n", sock), 1;
	/* Postfix (user postfix) must reach the socket, as with phimilter's 0660
	 * socket in a postfix-group directory. */
	umask(000);
	if (smfi_opensocket(1) != MI_SUCCESS)
		return fprintf(stderr, "nullmilter: cannot open %s\n", sock), 1;
	c = smfi_main();
	fprintf(stderr, "nullmilter: messages=%llu body_bytes=%llu\n", n_msgs, n_body);
	return c == MI_SUCCESS ? 0 : 1;
}
