/*
 * t_policy_parse.c - the policy-file parser (policy_parse.c): every key
 * into its field, every error as NAME:LINE, groups (nested, @file),
 * quoting, comments, CRLF, the limits (1 MiB, 1000 rules, 10 000 entries,
 * line length), the built-in text (parses, equals conf/policy.rules byte
 * for byte, its commented examples parse when enabled), and the config
 * keys policy_file and privacy_officer (conf.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "tap.h"
#include "conf.h"
#include "policy.h"

static char dir[256];
static char errbuf[65536];

static void put(const char *name, const char *text, size_t len)
{
	char p[512];
	FILE *f;

	snprintf(p, sizeof p, "%s/%s", dir, name);
	f = fopen(p, "wb");
	if (!f) {
		perror(p);
		exit(1);
	}
	fwrite(text, 1, len, f);
	fclose(f);
}

static void put_s(const char *name, const char *text)
{
	put(name, text, strlen(text));
}

/* Parse `text` as "t.rules" in dir; errors into errbuf. */
static struct policy *parse_n(const char *text, size_t len)
{
	char *buf = NULL;
	size_t blen = 0;
	FILE *errs = open_memstream(&buf, &blen);
	struct policy *p = policy_parse(text, len, "t.rules", dir, errs);

	fclose(errs);
	snprintf(errbuf, sizeof errbuf, "%s", buf ? buf : "");
	free(buf);
	return p;
}

static struct policy *parse(const char *text)
{
	return parse_n(text, strlen(text));
}

/* Is there a message line "t.rules:LINE: ..." that contains want? */
static int has_msg(int line, const char *want)
{
	char prefix[64];
	const char *l = errbuf;

	snprintf(prefix, sizeof prefix, "t.rules:%d: ", line);
	while (*l) {
		const char *e = strchr(l, '\n'), *w;

		if (!e)
			e = l + strlen(l);
		w = strstr(l, want);
		if (strncmp(l, prefix, strlen(prefix)) == 0 && w && w + strlen(want) <= e)
			return 1;
		l = *e ? e + 1 : e;
	}
	return 0;
}

