/*
 * d_addr.c - postal addresses and ZIP codes (contact types).
 *
 * A street line is a house number, one to five capitalised words and a
 * street suffix ("41 Canyon Rd", "3140 Erdman Valley Suite 912"); a city
 * line is "City, ST 12345" with a real state abbreviation. A ZIP code (5 or
 * ZIP+4) counts after a state abbreviation or a "zip" label. Never pii alone.
 */
#include <string.h>
#include "det.h"

static int state_at(const unsigned char *t, size_t a)
{
	static const char st[] =
		"AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV "
		"NH NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY PR VI GU AS MP ";
	size_t i;

	if (!IS_UPPER(t[a]) || !IS_UPPER(t[a + 1]))
		return 0;
	for (i = 0; st[i]; i += 3)
		if (st[i] == (char)t[a] && st[i + 1] == (char)t[a + 1])
			return 1;
	return 0;
}

void d_zip_num(struct det_seg *ds, const struct numrun *r)
{
	const unsigned char *t = ds->t;
	size_t a, b, s;
	int g1;

	if (r->gl[0] != 5)
		return;
	g1 = (r->ng >= 2 && r->sep[1] == '-' && r->gl[1] == 4) ? 1 : 0;
	if (!num_isolated(ds, r, 0, g1))
		return;
	a = r->gs[0];
	b = r->gs[g1] + r->gl[g1];
	if (a >= 4 && t[a - 1] == ' ' && state_at(t, a - 3) && !IS_ALNUM(t[a - 4])) {
		det_add(ds, PHI_T_ZIP_CODE, PHI_CONF_MEDIUM, a, b - a, "+state");
		/* "City, ST 12345": the city line is part of an address */
		s = a - 4;
		if (s >= 2 && t[s] == ' ' && t[s - 1] == ',') {
			size_t c = s - 1, w = 0;
			while (c > 0 && w < 3) {
				size_t e = c;
				while (c > 0 && IS_ALPHA(t[c - 1]))
					c--;
				if (c == e || !IS_UPPER(t[c]))
					break;
				w++;
				if (c > 0 && t[c - 1] == ' ' && c > 1 && IS_UPPER(t[c - 2]) == 0 && IS_ALPHA(t[c - 2]))
					break;
				if (c > 1 && t[c - 1] == ' ' && IS_ALPHA(t[c - 2]))
					c--;
				else
					break;
			}
			while (c < s && !IS_ALPHA(t[c]))
				c++;
			if (w)
				det_add(ds, PHI_T_ADDRESS, PHI_CONF_MEDIUM, c, b - c, "city state zip");
		}
		return;
	}
	if (ctx_before(ds, a, 16, K_ZIP))
		det_add(ds, PHI_T_ZIP_CODE, PHI_CONF_MEDIUM, a, b - a, "+zip");
}

static void street(struct det_seg *ds, const struct kw_hit *h)
{
	const unsigned char *t = ds->t;
	size_t i = h->start, words = 0, num = 0, e = h->end;
	int found = 0;

	if (!IS_UPPER(t[h->start]))
		return;
	while (words < 6 && i > 1 && t[i - 1] == ' ') {
		size_t we = i - 1, ws = we;
		int dig = 1, k;
		while (ws > 0 && (IS_ALNUM(t[ws - 1]) || t[ws - 1] == '.' || t[ws - 1] == '\''))
			ws--;
		if (ws == we)
			break;
		for (k = (int)ws; k < (int)we; k++)
			if (!IS_DIGIT(t[k]))
				dig = 0;
		if (dig && we - ws <= 6) {
			if (ws > 0 && IS_ALNUM(t[ws - 1]))
				break;
			num = ws;
			found = words > 0;
			break;
		}
		if (!IS_UPPER(t[ws]) && !IS_DIGIT(t[ws]))
			break;
		words++;
		i = ws;
	}
	if (!found)
		return;
	if (e < ds->n && t[e] == '.')
		e++;
	det_add(ds, PHI_T_ADDRESS, PHI_CONF_MEDIUM, num, e - num, "street");
}

void d_addr_hits(struct det_seg *ds)
{
	size_t i;

	if (!(ds->allcats & K_STREET))
		return;
	for (i = 0; i < ds->nhits; i++)
		if (ds->hits[i].cats & K_STREET)
			street(ds, &ds->hits[i]);
}
