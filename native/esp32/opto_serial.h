// opto_serial.h - Jacdac `Serial` service (class 0x11bae5c4) for the optical IEC 62056-21 head.
//
// Portable core: no jacdac-c or ESP-IDF includes. It sees packets as (command, payload),
// the UART through opto_port.h and the runtime through opto_rt.h. opto_serial_jd.c wraps it
// as a jacdac-c service (SRV_DEF/SRV_ALLOC) on the device; the host build drives it directly.
//
// Contract with the firmware's serial link (see esp32/README.md for the full text):
//  - `received` reports (0x80) carry raw bytes and are never empty; `send` (command 0x80) gets no
//    reply from this service.
//  - 7 data bits: a character with a parity/framing error arrives as 0x80|c, valid ones are <0x80.
//    8 data bits: a character with an error arrives as 0x7F (invalid even-parity 7E1 code).
//  - baudRate/dataBits/parityMode/stopBits writes take effect once every byte sent before the
//    write has left the wire; bytes sent after the write wait and go out with the new settings.
//  - a report is sent when OPTO_CHUNK_MAX (or bufferSize) bytes are waiting, or when the line has
//    been idle for 2 character times (at least OPTO_IDLE_MIN_US); overflow drops the oldest bytes.
//  - dropped bytes are told, not only counted: when rx_dropped has grown since it was last
//    reported, the service sends an unsolicited report of the system register status_code
//    (OPTO_CMD_GET_REG | 0x103 = 0x1103; payload u16 code = 0 "ready", u16 vendor_code = total
//    bytes dropped since boot, modulo 65536) ahead of the next `received` report, so the reader
//    learns of the gap before the bytes after it. Not a report of 0x191: DeviceScript hands a
//    script only reports its spec knows, and status_code is in every service's base spec. At most one per process turn, only when the count changed; it waits for room in the
//    runtime's queue like the data reports (and holds them back while it waits), never lost.
//    Two are never sent back to back: bytes dropped after one and before the next data report are
//    the ones right after the gap it told, so their count goes in the report after that data.
#ifndef OPTO_SERIAL_H
#define OPTO_SERIAL_H

#include <stdint.h>
#include "opto_port.h"

#define OPTO_SERIAL_CLASS 0x11bae5c4

// Jacdac register codes (jacdac spec services/serial.md) and our read-only vendor counters.
#define OPTO_REG_ENABLED 0x01          // rw u8 bool ("connected" in the spec, `enabled` in DS)
#define OPTO_REG_BAUD_RATE 0x80        // rw u32
#define OPTO_REG_DATA_BITS 0x81        // rw u8, 7 or 8
#define OPTO_REG_STOP_BITS 0x82        // rw u8, 1 or 2
#define OPTO_REG_PARITY_MODE 0x83      // rw u8, 0 none / 1 even / 2 odd
#define OPTO_REG_BUFFER_SIZE 0x84      // rw u8, max payload of one `received` report (1..236)
#define OPTO_REG_CONNECTION_NAME 0x181 // ro string
#define OPTO_REG_STATUS_CODE 0x103     // ro u16 code (0), u16 vendor_code: rx_dropped mod 65536
#define OPTO_REG_RX_ERRORS 0x190       // ro u32: characters delivered with an error mark
#define OPTO_REG_RX_DROPPED 0x191      // ro u32: bytes dropped because the receive buffer was full
#define OPTO_REG_HW_OVERFLOWS 0x192    // ro u32: UART/driver overflow events (data lost in hardware)
#define OPTO_REG_TX_DROPPED 0x193      // ro u32: `send` bytes dropped (disabled or TX buffer full)

#define OPTO_CMD_SEND 0x80     // command: data bytes to transmit
#define OPTO_CMD_RECEIVED 0x80 // report: received bytes
#define OPTO_CMD_GET_REG 0x1000
#define OPTO_CMD_SET_REG 0x2000

#define OPTO_CHUNK_MAX 236      // JD_SERIAL_PAYLOAD_SIZE: largest payload of one Jacdac packet
#define OPTO_IDLE_MIN_US 3000   // idle flush never earlier than this
#define OPTO_RX_RING 1024       // received bytes waiting to be reported
#define OPTO_TX_STAGE 512       // `send` bytes not yet accepted by the UART
#define OPTO_MAX_PENDING_LINES 4

typedef struct {
    opto_line_t line; // settings to apply
    uint32_t at;      // ... once this many bytes (total_staged count) have been handed to the port
} opto_pending_line_t;

typedef struct {
    uint8_t service_index;
    opto_pins_t pins;
    uint8_t enabled;
    uint8_t port_open;
    uint8_t buffer_size;
    const char *connection_name;

    opto_line_t line;   // register values (last written)
    opto_line_t active; // what the UART currently runs at
    opto_pending_line_t pending[OPTO_MAX_PENDING_LINES];
    uint8_t n_pending;

    // receive ring: marked bytes waiting to be reported
    uint8_t rx[OPTO_RX_RING];
    uint16_t rx_head, rx_count; // head = index of the oldest byte
    uint32_t last_rx_us;        // when the newest byte was read from the port

    // transmit staging: `send` bytes the port has not accepted yet
    uint8_t tx[OPTO_TX_STAGE];
    uint16_t tx_len;
    uint32_t total_staged, total_pushed; // byte counts, wrap-safe differences only

    uint32_t rx_errors, rx_dropped, tx_dropped;
    uint32_t rx_dropped_told; // rx_dropped as last sent in an unsolicited report
    uint8_t rx_gap_told;      // that report was the last one sent (no data report since)
} opto_serial_t;

// Default line: the spec's 115200 8N1, enabled, reports of up to 236 bytes.
void opto_serial_init(opto_serial_t *s, uint8_t service_index, const opto_pins_t *pins,
                      const char *connection_name);
// Poll: read the UART, push staged TX, apply due line changes, flush reports. Call every loop.
void opto_serial_process(opto_serial_t *s);
// A command packet addressed to this service. Returns 1 if handled, 0 if unknown (the caller
// then answers "not implemented"). Never sends anything for OPTO_CMD_SEND.
int opto_serial_handle(opto_serial_t *s, uint16_t cmd, const uint8_t *data, unsigned size);

// Device only (opto_serial_jd.c): reads the board's irHead section (opto_board.h), picks a free
// UART and registers the service with jacdac-c. Call once from app_init_services().
void opto_serial_service_init(void);

// Exposed for tests and the host CLI.
uint8_t opto_serial_mark(const opto_line_t *active, uint8_t c, uint8_t flags);
uint32_t opto_serial_idle_gap_us(const opto_line_t *line);
uint8_t opto_serial_chunk_size(const opto_serial_t *s);

#endif