static int count_lines(const char *s)
{
	int n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

static const struct policy_rule *find(const struct policy *p, const char *name)
{
	size_t i;

	for (i = 0; p && i < p->n; i++)
		if (strcmp(p->rule[i].name, name) == 0)
			return &p->rule[i];
	return NULL;
}

static void every_key(void)
{
	struct policy *p = parse(
		"# a comment\n"
		"rule all.keys\n"
		"    dest = internal, partner external\n"
		"    verdict = pii, unscanned\n"
		"    unscannable = yes\n"
		"    types = us_ssn mrn, custom:case_id\n"
		"    all_types = date_of_birth, person_name\n"
		"    min_confidence = medium\n"
		"    sender = Alice@Example.ORG, @Research.Example.org\n"
		"    recipient = lab.partner.example.\n"
		"    subject = \"Lab Results\", urgent\n"
		"    attachment = image, pdf\n"
		"    secure = no\n"
		"    action = quarantine\n"
		"    description = \"Held for review # not a comment\"   # a comment\n"
		"    monitor = on\n"
		"    notify_sender = no\n"
		"    notify_officer = true\n"
		"    notice = held.txt\n"
		"    tag_subject = \"[PHI] \"\n"
		"\n"
		"rule second\n"
		"    action = block\n"
		"rule third\n"
		"    action = tag\n"
		"    unscannable = off\n"
		"    secure = yes\n"
		"    notify_sender = default\n"
		"    attachment = any\n"
		"    verdict = clean, phi\n"
		"    min_confidence = HIGH\n"
		"    description = plain words, unquoted\n");
	const struct policy_rule *r;

	if (!T_OK(p != NULL, "every key: parses")) {
		printf("# %s", errbuf);
		return;
	}
	T_EQ_STR(errbuf, "", "every key: no message");
	T_EQ_STR(p->source, "t.rules", "source is the name given");
	T_EQ_INT(p->n, 3, "three rules");
	r = &p->rule[0];
	T_EQ_STR(r->name, "all.keys", "rule name");
	T_EQ_INT(r->line, 2, "rule line");
	T_EQ_INT(r->dest_mask, (1u << DEST_INTERNAL) | (1u << DEST_PARTNER) | (1u << DEST_EXTERNAL),
	         "dest: comma and space separated");
	T_EQ_INT(r->verdict_mask, POLICY_V_PII | POLICY_V_UNSCANNED, "verdict bits");
	T_EQ_INT(r->unscannable, POLICY_YES, "unscannable = yes");
	T_OK(r->types_any == ((1ull << PHI_T_US_SSN) | (1ull << PHI_T_MRN) | (1ull << PHI_T_CUSTOM)),
	     "types: us_ssn, mrn, custom:NAME");
	T_OK(r->types_all == ((1ull << PHI_T_DATE_OF_BIRTH) | (1ull << PHI_T_PERSON_NAME)), "all_types");
	T_EQ_INT(r->min_confidence, PHI_CONF_MEDIUM, "min_confidence medium");
	T_EQ_INT(r->senders.n, 2, "two senders");
	if (r->senders.n == 2) {
		T_EQ_STR(r->senders.v[0], "alice@example.org", "exact address lower-cased");
		T_EQ_STR(r->senders.v[1], "research.example.org", "@domain is a domain entry, lower-cased");
	}
	T_EQ_INT(r->recipients.n, 1, "one recipient entry");
	if (r->recipients.n == 1)
		T_EQ_STR(r->recipients.v[0], "lab.partner.example", "bare domain, trailing dot dropped");
	T_EQ_INT(r->subject_words.n, 2, "two subject words");
	if (r->subject_words.n == 2) {
		T_EQ_STR(r->subject_words.v[0], "Lab Results", "quoted subject word keeps its space and case");
		T_EQ_STR(r->subject_words.v[1], "urgent", "unquoted subject word");
	}
	T_EQ_INT(r->attach_mask, POLICY_A_IMAGE | POLICY_A_PDF, "attachment bits");
	T_EQ_INT(r->secure, POLICY_NO, "secure = no");
	T_EQ_INT(r->action, POLICY_QUARANTINE, "action quarantine");
	T_EQ_INT(r->block, 0, "quarantine is no block");
	T_EQ_STR(r->description, "Held for review # not a comment", "quoted description, # inside kept");
	T_EQ_INT(r->monitor, 1, "monitor = on");
	T_EQ_INT(r->notify_sender, POLICY_NO, "notify_sender = no");
	T_EQ_INT(r->notify_officer, 1, "notify_officer = true");
	T_EQ_STR(r->notice, "held.txt", "notice file name");
	T_EQ_STR(r->tag_subject, "[PHI] ", "tag_subject: quotes removed, trailing space kept");

	r = &p->rule[1];
	T_EQ_INT(r->action, POLICY_REJECT, "block is POLICY_REJECT");
	T_EQ_INT(r->block, 1, "block sets block");
	T_EQ_STR(r->description, "second", "description defaults to the name");
	T_OK(r->dest_mask == 0 && r->verdict_mask == 0 && r->senders.n == 0 && r->notice == NULL &&
	     r->tag_subject == NULL && r->unscannable == POLICY_ANY && r->secure == POLICY_ANY &&
	     r->notify_sender == POLICY_ANY && !r->monitor && !r->notify_officer,
	     "keys not given stay 0 / empty / ANY");

	r = &p->rule[2];
	T_EQ_INT(r->unscannable, POLICY_NO, "unscannable = off");
	T_EQ_INT(r->secure, POLICY_YES, "secure = yes");
	T_EQ_INT(r->notify_sender, POLICY_ANY, "notify_sender = default");
	T_EQ_INT(r->attach_mask, POLICY_A_ANY, "attachment = any");
	T_EQ_INT(r->verdict_mask, POLICY_V_CLEAN | POLICY_V_PHI, "verdict clean, phi");
	T_EQ_INT(r->min_confidence, PHI_CONF_HIGH, "values are case-insensitive");
	T_EQ_STR(r->description, "plain words, unquoted", "unquoted description is the whole value");
	policy_free(p);
}

static void actions_and_bools(void)
{
	static const struct {
		const char *word;
		enum policy_action a;
	} acts[] = {
		{ "accept", POLICY_ACCEPT }, { "tag", POLICY_TAG }, { "redirect", POLICY_REDIRECT },
		{ "quarantine", POLICY_QUARANTINE }, { "reject", POLICY_REJECT },
	};
	static const char *yes[] = { "yes", "true", "on", "YES" }, *no[] = { "no", "false", "off" };
	char text[256], name[128];
	struct policy *p;
	size_t i;

	for (i = 0; i < sizeof acts / sizeof acts[0]; i++) {
		snprintf(text, sizeof text, "rule r\n action = %s\n", acts[i].word);
		p = parse(text);
		snprintf(name, sizeof name, "action = %s", acts[i].word);
		T_OK(p && p->rule[0].action == acts[i].a && !p->rule[0].block, name);
		policy_free(p);
	}
	for (i = 0; i < 4; i++) {
		snprintf(text, sizeof text, "rule r\n action = tag\n monitor = %s\n", yes[i]);
		p = parse(text);
		snprintf(name, sizeof name, "monitor = %s is yes", yes[i]);
		T_OK(p && p->rule[0].monitor == 1, name);
		policy_free(p);
	}
	for (i = 0; i < 3; i++) {
		snprintf(text, sizeof text, "rule r\n action = tag\n secure = %s\n", no[i]);
		p = parse(text);
		snprintf(name, sizeof name, "secure = %s is no", no[i]);
		T_OK(p && p->rule[0].secure == POLICY_NO, name);
		policy_free(p);
	}
	p = parse("rule r\n action = tag\n min_confidence = low\n attachment = office archive clinical audio "
	          "video text binary\n dest = social, chat\n verdict = unscanned\n");
	T_OK(p && p->rule[0].min_confidence == PHI_CONF_LOW, "min_confidence low");
	T_OK(p && p->rule[0].attach_mask == (POLICY_A_OFFICE | POLICY_A_ARCHIVE | POLICY_A_CLINICAL |
	                                     POLICY_A_AUDIO | POLICY_A_VIDEO | POLICY_A_TEXT | POLICY_A_BINARY),
	     "every attachment kind");
	T_OK(p && p->rule[0].dest_mask == ((1u << DEST_SOCIAL) | (1u << DEST_CHAT)), "dest social, chat");
	T_OK(p && p->rule[0].verdict_mask == POLICY_V_UNSCANNED, "verdict = unscanned sets POLICY_V_UNSCANNED");
	policy_free(p);
}

struct bad_case {
	const char *name;
	const char *text;
	int line;
	const char *want; /* substring of the message after "t.rules:LINE: " */
};

static const struct bad_case bad[] = {
	{ "unknown key", "rule r\n action = tag\n colour = red\n", 3, "unknown key 'colour' (known: dest, verdict" },
	{ "unknown key lists the known keys", "rule r\n action = tag\n colour = red\n", 3, "notice, tag_subject)" },
	{ "duplicate rule name", "rule a\n action = tag\n\nrule a\n action = accept\n", 4,
	  "duplicate rule name 'a' (first at line 1)" },
	{ "duplicate key in a rule", "rule r\n action = tag\n dest = internal\n dest = external\n", 4,
	  "rule 'r': duplicate key 'dest' (first at line 3)" },
	{ "missing action", "rule r\n dest = internal\nrule s\n action = tag\n", 1,
	  "rule 'r': missing 'action = ...' (one of accept, tag, redirect, quarantine, reject or block)" },
	{ "missing action at the end", "rule s\n action = tag\n\nrule r\n dest = chat\n", 4, "rule 'r': missing 'action" },
	{ "bad action", "rule r\n action = drop\n", 2,
	  "action: 'drop' is not one of accept, tag, redirect, quarantine, reject or block" },
	{ "two actions", "rule r\n action = tag reject\n", 2, "action: want one of" },
	{ "bad dest", "rule r\n action = tag\n dest = outside\n", 3,
	  "dest: 'outside' is not one of internal, partner, external, social or chat" },
	{ "bad verdict", "rule r\n action = tag\n verdict = dirty\n", 3,
	  "verdict: 'dirty' is not one of clean, pii, phi or unscanned" },
	{ "bad attachment", "rule r\n action = tag\n attachment = gif\n", 3,
	  "attachment: 'gif' is not one of image, pdf, office, archive, clinical, audio, video, text, binary or any" },
	{ "bad min_confidence", "rule r\n action = tag\n min_confidence = sure\n", 3,
	  "min_confidence: 'sure' is not one of low, medium or high" },
	{ "bad yes/no", "rule r\n action = tag\n monitor = maybe\n", 3, "monitor: 'maybe' is not one of yes or no" },
	{ "bad notify_sender", "rule r\n action = tag\n notify_sender = sometimes\n", 3,
	  "notify_sender: 'sometimes' is not one of yes, no or default" },
	{ "empty value", "rule r\n action = tag\n dest =\n", 3, "dest: no value" },
	{ "unknown finding type", "rule r\n action = tag\n types = us_ssn, ssn\n", 3,
	  "types: unknown finding type 'ssn' (known: us_ssn, mrn," },
	{ "unknown type in all_types", "rule r\n action = tag\n all_types = icd11\n", 3,
	  "all_types: unknown finding type 'icd11'" },
	{ "custom without a name", "rule r\n action = tag\n types = custom:\n", 3, "write custom:NAME" },
	{ "bare custom", "rule r\n action = tag\n types = custom\n", 3, "write custom:NAME" },
	{ "bad address", "rule r\n action = tag\n sender = bob@@example.org\n", 3,
	  "sender: 'bob@@example.org': more than one '@'" },
	{ "bad domain", "rule r\n action = tag\n recipient = exa mple..org\n", 3,
	  "recipient: 'mple..org': not a domain or user@domain" },
	{ "bad domain of an address", "rule r\n action = tag\n recipient = bob@exa!mple.org\n", 3,
	  "recipient: 'bob@exa!mple.org': bad domain after '@'" },
	{ "bad local part", "rule r\n action = tag\n sender = <bob>@example.org\n", 3,
	  "not an address (user@domain)" },
	{ "unknown group", "rule r\n action = tag\n sender = group:nobody\n", 3,
	  "sender: unknown group 'nobody' (a group must be defined above its use)" },
	{ "group used before it is defined", "group a = group:b\ngroup b = x.example\n", 1, "unknown group 'b'" },
	{ "empty group", "group g =\n", 1, "group: no entry" },
	{ "group without =", "group g x.example\n", 1, "expected 'group NAME = ENTRY, ...'" },
	{ "duplicate group", "group g = a.example\ngroup g = b.example\n", 2, "duplicate group name 'g'" },
	{ "rule name too long", "rule a234567890123456789012345678901234567890123456789\n action = tag\n", 1,
	  "rule name 'a234567890123456789012345678901234567890123456789...': too long (at most 47 characters)" },
	{ "rule name bad character", "rule bad/name\n action = tag\n", 1,
	  "rule name 'bad/name': only A-Z a-z 0-9 _ - . are allowed" },
	{ "group name bad character", "group g! = a.example\n", 1, "group name 'g!': only A-Z a-z 0-9 _ - ." },
	{ "rule without a name", "rule\n action = tag\n", 1, "rule: missing NAME" },
	{ "rule with extra words", "rule a b\n action = tag\n", 1, "expected 'rule NAME' alone on its line" },
	{ "key outside a rule", "# top\naction = tag\n", 2, "'action = ...' outside a rule (start one with 'rule NAME')" },
	{ "key after a group line", "rule r\n action = tag\ngroup g = a.example\n dest = chat\n", 4, "outside a rule" },
	{ "line without =", "rule r\n action = tag\n just words\n", 3,
	  "expected 'rule NAME', 'group NAME = ...' or 'KEY = VALUE'" },
	{ "missing key", "rule r\n action = tag\n = x\n", 3, "missing key before '='" },
	{ "notice with a slash", "rule r\n action = tag\n notice = ../etc/passwd\n", 3,
	  "notice: '../etc/passwd': a file name in templates/, without '/' or '..'" },
	{ "notice with ..", "rule r\n action = tag\n notice = a..txt\n", 3, "without '/' or '..'" },
	{ "notice with /", "rule r\n action = tag\n notice = sub/x.txt\n", 3, "without '/' or '..'" },
	{ "unterminated quote", "rule r\n action = tag\n description = \"open\n", 3, "description: unterminated quote" },
	{ "empty description", "rule r\n action = tag\n description = \"\"\n", 3, "description: empty" },
	{ "unterminated quote in subject", "rule r\n action = tag\n subject = \"a b\n", 3, "subject: unterminated quote" },
	{ "control character", "rule r\n action = tag\n description = a\033b\n", 3, "control character (byte 0x1b)" },
	{ "missing @file", "group g = @no_such.list\n", 1, "group: @no_such.list (" },
	{ "@ without a file name", "group g = @\n", 1, "group: '@' without a file name" },
};

static void errors(void)
{
	char name[200];
	size_t i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct policy *p = parse(bad[i].text);

		snprintf(name, sizeof name, "%s: refused", bad[i].name);
		T_OK(p == NULL, name);
		policy_free(p);
		snprintf(name, sizeof name, "%s: t.rules:%d: says why", bad[i].name, bad[i].line);
		if (!T_OK(has_msg(bad[i].line, bad[i].want), name))
			printf("#   got \"%s\"\n#   want \"%s\"\n", errbuf, bad[i].want);
	}
}

