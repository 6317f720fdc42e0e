// test_port_esp32.c - host tests of the ESP32 port (opto_port_esp32.c) on the fake ESP-IDF UART
// driver (fake_idf.c), with the service core on top where the sequence needs it.
#include <string.h>
#include "driver/uart.h"
#include "fake_idf.h"
#include "host.h"
#include "opto_board.h"
#include "opto_port.h"
#include "opto_port_esp32.h"
#include "opto_rt.h"
#include "opto_serial.h"
#include "tinytest.h"

int tt_failures;

static const opto_line_t line_19200_7e1 = {19200, 7, OPTO_PARITY_EVEN, 1};
static const opto_pins_t head = {26, 27, 0};

static void open_port(const opto_pins_t *pins) {
    opto_port_close();
    fake_idf_reset();
    opto_port_esp32_use_uart(2);
    CHECK_EQ(opto_port_open(pins, &line_19200_7e1), 0);
}

// Reads everything the port has, as the service does on each poll.
static unsigned read_all(uint8_t *data, uint8_t *flags, unsigned max) {
    unsigned n = 0, got;
    while (n < max && (got = opto_port_read(data + n, flags + n, max - n)) > 0)
        n += got;
    return n;
}

static void test_open_routes_the_head(void) {
    open_port(&head);
    CHECK_EQ(fake_uart.port, 2);
    CHECK_EQ(fake_uart.rx_pin, 26);
    CHECK_EQ(fake_uart.tx_pin, 27);
    CHECK(fake_uart.rx_pullup);
    CHECK_EQ(fake_uart.inverse, 0);
}

static void test_inversion_per_line(void) {
    opto_pins_t p = {26, 27, OPTO_INVERT_RX};
    open_port(&p);
    CHECK_EQ(fake_uart.inverse, UART_SIGNAL_RXD_INV);
    p.invert = OPTO_INVERT_TX;
    open_port(&p);
    CHECK_EQ(fake_uart.inverse, UART_SIGNAL_TXD_INV);
    p.invert = OPTO_INVERT_RX | OPTO_INVERT_TX;
    open_port(&p);
    CHECK_EQ(fake_uart.inverse, UART_SIGNAL_RXD_INV | UART_SIGNAL_TXD_INV);
}

static void test_route_restores_what_a_pin_reset_undid(void) {
    opto_pins_t p = {26, 27, OPTO_INVERT_RX};
    open_port(&p);
    fake_pins_reset();
    CHECK_EQ(fake_uart.rx_pin, -1);
    CHECK_EQ(opto_port_route(), 0);
    CHECK_EQ(fake_uart.rx_pin, 26);
    CHECK_EQ(fake_uart.tx_pin, 27);
    CHECK(fake_uart.rx_pullup);
    CHECK_EQ(fake_uart.inverse, UART_SIGNAL_RXD_INV);
    CHECK(fake_uart.installed); // the driver and its buffered bytes stay
}

// Defect 4 of issue 11: a 300-character burst at 19200 Bd (156 ms) while the main loop does not
// poll, with a parity error on character 250. The event queue must still hold that error, so the
// bad character (and at most its neighbour) is marked as a parity error and the rest is clean.
static void test_stall_keeps_error_events(void) {
    open_port(&head);
    for (unsigned i = 0; i < 300; ++i)
        fake_uart_receive((uint8_t)(0x20 + i % 64), i == 250 ? UART_PARITY_ERR : 0);
    CHECK_EQ(fake_uart.events_lost, 0);
    static uint8_t d[1024], f[1024];
    CHECK_EQ(read_all(d, f, sizeof(d)), 300);
    unsigned flagged = 0;
    for (unsigned i = 0; i < 300; ++i)
        if (f[i]) {
            flagged++;
            CHECK(i == 250 || i == 251);
            CHECK_EQ(f[i], OPTO_RXF_PARITY);
        }
    CHECK(flagged >= 1 && flagged <= 2);
    CHECK(f[250] == OPTO_RXF_PARITY || f[251] == OPTO_RXF_PARITY);
    opto_port_errors_t e;
    opto_port_errors(&e);
    CHECK_EQ(e.parity, 1);
}

