// opto_rt.h - the few runtime (jacdac-c / DeviceScript ESP32) calls the Serial service needs.
//
// Implemented against jacdac-c in opto_serial_jd.c (device) and by a fake packet sink with a
// virtual clock and a fake board config in host/rt_host.c (host build and tests). Nothing else
// from the runtime is used.
#ifndef OPTO_RT_H
#define OPTO_RT_H

#include <stdbool.h>
#include <stdint.h>

// Current time in microseconds; wraps at 2^32 (callers use unsigned differences).
// Device: jacdac-c's global `now`, refreshed once per main-loop turn.
uint32_t opto_rt_now_us(void);

// Sends a report from service `service_index` with command code `cmd` and `size` payload bytes
// (size <= 236). Returns 0 when handed over. On the DeviceScript runtime this never fails: a
// frame that finds the queue full is dropped with a log line ("loopback rx ovf"), so a caller
// that must not lose data asks opto_rt_report_fits() first. Device: jd_send().
int opto_rt_send(uint8_t service_index, uint16_t cmd, const void *data, unsigned size);

// True when a report with `size` payload bytes sent now reaches the script, i.e. the runtime
// has room for it. Device: see opto_serial_jd.c for which queue that is.
bool opto_rt_report_fits(unsigned size);

// Board config (the board JSON flattened to dcfg keys, e.g. "irHead.pinRX").
// GPIO number of a pin key, or 0xff when the board has none. Device: dcfg_get_pin().
uint8_t opto_rt_config_pin(const char *key);
// Integer (or boolean, as 0/1) value of a key, or `dflt`. Device: dcfg_get_i32().
int32_t opto_rt_config_i32(const char *key, int32_t dflt);

#endif
