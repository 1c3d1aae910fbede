// The libmosquitto API as ChatMQTT sees it: the public header, plus what Swift cannot call
// on its own (naming a thread: prctl is variadic).
#ifndef CHATT_CMOSQUITTO_SHIM_H
#define CHATT_CMOSQUITTO_SHIM_H

#include <mosquitto.h>

#ifdef __linux__
#include <sys/prctl.h>
#endif

// Names the calling thread (15 bytes at most), as /proc/self/task/*/comm shows it;
// pthread_setname_np is a GNU extension that Swift's Glibc module does not show.
static inline void chatt_name_current_thread(const char *name) {
#ifdef __linux__
    prctl(PR_SET_NAME, name, 0, 0, 0);
#else
    (void)name;
#endif
}

#endif
