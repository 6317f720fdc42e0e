// fake_idf.c - see fake_idf.h. Implements the calls declared in test/esp-stubs.
#include <string.h>
#include "driver/gpio.h"
#include "driver/uart.h"
#include "freertos/FreeRTOS.h"
#include "freertos/queue.h"
#include "fake_idf.h"

fake_uart_t fake_uart;

#define RING_MAX 4096
#define QUEUE_MAX 4096
static uint8_t ring[RING_MAX];
static unsigned ring_head, ring_len;
static uart_event_t queue[QUEUE_MAX];
static unsigned q_head, q_len;
static int queue_token; // what the QueueHandle_t points at

void fake_idf_reset(void) {
    memset(&fake_uart, 0, sizeof(fake_uart));
    fake_uart.port = -1;
    fake_uart.rx_pin = fake_uart.tx_pin = -1;
    ring_head = ring_len = q_head = q_len = 0;
}

static void post(uart_event_type_t type, size_t size) {
    if (q_len >= (unsigned)fake_uart.event_queue_len) {
        fake_uart.events_lost++;
        return;
    }
    uart_event_t *e = &queue[(q_head + q_len++) % QUEUE_MAX];
    memset(e, 0, sizeof(*e));
    e->type = type;
    e->size = size;
}

void fake_uart_receive(uint8_t c, int err) {
    if (!fake_uart.installed)
        return;
    if (ring_len >= (unsigned)fake_uart.rx_ring_size) {
        fake_uart.bytes_lost++;
        post(UART_BUFFER_FULL, 0);
        return;
    }
    ring[(ring_head + ring_len++) % RING_MAX] = c;
    post(UART_DATA, 1);
    if (err)
        post((uart_event_type_t)err, 0);
}

void fake_pins_reset(void) {
    fake_uart.rx_pin = fake_uart.tx_pin = -1;
    fake_uart.rx_pullup = false;
    fake_uart.inverse = 0;
}

esp_err_t uart_driver_install(uart_port_t port, int rx_size, int tx_size, int qlen,
                              QueueHandle_t *q, int flags) {
    (void)tx_size;
    (void)flags;
    if (fake_uart.installed || rx_size > RING_MAX || qlen > QUEUE_MAX)
        return -1;
    fake_uart.installed = true;
    fake_uart.port = port;
    fake_uart.rx_ring_size = rx_size;
    fake_uart.event_queue_len = qlen;
    *q = &queue_token;
    return ESP_OK;
}

esp_err_t uart_driver_delete(uart_port_t port) {
    (void)port;
    fake_uart.installed = false;
    ring_len = q_len = 0;
    return ESP_OK;
}

esp_err_t uart_set_pin(uart_port_t port, int tx, int rx, int rts, int cts) {
    (void)port;
    (void)rts;
    (void)cts;
    fake_uart.tx_pin = tx;
    fake_uart.rx_pin = rx;
    return ESP_OK;
}

esp_err_t uart_set_line_inverse(uart_port_t port, uint32_t mask) {
    (void)port;
    fake_uart.inverse = mask;
    return ESP_OK;
}

int gpio_pullup_en(gpio_num_t pin) {
    fake_uart.rx_pullup = (int)pin == fake_uart.rx_pin;
    return ESP_OK;
}

int gpio_reset_pin(gpio_num_t pin) {
    if ((int)pin == fake_uart.rx_pin)
        fake_uart.rx_pin = -1;
    if ((int)pin == fake_uart.tx_pin)
        fake_uart.tx_pin = -1;
    return ESP_OK;
}

int xQueueReceive(QueueHandle_t q, void *out, TickType_t wait) {
    (void)q;
    (void)wait;
    if (q_len == 0)
        return 0;
    memcpy(out, &queue[q_head], sizeof(uart_event_t));
    q_head = (q_head + 1) % QUEUE_MAX;
    q_len--;
    return pdTRUE;
}

unsigned uxQueueMessagesWaiting(QueueHandle_t q) {
    (void)q;
    return q_len;
}

int uart_read_bytes(uart_port_t port, void *buf, uint32_t len, TickType_t wait) {
    (void)port;
    (void)wait;
    unsigned n = len < ring_len ? len : ring_len;
    for (unsigned i = 0; i < n; ++i)
        ((uint8_t *)buf)[i] = ring[(ring_head + i) % RING_MAX];
    ring_head = (ring_head + n) % RING_MAX;
    ring_len -= n;
    return (int)n;
}

esp_err_t uart_get_buffered_data_len(uart_port_t port, size_t *len) {
    (void)port;
    *len = ring_len;
    return ESP_OK;
}

int uart_tx_chars(uart_port_t port, const char *data, uint32_t len) {
    (void)port;
    (void)data;
    return (int)len;
}

esp_err_t uart_param_config(uart_port_t p, const uart_config_t *c) { (void)p; (void)c; return ESP_OK; }
esp_err_t uart_set_rx_full_threshold(uart_port_t p, int n) { (void)p; (void)n; return ESP_OK; }
esp_err_t uart_set_rx_timeout(uart_port_t p, const uint8_t n) { (void)p; (void)n; return ESP_OK; }
esp_err_t uart_enable_intr_mask(uart_port_t p, uint32_t m) { (void)p; (void)m; return ESP_OK; }
esp_err_t uart_set_baudrate(uart_port_t p, uint32_t b) { (void)p; (void)b; return ESP_OK; }
esp_err_t uart_set_word_length(uart_port_t p, uart_word_length_t w) { (void)p; (void)w; return ESP_OK; }
esp_err_t uart_set_parity(uart_port_t p, uart_parity_t x) { (void)p; (void)x; return ESP_OK; }
esp_err_t uart_set_stop_bits(uart_port_t p, uart_stop_bits_t s) { (void)p; (void)s; return ESP_OK; }
esp_err_t uart_wait_tx_done(uart_port_t p, TickType_t t) { (void)p; (void)t; return ESP_OK; }
