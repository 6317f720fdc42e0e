// test_serial.c - host tests of the Serial service against the fake UART and packet sink,
// plus the stream fixtures given on the command line (each *.txt with its *.expected).
#include <stdlib.h>
#include <string.h>
#include "host.h"
#include "opto_board.h"
#include "opto_line_esp.h"
#include "opto_rt.h"
#include "opto_serial.h"
#include "stream.h"
#include "tinytest.h"

int tt_failures;
static opto_serial_t S;

// ---- helpers ----

// Starts the service the way opto_serial_service_init() does on an ESP32-S3.
static void init_from_board(void) {
    opto_board_t b;
    opto_board_read(OPTO_CHIP_ESP32S3, &b);
    opto_serial_init(&S, 3, &b.pins, "IR head");
}

static void setup_at(uint32_t t) {
    host_rt_reset();
    host_uart_reset();
    host_now_us = t;
    init_from_board();
}

static void setup(void) {
    setup_at(1000000);
}

static void set_u32(uint16_t reg, uint32_t v, unsigned size) {
    uint8_t b[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
    CHECK_EQ(opto_serial_handle(&S, OPTO_CMD_SET_REG | reg, b, size), 1);
}

static void set_line(uint32_t baud, uint8_t data, uint8_t parity, uint8_t stop) {
    set_u32(OPTO_REG_BAUD_RATE, baud, 4);
    set_u32(OPTO_REG_DATA_BITS, data, 1);
    set_u32(OPTO_REG_PARITY_MODE, parity, 1);
    set_u32(OPTO_REG_STOP_BITS, stop, 1);
}

// Reads a register through a GET packet; returns the value (little-endian) and its size.
static uint32_t get_reg(uint16_t reg, unsigned *size) {
    unsigned before = host_n_packets;
    CHECK_EQ(opto_serial_handle(&S, OPTO_CMD_GET_REG | reg, NULL, 0), 1);
    CHECK_EQ(host_n_packets, before + 1);
    if (host_n_packets != before + 1)
        return 0xdeadbeef;
    host_packet_t *p = &host_packets[host_n_packets - 1];
    CHECK_EQ(p->cmd, OPTO_CMD_GET_REG | reg);
    CHECK_EQ(p->service_index, 3);
    uint32_t v = 0;
    for (unsigned i = 0; i < p->size && i < 4; ++i)
        v |= (uint32_t)p->data[i] << (8 * i);
    if (size)
        *size = p->size;
    host_n_packets = before; // keep the sink for `received` reports only
    return v;
}

static void run_us(uint32_t us, uint32_t poll) {
    while (us > 0) {
        uint32_t step = us < poll ? us : poll;
        host_now_us += step;
        us -= step;
        opto_serial_process(&S);
    }
}

static unsigned received_bytes(uint8_t *out, unsigned max) {
    unsigned n = 0;
    for (unsigned i = 0; i < host_n_packets; ++i) {
        CHECK_EQ(host_packets[i].cmd, OPTO_CMD_RECEIVED);
        CHECK(host_packets[i].size > 0);
        for (unsigned j = 0; j < host_packets[i].size && n < max; ++j)
            out[n++] = host_packets[i].data[j];
    }
    return n;
}

// ---- registers ----

static void test_defaults_follow_spec(void) {
    setup();
    unsigned sz;
    CHECK_EQ(get_reg(OPTO_REG_ENABLED, &sz), 1);
    CHECK_EQ(sz, 1);
    CHECK_EQ(get_reg(OPTO_REG_BAUD_RATE, &sz), 115200);
    CHECK_EQ(sz, 4);
    CHECK_EQ(get_reg(OPTO_REG_DATA_BITS, NULL), 8);
    CHECK_EQ(get_reg(OPTO_REG_STOP_BITS, NULL), 1);
    CHECK_EQ(get_reg(OPTO_REG_PARITY_MODE, NULL), OPTO_PARITY_NONE);
    CHECK_EQ(get_reg(OPTO_REG_BUFFER_SIZE, NULL), 236);
    CHECK(host_uart.open);
    CHECK_EQ(host_uart.line.baud, 115200);
}

static void test_register_round_trips(void) {
    setup();
    set_line(300, 7, OPTO_PARITY_EVEN, 1);
    CHECK_EQ(get_reg(OPTO_REG_BAUD_RATE, NULL), 300);
    CHECK_EQ(get_reg(OPTO_REG_DATA_BITS, NULL), 7);
    CHECK_EQ(get_reg(OPTO_REG_PARITY_MODE, NULL), OPTO_PARITY_EVEN);
    CHECK_EQ(get_reg(OPTO_REG_STOP_BITS, NULL), 1);
    set_u32(OPTO_REG_BAUD_RATE, 19200, 4);
    set_u32(OPTO_REG_STOP_BITS, 2, 1);
    set_u32(OPTO_REG_PARITY_MODE, OPTO_PARITY_ODD, 1);
    set_u32(OPTO_REG_BUFFER_SIZE, 64, 1);
    CHECK_EQ(get_reg(OPTO_REG_BAUD_RATE, NULL), 19200);
    CHECK_EQ(get_reg(OPTO_REG_STOP_BITS, NULL), 2);
    CHECK_EQ(get_reg(OPTO_REG_PARITY_MODE, NULL), OPTO_PARITY_ODD);
    CHECK_EQ(get_reg(OPTO_REG_BUFFER_SIZE, NULL), 64);
    // a short write is zero-extended, as jacdac-c does
    set_u32(OPTO_REG_BAUD_RATE, 2400, 2);
    CHECK_EQ(get_reg(OPTO_REG_BAUD_RATE, NULL), 2400);
    CHECK_EQ(host_uart.line.baud, 2400);
    CHECK_EQ(host_uart.line.stop_bits, 2);
}

static void test_invalid_writes_are_ignored(void) {
    setup();
    set_u32(OPTO_REG_BAUD_RATE, 0, 4);
    set_u32(OPTO_REG_DATA_BITS, 6, 1);
    set_u32(OPTO_REG_DATA_BITS, 9, 1);
    set_u32(OPTO_REG_STOP_BITS, 3, 1);
    set_u32(OPTO_REG_PARITY_MODE, 3, 1);
    set_u32(OPTO_REG_BUFFER_SIZE, 0, 1);
    set_u32(OPTO_REG_BUFFER_SIZE, 237, 1);
    CHECK_EQ(get_reg(OPTO_REG_BAUD_RATE, NULL), 115200);
    CHECK_EQ(get_reg(OPTO_REG_DATA_BITS, NULL), 8);
    CHECK_EQ(get_reg(OPTO_REG_STOP_BITS, NULL), 1);
    CHECK_EQ(get_reg(OPTO_REG_PARITY_MODE, NULL), 0);
    CHECK_EQ(get_reg(OPTO_REG_BUFFER_SIZE, NULL), 236);
    CHECK_EQ(host_uart.configures, 0);
}

static void test_read_only_and_unknown(void) {
    setup();
    unsigned sz;
    get_reg(OPTO_REG_CONNECTION_NAME, &sz);
    CHECK_EQ(sz, strlen("IR head"));
    CHECK_EQ(get_reg(OPTO_REG_RX_ERRORS, &sz), 0);
    CHECK_EQ(sz, 4);
    CHECK_EQ(get_reg(OPTO_REG_RX_DROPPED, NULL), 0);
    CHECK_EQ(get_reg(OPTO_REG_HW_OVERFLOWS, NULL), 0);
    CHECK_EQ(get_reg(OPTO_REG_TX_DROPPED, NULL), 0);
    uint8_t b[4] = {1, 0, 0, 0};
    // writes to read-only or unknown registers and unknown commands are not handled (the
    // jacdac-c wrapper then answers "not implemented")
    CHECK_EQ(opto_serial_handle(&S, OPTO_CMD_SET_REG | OPTO_REG_RX_ERRORS, b, 4), 0);
    CHECK_EQ(opto_serial_handle(&S, OPTO_CMD_SET_REG | OPTO_REG_CONNECTION_NAME, b, 1), 0);
    CHECK_EQ(opto_serial_handle(&S, OPTO_CMD_GET_REG | 0x85, NULL, 0), 0);
    CHECK_EQ(opto_serial_handle(&S, 0x81, b, 1), 0);
    CHECK_EQ(host_n_packets, 0);
}

// ---- line mapping ----

static void test_7e1_8n1_mapping(void) {
    opto_esp_line_t e;
    opto_line_t l7e1 = {300, 7, OPTO_PARITY_EVEN, 1};
    CHECK_EQ(opto_line_to_esp(&l7e1, &e), 0);
    CHECK_EQ(e.word, UART_DATA_7_BITS);
    CHECK_EQ(e.parity, UART_PARITY_EVEN);
    CHECK_EQ(e.stop, UART_STOP_BITS_1);
    opto_line_t l8n1 = {9600, 8, OPTO_PARITY_NONE, 1};
    CHECK_EQ(opto_line_to_esp(&l8n1, &e), 0);
    CHECK_EQ(e.word, UART_DATA_8_BITS);
    CHECK_EQ(e.parity, UART_PARITY_DISABLE);
    CHECK_EQ(e.stop, UART_STOP_BITS_1);
    opto_line_t l7o2 = {1200, 7, OPTO_PARITY_ODD, 2};
    CHECK_EQ(opto_line_to_esp(&l7o2, &e), 0);
    CHECK_EQ(e.parity, UART_PARITY_ODD);
    CHECK_EQ(e.stop, UART_STOP_BITS_2);
    // Jacdac Even=1/Odd=2 must not leak through as ESP-IDF values
    CHECK(UART_PARITY_EVEN != OPTO_PARITY_EVEN);
    opto_line_t bad = {0, 7, 1, 1};
    CHECK_EQ(opto_line_to_esp(&bad, &e), -1);
    bad = (opto_line_t){300, 6, 1, 1};
    CHECK_EQ(opto_line_to_esp(&bad, &e), -1);

    // the service hands the port exactly the register values
    setup();
    set_line(300, 7, OPTO_PARITY_EVEN, 1);
    CHECK_EQ(host_uart.line.baud, 300);
    CHECK_EQ(host_uart.line.data_bits, 7);
    CHECK_EQ(host_uart.line.parity, OPTO_PARITY_EVEN);
    CHECK_EQ(host_uart.line.stop_bits, 1);
}

// ---- receive path ----

static void test_error_marking_7bit(void) {
    setup();
    set_line(9600, 7, OPTO_PARITY_EVEN, 1);
    uint8_t d[5] = {'/', 'A', 'B', 'C', 0x0a};
    uint8_t f[5] = {0, OPTO_RXF_PARITY, 0, OPTO_RXF_FRAMING, OPTO_RXF_PARITY | OPTO_RXF_FRAMING};
    host_uart_rx(d, f, 5);
    run_us(100000, 1000);
    uint8_t got[16];
    CHECK_EQ(received_bytes(got, sizeof(got)), 5);
    CHECK_EQ(got[0], '/');
    CHECK_EQ(got[1], 0x80 | 'A');
    CHECK_EQ(got[2], 'B');
    CHECK_EQ(got[3], 0x80 | 'C');
    CHECK_EQ(got[4], 0x8a);
    CHECK_EQ(S.rx_errors, 3);
    CHECK_EQ(get_reg(OPTO_REG_RX_ERRORS, NULL), 3);
    // a valid character is always < 0x80 in 7-bit mode
    for (unsigned c = 0; c < 256; ++c) {
        opto_line_t l = {300, 7, OPTO_PARITY_EVEN, 1};
        CHECK(opto_serial_mark(&l, (uint8_t)c, 0) < 0x80);
        CHECK(opto_serial_mark(&l, (uint8_t)c, OPTO_RXF_PARITY) >= 0x80);
    }
}

static void test_lost_data_placeholder_is_marked(void) {
    // the ESP32 port inserts one OPTO_RXF_LOST character where the UART overran
    opto_line_t l7 = {300, 7, OPTO_PARITY_EVEN, 1}, l8 = {300, 8, OPTO_PARITY_NONE, 1};
    CHECK_EQ(opto_serial_mark(&l7, 0, OPTO_RXF_LOST), 0x80);
    CHECK_EQ(opto_serial_mark(&l8, 0, OPTO_RXF_LOST), 0x7f);
    setup();
    uint8_t d[3] = {'a', 0, 'b'}, f[3] = {0, OPTO_RXF_LOST, 0};
    host_uart_rx(d, f, 3);
    run_us(20000, 1000);
    CHECK_EQ(host_n_packets, 1);
    CHECK_EQ(host_packets[0].data[1], 0x7f);
    CHECK_EQ(S.rx_errors, 1);
}

static int even_parity_ok(uint8_t b) {
    int ones = 0;
    for (int i = 0; i < 8; ++i)
        ones += (b >> i) & 1;
    return (ones & 1) == 0;
}

static void test_error_marking_8bit(void) {
    setup();
    set_line(9600, 8, OPTO_PARITY_NONE, 1);
    uint8_t d[4] = {0xaf, 0x3f, 0x21, 0x8d}; // "/?!\r" in software 7E1
    uint8_t f[4] = {0, OPTO_RXF_FRAMING, 0, 0};
    host_uart_rx(d, f, 4);
    run_us(100000, 1000);
    uint8_t got[8];
    CHECK_EQ(received_bytes(got, sizeof(got)), 4);
    CHECK_EQ(got[0], 0xaf);
    CHECK_EQ(got[1], 0x7f);
    CHECK_EQ(got[2], 0x21);
    CHECK_EQ(got[3], 0x8d);
    CHECK(!even_parity_ok(0x7f)); // the software 7E1 decoder always rejects the mark
    CHECK(even_parity_ok(0xaf) && even_parity_ok(0x8d));
    CHECK_EQ(S.rx_errors, 1);
    opto_port_errors_t e;
    opto_port_errors(&e);
    CHECK_EQ(e.framing, 1);
}

static void test_chunks_fit_a_packet(void) {
    setup();
    set_line(19200, 8, OPTO_PARITY_NONE, 1);
    static uint8_t d[600];
    for (unsigned i = 0; i < sizeof(d); ++i)
        d[i] = (uint8_t)i;
    host_uart_rx(d, NULL, sizeof(d));
    run_us(600000, 10000); // ESP32-like 10 ms polling
    CHECK(host_n_packets >= 3);
    for (unsigned i = 0; i < host_n_packets; ++i)
        CHECK(host_packets[i].size <= 236);
    CHECK_EQ(host_packets[0].size, 236);
    CHECK_EQ(host_packets[1].size, 236);
    static uint8_t got[700];
    CHECK_EQ(received_bytes(got, sizeof(got)), 600);
    CHECK(memcmp(got, d, 600) == 0);

    // bufferSize limits the report size
    setup();
    set_u32(OPTO_REG_BUFFER_SIZE, 10, 1);
    host_uart_rx(d, NULL, 25);
    run_us(100000, 1000);
    CHECK_EQ(host_n_packets, 3);
    CHECK_EQ(host_packets[0].size, 10);
    CHECK_EQ(host_packets[1].size, 10);
    CHECK_EQ(host_packets[2].size, 5);
}

static void test_idle_flush_after_two_chars(void) {
    setup();
    set_line(300, 7, OPTO_PARITY_EVEN, 1); // 10 bits: 33.3 ms per character
    opto_line_t l = {300, 7, OPTO_PARITY_EVEN, 1};
    CHECK_EQ(opto_serial_idle_gap_us(&l), 66668);
    uint8_t d[3] = {'/', '?', '!'};
    uint32_t t0 = host_now_us;
    host_uart_rx(d, NULL, 3); // last byte complete at t0 + 100 ms
    run_us(100000 + 60000, 1000);
    CHECK_EQ(host_n_packets, 0); // bytes 33 ms apart never look idle; 60 ms after the last: not yet
    run_us(10000, 1000);
    CHECK_EQ(host_n_packets, 1);
    CHECK_EQ(host_packets[0].size, 3);
    uint32_t delay = host_packets[0].at_us - (t0 + 100002);
    // idle counts from the poll that read the last byte, so up to two poll periods late
    CHECK(delay >= 66668 && delay <= 66668 + 2000);

    // at high baud the gap is at least OPTO_IDLE_MIN_US
    opto_line_t fast = {115200, 8, OPTO_PARITY_NONE, 1};
    CHECK_EQ(opto_serial_idle_gap_us(&fast), OPTO_IDLE_MIN_US);
    setup();
    host_uart_rx(d, NULL, 3);
    run_us(2000, 100);
    CHECK_EQ(host_n_packets, 0);
    run_us(2000, 100);
    CHECK_EQ(host_n_packets, 1);
}

static void test_clock_wrap(void) {
    setup_at(0xfffff000u); // the microsecond clock wraps every 71 minutes
    set_line(9600, 7, OPTO_PARITY_EVEN, 1);
    uint8_t d[4] = {'a', 'b', 'c', 'd'};
    host_uart_rx(d, NULL, 4);
    run_us(3000, 1000); // bytes arrive across the wrap
    CHECK_EQ(host_n_packets, 0);
    run_us(10000, 1000);
    CHECK_EQ(host_n_packets, 1);
    CHECK_EQ(host_packets[0].size, 4);
    // a line change across the wrap still waits for the drain
    uint8_t ack[3] = {6, '\r', '\n'};
    setup_at(0xffffff00u);
    set_line(9600, 7, OPTO_PARITY_EVEN, 1);
    opto_serial_handle(&S, OPTO_CMD_SEND, ack, 3);
    set_u32(OPTO_REG_BAUD_RATE, 300, 4);
    run_us(20000, 1000);
    CHECK_EQ(host_uart.line.baud, 300);
    CHECK_EQ(host_uart.configures_while_busy, 0);
}

#define CMD_DROPPED (OPTO_CMD_GET_REG | OPTO_REG_STATUS_CODE) // 0x1103, the unsolicited report

static int is_dropped_report(const host_packet_t *p) {
    return p->cmd == CMD_DROPPED;
}

// The dropped total of a status_code report: code 0 (ready), vendor_code = total mod 65536.
static uint32_t u32_of(const host_packet_t *p) {
    CHECK_EQ(p->size, 4);
    CHECK_EQ(p->data[0] | p->data[1] << 8, 0);
    return (uint32_t)p->data[2] | (uint32_t)p->data[3] << 8;
}

// The `received` bytes of packets [from, host_n_packets), which must all be data reports.
static unsigned received_bytes_from(unsigned from, uint8_t *out, unsigned max) {
    unsigned n = 0;
    for (unsigned i = from; i < host_n_packets; ++i) {
        CHECK_EQ(host_packets[i].cmd, OPTO_CMD_RECEIVED);
        for (unsigned j = 0; j < host_packets[i].size && n < max; ++j)
            out[n++] = host_packets[i].data[j];
    }
    return n;
}

static void test_overflow_drops_oldest(void) {
    setup();
    set_line(115200, 8, OPTO_PARITY_NONE, 1);
    static uint8_t d[1500];
    for (unsigned i = 0; i < sizeof(d); ++i)
        d[i] = (uint8_t)(i * 7);
    // The runtime's queue is full. Its jd_send() would still return 0 and drop the frame, so
    // the service must ask first, keep the bytes, and count only what its own buffer drops.
    host_sink_busy = true;
    host_uart_rx(d, NULL, sizeof(d));
    run_us(200000, 1000);
    CHECK_EQ(host_n_packets, 0); // the drop report waits for room too
    CHECK_EQ(host_sink_lost, 0); // nothing handed to a full queue
    CHECK_EQ(S.rx_count, 1024);
    CHECK_EQ(S.rx_dropped, 476); // 1500 received - 1024 kept
    host_sink_busy = false;
    CHECK_EQ(get_reg(OPTO_REG_RX_DROPPED, NULL), 476);
    run_us(10000, 1000);
    // first the gap (status_code, the total dropped as vendor_code), then the bytes after it
    CHECK(host_n_packets >= 2);
    CHECK_EQ(host_packets[0].cmd, CMD_DROPPED);
    CHECK_EQ(host_packets[0].service_index, 3);
    CHECK_EQ(u32_of(&host_packets[0]), 476);
    static uint8_t got[2000];
    CHECK_EQ(received_bytes_from(1, got, sizeof(got)), 1024); // no second drop report
    CHECK(memcmp(got, d + 476, 1024) == 0); // the newest survive, in order
    CHECK_EQ(host_sink_lost, 0);
}

// The report is owed until the runtime has room, and the data waits behind it.
static void test_dropped_report_waits_for_room(void) {
    setup();
    set_line(115200, 8, OPTO_PARITY_NONE, 1);
    static uint8_t d[1100];
    for (unsigned i = 0; i < sizeof(d); ++i)
        d[i] = (uint8_t)(i + 1);
    host_sink_busy = true;
    host_uart_rx(d, NULL, sizeof(d)); // 1100 bytes into a 1024-byte ring: 76 dropped
    run_us(150000, 1000);
    CHECK_EQ(S.rx_dropped, 76);
    run_us(500000, 1000); // a long busy stretch: still nothing sent, nothing handed over to be lost
    CHECK_EQ(host_n_packets, 0);
    CHECK_EQ(host_sink_lost, 0);
    // a consumer that takes 100 us per byte: after the 4-byte drop report it has no room for 400 us
    host_sink_us_per_byte = 100;
    host_sink_busy = false;
    run_us(100, 100);
    CHECK_EQ(host_n_packets, 1);
    CHECK_EQ(host_packets[0].cmd, CMD_DROPPED);
    CHECK_EQ(u32_of(&host_packets[0]), 76);
    run_us(300, 100);
    CHECK_EQ(host_n_packets, 1); // the data waits for room
    run_us(100, 100);
    CHECK_EQ(host_n_packets, 2);
    CHECK_EQ(host_packets[1].cmd, OPTO_CMD_RECEIVED);
    CHECK_EQ(host_packets[1].size, 236);
    CHECK_EQ(host_packets[1].data[0], d[76]); // the first byte after the gap
    run_us(200000, 1000); // the rest at the consumer's pace (236 bytes: 23.6 ms)
    static uint8_t got[1100];
    CHECK_EQ(received_bytes_from(1, got, sizeof(got)), 1024);
    CHECK(memcmp(got, d + 76, 1024) == 0);
    CHECK_EQ(host_sink_lost, 0);

    // a second overflow: one more report, with the total since start, before the bytes after it
    unsigned before = host_n_packets;
    host_sink_us_per_byte = 0;
    host_sink_busy = true;
    host_uart_rx(d, NULL, 1030); // 6 more dropped
    run_us(150000, 1000);
    host_sink_busy = false;
    run_us(10000, 1000);
    CHECK(host_n_packets > before + 1);
    CHECK_EQ(host_packets[before].cmd, CMD_DROPPED);
    CHECK_EQ(u32_of(&host_packets[before]), 82);
    CHECK_EQ(received_bytes_from(before + 1, got, sizeof(got)), 1024);
    CHECK(memcmp(got, d + 6, 1024) == 0);
    CHECK_EQ(get_reg(OPTO_REG_RX_DROPPED, NULL), 82);
}

// A consumer slower than the line, all the way through a long stream at 19200 7E1 with the
// ESP32's 10 ms loop: the ring keeps overflowing. Every data report that follows a gap is preceded
// by a drop report since the previous data report; at most one drop report per turn and never
// two in a row; in the end the reports tell every dropped byte, and what was delivered is the
// fed stream minus them, in order.
static void test_dropped_reports_with_a_slow_consumer(void) {
    setup();
    set_line(19200, 7, OPTO_PARITY_EVEN, 1); // 521 us per character
    static uint8_t d[4000];
    for (unsigned i = 0; i < sizeof(d); ++i)
        d[i] = (uint8_t)((i * 13 + i / 128) & 0x7f);
    host_sink_us_per_byte = 1000; // takes a byte per ms: half the line's rate
    host_uart_rx(d, NULL, sizeof(d));
    uint32_t told = 0, told_at_last_data = 0, delivered = 0;
    unsigned drop_reports = 0, data_after_gap = 0;
    int last_was_drop = 0;
    for (unsigned turn = 0; turn < 1000; ++turn) { // 10 s: the stream takes 2.1 s
        unsigned from = host_n_packets;
        run_us(10000, 10000);
        unsigned drops_this_turn = 0;
        for (unsigned i = from; i < host_n_packets; ++i) {
            host_packet_t *p = &host_packets[i];
            if (is_dropped_report(p)) {
                uint32_t total = u32_of(p);
                CHECK(total > told);
                CHECK(!last_was_drop);
                told = total;
                drops_this_turn++;
                drop_reports++;
                last_was_drop = 1;
                continue;
            }
            CHECK_EQ(p->cmd, OPTO_CMD_RECEIVED);
            // where these bytes are in the fed stream: after everything delivered and dropped
            // before them (the ring's drops this turn all came before this report)
            uint32_t at = delivered + S.rx_dropped;
            if (S.rx_dropped > told_at_last_data) {
                CHECK(told > told_at_last_data); // the reader heard of the gap first
                data_after_gap++;
            }
            CHECK(at + p->size <= sizeof(d));
            if (at + p->size <= sizeof(d))
                CHECK(memcmp(p->data, d + at, p->size) == 0);
            delivered += p->size;
            told_at_last_data = told;
            last_was_drop = 0;
        }
        CHECK(drops_this_turn <= 1);
    }
    CHECK_EQ(delivered + told, 4000); // every byte either delivered or told as dropped
    CHECK_EQ(told, S.rx_dropped);
    CHECK(told > 1000); // the consumer really was too slow
    CHECK(drop_reports >= 2);
    CHECK(data_after_gap >= 2);
    CHECK_EQ(host_sink_lost, 0);
}

static void test_busy_sink_loses_nothing_below_capacity(void) {
    setup();
    uint8_t d[100];
    for (unsigned i = 0; i < sizeof(d); ++i)
        d[i] = (uint8_t)(0x30 + i % 10);
    host_uart_rx(d, NULL, sizeof(d));
    host_sink_busy = true;
    run_us(50000, 1000);
    CHECK_EQ(host_sink_lost, 0);
    host_sink_busy = false;
    run_us(10000, 1000);
    uint8_t got[200];
    CHECK_EQ(received_bytes(got, sizeof(got)), 100); // data reports only: no drop report
    CHECK(memcmp(got, d, 100) == 0);
    CHECK_EQ(S.rx_dropped, 0);
}

static void test_rx_before_switch_keeps_old_settings(void) {
    setup();
    set_line(9600, 8, OPTO_PARITY_NONE, 1);
    uint8_t d[1] = {0xe5};
    host_uart_rx(d, NULL, 1);
    host_now_us += 2000; // the byte has arrived but the service has not polled yet
    set_u32(OPTO_REG_DATA_BITS, 7, 1);
    run_us(20000, 1000);
    CHECK_EQ(host_n_packets, 1);
    CHECK_EQ(host_packets[0].data[0], 0xe5); // read as 8-bit data, not masked to 7 bits
}

// ---- transmit path and line changes ----

static void test_send_gets_no_reply(void) {
    setup();
    uint8_t req[5] = {'/', '?', '!', '\r', '\n'};
    CHECK_EQ(opto_serial_handle(&S, OPTO_CMD_SEND, req, 5), 1);
    run_us(10000, 1000);
    CHECK_EQ(host_n_packets, 0);
    CHECK_EQ(host_uart.n_tx, 5);
    CHECK_EQ(host_uart.tx[0].byte, '/');
    // an empty send is accepted and does nothing
    CHECK_EQ(opto_serial_handle(&S, OPTO_CMD_SEND, NULL, 0), 1);
    CHECK_EQ(host_n_packets, 0);
}

static void test_switch_waits_for_drain(void) {
    setup();
    set_line(300, 7, OPTO_PARITY_EVEN, 1);
    unsigned configures = host_uart.configures;
    uint8_t ack[6] = {0x06, '0', '5', '0', '\r', '\n'};
    opto_serial_handle(&S, OPTO_CMD_SEND, ack, 6);
    set_u32(OPTO_REG_BAUD_RATE, 9600, 4); // the engine switches right after queueing its ack
    CHECK_EQ(get_reg(OPTO_REG_BAUD_RATE, NULL), 9600); // reads show the new value at once
    CHECK_EQ(host_uart.line.baud, 300);                // ... but the UART still runs at 300
    uint32_t ack_end = host_uart.tx[host_uart.n_tx - 1].end_us;
    CHECK(ack_end - host_uart.tx[0].start_us >= 200000); // 6 bytes at 300 baud: 200 ms
    run_us(150000, 1000);
    CHECK_EQ(host_uart.line.baud, 300);
    run_us(60000, 1000);
    CHECK_EQ(host_uart.line.baud, 9600);
    CHECK_EQ(host_uart.configures, configures + 1);
    CHECK_EQ(host_uart.configures_while_busy, 0);
    for (unsigned i = 0; i < host_uart.n_tx; ++i)
        CHECK_EQ(host_uart.tx[i].line.baud, 300);
}

static void test_send_after_switch_uses_new_settings(void) {
    setup();
    set_line(300, 7, OPTO_PARITY_EVEN, 1);
    uint8_t a[6] = {0x06, '0', '5', '0', '\r', '\n'};
    uint8_t b[3] = {0x01, 'B', '0'};
    opto_serial_handle(&S, OPTO_CMD_SEND, a, 6);
    set_u32(OPTO_REG_BAUD_RATE, 9600, 4);
    opto_serial_handle(&S, OPTO_CMD_SEND, b, 3);
    CHECK_EQ(host_uart.n_tx, 6); // b waits for the switch
    run_us(300000, 1000);
    CHECK_EQ(host_uart.n_tx, 9);
    for (unsigned i = 0; i < 6; ++i)
        CHECK_EQ(host_uart.tx[i].line.baud, 300);
    for (unsigned i = 6; i < 9; ++i)
        CHECK_EQ(host_uart.tx[i].line.baud, 9600);
    CHECK(host_uart.tx[6].start_us >= host_uart.tx[5].end_us);
    CHECK_EQ(host_uart.configures_while_busy, 0);
}

static void test_two_switches_in_a_row(void) {
    setup();
    set_line(300, 7, OPTO_PARITY_EVEN, 1);
    unsigned configures = host_uart.configures;
    uint8_t a[2] = {'x', 'y'}, b[2] = {'z', 'w'};
    opto_serial_handle(&S, OPTO_CMD_SEND, a, 2);
    set_u32(OPTO_REG_BAUD_RATE, 9600, 4);
    set_u32(OPTO_REG_DATA_BITS, 8, 1); // merged with the baud change: nothing sent in between
    set_u32(OPTO_REG_PARITY_MODE, OPTO_PARITY_NONE, 1);
    opto_serial_handle(&S, OPTO_CMD_SEND, b, 2);
    set_u32(OPTO_REG_BAUD_RATE, 300, 4);
    run_us(400000, 1000);
    CHECK_EQ(host_uart.configures, configures + 2);
    CHECK_EQ(host_uart.configures_while_busy, 0);
    CHECK_EQ(host_uart.n_tx, 4);
    CHECK_EQ(host_uart.tx[2].line.baud, 9600);
    CHECK_EQ(host_uart.tx[2].line.data_bits, 8);
    CHECK_EQ(host_uart.tx[2].line.parity, OPTO_PARITY_NONE);
    CHECK_EQ(host_uart.line.baud, 300);
    CHECK_EQ(host_uart.line.data_bits, 8);
}

static void test_send_larger_than_fifo(void) {
    setup();
    set_line(9600, 8, OPTO_PARITY_NONE, 1);
    static uint8_t d[400];
    for (unsigned i = 0; i < sizeof(d); ++i)
        d[i] = (uint8_t)(i ^ 0x55);
    opto_serial_handle(&S, OPTO_CMD_SEND, d, 200);
    opto_serial_handle(&S, OPTO_CMD_SEND, d + 200, 200);
    CHECK_EQ(host_uart.n_tx, 128);
    run_us(1000000, 10000);
    CHECK_EQ(host_uart.n_tx, 400);
    for (unsigned i = 0; i < 400; ++i)
        CHECK_EQ(host_uart.tx[i].byte, d[i]);
    CHECK_EQ(S.tx_dropped, 0);
}

static void test_disable_and_reenable(void) {
    setup();
    set_line(300, 7, OPTO_PARITY_EVEN, 1);
    set_u32(OPTO_REG_ENABLED, 0, 1);
    CHECK(!host_uart.open);
    CHECK_EQ(get_reg(OPTO_REG_ENABLED, NULL), 0);
    uint8_t d[2] = {'a', 'b'};
    opto_serial_handle(&S, OPTO_CMD_SEND, d, 2);
    CHECK_EQ(S.tx_dropped, 2);
    set_u32(OPTO_REG_BAUD_RATE, 2400, 4); // stored, applied when enabled
    set_u32(OPTO_REG_ENABLED, 1, 1);
    CHECK(host_uart.open);
    CHECK_EQ(host_uart.line.baud, 2400);
    CHECK_EQ(host_uart.line.data_bits, 7);
    CHECK_EQ(get_reg(OPTO_REG_ENABLED, NULL), 1);
}

static void test_pins_from_board_config(void) {
    setup();
    CHECK_EQ(host_uart.pin_rx, 16);
    CHECK_EQ(host_uart.pin_tx, 17);
    host_rt_reset();
    host_uart_reset();
    host_config_unset("irHead.pinRX"); // board without the head's RX pin
    init_from_board();
    CHECK(!host_uart.open);
    CHECK_EQ(get_reg(OPTO_REG_ENABLED, NULL), 0);
}

// Defect 1 of issue 11: DeviceScript resets pins at each program start, after the service has
// routed the UART. Writing enabled=1 must route them again even though it is already 1.
static void test_enable_routes_pins_again(void) {
    setup();
    CHECK(host_uart.routed);
    host_uart_pins_reset(); // devs_gpio_init_dcfg behind the service's back
    CHECK(!host_uart.routed);
    uint8_t pending[3] = {'a', 'b', 'c'};
    host_uart_rx(pending, NULL, 3);
    run_us(1000, 1000); // 'a' read, 'b' 'c' still arriving at 115200
    set_u32(OPTO_REG_ENABLED, 1, 1);
    CHECK(host_uart.routed);
    CHECK_EQ(host_uart.routes, 1);
    CHECK_EQ(host_uart.opens, 1); // the driver stays; nothing received is thrown away
    CHECK_EQ(host_uart.closes, 0);
    run_us(10000, 1000);
    uint8_t got[8];
    CHECK_EQ(received_bytes(got, sizeof(got)), 3);
    CHECK(memcmp(got, "abc", 3) == 0);
}

// Defect 2 of issue 11 and the board section: which UART, and the refusals with their reasons.
static void test_board_uart_per_chip(void) {
    opto_board_t b;
    host_rt_reset();
    CHECK_EQ(opto_board_read(OPTO_CHIP_ESP32, &b), 0);
    CHECK_EQ(b.uart, 2); // UART1 is the devtools link on the classic ESP32
    CHECK_STR(b.name, "UART2 RX=GPIO16 TX=GPIO17");
    CHECK_EQ(opto_board_read(OPTO_CHIP_ESP32S3, &b), 0);
    CHECK_EQ(b.uart, 1);
    CHECK_STR(b.name, "UART1 RX=GPIO16 TX=GPIO17");
    CHECK_EQ(opto_board_read(OPTO_CHIP_ESP32C3, &b), 0);
    CHECK_EQ(b.uart, 1);

    host_config_set("jacdac.pin", 9);
    CHECK_EQ(opto_board_read(OPTO_CHIP_ESP32, &b), -1);
    CHECK_EQ(b.uart, -1);
    CHECK_STR(b.why, "jacdac.pin takes UART2 and UART1 is the devtools link: no UART left for "
                     "the head; remove jacdac.pin from the board");
    CHECK_EQ(opto_board_read(OPTO_CHIP_ESP32C3, &b), -1);
    CHECK_STR(b.why, "jacdac.pin takes UART1, the only UART besides the log: no UART left for "
                     "the head; remove jacdac.pin from the board");
    CHECK_EQ(opto_board_read(OPTO_CHIP_ESP32S3, &b), 0); // Jacdac gets UART2, the head UART1
    CHECK_EQ(b.uart, 1);

    host_rt_reset();
    host_config_unset("irHead.pinTX");
    CHECK_EQ(opto_board_read(OPTO_CHIP_ESP32S3, &b), -1);
    CHECK_STR(b.why, "board has no irHead.pinRX/irHead.pinTX; Serial service not started");
}

static void test_board_inversion_reaches_the_port(void) {
    opto_board_t b;
    host_rt_reset();
    CHECK_EQ(opto_board_read(OPTO_CHIP_ESP32S3, &b), 0);
    CHECK_EQ(b.pins.invert, 0);
    host_config_set("irHead.invertRX", 1);
    CHECK_EQ(opto_board_read(OPTO_CHIP_ESP32S3, &b), 0);
    CHECK_EQ(b.pins.invert, OPTO_INVERT_RX);
    CHECK_STR(b.name, "UART1 RX=GPIO16 inv TX=GPIO17");
    host_config_set("irHead.invertTX", 1);
    CHECK_EQ(opto_board_read(OPTO_CHIP_ESP32S3, &b), 0);
    CHECK_EQ(b.pins.invert, OPTO_INVERT_RX | OPTO_INVERT_TX);
    CHECK_STR(b.name, "UART1 RX=GPIO16 inv TX=GPIO17 inv");
    host_uart_reset();
    opto_serial_init(&S, 3, &b.pins, b.name);
    CHECK(host_uart.open);
    CHECK_EQ(host_uart.invert, OPTO_INVERT_RX | OPTO_INVERT_TX);
    set_u32(OPTO_REG_ENABLED, 0, 1);
    set_u32(OPTO_REG_ENABLED, 1, 1); // reopened with the same inversion
    CHECK_EQ(host_uart.invert, OPTO_INVERT_RX | OPTO_INVERT_TX);
}

// ---- stream fixtures ----

static char *slurp(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    static char buf[1 << 16];
    *len = fread(buf, 1, sizeof(buf) - 1, f);
    buf[*len] = 0;
    fclose(f);
    char *copy = malloc(*len + 1);
    memcpy(copy, buf, *len + 1);
    return copy;
}

static int run_fixture(const char *txt) {
    char expected_path[1024];
    size_t n = strlen(txt);
    if (n < 4 || n > 1000 || strcmp(txt + n - 4, ".txt") != 0)
        return 0;
    snprintf(expected_path, sizeof(expected_path), "%.*s.expected", (int)(n - 4), txt);
    FILE *in = fopen(txt, "r");
    if (!in) {
        printf("  FAIL cannot open %s\n", txt);
        return 0;
    }
    char *out_buf = NULL;
    size_t out_len = 0;
    FILE *out = open_memstream(&out_buf, &out_len);
    int rc = opto_stream_run(in, out, stdout, OPTO_STREAM_STATS | OPTO_STREAM_TX);
    fclose(in);
    fclose(out);
    size_t exp_len = 0;
    char *expected = slurp(expected_path, &exp_len);
    int ok = rc == 0 && expected && exp_len == out_len && memcmp(expected, out_buf, out_len) == 0;
    if (!ok) {
        printf("  FAIL %s: output differs from %s\n--- got:\n%s--- expected:\n%s", txt,
               expected_path, out_buf ? out_buf : "", expected ? expected : "(missing)\n");
    }
    free(expected);
    free(out_buf);
    return ok;
}

// ---- runner ----

#define T(fn) {#fn, fn}
static const tt_test_t tests[] = {
    T(test_defaults_follow_spec),
    T(test_register_round_trips),
    T(test_invalid_writes_are_ignored),
    T(test_read_only_and_unknown),
    T(test_7e1_8n1_mapping),
    T(test_error_marking_7bit),
    T(test_error_marking_8bit),
    T(test_lost_data_placeholder_is_marked),
    T(test_chunks_fit_a_packet),
    T(test_idle_flush_after_two_chars),
    T(test_clock_wrap),
    T(test_overflow_drops_oldest),
    T(test_dropped_report_waits_for_room),
    T(test_dropped_reports_with_a_slow_consumer),
    T(test_busy_sink_loses_nothing_below_capacity),
    T(test_rx_before_switch_keeps_old_settings),
    T(test_send_gets_no_reply),
    T(test_switch_waits_for_drain),
    T(test_send_after_switch_uses_new_settings),
    T(test_two_switches_in_a_row),
    T(test_send_larger_than_fifo),
    T(test_disable_and_reenable),
    T(test_pins_from_board_config),
    T(test_enable_routes_pins_again),
    T(test_board_uart_per_chip),
    T(test_board_inversion_reaches_the_port),
};

int main(int argc, char **argv) {
    int passed = 0, failed = 0;
    for (unsigned i = 0; i < sizeof(tests) / sizeof(tests[0]); ++i) {
        tt_failures = 0;
        tests[i].fn();
        if (tt_failures) {
            printf("not ok %s\n", tests[i].name);
            failed++;
        } else {
            printf("ok %s\n", tests[i].name);
            passed++;
        }
    }
    for (int i = 1; i < argc; ++i) {
        if (run_fixture(argv[i])) {
            printf("ok stream %s\n", argv[i]);
            passed++;
        } else {
            printf("not ok stream %s\n", argv[i]);
            failed++;
        }
    }
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