static void all_reported(void)
{
	struct policy *p = parse("rule a\n"
	                         " colour = red\n"      /* 2 unknown key */
	                         " action = drop\n"     /* 3 bad action */
	                         "rule a\n"             /* 4 duplicate name */
	                         " action = tag\n"
	                         " dest = moon\n"       /* 6 bad dest */
	                         " types = nonsense\n"  /* 7 unknown type */
	                         "verdict = pii\n");    /* 8 part of rule a (4), fine */
	T_OK(p == NULL, "several errors: refused");
	T_EQ_INT(count_lines(errbuf), 5, "several errors: each reported once, one a line");
	T_OK(has_msg(2, "colour") && has_msg(3, "drop") && has_msg(4, "duplicate rule name") && has_msg(6, "moon") &&
	     has_msg(7, "nonsense"), "several errors: each at its line");
}

static void groups(void)
{
	struct policy *p;
	const struct policy_rule *r;

	put_s("staff.list", "# research staff\r\nCarol@Example.org\r\n\r\n@lab.example.org   # the lab\r\n"
	                  "dave@example.org, erin@example.org\r\n");
	p = parse("group base = root@example.org\n"
	          "group research = group:base, @staff.list, frank@example.org\n"
	          "group partners = Partner.Example\n"
	          "rule r\n"
	          " sender = group:research\n"
	          " recipient = group:partners, bob@other.example\n"
	          " action = quarantine\n");
	if (!T_OK(p != NULL, "groups: inline, nested, @file")) {
		printf("# %s", errbuf);
		return;
	}
	r = &p->rule[0];
	T_EQ_INT(r->senders.n, 6, "nested group and @file expanded into the rule");
	if (r->senders.n == 6) {
		T_EQ_STR(r->senders.v[0], "root@example.org", "entry of the earlier group first");
		T_EQ_STR(r->senders.v[1], "carol@example.org", "@file entry lower-cased, CRLF dropped");
		T_EQ_STR(r->senders.v[2], "lab.example.org", "@domain inside a @file is a domain");
		T_EQ_STR(r->senders.v[3], "dave@example.org", "@file: comma separated on a line");
		T_EQ_STR(r->senders.v[5], "frank@example.org", "inline entry after the file");
	}
	T_EQ_INT(r->recipients.n, 2, "group and address in one list");
	if (r->recipients.n == 2)
		T_EQ_STR(r->recipients.v[0], "partner.example", "group entry normalised");
	policy_free(p);

	put_s("bad.list", "ok.example\nnot an@address@x\n");
	p = parse("group g = @bad.list\n");
	T_OK(p == NULL, "bad entry in @file: refused");
	{
		char want[512];

		snprintf(want, sizeof want, "%s/bad.list:2: group: 'an@address@x': more than one '@'", dir);
		if (!T_OK(strstr(errbuf, want) != NULL, "bad entry in @file reported at the file's own line"))
			printf("#   got \"%s\"\n", errbuf);
	}
	put("nul.list", "a.example\nb\0.example\n", 22);
	p = parse("group g = @nul.list\n");
	T_OK(p == NULL && strstr(errbuf, "nul.list:2: group: NUL byte"), "NUL byte in @file refused at its line");
	policy_free(p);
}

