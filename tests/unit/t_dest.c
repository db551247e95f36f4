/*
 * t_dest.c - recipient -> destination class: subdomains, case, <> and
 * trailing dots, longest match, ties to the stricter class.
 */
#include <string.h>
#include "tap.h"
#include "dest.h"

static char *internal[] = { "example.org", "hospital.example" };
static char *partner[] = { "lab.example" };
static char *social[] = { "facebookmail.com", "linkedin.com" };
static char *chat[] = { "slack.com", "teams.ms", "chat.example.org", "lab.example" };

struct dcase {
	const char *name, *addr;
	enum dest_class want;
};

static const struct dcase cases[] = {
	{ "internal exact domain", "alice@example.org", DEST_INTERNAL },
	{ "internal subdomain", "bob@mail.example.org", DEST_INTERNAL },
	{ "domain match is case-insensitive", "Bob@EXAMPLE.Org", DEST_INTERNAL },
	{ "angle brackets stripped", "<carol@example.org>", DEST_INTERNAL },
	{ "trailing dot stripped", "<carol@example.org.>", DEST_INTERNAL },
	{ "suffix without a dot is not a subdomain", "eve@badexample.org", DEST_EXTERNAL },
	{ "parent of a listed domain is not covered", "eve@org", DEST_EXTERNAL },
	{ "partner domain", "x@lab.example.", DEST_EXTERNAL + 100 }, /* tie: see below */
	{ "social exact", "notify@facebookmail.com", DEST_SOCIAL },
	{ "social subdomain", "m@bounce.linkedin.com", DEST_SOCIAL },
	{ "chat workspace subdomain", "channel-abc@team.slack.com", DEST_CHAT },
	{ "teams regional subdomain", "abc.tenant.onmicrosoft.com@amer.teams.ms", DEST_CHAT },
	{ "longest match wins: chat inside internal", "room@chat.example.org", DEST_CHAT },
	{ "external", "someone@gmail.com", DEST_EXTERNAL },
	{ "quoted local part with @", "\"a@b\"@example.org", DEST_INTERNAL },
	{ "no domain is local delivery", "postmaster", DEST_INTERNAL },
	{ "empty domain is external", "x@", DEST_EXTERNAL },
	{ "bad characters are external", "x@exa mple.org", DEST_EXTERNAL },
	{ "address literal is external", "x@[192.0.2.1]", DEST_EXTERNAL },
};

int main(void)
{
	struct conf c;
	char dom[64];
	size_t i;

	memset(&c, 0, sizeof c);
	c.internal_domains.v = internal;
	c.internal_domains.n = 2;
	c.partner_domains.v = partner;
	c.partner_domains.n = 1;
	c.social_domains.v = social;
	c.social_domains.n = 2;
	c.chat_domains.v = chat;
	c.chat_domains.n = 4;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		enum dest_class want = cases[i].want;

		if ((int)want == DEST_EXTERNAL + 100)
			want = DEST_CHAT; /* lab.example is partner and chat: the stricter wins */
		T_EQ_STR(dest_class_name(dest_classify(&c, cases[i].addr)), dest_class_name(want), cases[i].name);
	}
	c.chat_domains.n = 3;
	T_EQ_STR(dest_class_name(dest_classify(&c, "x@LAB.example")), "partner", "partner domain");

	T_EQ_INT(dest_domain("<A@B.Example.>", dom, sizeof dom), 0, "dest_domain ok");
	T_EQ_STR(dom, "b.example", "dest_domain normalises");
	T_EQ_INT(dest_domain("local", dom, sizeof dom), 1, "dest_domain: no domain");
	T_EQ_INT(dest_domain("a@aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.com", dom, sizeof dom),
	         -1, "dest_domain: too long for the buffer fails");
	T_OK(dest_domain_matches("a.b.c", "b.c"), "matches subdomain");
	T_OK(dest_domain_matches("b.c", "B.C"), "matches case-insensitively");
	T_OK(!dest_domain_matches("ab.c", "b.c"), "no match without a dot boundary");
	T_OK(!dest_domain_matches("b.c", ""), "empty entry never matches");
	return tap_done();
}
