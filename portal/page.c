/*
 * page.c - HTML templates of conf/portal/ (portal_templates) with {name}
 * placeholders. Every value is HTML-escaped unless the caller marks it as
 * markup it built itself (and escaped piece by piece). Templates are read
 * on each use (a few KB; an admin's edit shows at once, no reload).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "portal.h"

#define TEMPLATE_MAX (64 * 1024)

void page_escape(struct phi_buf *o, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		switch (c) {
		case '&': phi_buf_append(o, "&amp;", 5); break;
		case '<': phi_buf_append(o, "&lt;", 4); break;
		case '>': phi_buf_append(o, "&gt;", 4); break;
		case '"': phi_buf_append(o, "&quot;", 6); break;
		case '\'': phi_buf_append(o, "&#39;", 5); break;
		case '\n': case '\t': phi_buf_putc(o, c); break;
		case '\r': break;
		default:
			if (c < 0x20 || c == 0x7f)
				phi_buf_append(o, "\xef\xbf\xbd", 3);
			else
				phi_buf_putc(o, c);
		}
	}
}

static char *read_template(const struct conf *c, const char *name)
{
	char path[4096];
	FILE *f;
	char *buf;
	size_t n;

	snprintf(path, sizeof path, "%s/%s", c->portal_templates, name);
	if (!(f = fopen(path, "r")))
		return NULL;
	if (!(buf = malloc(TEMPLATE_MAX + 1))) {
		fclose(f);
		return NULL;
	}
	n = fread(buf, 1, TEMPLATE_MAX, f);
	fclose(f);
	buf[n] = 0;
	return buf;
}

int page_render(const struct conf *c, const char *name, const struct page_var *v, size_t nv, struct phi_buf *out)
{
	char *t = read_template(c, name);
	const char *s;

	if (!t)
		return -1;
	for (s = t; *s;) {
		const char *e;
		size_t i, nl;

		if (*s != '{' || !(e = strchr(s + 1, '}')) || (nl = (size_t)(e - s - 1)) == 0 || nl > 32) {
			phi_buf_putc(out, (unsigned char)*s++);
			continue;
		}
		for (i = 0; i < nv; i++)
			if (strlen(v[i].name) == nl && memcmp(v[i].name, s + 1, nl) == 0)
				break;
		if (i == nv) {
			phi_buf_putc(out, (unsigned char)*s++); /* not ours (CSS, a brace in text) */
			continue;
		}
		if (v[i].val) {
			if (v[i].raw)
				phi_buf_append(out, v[i].val, strlen(v[i].val));
			else
				page_escape(out, v[i].val, strlen(v[i].val));
		}
		s = e + 1;
	}
	free(t);
	return 0;
}
