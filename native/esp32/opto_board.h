// opto_board.h - what the board file says about the head, and which UART the service may take.
//
// Portable (tested on the host); opto_serial_jd.c calls it once at start-up on the device.
//
// Board JSON (DeviceScript flattens it to dcfg keys of at most 15 characters):
//   "irHead": { "pinRX": 26, "pinTX": 27, "invertRX": false, "invertTX": false }
// The pins live in a section of their own, not under "pins", because DeviceScript's
// devs_gpio_init_dcfg (runtime/devicescript/impl_gpio.c) turns every "pins.X" label that no
// "<section>.pin..." key also names into a disabled analog input at each program start. A key
// like "irHead.pinRX" marks the GPIO as used, as "log.pinTX" does, so the runtime leaves it alone;
// DeviceScript's board check still validates it (flash/PSRAM/USB pins are rejected).
#ifndef OPTO_BOARD_H
#define OPTO_BOARD_H

#include <stdint.h>
#include "opto_port.h"

#define OPTO_KEY_PIN_RX "irHead.pinRX"
#define OPTO_KEY_PIN_TX "irHead.pinTX"
#define OPTO_KEY_INVERT_RX "irHead.invertRX"
#define OPTO_KEY_INVERT_TX "irHead.invertTX"
#define OPTO_KEY_JACDAC_PIN "jacdac.pin"

// The chips devicescript-esp32 builds for, by what they leave free:
//  - ESP32: UART0 = log, UART1 = devtools link (main/usb.c, GPIO1/3), UART2 = Jacdac when
//    jacdac.pin is set (it takes UART_NUM_MAX-1, main/hw-esp32.c). The head gets UART2.
//  - ESP32-S3: UART0 = log, devtools over USB, UART2 = Jacdac if set. The head gets UART1.
//  - ESP32-C3, ESP32-S2 (two UARTs): UART0 = log, devtools over USB, UART1 = Jacdac if set.
//    The head gets UART1.
typedef enum { OPTO_CHIP_ESP32, OPTO_CHIP_ESP32S3, OPTO_CHIP_ESP32C3, OPTO_CHIP_ESP32S2 } opto_chip_t;

typedef struct {
    opto_pins_t pins;
    int uart;       // UART number for the head, or -1 when the service must not start
    char name[48];  // connectionName, e.g. "UART2 RX=GPIO26 TX=GPIO27"
    char why[120];  // when uart < 0: the log line saying why
} opto_board_t;

// Reads the board config through opto_rt_config_*. Returns 0 when the service can start.
int opto_board_read(opto_chip_t chip, opto_board_t *out);

#endif
