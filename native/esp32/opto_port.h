// opto_port.h - the hardware seam of the Serial service: one UART, polled.
//
// The service (opto_serial.c) talks to the UART only through these calls. Exactly one
// implementation is linked: opto_port_esp32.c (ESP-IDF 5.0 UART driver) on the device,
// host/port_host.c (fake UART in virtual time) in the host build and tests.
// Every call is made from the service's process/handle_packet, i.e. from the runtime's main loop;
// none of them may block.
#ifndef OPTO_PORT_H
#define OPTO_PORT_H

#include <stdbool.h>
#include <stdint.h>

// Line settings, in the Serial service's own terms (Jacdac register values).
#define OPTO_PARITY_NONE 0
#define OPTO_PARITY_EVEN 1
#define OPTO_PARITY_ODD 2

typedef struct {
    uint32_t baud;     // bits per second, > 0
    uint8_t data_bits; // 7 or 8
    uint8_t parity;    // OPTO_PARITY_*
    uint8_t stop_bits; // 1 or 2
} opto_line_t;

// Per received character: what the UART said was wrong with it.
#define OPTO_RXF_PARITY 0x01
#define OPTO_RXF_FRAMING 0x02
#define OPTO_RXF_LOST 0x04 // placeholder character standing where the UART lost data (overrun)
// Read without a UART event of its own (the event queue overflowed during a stall), so an error
// the UART reported for it may have been lost: it cannot be delivered as clean.
#define OPTO_RXF_UNCHECKED 0x08

// Which lines the UART inverts in hardware, for heads that drive the LED high or put an odd
// number of inverters in the receive path (IEC 62056-21: light on = start bit = 0).
#define OPTO_INVERT_RX 0x01
#define OPTO_INVERT_TX 0x02

typedef struct {
    uint8_t rx, tx; // GPIO numbers
    uint8_t invert; // OPTO_INVERT_*
} opto_pins_t;

typedef struct {
    uint32_t parity;      // characters with a parity error
    uint32_t framing;     // characters with a framing error (includes breaks)
    uint32_t hw_overflow; // times the UART/driver lost received data before we read it
} opto_port_errors_t;

// Claims the UART on the given GPIOs with the given line settings. 0 on success.
int opto_port_open(const opto_pins_t *pins, const opto_line_t *line);
// Routes the open UART to its pins again (signal matrix, inversion, RX pull-up) without touching
// the driver or its buffers. Something else in the runtime may have reset the pins. 0 on success.
int opto_port_route(void);
// Releases the UART; pending TX and RX are discarded.
void opto_port_close(void);
// Applies new line settings at once. The service only calls this when opto_port_tx_drained().
int opto_port_configure(const opto_line_t *line);
// Queues bytes for transmission without blocking; returns how many were accepted (0..len).
unsigned opto_port_write(const uint8_t *data, unsigned len);
// Reads up to max received characters without blocking. flags[i] gets OPTO_RXF_* for data[i].
unsigned opto_port_read(uint8_t *data, uint8_t *flags, unsigned max);
// True when every accepted TX byte has completely left the wire (FIFO and shift register empty).
bool opto_port_tx_drained(void);
// Cumulative error counters since opto_port_open().
void opto_port_errors(opto_port_errors_t *out);

#endif
