/*
 * r_static.c - the one stylesheet (portal.css in portal_templates), at any
 * path ending in /portal.css so that pages can name it relatively.
 */
#include <stdio.h>
#include <stdlib.h>
#include "portal.h"

#define CSS_MAX (64 * 1024)

enum MHD_Result route_css(struct preq *r)
{
	char path[4096], *buf;
	size_t n;
	FILE *f;
	enum MHD_Result rc;

	r->route = "css";
	snprintf(path, sizeof path, "%s/portal.css", r->c->portal_templates);
	if (!(f = fopen(path, "r")))
		return http_bytes(r, MHD_HTTP_NOT_FOUND, "", 0, "text/css; charset=utf-8", NULL);
	if (!(buf = malloc(CSS_MAX))) {
		fclose(f);
		return MHD_NO;
	}
	n = fread(buf, 1, CSS_MAX, f);
	fclose(f);
	rc = http_bytes(r, MHD_HTTP_OK, buf, n, "text/css; charset=utf-8", NULL);
	free(buf);
	return rc;
}
