// opto_board.c - reads the head's board section and picks the UART; see opto_board.h.
#include <stdio.h>
#include <string.h>
#include "opto_board.h"
#include "opto_rt.h"

#define NO_GPIO 0xff

int opto_board_read(opto_chip_t chip, opto_board_t *b) {
    memset(b, 0, sizeof(*b));
    b->uart = -1;
    b->pins.rx = opto_rt_config_pin(OPTO_KEY_PIN_RX);
    b->pins.tx = opto_rt_config_pin(OPTO_KEY_PIN_TX);
    if (opto_rt_config_i32(OPTO_KEY_INVERT_RX, 0))
        b->pins.invert |= OPTO_INVERT_RX;
    if (opto_rt_config_i32(OPTO_KEY_INVERT_TX, 0))
        b->pins.invert |= OPTO_INVERT_TX;
    if (b->pins.rx == NO_GPIO || b->pins.tx == NO_GPIO) {
        snprintf(b->why, sizeof(b->why),
                 "board has no %s/%s; Serial service not started", OPTO_KEY_PIN_RX,
                 OPTO_KEY_PIN_TX);
        return -1;
    }
    int jacdac = opto_rt_config_pin(OPTO_KEY_JACDAC_PIN) != NO_GPIO;
    int uart;
    switch (chip) {
    case OPTO_CHIP_ESP32:
        // UART1 carries the devtools link, so the head and a Jacdac bus both want UART2.
        if (jacdac) {
            snprintf(b->why, sizeof(b->why),
                     "jacdac.pin takes UART2 and UART1 is the devtools link: no UART left for "
                     "the head; remove jacdac.pin from the board");
            return -1;
        }
        uart = 2;
        break;
    case OPTO_CHIP_ESP32S3:
        uart = 1; // Jacdac, if any, takes UART2
        break;
    case OPTO_CHIP_ESP32C3:
    case OPTO_CHIP_ESP32S2:
    default:
        if (jacdac) {
            snprintf(b->why, sizeof(b->why),
                     "jacdac.pin takes UART1, the only UART besides the log: no UART left for "
                     "the head; remove jacdac.pin from the board");
            return -1;
        }
        uart = 1;
        break;
    }
    b->uart = uart;
    snprintf(b->name, sizeof(b->name), "UART%d RX=GPIO%d%s TX=GPIO%d%s", uart, b->pins.rx,
             (b->pins.invert & OPTO_INVERT_RX) ? " inv" : "", b->pins.tx,
             (b->pins.invert & OPTO_INVERT_TX) ? " inv" : "");
    return 0;
}
