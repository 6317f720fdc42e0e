// host.h - the host build's fakes: a virtual clock, a packet sink standing in for jd_send(), and a
// fake UART whose RX bytes arrive and TX bytes leave at the configured baud in virtual time.
#ifndef OPTO_HOST_H
#define OPTO_HOST_H

#include <stdbool.h>
#include <stdint.h>
#include "opto_port.h"

// ---- clock and packet sink (rt_host.c) ----
#define HOST_MAX_PACKETS 512
typedef struct {
    uint8_t service_index;
    uint16_t cmd;
    uint8_t size;
    uint8_t data[240];
    uint32_t at_us;
} host_packet_t;

extern uint32_t host_now_us;
extern host_packet_t host_packets[HOST_MAX_PACKETS];
extern unsigned host_n_packets;
// When true the runtime's queue is full: opto_rt_report_fits() says no, and opto_rt_send() still
// returns 0 but drops the packet (counted in host_sink_lost), as jd_send() does on the device.
extern bool host_sink_busy;
extern unsigned host_sink_lost;
// A slow consumer: after taking a report the runtime's queue stays full for (payload bytes x
// this many µs) of virtual time, as when the script reads slower than the line delivers
// (0, the default: it takes reports as fast as they come). Counts as full like host_sink_busy.
extern uint32_t host_sink_us_per_byte;

void host_rt_reset(void);

// Fake board config (dcfg keys). host_rt_reset() leaves irHead.pinRX=16, irHead.pinTX=17.
void host_config_set(const char *key, int32_t value);
void host_config_unset(const char *key);

// ---- fake UART (port_host.c) ----
#define HOST_MAX_BYTES 8192
typedef struct {
    uint8_t byte;
    uint32_t start_us, end_us; // on the wire
    opto_line_t line;          // settings it was shifted out with
} host_tx_byte_t;

typedef struct {
    bool open;
    uint8_t pin_rx, pin_tx, invert;
    bool routed;     // the UART's signals reach the pins (false after host_uart_pins_reset)
    unsigned routes; // opto_port_route() calls
    opto_line_t line;
    unsigned opens, closes, configures;
    unsigned configures_while_busy; // line changed while a TX byte was still on the wire: a bug
    unsigned tx_fifo_cap;           // bytes the fake FIFO holds (default 128, like the ESP32)
    host_tx_byte_t tx[HOST_MAX_BYTES];
    unsigned n_tx;
    uint32_t tx_busy_until;
    // scheduled RX: byte i is readable from rx_at[i]
    uint8_t rx[HOST_MAX_BYTES], rx_flags[HOST_MAX_BYTES];
    uint32_t rx_at[HOST_MAX_BYTES];
    unsigned rx_n, rx_read;
    uint32_t rx_busy_until;
    opto_port_errors_t errors;
} host_uart_t;

extern host_uart_t host_uart;

void host_uart_reset(void);
// One character time in microseconds at the given settings.
uint32_t host_char_us(const opto_line_t *l);
// The meter sends n characters back to back, starting now (or after the previous ones);
// flags may be NULL. Ignored while the port is closed.
void host_uart_rx(const uint8_t *data, const uint8_t *flags, unsigned n);
// Something else resets the pins, as DeviceScript's devs_gpio_init_dcfg does at program start.
void host_uart_pins_reset(void);
// Counts as pending: scheduled but not yet read by the service.
unsigned host_uart_rx_pending(void);

#endif
