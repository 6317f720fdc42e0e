// opto_port_esp32.c - opto_port.h on an ESP32 hardware UART through the ESP-IDF 5.0 UART driver.
//
// Compiled against ESP-IDF v5.0.5 by `make -C native target-check` and on the host against a fake
// driver (test/fake_idf.c) by `make -C native test`; not yet run on a chip.
//
// Receive: the driver's ISR moves bytes into its ring buffer and posts events (UART_DATA with a
// size, UART_PARITY_ERR, UART_FRAME_ERR, UART_BREAK, UART_FIFO_OVF, UART_BUFFER_FULL) to a queue in
// order. The hardware FIFO does not tag bytes with errors, so a character's error is located
// from the event order: with the RX FIFO threshold at 1 byte, an error event sits next to the
// one-byte UART_DATA event of the bad character. Which side depends on whether the error
// interrupt is seen before or after the byte is pushed, so the port flags the last byte of the
// UART_DATA just before the error (when it is in the same batch) and the first byte of the one
// just after it. A neighbouring good character may be flagged too; the firmware rejects the whole
// block either way. A FIFO overrun inserts one OPTO_RXF_LOST placeholder so the block is rejected.
// When the event queue overflowed (a stall longer than EVENT_QUEUE_LEN characters), the bytes
// whose events were lost are read by a catch-all and flagged OPTO_RXF_UNCHECKED: their error
// events may be among the lost ones.
// Transmit: no TX ring buffer; uart_tx_chars() fills the 128-byte hardware FIFO without blocking
// and the service keeps the rest. Drained = uart_wait_tx_done(port, 0) == ESP_OK (FIFO empty and
// the transmitter idle, i.e. the stop bit of the last byte has left).
#ifdef ESP_PLATFORM

#include <string.h>
#include "driver/gpio.h"
#include "driver/uart.h"
#include "freertos/FreeRTOS.h"
#include "freertos/queue.h"
#include "hal/uart_ll.h" // UART_INTR_FRAM_ERR
#include "opto_line_esp.h"
#include "opto_port.h"
#include "opto_port_esp32.h"

#define RX_RING_BYTES 1024 // driver ring buffer: 0.5 s at 19200 baud between polls
// One event per character (RX threshold 1) plus error events. 512 events cover a main-loop stall
// of 267 ms at 19200 Bd and 533 ms at 9600 Bd (mode C's usual data rate); 64 ran out after 33 ms
// at 19200 Bd, and every error event after that was lost in the ISR. Bytes beyond it are still
// delivered, but flagged unchecked. Cost: 512 x sizeof(uart_event_t) (12 B) = 6 KB of heap.
#define EVENT_QUEUE_LEN 512
#define STAGE_BYTES 256

static uart_port_t s_uart = UART_NUM_1;
static bool s_open;
static opto_pins_t s_pins;
static QueueHandle_t s_events;
static opto_port_errors_t s_errors;

// bytes read from the driver, with flags, not yet handed to the service
static uint8_t s_stage[STAGE_BYTES], s_stage_flags[STAGE_BYTES];
static unsigned s_stage_len, s_stage_pos;
static size_t s_carry;      // bytes of the last UART_DATA event still in the driver's buffer
static uint8_t s_mark_next; // OPTO_RXF_* for the next byte read (error event came first)
static bool s_data_last;    // the previous event in this batch was UART_DATA with bytes

void opto_port_esp32_use_uart(int uart_num) {
    s_uart = (uart_port_t)uart_num;
}

static void stage_bytes(size_t want, uint8_t flags) {
    unsigned room = STAGE_BYTES - s_stage_len;
    if (want > room)
        want = room;
    if (want == 0)
        return;
    int n = uart_read_bytes(s_uart, s_stage + s_stage_len, want, 0);
    if (n <= 0)
        return;
    memset(s_stage_flags + s_stage_len, flags, n);
    s_stage_flags[s_stage_len] |= s_mark_next;
    s_mark_next = 0;
    s_stage_len += n;
    s_data_last = true;
}

static void stage_flag(uint8_t flag) {
    if (s_data_last && s_stage_len > s_stage_pos)
        s_stage_flags[s_stage_len - 1] |= flag;
    s_mark_next |= flag;
    s_data_last = false;
}

static void stage_lost(void) {
    s_errors.hw_overflow++;
    if (s_stage_len < STAGE_BYTES) {
        s_stage[s_stage_len] = 0;
        s_stage_flags[s_stage_len] = OPTO_RXF_LOST;
        s_stage_len++;
    }
    s_data_last = false;
}

