// rt_host.c - opto_rt.h for the host: virtual clock, recording packet sink, fake board config.
#include <string.h>
#include "host.h"
#include "opto_rt.h"

uint32_t host_now_us;
host_packet_t host_packets[HOST_MAX_PACKETS];
unsigned host_n_packets;
bool host_sink_busy;
unsigned host_sink_lost;
uint32_t host_sink_us_per_byte;
static bool sink_taking;       // the slow consumer is still on its last report ...
static uint32_t sink_free_at; // ... until then

static bool sink_full(void) {
    if (sink_taking && (int32_t)(sink_free_at - host_now_us) <= 0)
        sink_taking = false;
    return host_sink_busy || sink_taking;
}

#define MAX_KEYS 16
static struct {
    char key[16];
    int32_t value;
} config[MAX_KEYS];
static unsigned n_config;

void host_config_unset(const char *key) {
    for (unsigned i = 0; i < n_config; ++i)
        if (strcmp(config[i].key, key) == 0) {
            config[i] = config[--n_config];
            return;
        }
}

void host_config_set(const char *key, int32_t value) {
    host_config_unset(key);
    if (n_config < MAX_KEYS && strlen(key) < sizeof(config[0].key)) {
        strcpy(config[n_config].key, key);
        config[n_config++].value = value;
    }
}

void host_rt_reset(void) {
    host_now_us = 1000000; // not 0, so "time since" arithmetic is exercised
    host_n_packets = 0;
    host_sink_busy = false;
    host_sink_lost = 0;
    host_sink_us_per_byte = 0;
    sink_taking = false;
    n_config = 0;
    host_config_set("irHead.pinRX", 16);
    host_config_set("irHead.pinTX", 17);
}

uint32_t opto_rt_now_us(void) {
    return host_now_us;
}

int opto_rt_send(uint8_t service_index, uint16_t cmd, const void *data, unsigned size) {
    if (size > 236 || host_n_packets >= HOST_MAX_PACKETS)
        return -1;
    if (sink_full()) {
        host_sink_lost++; // like jd_send(): "ovf" in the log, 0 to the caller
        return 0;
    }
    sink_free_at = host_now_us + size * host_sink_us_per_byte;
    sink_taking = host_sink_us_per_byte > 0 && size > 0;
    host_packet_t *p = &host_packets[host_n_packets++];
    p->service_index = service_index;
    p->cmd = cmd;
    p->size = (uint8_t)size;
    if (size)
        memcpy(p->data, data, size);
    p->at_us = host_now_us;
    return 0;
}

bool opto_rt_report_fits(unsigned size) {
    return !sink_full() && size <= 236 && host_n_packets < HOST_MAX_PACKETS;
}

int32_t opto_rt_config_i32(const char *key, int32_t dflt) {
    for (unsigned i = 0; i < n_config; ++i)
        if (strcmp(config[i].key, key) == 0)
            return config[i].value;
    return dflt;
}

uint8_t opto_rt_config_pin(const char *key) {
    int32_t v = opto_rt_config_i32(key, 0xff);
    return v >= 0 && v < 0xff ? (uint8_t)v : 0xff;
}
