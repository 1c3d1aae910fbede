// The libmosquitto API as ChatMQTT sees it: the public header, plus one accessor for the
// DUP flag of a received message, which the public API does not expose.
#ifndef CHATT_CMOSQUITTO_SHIM_H
#define CHATT_CMOSQUITTO_SHIM_H

#include <mosquitto.h>
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

// libmosquitto 2.0 hands `on_message` a pointer to the `msg` member of its internal
// `struct mosquitto_message_all`; the DUP flag is the member just before it. This mirror of
// the 2.0 layout lets us read it. ChatMQTT calls it only when the library at run time is a
// 2.0.x one (see `chatt_mosquitto_layout_known`), otherwise DUP reads as false.
struct chatt_mosquitto_message_all_2_0 {
    void *next;
    void *prev;
    void *properties;
    time_t timestamp;
    int state;
    bool dup;
    struct mosquitto_message msg;
    uint32_t expiry_interval;
};

static inline bool chatt_mosquitto_layout_known(void) {
#if LIBMOSQUITTO_MAJOR == 2 && LIBMOSQUITTO_MINOR == 0
    int major = 0, minor = 0, revision = 0;
    mosquitto_lib_version(&major, &minor, &revision);
    return major == 2 && minor == 0;
#else
    return false;
#endif
}

static inline bool chatt_mosquitto_message_dup(const struct mosquitto_message *message) {
    const char *base = (const char *)message - offsetof(struct chatt_mosquitto_message_all_2_0, msg);
    return ((const struct chatt_mosquitto_message_all_2_0 *)base)->dup;
}

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
