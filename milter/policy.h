/*
 * policy.h - the policy: an ordered list of named rules, first match wins,
 * evaluated once per recipient.
 *
 * The rules come from `policy_file` (conf/policy.rules is the shipped one;
 * its syntax is below and in its own comments) or, when that key is empty,
 * from the built-in text policy_default_text, which is the same file and
 * reproduces the default table of CONTRACTS.md:
 *
 *   destination     clean    pii            phi
 *   internal        accept   accept + tag   accept + tag
 *   partner         accept   accept + tag   accept + tag
 *   external        accept   reject         reject (redirect with a portal)
 *   social, chat    accept   reject         reject
 *
 * plus the sender's secure keyword (external mail through the portal
 * whatever the verdict) and unscannable content (clean, but a limit kept
 * part of it from being read: judged like pii outside, tagged inside).
 *
 * ---- policy file syntax ------------------------------------------------
 * Blank lines and lines whose first non-blank character is '#' are
 * ignored; '#' after white space starts a comment. Two kinds of block:
 *
 *   group NAME = ENTRY, ENTRY ...       (one line; @file allowed as ENTRY)
 *
 *   rule NAME
 *       KEY = VALUE                     (any number, until the next rule/group)
 *
 * NAME: A-Z a-z 0-9 _ - . (at most POLICY_NAME_MAX - 1). Rule names are
 * unique; they appear in logs and the audit log. A rule with no
 * condition matches everything. Conditions (all given ones must hold; a
 * comma/space separated list inside one condition means "any of"):
 *
 *   dest = internal, partner, external, social, chat
 *   verdict = clean, pii, phi, unscanned   (unscanned: clean, but a limit
 *                                         stopped the reading of some part)
 *   unscannable = yes | no                (any unscannable finding at all)
 *   types = TYPE ...                      (any of these finding types)
 *   all_types = TYPE ...                  (all of them)
 *   min_confidence = low | medium | high  (some finding - of `types`, when
 *                                         given - is at least this sure)
 *   sender = ENTRY ...                    (envelope sender)
 *   recipient = ENTRY ...                 (this recipient)
 *   subject = WORD ...                    (case-insensitive substring of
 *                                         the Subject; quote "with spaces")
 *   attachment = image, pdf, office, archive, clinical, audio, video,
 *                text, binary, any        (the message carries such a part
 *                                         as an attachment)
 *   secure = yes | no                     (the subject holds secure_keyword
 *                                         and a portal is usable)
 *
 * ENTRY: `user@domain` (exact, case-insensitive), `@domain` or `domain`
 * (the domain and its subdomains), `group:NAME` (a group defined above).
 *
 * Action and options:
 *
 *   action = accept | tag | redirect | quarantine | reject | block
 *       block: the main config's blocked_action (reject, or quarantine).
 *       redirect falls back to block when no portal is usable; quarantine
 *       falls back to reject when there is no store.
 *   description = TEXT      shown to senders (reply, notice): the admin's
 *                           words, not the rule name. Default: the name.
 *   monitor = yes           report what the rule would do, apply at most tag
 *   notify_sender = yes | no | default   (default: the sender_notice key)
 *   notify_officer = yes    send privacy_officer a notice (no PHI)
 *   notice = FILE           sender notice template in templates/
 *   tag_subject = TEXT      prefix added to the Subject when tagged
 *
 * `action` is required. Exactly the first matching rule decides for a
 * recipient; when none matches the recipient is accepted (the shipped file
 * ends with a catch-all so this never happens silently).
 */
#ifndef PHI_POLICY_H
#define PHI_POLICY_H

#include <stdio.h>
#include "phi/engine.h"
#include "phi/finding.h"
#include "conf.h"
#include "dest.h"

#define POLICY_NAME_MAX 48
#define POLICY_MAX_RULES 1000
#define POLICY_MAX_LINE 4096

/* Ordered by severity: a message's action is the most severe of its
 * recipients' actions. */
enum policy_action {
	POLICY_ACCEPT = 0,
	POLICY_TAG,
	POLICY_REDIRECT,   /* to the secure portal: encrypted copy, the recipient gets a notice */
	POLICY_QUARANTINE, /* held encrypted for the privacy officer */
	POLICY_REJECT,
	POLICY__COUNT
};

/* Why the action was chosen (for the reply text). */
enum policy_reason {
	POLICY_R_CLEAN = 0, /* nothing that matters */
	POLICY_R_PII,       /* verdict pii */
	POLICY_R_PHI,       /* verdict phi */
	POLICY_R_UNSCANNED  /* clean, but a limit kept part of it from being read */
};

/* verdict = bits */
#define POLICY_V_CLEAN 1u
#define POLICY_V_PII 2u
#define POLICY_V_PHI 4u
#define POLICY_V_UNSCANNED 8u

