// Hand-written stand-in for syntax checks only (make check-esp32): a few declarations from the
// documented ESP-IDF 5.0 / jacdac-c API, not their source. The real build uses the real headers.
#pragma once
#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>
typedef int esp_err_t;
#define ESP_OK 0
typedef uint32_t TickType_t;
typedef void *QueueHandle_t;
typedef int uart_port_t;
#define UART_NUM_0 0
#define UART_NUM_1 1
#define UART_NUM_MAX 3
#define UART_PIN_NO_CHANGE (-1)
typedef enum { UART_DATA_5_BITS, UART_DATA_6_BITS, UART_DATA_7_BITS, UART_DATA_8_BITS } uart_word_length_t;
typedef enum { UART_PARITY_DISABLE = 0, UART_PARITY_EVEN = 2, UART_PARITY_ODD = 3 } uart_parity_t;
typedef enum { UART_STOP_BITS_1 = 1, UART_STOP_BITS_1_5, UART_STOP_BITS_2 } uart_stop_bits_t;
typedef enum { UART_HW_FLOWCTRL_DISABLE } uart_hw_flowcontrol_t;
typedef enum { UART_SCLK_DEFAULT } uart_sclk_t;
typedef struct { int baud_rate; uart_word_length_t data_bits; uart_parity_t parity; uart_stop_bits_t stop_bits; uart_hw_flowcontrol_t flow_ctrl; uint8_t rx_flow_ctrl_thresh; uart_sclk_t source_clk; } uart_config_t;
typedef enum { UART_DATA, UART_BREAK, UART_BUFFER_FULL, UART_FIFO_OVF, UART_FRAME_ERR, UART_PARITY_ERR, UART_DATA_BREAK, UART_PATTERN_DET, UART_EVENT_MAX } uart_event_type_t;
typedef struct { uart_event_type_t type; size_t size; bool timeout_flag; } uart_event_t;
esp_err_t uart_driver_install(uart_port_t, int, int, int, QueueHandle_t *, int);
esp_err_t uart_driver_delete(uart_port_t);
esp_err_t uart_param_config(uart_port_t, const uart_config_t *);
esp_err_t uart_set_pin(uart_port_t, int, int, int, int);
typedef enum { UART_SIGNAL_INV_DISABLE = 0, UART_SIGNAL_RXD_INV = (1 << 2), UART_SIGNAL_TXD_INV = (1 << 5) } uart_signal_inv_t;
esp_err_t uart_set_line_inverse(uart_port_t, uint32_t);
esp_err_t uart_set_rx_full_threshold(uart_port_t, int);
esp_err_t uart_set_rx_timeout(uart_port_t, const uint8_t);
esp_err_t uart_enable_intr_mask(uart_port_t, uint32_t);
esp_err_t uart_set_baudrate(uart_port_t, uint32_t);
esp_err_t uart_set_word_length(uart_port_t, uart_word_length_t);
esp_err_t uart_set_parity(uart_port_t, uart_parity_t);
esp_err_t uart_set_stop_bits(uart_port_t, uart_stop_bits_t);
int uart_tx_chars(uart_port_t, const char *, uint32_t);
esp_err_t uart_wait_tx_done(uart_port_t, TickType_t);
int uart_read_bytes(uart_port_t, void *, uint32_t, TickType_t);
esp_err_t uart_get_buffered_data_len(uart_port_t, size_t *);
