/*
 * ctl_portal_revoke.c - phictl portal [-c CONFIG] revoke ID: withdraw a
 * redirected message from the secure portal. The store gets the marker
 * "revoked" for ID (qstore mark_used), which phiportal checks on every
 * request (portal/link.c), so open sessions end at once as well; the
 * encrypted entry itself stays until `phictl quarantine delete` or the
 * retention purge. Audited with the user who ran it.
 * Exit: 0 revoked (or already revoked), 1 no such redirected message,
 * 2 usage or configuration error.
 */
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "audit.h"
#include "conf.h"
#include "ctl.h"
#include "ctl_conf.h"
#include "qstore.h"

/* argv[0] = "portal"; [-c CONFIG] revoke ID */
int ctl_portal_revoke_wanted(int argc, char **argv)
{
	int i = 1;

	if (i + 1 < argc && strcmp(argv[i], "-c") == 0)
		i += 2;
	return i < argc && strcmp(argv[i], "revoke") == 0;
}

static void audit_revoke(const struct conf *c, const char *id, const char *result)
{
	struct audit_rec r;
	struct passwd *pw = getpwuid(getuid());
	char user[64];

	snprintf(user, sizeof user, "%s", pw && pw->pw_name ? pw->pw_name : "unknown");
	audit_begin(&r, "admin");
	audit_str(&r, "user", user);
	audit_str(&r, "command", "portal revoke");
	audit_str(&r, "quarantine_id", qstore_id_ok(id) ? id : "-");
	audit_str(&r, "result", result);
	if (audit_write(c->audit_log, &r) != 0)
		fprintf(stderr, "phictl: warning: audit_log %s could not be written\n", c->audit_log);
}

int ctl_portal_revoke(int argc, char **argv)
{
	const char *path = NULL, *id;
	struct conf *c = NULL;
	struct qstore *q;
	struct qstore_item it;
	char why[QSTORE_WHY_MAX];
	int i = 1, rc;

	if (i + 1 < argc && strcmp(argv[i], "-c") == 0) {
		path = argv[i + 1];
		i += 2;
	}
	if (i + 2 != argc) {
		fprintf(stderr, "usage: phictl portal [-c CONFIG] revoke ID\n");
		return 2;
	}
	id = argv[i + 1];
	if (!path)
		path = ctl_default_conf();
	if (!path) {
		fprintf(stderr, "phictl: no configuration found (use -c)\n");
		return 2;
	}
	if (conf_load(path, &c, stderr) != 0)
		return 2;
	if (!c->have_quarantine_key) {
		fprintf(stderr, "phictl: quarantine_key_file is not set in the configuration\n");
		conf_release(c);
		return 2;
	}
	if (!(q = qstore_dir_open(c->quarantine_dir, c->quarantine_key, why, sizeof why))) {
		fprintf(stderr, "phictl: %s\n", why);
		conf_release(c);
		return 2;
	}
	if (!qstore_id_ok(id) || q->ops->get(q, id, 0, &it) != 0) {
		fprintf(stderr, "phictl: no such message in the store: %s\n", qstore_id_ok(id) ? id : "(bad id)");
		audit_revoke(c, id, "not found");
		rc = 1;
	} else {
		int redirect = strcmp(it.meta.action, "redirect") == 0;

		qstore_item_free(&it);
		if (!redirect) {
			fprintf(stderr, "phictl: %s is not a portal message (it is held in quarantine)\n", id);
			audit_revoke(c, id, "refused: not a portal message");
			rc = 1;
		} else if (q->ops->mark_used(q, id, "revoked") < 0) {
			fprintf(stderr, "phictl: %s\n", q->why);
			audit_revoke(c, id, "failed");
			rc = 2;
		} else {
			printf("revoked %s: its portal links no longer open\n", id);
			audit_revoke(c, id, "ok");
			rc = 0;
		}
	}
	qstore_close(q);
	conf_release(c);
	return rc;
}