/* attachment = bits */
#define POLICY_A_IMAGE 1u
#define POLICY_A_PDF 2u
#define POLICY_A_OFFICE 4u
#define POLICY_A_ARCHIVE 8u
#define POLICY_A_CLINICAL 16u /* HL7, FHIR, C-CDA, DICOM */
#define POLICY_A_AUDIO 32u
#define POLICY_A_VIDEO 64u
#define POLICY_A_TEXT 128u
#define POLICY_A_BINARY 256u
#define POLICY_A_ANY 0xffffu

/* An address list (sender =, recipient =, group contents): entries are
 * lower case; "user@domain" exact, or a bare domain (covers subdomains).
 * Groups are expanded when parsed. */
struct policy_addrs {
	char **v; /* owned array of owned strings */
	size_t n;
};

enum policy_tri { POLICY_ANY = 0, POLICY_YES = 1, POLICY_NO = 2 };

struct policy_rule {
	char name[POLICY_NAME_MAX];
	char *description;          /* owned; never NULL (the name when not given) */
	unsigned line;              /* where `rule NAME` stands, for messages */

	/* Conditions; 0 / empty / POLICY_ANY = not given. */
	unsigned dest_mask;         /* 1u << enum dest_class */
	unsigned verdict_mask;      /* POLICY_V_* */
	enum policy_tri unscannable;
	unsigned long long types_any;  /* 1ull << enum phi_type */
	unsigned long long types_all;
	int min_confidence;         /* enum phi_confidence, 0 = any */
	struct policy_addrs senders;
	struct policy_addrs recipients;
	struct policy_addrs subject_words; /* as written (matched case-insensitively) */
	unsigned attach_mask;       /* POLICY_A_* */
	enum policy_tri secure;

	/* Action and options. */
	enum policy_action action;  /* as written (block is POLICY_REJECT + block) */
	int block;                  /* action = block: blocked_action decides */
	int monitor;                /* this rule only reports */
	enum policy_tri notify_sender; /* ANY = the sender_notice key */
	int notify_officer;
	char *notice;               /* owned template file name, or NULL */
	char *tag_subject;          /* owned subject prefix, or NULL */
};

struct policy {
	struct policy_rule *rule;   /* owned, in file order */
	size_t n;
	char *source;               /* owned: the file name, or "built-in" */
};

/* The built-in rules (what conf/policy.rules ships), in policy syntax. */
extern const char policy_default_text[];

/* Parse policy text. `name` is used in messages ("FILE:LINE: problem\n"
 * lines on errs, may be NULL); `dir` resolves @file entries and must not
 * be NULL. Goes on after an error so every problem is reported. Returns
 * a new policy, or NULL when there was any problem. */
struct policy *policy_parse(const char *text, size_t len, const char *name, const char *dir, FILE *errs);

/* Read and parse a file (at most 1 MiB). */
struct policy *policy_load(const char *path, const char *dir, FILE *errs);

void policy_free(struct policy *p);

/* Everything about the message that rules test (computed once per
 * message by decide.c). Strings borrowed. */
struct policy_facts {
	enum phi_verdict verdict;
	int unscannable_limit;      /* an unscannable finding with a "limit ..." reason */
	int unscannable_other;      /* an unscannable finding with another reason */
	unsigned long long types;   /* finding types present */
	unsigned char max_conf[PHI_T__COUNT]; /* highest confidence per type, 0 = none */
	const char *sender;         /* envelope sender, may be NULL or "<>" */
	const char *subject;        /* may be NULL */
	unsigned attach;            /* POLICY_A_* kinds present as attachments */
	int secure;                 /* secure_keyword in the subject and a portal usable */
	/* What the installation can do (fallbacks). */
	enum conf_mode mode;
	int portal;                 /* portal_url, portal and store keys */
	int store;                  /* a quarantine can be kept (store key, or mta-hold) */
	int blocked_quarantine;     /* blocked_action = quarantine */
};

struct policy_decision {
	enum policy_action action;  /* what to do (monitor: never beyond TAG) */
	enum policy_action would;   /* what enforce mode (and no rule monitor) would do */
	enum policy_reason reason;
	const struct policy_rule *rule; /* the matching rule (lives as long as the policy), or NULL */
	const char *rule_name;      /* rule->name, or "none" (never NULL) */
	const char *description;    /* for senders (never NULL) */
};

/* Decide for one recipient `addr` of class `dest`. Pure; never fails. */
void policy_eval(const struct policy *p, const struct policy_facts *f, enum dest_class dest,
                 const char *addr, struct policy_decision *out);

/* The reason the facts give (verdict, or unscanned). */
enum policy_reason policy_reason_of(const struct policy_facts *f);

/* "accept", "tag", "redirect", "quarantine", "reject". */
const char *policy_action_name(enum policy_action a);

/* Does address `addr` (may carry <>) match an entry list? */
int policy_addrs_match(const struct policy_addrs *l, const char *addr);

#endif
