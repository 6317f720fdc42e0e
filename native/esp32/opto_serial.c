// opto_serial.c - the Serial service's logic: registers, send, receive chunking, error marks,
// and line changes that wait for the transmitter to drain. Portable; see opto_serial.h.
#include <string.h>
#include "opto_serial.h"
#include "opto_rt.h"

static const opto_line_t default_line = {115200, 8, OPTO_PARITY_NONE, 1};

void opto_serial_init(opto_serial_t *s, uint8_t service_index, const opto_pins_t *pins,
                      const char *connection_name) {
    memset(s, 0, sizeof(*s));
    s->service_index = service_index;
    s->pins = *pins;
    s->connection_name = connection_name ? connection_name : "";
    s->buffer_size = OPTO_CHUNK_MAX;
    s->line = s->active = default_line;
    s->last_rx_us = opto_rt_now_us();
    s->enabled = 1;
    s->port_open = opto_port_open(&s->pins, &s->active) == 0;
    if (!s->port_open)
        s->enabled = 0;
}

// ---- error marking -------------------------------------------------------------------------

uint8_t opto_serial_mark(const opto_line_t *active, uint8_t c, uint8_t flags) {
    if (active->data_bits <= 7)
        return (uint8_t)((c & 0x7f) | (flags ? 0x80 : 0));
    // 8 data bits: the firmware decodes 7E1 in software; 0x7F has odd parity in 8 bits,
    // so its decoder rejects it whatever the character was.
    return flags ? 0x7f : c;
}

uint32_t opto_serial_idle_gap_us(const opto_line_t *l) {
    uint32_t bits = 1u + l->data_bits + (l->parity != OPTO_PARITY_NONE ? 1u : 0u) + l->stop_bits;
    uint32_t baud = l->baud ? l->baud : 1;
    uint32_t char_us = (uint32_t)(((uint64_t)bits * 1000000u + baud - 1) / baud);
    uint32_t gap = 2 * char_us;
    return gap < OPTO_IDLE_MIN_US ? OPTO_IDLE_MIN_US : gap;
}

uint8_t opto_serial_chunk_size(const opto_serial_t *s) {
    uint8_t n = s->buffer_size;
    if (n == 0 || n > OPTO_CHUNK_MAX)
        n = OPTO_CHUNK_MAX;
    return n;
}

// ---- receive --------------------------------------------------------------------------------

static void rx_push(opto_serial_t *s, uint8_t b) {
    if (s->rx_count == OPTO_RX_RING) { // full: drop the oldest byte
        s->rx_head = (uint16_t)((s->rx_head + 1) % OPTO_RX_RING);
        s->rx_count--;
        s->rx_dropped++;
    }
    s->rx[(s->rx_head + s->rx_count) % OPTO_RX_RING] = b;
    s->rx_count++;
}

// Moves everything the UART has into the ring, marked according to the settings it was received
// with. Called before every line change so no byte is interpreted under the wrong settings.
static void rx_poll(opto_serial_t *s) {
    if (!s->port_open)
        return;
    uint8_t data[64], flags[64];
    for (;;) {
        unsigned n = opto_port_read(data, flags, sizeof(data));
        if (n == 0)
            break;
        for (unsigned i = 0; i < n; ++i) {
            if (flags[i])
                s->rx_errors++;
            rx_push(s, opto_serial_mark(&s->active, data[i], flags[i]));
        }
        s->last_rx_us = opto_rt_now_us();
        if (n < sizeof(data))
            break;
    }
}

// Sends the oldest n bytes as one `received` report. Returns 0 if there is no room for it now.
// The room check comes first because the runtime's send does not fail when its queue is full:
// it drops the frame and logs (opto_rt.h), so the bytes must stay here until it can take them.
static int rx_emit(opto_serial_t *s, unsigned n) {
    if (!opto_rt_report_fits(n))
        return 0;
    uint8_t buf[OPTO_CHUNK_MAX];
    for (unsigned i = 0; i < n; ++i)
        buf[i] = s->rx[(s->rx_head + i) % OPTO_RX_RING];
    if (opto_rt_send(s->service_index, OPTO_CMD_RECEIVED, buf, n) != 0)
        return 0;
    s->rx_head = (uint16_t)((s->rx_head + n) % OPTO_RX_RING);
    s->rx_count = (uint16_t)(s->rx_count - n);
    s->rx_gap_told = 0;
    return 1;
}

static int reply_status(opto_serial_t *s);