static void comments_quotes_crlf(void)
{
	const char *t = "# header\r\n"
	                "\r\n"
	                "   # indented comment\r\n"
	                "rule crlf.rule   # comment after the name\r\n"
	                "\taction = reject\t# tab-indented\r\n"
	                "    description = \"Quoted, with #hash and = sign\"\r\n"
	                "    subject = \"two words\" \"#tag\"\r\n"
	                "    tag_subject = [PHI]#x\r\n";
	struct policy *p = parse(t);

	if (!T_OK(p != NULL, "CRLF, comments and quotes parse")) {
		printf("# %s", errbuf);
		return;
	}
	T_EQ_STR(p->rule[0].name, "crlf.rule", "comment after the rule name dropped");
	T_EQ_INT(p->rule[0].line, 4, "line numbers count CRLF lines");
	T_EQ_INT(p->rule[0].action, POLICY_REJECT, "tab-indented key");
	T_EQ_STR(p->rule[0].description, "Quoted, with #hash and = sign", "quotes removed, # and = kept");
	T_EQ_INT(p->rule[0].subject_words.n, 2, "quoted subject words");
	if (p->rule[0].subject_words.n == 2)
		T_EQ_STR(p->rule[0].subject_words.v[1], "#tag", "# inside quotes is no comment");
	T_EQ_STR(p->rule[0].tag_subject, "[PHI]#x", "# not after white space is no comment");
	policy_free(p);

	p = parse("\xef\xbb\xbfrule bom\r\n action = tag\r\n");
	T_OK(p != NULL && p->n == 1 && strcmp(p->rule[0].name, "bom") == 0, "a UTF-8 byte order mark is skipped");
	policy_free(p);
	p = parse("");
	T_OK(p != NULL && p->n == 0, "empty text: a policy with no rules");
	policy_free(p);
	p = parse("rule last\n action = accept");
	T_OK(p != NULL && p->n == 1, "last line without a newline");
	policy_free(p);
}

