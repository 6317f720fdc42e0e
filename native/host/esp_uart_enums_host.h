// esp_uart_enums_host.h - host stand-ins for the ESP-IDF 5.0 UART enums used by opto_line_esp.h.
// Values as documented in ESP-IDF 5.0 hal/uart_types.h; only used when ESP_PLATFORM is not defined.
#ifndef ESP_UART_ENUMS_HOST_H
#define ESP_UART_ENUMS_HOST_H

typedef enum {
    UART_DATA_5_BITS = 0x0,
    UART_DATA_6_BITS = 0x1,
    UART_DATA_7_BITS = 0x2,
    UART_DATA_8_BITS = 0x3,
} uart_word_length_t;

typedef enum {
    UART_PARITY_DISABLE = 0x0,
    UART_PARITY_EVEN = 0x2,
    UART_PARITY_ODD = 0x3,
} uart_parity_t;

typedef enum {
    UART_STOP_BITS_1 = 0x1,
    UART_STOP_BITS_1_5 = 0x2,
    UART_STOP_BITS_2 = 0x3,
} uart_stop_bits_t;

#endif
