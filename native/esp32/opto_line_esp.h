// opto_line_esp.h - maps the Serial service's line settings to ESP-IDF 5.0 UART driver enums.
//
// Kept apart from the ESP-IDF port so the host tests can check the mapping: on the host the
// enum values come from host/esp_uart_enums_host.h, a copy of the values documented for
// ESP-IDF 5.0 (hal/uart_types.h). Note Jacdac parity Even=1/Odd=2 but ESP-IDF EVEN=2/ODD=3.
#ifndef OPTO_LINE_ESP_H
#define OPTO_LINE_ESP_H

#include "opto_port.h"
#ifdef ESP_PLATFORM
#include "driver/uart.h"
#else
#include "esp_uart_enums_host.h"
#endif

typedef struct {
    uart_word_length_t word;
    uart_parity_t parity;
    uart_stop_bits_t stop;
} opto_esp_line_t;

// 0 on success, -1 when the settings cannot be expressed (the service never passes those).
static inline int opto_line_to_esp(const opto_line_t *l, opto_esp_line_t *out) {
    switch (l->data_bits) {
    case 7: out->word = UART_DATA_7_BITS; break;
    case 8: out->word = UART_DATA_8_BITS; break;
    default: return -1;
    }
    switch (l->parity) {
    case OPTO_PARITY_NONE: out->parity = UART_PARITY_DISABLE; break;
    case OPTO_PARITY_EVEN: out->parity = UART_PARITY_EVEN; break;
    case OPTO_PARITY_ODD: out->parity = UART_PARITY_ODD; break;
    default: return -1;
    }
    switch (l->stop_bits) {
    case 1: out->stop = UART_STOP_BITS_1; break;
    case 2: out->stop = UART_STOP_BITS_2; break;
    default: return -1;
    }
    return l->baud ? 0 : -1;
}

#endif