// Pulls queued driver events (and their bytes) into the stage, in order.
static void fill_stage(void) {
    if (s_stage_pos == s_stage_len)
        s_stage_pos = s_stage_len = 0;
    if (s_carry) { // rest of a UART_DATA event that did not fit last time
        size_t before = s_stage_len;
        stage_bytes(s_carry, 0);
        size_t got = s_stage_len - before;
        s_carry = got < s_carry ? s_carry - got : 0;
        if (s_carry && got > 0)
            return; // stage full: serve it first
        s_carry = 0;  // nothing left in the driver for it (already read by the catch-all)
    }
    s_data_last = false;
    uart_event_t ev;
    while (s_stage_len < STAGE_BYTES && xQueueReceive(s_events, &ev, 0) == pdTRUE) {
        switch (ev.type) {
        case UART_DATA: {
            size_t before = s_stage_len;
            stage_bytes(ev.size, 0);
            size_t got = s_stage_len - before;
            s_carry = ev.size > got ? ev.size - got : 0;
            if (got == 0)
                s_carry = 0; // bytes already taken by the catch-all read below
            break;
        }
        case UART_PARITY_ERR:
            s_errors.parity++;
            stage_flag(OPTO_RXF_PARITY);
            break;
        case UART_FRAME_ERR:
        case UART_BREAK:
            s_errors.framing++;
            stage_flag(OPTO_RXF_FRAMING);
            break;
        case UART_FIFO_OVF: // the hardware FIFO overran: characters are gone
            stage_lost();
            break;
        case UART_BUFFER_FULL: // driver pauses RX until we read; loss shows up as UART_FIFO_OVF
        default:
            break;
        }
    }
    // Bytes in the driver with no event left in the queue: their UART_DATA event was lost
    // (queue full) or is being posted right now. Either way an error event for them may be
    // missing, so they are not delivered as clean.
    if (!s_carry && uxQueueMessagesWaiting(s_events) == 0) {
        size_t buffered = 0;
        if (uart_get_buffered_data_len(s_uart, &buffered) == ESP_OK && buffered > 0)
            stage_bytes(buffered, OPTO_RXF_UNCHECKED);
    }
}

// Signal matrix, inversion and pull-up: everything a pin reset undoes.
static esp_err_t route_pins(void) {
    uint32_t inv = 0;
    if (s_pins.invert & OPTO_INVERT_RX)
        inv |= UART_SIGNAL_RXD_INV;
    if (s_pins.invert & OPTO_INVERT_TX)
        inv |= UART_SIGNAL_TXD_INV;
    esp_err_t r = uart_set_pin(s_uart, s_pins.tx, s_pins.rx, UART_PIN_NO_CHANGE,
                               UART_PIN_NO_CHANGE);
    if (r == ESP_OK)
        r = uart_set_line_inverse(s_uart, inv);
    if (r == ESP_OK) // a head without power or unplugged reads idle, not noise
        r = gpio_pullup_en((gpio_num_t)s_pins.rx);
    return r;
}

int opto_port_open(const opto_pins_t *pins, const opto_line_t *line) {
    opto_esp_line_t e;
    if (s_open || pins->rx == 0xff || pins->tx == 0xff || opto_line_to_esp(line, &e) != 0)
        return -1;
    uart_config_t cfg = {
        .baud_rate = (int)line->baud,
        .data_bits = e.word,
        .parity = e.parity,
        .stop_bits = e.stop,
        .flow_ctrl = UART_HW_FLOWCTRL_DISABLE,
        .source_clk = UART_SCLK_DEFAULT,
    };
    s_pins = *pins;
    if (uart_param_config(s_uart, &cfg) != ESP_OK || route_pins() != ESP_OK ||
        uart_driver_install(s_uart, RX_RING_BYTES, 0, EVENT_QUEUE_LEN, &s_events, 0) != ESP_OK)
        return -1;
    uart_set_rx_full_threshold(s_uart, 1); // one UART_DATA event per character: error position
    uart_set_rx_timeout(s_uart, 1);
    uart_enable_intr_mask(s_uart, UART_INTR_FRAM_ERR); // not in the driver's default mask
    memset(&s_errors, 0, sizeof(s_errors));
    s_stage_len = s_stage_pos = 0;
    s_carry = 0;
    s_mark_next = 0;
    s_data_last = false;
    s_open = true;
    return 0;
}

int opto_port_route(void) {
    if (!s_open)
        return -1;
    return route_pins() == ESP_OK ? 0 : -1;
}

void opto_port_close(void) {
    if (!s_open)
        return;
    uart_driver_delete(s_uart);
    // back to plain inputs with pull-ups: TX high keeps the head's LED off
    gpio_reset_pin((gpio_num_t)s_pins.tx);
    gpio_reset_pin((gpio_num_t)s_pins.rx);
    s_open = false;
}

int opto_port_configure(const opto_line_t *line) {
    opto_esp_line_t e;
    if (!s_open || opto_line_to_esp(line, &e) != 0)
        return -1;
    esp_err_t r = uart_set_baudrate(s_uart, line->baud);
    if (r == ESP_OK)
        r = uart_set_word_length(s_uart, e.word);
    if (r == ESP_OK)
        r = uart_set_parity(s_uart, e.parity);
    if (r == ESP_OK)
        r = uart_set_stop_bits(s_uart, e.stop);
    return r == ESP_OK ? 0 : -1;
}

unsigned opto_port_write(const uint8_t *data, unsigned len) {
    if (!s_open || len == 0)
        return 0;
    int n = uart_tx_chars(s_uart, (const char *)data, len);
    return n > 0 ? (unsigned)n : 0;
}

bool opto_port_tx_drained(void) {
    return !s_open || uart_wait_tx_done(s_uart, 0) == ESP_OK;
}

unsigned opto_port_read(uint8_t *data, uint8_t *flags, unsigned max) {
    if (!s_open)
        return 0;
    if (s_stage_pos == s_stage_len)
        fill_stage();
    unsigned n = s_stage_len - s_stage_pos;
    if (n > max)
        n = max;
    memcpy(data, s_stage + s_stage_pos, n);
    memcpy(flags, s_stage_flags + s_stage_pos, n);
    s_stage_pos += n;
    return n;
}

void opto_port_errors(opto_port_errors_t *out) {
    *out = s_errors;
}

#endif // ESP_PLATFORM
