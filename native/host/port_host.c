// port_host.c - opto_port.h on a fake UART in virtual time (host_now_us).
// RX: bytes scheduled by host_uart_rx() become readable one character time apart.
// TX: accepted bytes leave one character time apart at the settings current when accepted;
// a configure() while a byte is still on the wire is counted as a violation.
#include <string.h>
#include "host.h"

host_uart_t host_uart;

void host_uart_reset(void) {
    memset(&host_uart, 0, sizeof(host_uart));
    host_uart.tx_fifo_cap = 128;
}

uint32_t host_char_us(const opto_line_t *l) {
    uint32_t bits = 1u + l->data_bits + (l->parity ? 1u : 0u) + l->stop_bits;
    return (uint32_t)(((uint64_t)bits * 1000000u + l->baud - 1) / l->baud);
}

static bool after(uint32_t a, uint32_t b) { // a > b, wrap-safe
    return (int32_t)(a - b) > 0;
}

int opto_port_open(const opto_pins_t *pins, const opto_line_t *line) {
    if (pins->rx == 0xff || pins->tx == 0xff)
        return -1;
    host_uart.open = true;
    host_uart.opens++;
    host_uart.pin_rx = pins->rx;
    host_uart.pin_tx = pins->tx;
    host_uart.invert = pins->invert;
    host_uart.routed = true;
    host_uart.line = *line;
    host_uart.tx_busy_until = host_uart.rx_busy_until = host_now_us;
    host_uart.rx_read = host_uart.rx_n; // nothing from before
    memset(&host_uart.errors, 0, sizeof(host_uart.errors));
    return 0;
}

int opto_port_route(void) {
    if (!host_uart.open)
        return -1;
    host_uart.routed = true;
    host_uart.routes++;
    return 0;
}

void host_uart_pins_reset(void) {
    host_uart.routed = false;
}

void opto_port_close(void) {
    host_uart.open = false;
    host_uart.routed = false;
    host_uart.closes++;
    host_uart.rx_read = host_uart.rx_n;
}

int opto_port_configure(const opto_line_t *line) {
    if (after(host_uart.tx_busy_until, host_now_us))
        host_uart.configures_while_busy++;
    host_uart.configures++;
    host_uart.line = *line;
    return 0;
}

static unsigned tx_in_fifo(void) {
    unsigned n = 0;
    for (unsigned i = host_uart.n_tx; i > 0 && after(host_uart.tx[i - 1].end_us, host_now_us); --i)
        n++;
    return n;
}

unsigned opto_port_write(const uint8_t *data, unsigned len) {
    if (!host_uart.open)
        return 0;
    unsigned used = tx_in_fifo();
    unsigned room = host_uart.tx_fifo_cap > used ? host_uart.tx_fifo_cap - used : 0;
    unsigned n = len < room ? len : room;
    if (n > HOST_MAX_BYTES - host_uart.n_tx)
        n = HOST_MAX_BYTES - host_uart.n_tx;
    uint32_t ch = host_char_us(&host_uart.line);
    for (unsigned i = 0; i < n; ++i) {
        host_tx_byte_t *b = &host_uart.tx[host_uart.n_tx++];
        uint32_t start = after(host_uart.tx_busy_until, host_now_us) ? host_uart.tx_busy_until
                                                                     : host_now_us;
        b->byte = data[i];
        b->start_us = start;
        b->end_us = start + ch;
        b->line = host_uart.line;
        host_uart.tx_busy_until = b->end_us;
    }
    return n;
}

bool opto_port_tx_drained(void) {
    return !after(host_uart.tx_busy_until, host_now_us);
}

void host_uart_rx(const uint8_t *data, const uint8_t *flags, unsigned n) {
    if (!host_uart.open)
        return;
    uint32_t ch = host_char_us(&host_uart.line);
    uint32_t t = after(host_uart.rx_busy_until, host_now_us) ? host_uart.rx_busy_until : host_now_us;
    for (unsigned i = 0; i < n && host_uart.rx_n < HOST_MAX_BYTES; ++i) {
        t += ch;
        host_uart.rx[host_uart.rx_n] = data[i];
        host_uart.rx_flags[host_uart.rx_n] = flags ? flags[i] : 0;
        host_uart.rx_at[host_uart.rx_n] = t;
        host_uart.rx_n++;
    }
    host_uart.rx_busy_until = t;
}

unsigned host_uart_rx_pending(void) {
    return host_uart.rx_n - host_uart.rx_read;
}

unsigned opto_port_read(uint8_t *data, uint8_t *flags, unsigned max) {
    unsigned n = 0;
    if (!host_uart.open)
        return 0;
    while (n < max && host_uart.rx_read < host_uart.rx_n &&
           !after(host_uart.rx_at[host_uart.rx_read], host_now_us)) {
        unsigned i = host_uart.rx_read++;
        uint8_t c = host_uart.rx[i];
        if (host_uart.line.data_bits == 7)
            c &= 0x7f; // a 7-bit UART delivers 7 bits
        data[n] = c;
        flags[n] = host_uart.rx_flags[i];
        if (flags[n] & OPTO_RXF_PARITY)
            host_uart.errors.parity++;
        if (flags[n] & OPTO_RXF_FRAMING)
            host_uart.errors.framing++;
        n++;
    }
    return n;
}

void opto_port_errors(opto_port_errors_t *out) {
    *out = host_uart.errors;
}