// Tells the reader that bytes were dropped (the total since boot) before it sees the bytes after
// the gap: drops take the oldest bytes, so everything still in the ring came after every drop.
// Returns 0 while that report is owed and there is no room for it: the data reports wait behind.
// After a drop report the next report is data, even if more bytes were dropped meanwhile: those
// were the ring's oldest, right after the gap just told, so the reader already knows there is a
// gap before them, and the report before the data after that tells the new total. Without this
// a consumer that frees room for only one report per turn would get drop reports only, forever.
static int rx_tell_dropped(opto_serial_t *s) {
    if (s->rx_dropped == s->rx_dropped_told || s->rx_gap_told)
        return 1;
    if (!opto_rt_report_fits(4) || reply_status(s) != 0)
        return 0;
    s->rx_dropped_told = s->rx_dropped;
    s->rx_gap_told = 1;
    return 1;
}

static void rx_flush(opto_serial_t *s) {
    if (!rx_tell_dropped(s))
        return;
    unsigned chunk = opto_serial_chunk_size(s);
    while (s->rx_count >= chunk)
        if (!rx_emit(s, chunk))
            return;
    if (s->rx_count == 0)
        return;
    uint32_t idle = opto_rt_now_us() - s->last_rx_us;
    if (idle >= opto_serial_idle_gap_us(&s->active))
        while (s->rx_count > 0)
            if (!rx_emit(s, s->rx_count < chunk ? s->rx_count : chunk))
                return;
}

// ---- transmit and line changes ----------------------------------------------------------------

static void tx_push(opto_serial_t *s, unsigned limit) {
    unsigned n = s->tx_len < limit ? s->tx_len : limit;
    if (n == 0)
        return;
    unsigned done = opto_port_write(s->tx, n);
    if (done > n)
        done = n;
    memmove(s->tx, s->tx + done, s->tx_len - done);
    s->tx_len = (uint16_t)(s->tx_len - done);
    s->total_pushed += done;
}

static void apply_line(opto_serial_t *s, const opto_line_t *l) {
    rx_poll(s); // bytes already received belong to the old settings
    s->active = *l;
    if (s->port_open)
        opto_port_configure(&s->active);
}

// Pushes staged TX and applies each pending line change once everything staged before it has
// left the wire. Bytes staged after a change are held back until it is applied.
static void tx_and_switch(opto_serial_t *s) {
    while (s->n_pending > 0) {
        opto_pending_line_t *p = &s->pending[0];
        uint32_t before = p->at - s->total_pushed; // staged bytes that must go out first
        tx_push(s, before);
        if (p->at != s->total_pushed || !opto_port_tx_drained())
            return;
        apply_line(s, &p->line);
        s->n_pending--;
        memmove(&s->pending[0], &s->pending[1], s->n_pending * sizeof(s->pending[0]));
    }
    tx_push(s, s->tx_len);
}

static void request_line(opto_serial_t *s) {
    if (!s->port_open) {
        s->active = s->line;
        return;
    }
    if (s->n_pending > 0 && s->pending[s->n_pending - 1].at == s->total_staged) {
        // nothing sent since the previous change: merge (e.g. baud and parity written together)
        s->pending[s->n_pending - 1].line = s->line;
    } else if (s->n_pending < OPTO_MAX_PENDING_LINES) {
        s->pending[s->n_pending].line = s->line;
        s->pending[s->n_pending].at = s->total_staged;
        s->n_pending++;
    } else {
        s->pending[s->n_pending - 1].line = s->line; // queue full: the last change wins
    }
    tx_and_switch(s); // immediate when the transmitter is already idle
}

static void do_send(opto_serial_t *s, const uint8_t *data, unsigned size) {
    if (size == 0)
        return;
    if (!s->port_open) {
        s->tx_dropped += size;
        return;
    }
    unsigned room = OPTO_TX_STAGE - s->tx_len;
    unsigned n = size < room ? size : room;
    memcpy(s->tx + s->tx_len, data, n);
    s->tx_len = (uint16_t)(s->tx_len + n);
    s->total_staged += n;
    s->tx_dropped += size - n;
    tx_and_switch(s);
}

static void set_enabled(opto_serial_t *s, uint8_t on) {
    on = on ? 1 : 0;
    if (on && s->enabled && s->port_open) {
        // Already running, but the runtime may have reset the pins since (DeviceScript turns
        // unclaimed pins into disabled analog inputs at each program start): route them again.
        // Buffers and pending line changes are kept, so a script can write enabled=1 any time.
        opto_port_route();
        return;
    }
    if (on == s->enabled)
        return;
    if (s->port_open) {
        opto_port_close();
        s->port_open = 0;
    }
    s->rx_count = s->rx_head = 0;
    s->rx_gap_told = 0; // a later gap is not next to the one told: tell it before its data
    s->tx_len = 0;
    s->n_pending = 0;
    s->total_staged = s->total_pushed = 0;
    s->active = s->line;
    if (on)
        s->port_open = opto_port_open(&s->pins, &s->active) == 0;
    s->enabled = s->port_open;
    s->last_rx_us = opto_rt_now_us();
}

void opto_serial_process(opto_serial_t *s) {
    if (!s->port_open)
        return;
    rx_poll(s);
    tx_and_switch(s);
    rx_flush(s);
}

