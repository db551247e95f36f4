/*
 * submit.h - send a message phimilter or phictl made (a notice, a
 * released original) through the `submission` config key: "smtp:HOST:PORT"
 * (a small SMTP client: EHLO, MAIL, RCPT, DATA, dot-stuffing, 30 s
 * timeouts) or a command that reads the message on stdin. A command gets
 * "-f SENDER -- RCPT..." as extra arguments (passed as arguments, never
 * through the shell's parser) unless it contains " -t", in which case the
 * message's headers name the recipients.
 * No libmilter; never logs; `why` holds the reply code or errno text,
 * never addresses or content.
 */
#ifndef PHI_SUBMIT_H
#define PHI_SUBMIT_H

#include <stddef.h>

/* Returns 0 when the MTA took the message for every recipient, -1 with a
 * reason in why. */
int submit_message(const char *spec, const char *from, char *const *rcpts, size_t nrcpt,
                   const unsigned char *msg, size_t len, char *why, size_t whylen);

#endif
