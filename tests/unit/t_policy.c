/*
 * t_policy.c - every cell of the CONTRACTS.md default policy table, the
 * unscannable rule, monitor mode, and the whole-message decision.
 */
#include <stdio.h>
#include <string.h>
#include "tap.h"
#include "policy.h"

static const char *vname[] = { "clean", "pii", "phi" };

/* want[dest][verdict] in enforce mode, no portal */
static const enum policy_action table[DEST__COUNT][3] = {
	[DEST_INTERNAL] = { POLICY_ACCEPT, POLICY_TAG, POLICY_TAG },
	[DEST_PARTNER] = { POLICY_ACCEPT, POLICY_TAG, POLICY_TAG },
	[DEST_EXTERNAL] = { POLICY_ACCEPT, POLICY_REJECT, POLICY_REJECT },
	[DEST_SOCIAL] = { POLICY_ACCEPT, POLICY_REJECT, POLICY_REJECT },
	[DEST_CHAT] = { POLICY_ACCEPT, POLICY_REJECT, POLICY_REJECT },
};

static void decide(enum dest_class d, enum phi_verdict v, int ulimit, int uother, enum conf_mode mode,
                   int portal, struct policy_decision *out)
{
	struct policy_input in;

	memset(&in, 0, sizeof in);
	in.dest = d;
	in.verdict = v;
	in.unscannable_limit = ulimit;
	in.unscannable_other = uother;
	in.mode = mode;
	in.portal = portal;
	policy_decide(&in, out);
}

int main(void)
{
	struct policy_decision pd;
	char name[160];
	int d, v;

	for (d = 0; d < DEST__COUNT; d++)
		for (v = 0; v < 3; v++) {
			decide((enum dest_class)d, (enum phi_verdict)v, 0, 0, CONF_MODE_ENFORCE, 0, &pd);
			snprintf(name, sizeof name, "enforce %s x %s -> %s", dest_class_name((enum dest_class)d),
			         vname[v], policy_action_name(table[d][v]));
			T_EQ_STR(policy_action_name(pd.action), policy_action_name(table[d][v]), name);
			snprintf(name, sizeof name, "enforce %s x %s: would equals action",
			         dest_class_name((enum dest_class)d), vname[v]);
			T_EQ_INT(pd.would, pd.action, name);
			snprintf(name, sizeof name, "%s x %s has a rule id and description",
			         dest_class_name((enum dest_class)d), vname[v]);
			T_OK(pd.rule && pd.description && strstr(pd.rule, dest_class_name((enum dest_class)d)), name);

			decide((enum dest_class)d, (enum phi_verdict)v, 0, 0, CONF_MODE_MONITOR, 0, &pd);
			snprintf(name, sizeof name, "monitor %s x %s never blocks", dest_class_name((enum dest_class)d),
			         vname[v]);
			T_OK(pd.action <= POLICY_TAG && pd.would == table[d][v], name);
			if (table[d][v] == POLICY_REJECT) {
				snprintf(name, sizeof name, "monitor %s x %s tags instead",
				         dest_class_name((enum dest_class)d), vname[v]);
				T_EQ_STR(policy_action_name(pd.action), "tag", name);
			}
		}

	/* Portal: external phi is redirected, pii still rejected, social never redirected. */
	decide(DEST_EXTERNAL, PHI_VERDICT_PHI, 0, 0, CONF_MODE_ENFORCE, 1, &pd);
	T_EQ_STR(policy_action_name(pd.action), "redirect", "external phi with a portal -> redirect");
	decide(DEST_EXTERNAL, PHI_VERDICT_PII, 0, 0, CONF_MODE_ENFORCE, 1, &pd);
	T_EQ_STR(policy_action_name(pd.action), "reject", "external pii with a portal -> reject");
	decide(DEST_SOCIAL, PHI_VERDICT_PHI, 0, 0, CONF_MODE_ENFORCE, 1, &pd);
	T_EQ_STR(policy_action_name(pd.action), "reject", "social phi with a portal -> reject");
	decide(DEST_INTERNAL, PHI_VERDICT_PHI, 0, 0, CONF_MODE_ENFORCE, 1, &pd);
	T_EQ_STR(policy_action_name(pd.action), "tag", "internal phi with a portal -> tag");
	decide(DEST_EXTERNAL, PHI_VERDICT_PHI, 0, 0, CONF_MODE_MONITOR, 1, &pd);
	T_OK(pd.action == POLICY_TAG && pd.would == POLICY_REDIRECT, "monitor: redirect becomes tag");

	/* Unscannable by a limit on a clean message. */
	for (d = 0; d < DEST__COUNT; d++) {
		int inside = d == DEST_INTERNAL || d == DEST_PARTNER;

		decide((enum dest_class)d, PHI_VERDICT_CLEAN, 1, 0, CONF_MODE_ENFORCE, 0, &pd);
		snprintf(name, sizeof name, "clean but unscannable by limit to %s -> %s",
		         dest_class_name((enum dest_class)d), inside ? "tag" : "reject");
		T_EQ_STR(policy_action_name(pd.action), inside ? "tag" : "reject", name);
		snprintf(name, sizeof name, "unscannable to %s: reason unscanned", dest_class_name((enum dest_class)d));
		T_EQ_INT(pd.reason, POLICY_R_UNSCANNED, name);

		decide((enum dest_class)d, PHI_VERDICT_CLEAN, 0, 1, CONF_MODE_ENFORCE, 0, &pd);
		snprintf(name, sizeof name, "clean, unscannable for another reason, to %s -> %s",
		         dest_class_name((enum dest_class)d), inside ? "tag" : "accept");
		T_EQ_STR(policy_action_name(pd.action), inside ? "tag" : "accept", name);
	}
	decide(DEST_EXTERNAL, PHI_VERDICT_CLEAN, 1, 0, CONF_MODE_ENFORCE, 1, &pd);
	T_EQ_STR(policy_action_name(pd.action), "reject", "unscannable external is rejected even with a portal");
	decide(DEST_EXTERNAL, PHI_VERDICT_PHI, 1, 0, CONF_MODE_ENFORCE, 0, &pd);
	T_EQ_INT(pd.reason, POLICY_R_PHI, "phi plus unscannable: reason is phi");
	decide(DEST_SOCIAL, PHI_VERDICT_CLEAN, 1, 0, CONF_MODE_MONITOR, 0, &pd);
	T_OK(pd.action == POLICY_TAG && pd.would == POLICY_REJECT, "monitor: unscannable social tags, would reject");

	T_OK(POLICY_ACCEPT < POLICY_TAG && POLICY_TAG < POLICY_REDIRECT && POLICY_REDIRECT < POLICY_REJECT,
	     "actions ordered by severity");
	return tap_done();
}
