// fake_idf.h - a fake ESP-IDF UART driver behind the stub headers (test/esp-stubs), so that
// opto_port_esp32.c runs on the host. It models what the port relies on: a byte ring of the
// size given to uart_driver_install, an event queue of the given length that drops events when
// full (the real ISR logs "UART event queue full" and keeps the bytes), and the pin routing that
// a gpio reset undoes.
#ifndef FAKE_IDF_H
#define FAKE_IDF_H

#include <stdbool.h>
#include <stdint.h>

typedef struct {
    bool installed;
    int port;           // the UART uart_driver_install was called for
    int rx_ring_size;   // as installed
    int event_queue_len;
    int rx_pin, tx_pin; // routed by uart_set_pin, -1 when not routed
    uint32_t inverse;   // last uart_set_line_inverse mask
    bool rx_pullup;
    unsigned events_lost; // events the full queue refused
    unsigned bytes_lost;  // bytes the full ring refused
} fake_uart_t;

extern fake_uart_t fake_uart;

void fake_idf_reset(void);
// The meter sends one character: the ISR pushes it to the ring and posts a one-byte UART_DATA
// event, then an error event if `err` is UART_PARITY_ERR / UART_FRAME_ERR (0 for none).
void fake_uart_receive(uint8_t c, int err);
// Something else resets the pins (DeviceScript's devs_gpio_init_dcfg at program start).
void fake_pins_reset(void);

#endif
