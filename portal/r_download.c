/*
 * r_download.c - GET /m/ID/a/K: attachment K of the message, its original
 * decoded bytes, as a download (Content-Disposition: attachment, type
 * application/octet-stream, nosniff), for a verified session only. The
 * file is never shown inline: a PDF or HTML file from outside must not
 * run in the portal's origin.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "msgview.h"
#include "portal.h"


enum MHD_Result route_download(struct preq *r, const char *id, const char *which)
{
	const struct conf *c = r->c;
	struct link l;
	struct msgview v;
	enum MHD_Result rc;
	char *end;
	unsigned long k;

	r->route = "download";
	k = strtoul(which, &end, 10);
	if (!*which || *end || strlen(which) > 4)
		return http_error(r, MHD_HTTP_NOT_FOUND, "There is no such file", "This attachment does not exist.");
	if (route_verified(r, id, 1, &l, &rc) != 0) {
		portal_audit(c, "download", id, NULL, "refused");
		return rc;
	}
	if (msgview_parse(l.it.msg, l.it.msglen, &v) != 0) {
		link_close(&l);
		return http_error(r, MHD_HTTP_SERVICE_UNAVAILABLE, "The portal is busy", "Please try again in a minute.");
	}
	if (k >= v.natt) {
		rc = http_error(r, MHD_HTTP_NOT_FOUND, "There is no such file", "This attachment does not exist.");
	} else {
		char res[48];

		snprintf(res, sizeof res, "ok: attachment %lu", k + 1);
		portal_audit(c, "download", id, l.rcpt, res);
		rc = http_bytes(r, MHD_HTTP_OK, v.att[k].data.data ? v.att[k].data.data : (unsigned char *)"",
		                v.att[k].data.len, "application/octet-stream", v.att[k].name);
	}
	msgview_free(&v);
	link_close(&l);
	return rc;
}
