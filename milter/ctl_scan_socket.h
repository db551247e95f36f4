/*
 * ctl_scan_socket.h - `phictl scan --socket ADDR ...`: the files go to the
 * running daemon's scan socket instead of a local engine (ctl_scan.c hands
 * over when it sees --socket).
 */
#ifndef PHI_CTL_SCAN_SOCKET_H
#define PHI_CTL_SCAN_SOCKET_H

/* argv[0] is "scan"; returns the exit status of `phictl scan`. */
int ctl_scan_socket(int argc, char **argv);

#endif