static void limits(void)
{
	char *big, *rules;
	size_t i, n, cap;
	struct policy *p;
	char path[512];

	/* line longer than POLICY_MAX_LINE */
	big = malloc(POLICY_MAX_LINE + 64);
	n = (size_t)snprintf(big, POLICY_MAX_LINE + 64, "rule r\n action = tag\n description = ");
	memset(big + n, 'x', POLICY_MAX_LINE);
	strcpy(big + n + POLICY_MAX_LINE, "\n");
	p = parse(big);
	T_OK(p == NULL && strstr(errbuf, "t.rules:3: line longer than 4096 bytes"), "line longer than 4096 refused");
	free(big);

	p = parse_n("rule r\n action = tag\n de\0st = chat\n", 33);
	T_OK(p == NULL && strstr(errbuf, "t.rules:3: NUL byte"), "NUL byte refused at its line");

	/* 1000 rules pass, 1001 do not */
	cap = 1001 * 40;
	rules = malloc(cap);
	for (i = 0, n = 0; i < 1001; i++)
		n += (size_t)snprintf(rules + n, cap - n, "rule r%zu\n action = accept\n", i);
	p = parse_n(rules, n - strlen("rule r1000\n action = accept\n"));
	T_OK(p != NULL && p->n == 1000, "1000 rules accepted");
	policy_free(p);
	p = parse_n(rules, n);
	T_OK(p == NULL && strstr(errbuf, "t.rules:2001: more than 1000 rules"), "1001 rules refused at the 1001st");
	T_EQ_INT(count_lines(errbuf), 1, "more than 1000 rules: said once");
	free(rules);

	/* a list of more than 10 000 entries */
	cap = 10001 * 24 + 64;
	big = malloc(cap);
	for (i = 0, n = 0; i < 10001; i++)
		n += (size_t)snprintf(big + n, cap - n, "u%zu@example.org\n", i);
	put("many.list", big, n);
	free(big);
	p = parse("group many = @many.list\n");
	T_OK(p == NULL && strstr(errbuf, "group: more than 10000 entries in one list"), "10 001 entries refused");
	T_EQ_INT(count_lines(errbuf), 1, "a full list is said once");
	put_s("many.list", "");

	/* 2 MiB policy file */
	n = 2u * 1024 * 1024;
	big = malloc(n);
	memset(big, '#', n);
	for (i = 99; i < n; i += 100)
		big[i] = '\n';
	put("big.rules", big, n);
	snprintf(path, sizeof path, "%s/big.rules", dir);
	{
		char *buf = NULL;
		size_t blen = 0;
		FILE *errs = open_memstream(&buf, &blen);

		p = policy_load(path, dir, errs);
		fclose(errs);
		T_OK(p == NULL, "2 MiB policy file refused");
		T_OK(buf && strstr(buf, "big.rules:0: cannot read the policy: larger than 1 MiB"), "says it is too large");
		free(buf);
	}
	p = parse_n(big, n);
	T_OK(p == NULL && strstr(errbuf, "larger than 1048576 bytes"), "policy_parse refuses 2 MiB text too");
	free(big);

	{
		char *buf = NULL;
		size_t blen = 0;
		FILE *errs = open_memstream(&buf, &blen);

		snprintf(path, sizeof path, "%s/none.rules", dir);
		p = policy_load(path, dir, errs);
		fclose(errs);
		T_OK(p == NULL && buf && strstr(buf, "none.rules:0: cannot read the policy: No such file"),
		     "missing policy file: clear error");
		free(buf);
	}
	{
		put_s("ok.rules", "rule x\n action = tag\n");
		snprintf(path, sizeof path, "%s/ok.rules", dir);
		p = policy_load(path, dir, NULL);
		T_OK(p != NULL && p->n == 1 && strcmp(p->source, path) == 0, "policy_load reads a file; source is its name");
		policy_free(p);
	}
}

