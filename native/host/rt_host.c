// rt_host.c - opto_rt.h for the host: virtual clock, recording packet sink, fixed board pins.
#include <string.h>
#include "host.h"
#include "opto_rt.h"

uint32_t host_now_us;
host_packet_t host_packets[HOST_MAX_PACKETS];
unsigned host_n_packets;
bool host_sink_busy;
uint8_t host_pin_ir_rx = 16, host_pin_ir_tx = 17;

void host_rt_reset(void) {
    host_now_us = 1000000; // not 0, so "time since" arithmetic is exercised
    host_n_packets = 0;
    host_sink_busy = false;
    host_pin_ir_rx = 16;
    host_pin_ir_tx = 17;
}

uint32_t opto_rt_now_us(void) {
    return host_now_us;
}

int opto_rt_send(uint8_t service_index, uint16_t cmd, const void *data, unsigned size) {
    if (host_sink_busy || size > 236 || host_n_packets >= HOST_MAX_PACKETS)
        return -1;
    host_packet_t *p = &host_packets[host_n_packets++];
    p->service_index = service_index;
    p->cmd = cmd;
    p->size = (uint8_t)size;
    if (size)
        memcpy(p->data, data, size);
    p->at_us = host_now_us;
    return 0;
}

uint8_t opto_rt_board_pin(const char *label) {
    if (strcmp(label, "IR_RX") == 0)
        return host_pin_ir_rx;
    if (strcmp(label, "IR_TX") == 0)
        return host_pin_ir_tx;
    return 0xff;
}
