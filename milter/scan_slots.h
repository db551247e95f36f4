/*
 * scan_slots.h - one process-wide count of scans running now, shared by
 * mail (mlfi.c) and the scan socket (scan_request.c), so `max_scans` caps
 * the CPU the detectors may take whichever door the content came in by.
 */
#ifndef PHI_SCAN_SLOTS_H
#define PHI_SCAN_SLOTS_H

/* Take a slot when fewer than `max` are taken: 0, or -1 when all are
 * busy (the caller answers on_error). Lock-free. */
int scan_slot_take(unsigned max);

/* Give back a slot taken by scan_slot_take. */
void scan_slot_give(void);

/* Slots taken right now (metrics, tests). */
unsigned scan_slots_busy(void);

#endif
