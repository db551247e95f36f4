/*
 * mlfi.h - the libmilter callbacks (mlfi.c) as seen by main (phimilter.c).
 */
#ifndef PHI_MLFI_H
#define PHI_MLFI_H

#include <libmilter/mfapi.h>

/* The filter description for smfi_register (name "phimilter", all
 * callbacks, the flags we ask the MTA for). */
extern struct smfiDesc mlfi_desc;

/* Messages between MAIL FROM and end-of-message/abort right now. */
unsigned mlfi_active_messages(void);

/* Wait until no message is in progress, at most `seconds`. Returns the
 * number still in progress. */
unsigned mlfi_wait_idle(unsigned seconds);

#endif