/* conf/policy.rules from the tree (PHI_TOP or the test's cwd). */
static char *shipped(size_t *len)
{
	const char *top = getenv("PHI_TOP");
	char path[512];
	char *text = NULL;
	size_t cap = 0;
	ssize_t n;
	FILE *f;

	snprintf(path, sizeof path, "%s/conf/policy.rules", top ? top : ".");
	if (!(f = fopen(path, "r")))
		f = fopen("../../conf/policy.rules", "r");
	if (!f)
		return NULL;
	n = getdelim(&text, &cap, 0, f);
	fclose(f);
	if (n < 0) {
		free(text);
		return NULL;
	}
	*len = (size_t)n;
	return text;
}

static void builtin(void)
{
	static const char *names[] = {
		"sender.secure_keyword",
		"default.internal.phi", "default.internal.pii", "default.internal.unscanned",
		"default.internal.unscannable", "default.internal.clean",
		"default.partner.phi", "default.partner.pii", "default.partner.unscanned",
		"default.partner.unscannable", "default.partner.clean",
		"default.external.phi", "default.external.pii", "default.external.unscanned", "default.external.clean",
		"default.social.phi", "default.social.pii", "default.social.unscanned", "default.social.clean",
		"default.chat.phi", "default.chat.pii", "default.chat.unscanned", "default.chat.clean",
		"default.accept",
	};
	size_t i, len = 0;
	struct policy *p = parse(policy_default_text);
	const struct policy_rule *r;
	char *text;

	if (!T_OK(p != NULL, "built-in text parses")) {
		printf("# %s", errbuf);
		return;
	}
	T_EQ_STR(errbuf, "", "built-in text: no message");
	T_EQ_INT(p->n, sizeof names / sizeof names[0], "built-in: every rule");
	for (i = 0; i < p->n && i < sizeof names / sizeof names[0]; i++) {
		char n[128];

		snprintf(n, sizeof n, "built-in rule %zu is %s", i + 1, names[i]);
		T_EQ_STR(p->rule[i].name, names[i], n);
	}
	r = find(p, "sender.secure_keyword");
	T_OK(r && r->secure == POLICY_YES && r->dest_mask == 1u << DEST_EXTERNAL && r->action == POLICY_REDIRECT &&
	     strcmp(r->description, "The sender asked for delivery through the secure portal") == 0,
	     "secure keyword rule: external, secure, redirect, old description");
	r = find(p, "default.external.phi");
	T_OK(r && r->action == POLICY_REDIRECT && r->verdict_mask == POLICY_V_PHI &&
	     strcmp(r->description, "Patient information may not be e-mailed outside the organisation") == 0,
	     "external phi: redirect, old description");
	r = find(p, "default.external.pii");
	T_OK(r && r->action == POLICY_REJECT && r->block, "external pii: block");
	r = find(p, "default.social.unscanned");
	T_OK(r && r->block && r->verdict_mask == POLICY_V_UNSCANNED &&
	     strcmp(r->description, "Mail that could not be checked may not go to social networks") == 0,
	     "social unscanned: block, old description");
	r = find(p, "default.internal.unscannable");
	T_OK(r && r->action == POLICY_TAG && r->unscannable == POLICY_YES && r->verdict_mask == POLICY_V_CLEAN,
	     "internal clean + unscannable: tag");
	r = find(p, "default.accept");
	T_OK(r && r->dest_mask == 0 && r->verdict_mask == 0 && r->action == POLICY_ACCEPT, "catch-all accept last");
	for (i = 0; i < p->n; i++)
		if (p->rule[i].monitor || p->rule[i].notify_officer || p->rule[i].notice)
			break;
	T_EQ_INT(i, p->n, "built-in: no monitor, officer or notice option (need nothing from the config)");
	policy_free(p);

	text = shipped(&len);
	if (!T_OK(text != NULL, "conf/policy.rules found (run from the tree or set PHI_TOP)"))
		return;
	T_EQ_INT(len, strlen(policy_default_text), "built-in text as long as conf/policy.rules");
	T_OK(len == strlen(policy_default_text) && memcmp(text, policy_default_text, len) == 0,
	     "built-in text equals conf/policy.rules byte for byte (regenerate milter/policy_default.c)");

	/* The commented examples parse once enabled (their leading '#' removed). */
	{
		char *s = strstr(text, "# ---- examples"), *e = s ? strstr(s, "# ---- end of examples") : NULL, *l;
		struct policy *q;

		T_OK(s && e, "shipped file has an examples block");
		for (l = s; s && e && l < e; l = strchr(l, '\n') + 1)
			if (strncmp(l, "#rule ", 6) == 0 || strncmp(l, "#group ", 7) == 0 || strncmp(l, "#    ", 5) == 0)
				*l = ' ';
		q = parse(text);
		if (!T_OK(q != NULL, "shipped examples parse when enabled"))
			printf("# %s", errbuf);
		r = find(q, "local.social.images");
		T_OK(r && r->attach_mask == POLICY_A_IMAGE && r->dest_mask == 1u << DEST_SOCIAL && r->block &&
		     r->verdict_mask == 0, "example: images to social refused whatever the verdict");
		r = find(q, "local.research.partner");
		T_OK(r && r->action == POLICY_QUARANTINE && r->monitor && r->senders.n == 3 && r->recipients.n == 1,
		     "example: research senders to a partner quarantined, monitor = yes");
		T_OK(q && q->n >= 3 && strcmp(q->rule[1].name, "local.social.images") == 0 &&
		     strcmp(q->rule[2].name, "local.research.partner") == 0, "examples stand above the defaults");
		policy_free(q);
	}
	free(text);
}

