/*
 * scan_slots.c - the shared concurrent-scan count (see scan_slots.h).
 */
#include "scan_slots.h"

static unsigned busy; /* atomic */

int scan_slot_take(unsigned max)
{
	if (__atomic_add_fetch(&busy, 1, __ATOMIC_ACQ_REL) > max) {
		__atomic_sub_fetch(&busy, 1, __ATOMIC_ACQ_REL);
		return -1;
	}
	return 0;
}

void scan_slot_give(void)
{
	__atomic_sub_fetch(&busy, 1, __ATOMIC_ACQ_REL);
}

unsigned scan_slots_busy(void)
{
	return __atomic_load_n(&busy, __ATOMIC_RELAXED);
}