// ---- packets ----------------------------------------------------------------------------------

static uint32_t le_value(const uint8_t *d, unsigned size) {
    uint32_t v = 0;
    for (unsigned i = 0; i < size && i < 4; ++i)
        v |= (uint32_t)d[i] << (8 * i);
    return v;
}

static void reply_u8(opto_serial_t *s, uint16_t reg, uint8_t v) {
    opto_rt_send(s->service_index, OPTO_CMD_GET_REG | reg, &v, 1);
}

static int reply_u32(opto_serial_t *s, uint16_t reg, uint32_t v) {
    uint8_t b[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
    return opto_rt_send(s->service_index, OPTO_CMD_GET_REG | reg, b, 4);
}

// status_code: Ready, with the dropped-byte total (mod 65536) as the vendor code (the drop report).
static int reply_status(opto_serial_t *s) {
    uint8_t b[4] = {0, 0, (uint8_t)s->rx_dropped, (uint8_t)(s->rx_dropped >> 8)};
    return opto_rt_send(s->service_index, OPTO_CMD_GET_REG | OPTO_REG_STATUS_CODE, b, 4);
}

static int handle_get(opto_serial_t *s, uint16_t reg) {
    switch (reg) {
    case OPTO_REG_ENABLED: reply_u8(s, reg, s->enabled); return 1;
    case OPTO_REG_BAUD_RATE: reply_u32(s, reg, s->line.baud); return 1;
    case OPTO_REG_DATA_BITS: reply_u8(s, reg, s->line.data_bits); return 1;
    case OPTO_REG_STOP_BITS: reply_u8(s, reg, s->line.stop_bits); return 1;
    case OPTO_REG_PARITY_MODE: reply_u8(s, reg, s->line.parity); return 1;
    case OPTO_REG_BUFFER_SIZE: reply_u8(s, reg, opto_serial_chunk_size(s)); return 1;
    case OPTO_REG_RX_ERRORS: reply_u32(s, reg, s->rx_errors); return 1;
    case OPTO_REG_RX_DROPPED: reply_u32(s, reg, s->rx_dropped); return 1;
    case OPTO_REG_STATUS_CODE: reply_status(s); return 1;
    case OPTO_REG_TX_DROPPED: reply_u32(s, reg, s->tx_dropped); return 1;
    case OPTO_REG_HW_OVERFLOWS: {
        opto_port_errors_t e = {0, 0, 0};
        if (s->port_open)
            opto_port_errors(&e);
        reply_u32(s, reg, e.hw_overflow);
        return 1;
    }
    case OPTO_REG_CONNECTION_NAME:
        opto_rt_send(s->service_index, OPTO_CMD_GET_REG | reg, s->connection_name,
                     (unsigned)strlen(s->connection_name));
        return 1;
    default: return 0;
    }
}

// Out-of-range values are ignored (the register keeps its value), as a read-back shows.
static int handle_set(opto_serial_t *s, uint16_t reg, const uint8_t *data, unsigned size) {
    if (size == 0)
        return 1;
    uint32_t v = le_value(data, size);
    opto_line_t l = s->line;
    switch (reg) {
    case OPTO_REG_ENABLED: set_enabled(s, v != 0); return 1;
    case OPTO_REG_BUFFER_SIZE:
        if (v >= 1 && v <= OPTO_CHUNK_MAX)
            s->buffer_size = (uint8_t)v;
        return 1;
    case OPTO_REG_BAUD_RATE:
        if (v == 0)
            return 1;
        l.baud = v;
        break;
    case OPTO_REG_DATA_BITS:
        if (v != 7 && v != 8)
            return 1;
        l.data_bits = (uint8_t)v;
        break;
    case OPTO_REG_STOP_BITS:
        if (v != 1 && v != 2)
            return 1;
        l.stop_bits = (uint8_t)v;
        break;
    case OPTO_REG_PARITY_MODE:
        if (v > OPTO_PARITY_ODD)
            return 1;
        l.parity = (uint8_t)v;
        break;
    default: return 0; // unknown or read-only
    }
    if (l.baud == s->line.baud && l.data_bits == s->line.data_bits &&
        l.parity == s->line.parity && l.stop_bits == s->line.stop_bits)
        return 1;
    s->line = l;
    request_line(s);
    return 1;
}

int opto_serial_handle(opto_serial_t *s, uint16_t cmd, const uint8_t *data, unsigned size) {
    if (cmd == OPTO_CMD_SEND) {
        do_send(s, data, size); // deliberately no reply: 0x80 is also the `received` report
        return 1;
    }
    if ((cmd & 0xf000) == OPTO_CMD_GET_REG)
        return handle_get(s, cmd & 0x0fff);
    if ((cmd & 0xf000) == OPTO_CMD_SET_REG)
        return handle_set(s, cmd & 0x0fff, data, size);
    return 0;
}
