/*
 * ctl_conf.h - how phictl finds and loads the daemon's configuration.
 *
 * Without -c, phictl uses $PHIMILTER_CONF, then /etc/phimilter/phimilter.conf,
 * then conf/phimilter.conf next to the phictl binary (the source tree), and
 * when none exists, the built-in defaults.
 */
#ifndef PHI_CTL_CONF_H
#define PHI_CTL_CONF_H

#include "phi/engine.h"
#include "phi/limits.h"

struct ctl_engine {
	struct phi_engine *engine;  /* borrowed from conf, or owned when no config */
	struct phi_limits limits;
	struct conf *conf;          /* owned reference, or NULL */
	struct phi_engine *own;     /* owned engine when there is no config */
};

/* Load; on error prints FILE:LINE problems to stderr and returns -1. */
int ctl_engine_load(const char *conf_path, struct ctl_engine *ce);
void ctl_engine_unload(struct ctl_engine *ce);

/* The config path phictl would use (NULL when none exists). */
const char *ctl_default_conf(void);

#endif
