// opto_rt.h - the few runtime (jacdac-c / DeviceScript ESP32) calls the Serial service needs.
//
// Implemented against jacdac-c in opto_serial_jd.c (device) and by a fake packet sink with a
// virtual clock in host/rt_host.c (host build and tests). Nothing else from the runtime is used.
#ifndef OPTO_RT_H
#define OPTO_RT_H

#include <stdint.h>

// Current time in microseconds; wraps at 2^32 (callers use unsigned differences).
// Device: jacdac-c's global `now`, refreshed once per main-loop turn.
uint32_t opto_rt_now_us(void);

// Sends a report from service `service_index` with command code `cmd` and `size` payload bytes
// (size <= 236). Returns 0 when queued, non-zero when the packet could not be queued (the caller
// keeps the data and retries). Device: jd_send().
int opto_rt_send(uint8_t service_index, uint16_t cmd, const void *data, unsigned size);

// GPIO number of the board-config pin label `label` (e.g. "IR_RX"), or 0xff when the board
// has no such label. Device: dcfg_get_pin("pins.<label>").
uint8_t opto_rt_board_pin(const char *label);

#endif