/* ---- conf.c: policy_file and privacy_officer ---- */

static int load_conf(const char *conf, struct conf **c)
{
	char p[512], *buf = NULL;
	size_t blen = 0;
	FILE *errs = open_memstream(&buf, &blen);
	int rc;

	put("t.conf", conf, strlen(conf));
	snprintf(p, sizeof p, "%s/t.conf", dir);
	rc = conf_load(p, c, errs);
	fclose(errs);
	snprintf(errbuf, sizeof errbuf, "%s", buf ? buf : "");
	free(buf);
	return rc;
}

static void config(void)
{
	struct conf *c;
	char want[600];

	T_EQ_INT(load_conf("mode = enforce\n", &c), 0, "config without policy_file loads");
	T_OK(c && c->policy && c->policy->n > 0 && strcmp(c->policy->source, "built-in") == 0,
	     "no policy_file: the built-in rules");
	T_OK(c && strcmp(c->privacy_officer, "") == 0 && strcmp(c->policy_file, "") == 0, "both keys default empty");
	conf_release(c);

	{
		char tdir[512];

		snprintf(tdir, sizeof tdir, "%s/templates", dir);
		mkdir(tdir, 0700);
	}
	put_s("templates/held.txt", "x\n");
	put_s("p.rules", "rule officer\n action = quarantine\n notify_officer = yes\n notice = held.txt\n");
	T_EQ_INT(load_conf("policy_file = p.rules\nprivacy_officer = privacy@example.org\n", &c), 0,
	         "policy_file with notify_officer and a present notice loads");
	if (c) {
		T_OK(c->policy && c->policy->n == 1 && strcmp(c->policy->rule[0].name, "officer") == 0, "policy_file is used");
		T_OK(strstr(c->policy_file, "/p.rules") && c->policy_file[0] == '/', "policy_file resolved to the config dir");
		T_EQ_STR(c->privacy_officer, "privacy@example.org", "privacy_officer");
	} else {
		printf("# %s", errbuf);
	}
	conf_release(c);

	T_EQ_INT(load_conf("policy_file = p.rules\n", &c), -1, "notify_officer without privacy_officer fails");
	snprintf(want, sizeof want, "%s/p.rules:1: rule 'officer': notify_officer = yes, but privacy_officer is not set", dir);
	if (!T_OK(strstr(errbuf, want) != NULL, "... reported at the rule's line"))
		printf("#   got \"%s\"\n", errbuf);

	put_s("p.rules", "rule held\n action = quarantine\n notice = absent.txt\n");
	T_EQ_INT(load_conf("policy_file = p.rules\n", &c), -1, "missing notice template fails");
	snprintf(want, sizeof want, "%s/p.rules:1: rule 'held': notice template %s/templates/absent.txt: No such file", dir, dir);
	if (!T_OK(strstr(errbuf, want) != NULL, "... reported at the rule's line"))
		printf("#   got \"%s\"\n", errbuf);

	put_s("p.rules", "rule a\n action = drop\nrule b\n dest = moon\n action = tag\n");
	T_EQ_INT(load_conf("policy_file = p.rules\nmode = sideways\n", &c), -1, "bad policy file fails the config");
	snprintf(want, sizeof want, "%s/p.rules:2: action: 'drop'", dir);
	T_OK(strstr(errbuf, want) != NULL, "policy errors are FILE:LINE of the policy file");
	snprintf(want, sizeof want, "%s/p.rules:4: dest: 'moon'", dir);
	T_OK(strstr(errbuf, want) != NULL, "every policy error reported");
	snprintf(want, sizeof want, "%s/t.conf:2: mode: 'sideways'", dir);
	T_OK(strstr(errbuf, want) != NULL, "config errors reported beside them");

	T_EQ_INT(load_conf("policy_file = nothere.rules\n", &c), -1, "missing policy_file fails");
	snprintf(want, sizeof want, "%s/t.conf:1: policy_file: ", dir);
	T_OK(strstr(errbuf, want) != NULL, "missing policy_file reported at the config line");

	T_EQ_INT(load_conf("privacy_officer = Privacy Office <p@example.org>\n", &c), -1, "privacy_officer with a name refused");
	T_OK(strstr(errbuf, "t.conf:1: privacy_officer: want one address user@domain"), "... says what it wants");
	T_EQ_INT(load_conf("privacy_officer = privacy\n", &c), -1, "privacy_officer without a domain refused");
	T_EQ_INT(load_conf("privacy_officer = p@bad..domain\n", &c), -1, "privacy_officer with a bad domain refused");
}

int main(void)
{
	snprintf(dir, sizeof dir, "/tmp/t_policy_parse.%ld", (long)getpid());
	if (mkdir(dir, 0700) != 0) {
		perror(dir);
		return 1;
	}
	every_key();
	actions_and_bools();
	errors();
	all_reported();
	groups();
	comments_quotes_crlf();
	limits();
	builtin();
	config();
	{
		char cmd[300];

		snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
		if (system(cmd) != 0)
			printf("# could not remove %s\n", dir);
	}
	return tap_done();
}