// Bytes whose UART_DATA events were lost (a stall longer than the event queue) are read by the
// catch-all; their error events may be lost too, so none of them may arrive as clean.
static void test_bytes_without_events_are_not_clean(void) {
    open_port(&head);
    for (unsigned i = 0; i < 700; ++i) // 512 events fit; 188 characters lose theirs
        fake_uart_receive((uint8_t)('0' + i % 10), 0);
    CHECK_EQ(fake_uart.events_lost, 188);
    static uint8_t d[1024], f[1024];
    CHECK_EQ(read_all(d, f, sizeof(d)), 700);
    unsigned clean = 0, unchecked = 0;
    for (unsigned i = 0; i < 700; ++i) {
        CHECK_EQ(d[i], '0' + i % 10); // order and content kept
        if (f[i] == 0)
            clean++;
        else if (f[i] == OPTO_RXF_UNCHECKED)
            unchecked++;
    }
    CHECK_EQ(clean, 512);
    CHECK_EQ(unchecked, 188);
    for (unsigned i = 512; i < 700; ++i)
        CHECK_EQ(f[i], OPTO_RXF_UNCHECKED);
}

// The same through the service: an unchecked byte is delivered marked (7-bit: 0x80|c) and
// counted, never as a valid character.
static void test_service_marks_unchecked_bytes(void) {
    opto_serial_t s;
    opto_port_close();
    fake_idf_reset();
    host_rt_reset();
    opto_port_esp32_use_uart(2);
    opto_serial_init(&s, 1, &head, "t");
    uint8_t set7[1] = {7}, even[1] = {OPTO_PARITY_EVEN};
    opto_serial_handle(&s, OPTO_CMD_SET_REG | OPTO_REG_DATA_BITS, set7, 1);
    opto_serial_handle(&s, OPTO_CMD_SET_REG | OPTO_REG_PARITY_MODE, even, 1);
    for (unsigned i = 0; i < 520; ++i) // 8 past the event queue
        fake_uart_receive('A', 0);
    host_now_us += 100000;
    opto_serial_process(&s);
    host_now_us += 100000;
    opto_serial_process(&s);
    unsigned n = 0, marked = 0;
    for (unsigned p = 0; p < host_n_packets; ++p)
        for (unsigned i = 0; i < host_packets[p].size; ++i, ++n)
            if (host_packets[p].data[i] == (0x80 | 'A'))
                marked++;
            else
                CHECK_EQ(host_packets[p].data[i], 'A');
    CHECK_EQ(n, 520);
    CHECK_EQ(marked, 8);
    CHECK_EQ(s.rx_errors, 8);
    opto_port_close();
}

// Defect 1 of issue 11 end to end: service up, DeviceScript resets the pins at program start,
// the script writes enabled=1, the UART reaches the pins again.
static void test_service_reroutes_on_enable(void) {
    opto_serial_t s;
    opto_port_close();
    fake_idf_reset();
    host_rt_reset();
    opto_port_esp32_use_uart(2);
    opto_serial_init(&s, 1, &head, "t");
    CHECK_EQ(fake_uart.rx_pin, 26);
    fake_pins_reset();
    uint8_t on[1] = {1};
    CHECK_EQ(opto_serial_handle(&s, OPTO_CMD_SET_REG | OPTO_REG_ENABLED, on, 1), 1);
    CHECK_EQ(fake_uart.rx_pin, 26);
    CHECK_EQ(fake_uart.tx_pin, 27);
    CHECK(fake_uart.rx_pullup);
    opto_port_close();
}

#define T(fn) {#fn, fn}
static const tt_test_t tests[] = {
    T(test_open_routes_the_head),
    T(test_inversion_per_line),
    T(test_route_restores_what_a_pin_reset_undid),
    T(test_stall_keeps_error_events),
    T(test_bytes_without_events_are_not_clean),
    T(test_service_marks_unchecked_bytes),
    T(test_service_reroutes_on_enable),
};

int main(void) {
    int passed = 0, failed = 0;
    for (unsigned i = 0; i < sizeof(tests) / sizeof(tests[0]); ++i) {
        tt_failures = 0;
        tests[i].fn();
        printf("%s %s\n", tt_failures ? "not ok" : "ok", tests[i].name);
        if (tt_failures)
            failed++;
        else
            passed++;
    }
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
