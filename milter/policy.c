/*
 * policy.c - the default policy table (see policy.h for the table and the
 * handling of unscannable content).
 *
 * Why unscannable-by-limit counts as pii outside: a message that is too big,
 * too deep or too slow to read completely may hide anything in the part we
 * did not read, and sending unchecked content outside is the one mistake
 * that cannot be undone. The sender gets a rejection that says the message
 * could not be checked, so they can split it or use the portal. Inside the
 * organisation it is only tagged: the mail stays under our control.
 */
#include "policy.h"

const char *policy_action_name(enum policy_action a)
{
	switch (a) {
	case POLICY_TAG: return "tag";
	case POLICY_REDIRECT: return "redirect";
	case POLICY_QUARANTINE: return "quarantine";
	case POLICY_REJECT: return "reject";
	default: return "accept";
	}
}

struct rule {
	const char *id;
	const char *description;
};

static const struct rule rules[DEST__COUNT][4] = {
	/* indexed [dest][reason] */
	[DEST_INTERNAL] = {
		{ "default.internal.clean", "Mail inside the organisation" },
		{ "default.internal.pii", "Personal identifiers inside the organisation are tagged" },
		{ "default.internal.phi", "Patient information inside the organisation is tagged" },
		{ "default.internal.unscanned", "Mail that could not be fully checked is tagged" },
	},
	[DEST_PARTNER] = {
		{ "default.partner.clean", "Mail to business associates" },
		{ "default.partner.pii", "Personal identifiers to business associates are tagged" },
		{ "default.partner.phi", "Patient information to business associates is tagged" },
		{ "default.partner.unscanned", "Mail that could not be fully checked is tagged" },
	},
	[DEST_EXTERNAL] = {
		{ "default.external.clean", "Mail outside the organisation" },
		{ "default.external.pii", "Personal identifiers may not be e-mailed outside the organisation" },
		{ "default.external.phi", "Patient information may not be e-mailed outside the organisation" },
		{ "default.external.unscanned", "Mail that could not be checked may not leave the organisation" },
	},
	[DEST_SOCIAL] = {
		{ "default.social.clean", "Mail to social networks" },
		{ "default.social.pii", "Personal identifiers may not be posted to social networks" },
		{ "default.social.phi", "Patient information may not be posted to social networks" },
		{ "default.social.unscanned", "Mail that could not be checked may not go to social networks" },
	},
	[DEST_CHAT] = {
		{ "default.chat.clean", "Mail to chat tools" },
		{ "default.chat.pii", "Personal identifiers may not be sent to chat tools" },
		{ "default.chat.phi", "Patient information may not be sent to chat tools" },
		{ "default.chat.unscanned", "Mail that could not be checked may not go to chat tools" },
	},
};

void policy_decide(const struct policy_input *in, struct policy_decision *out)
{
	enum dest_class d = in->dest < DEST__COUNT ? in->dest : DEST_EXTERNAL;
	int inside = d == DEST_INTERNAL || d == DEST_PARTNER;
	enum policy_reason r;
	enum policy_action a;

	if (in->verdict == PHI_VERDICT_PHI)
		r = POLICY_R_PHI;
	else if (in->verdict == PHI_VERDICT_PII)
		r = POLICY_R_PII;
	else if (in->unscannable_limit)
		r = POLICY_R_UNSCANNED;
	else
		r = POLICY_R_CLEAN;

	if (r == POLICY_R_CLEAN)
		a = inside && in->unscannable_other ? POLICY_TAG : POLICY_ACCEPT;
	else if (inside)
		a = POLICY_TAG;
	else if (d == DEST_EXTERNAL && r == POLICY_R_PHI && in->portal)
		a = POLICY_REDIRECT;
	else
		a = POLICY_REJECT;
	if (a == POLICY_REJECT && in->quarantine)
		a = POLICY_QUARANTINE;
	/* The sender asked for the portal: the external copy goes there even
	 * when clean (and instead of a reject or a quarantine). */
	if (d == DEST_EXTERNAL && in->secure && in->portal)
		a = POLICY_REDIRECT;

	out->would = a;
	out->action = in->mode == CONF_MODE_MONITOR && a > POLICY_TAG ? POLICY_TAG : a;
	out->reason = r;
	out->rule = rules[d][r].id;
	out->description = rules[d][r].description;
	if (d == DEST_EXTERNAL && in->secure && in->portal) {
		out->rule = "sender.secure_keyword";
		out->description = "The sender asked for delivery through the secure portal";
	}
}
