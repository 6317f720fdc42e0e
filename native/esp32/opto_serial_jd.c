// opto_serial_jd.c - registers the Serial service with the DeviceScript ESP32 runtime (jacdac-c)
// and implements opto_rt.h there. Call opto_serial_service_init() from app_init_services()
// in devicescript-esp32's main/main.c.
//
// NOT COMPILED IN THIS PROJECT'S CI (no ESP-IDF / jacdac-c build here). Written against
// jacdac-c @a1bcc47 (SRV_COMMON, SRV_DEF, SRV_ALLOC, jd_send, jd_send_not_implemented,
// dcfg_get_pin, dcfg_get_string) and devicescript-esp32 @f6aec45.
#ifdef ESP_PLATFORM

#include <stdio.h>
#include "jd_protocol.h"
#include "jacdac/dist/c/serial.h"
#include "services/interfaces/jd_pins.h" // NO_PIN
#include "driver/uart.h"
#include "opto_port_esp32.h"
#include "opto_rt.h"
#include "opto_serial.h"

#if JD_SERVICE_CLASS_SERIAL != OPTO_SERIAL_CLASS
#error "Serial service class mismatch"
#endif

struct srv_state {
    SRV_COMMON;
    opto_serial_t core;
};

static void optoserial_process(srv_t *state) {
    opto_serial_process(&state->core);
}

static void optoserial_handle_packet(srv_t *state, jd_packet_t *pkt) {
    if (!opto_serial_handle(&state->core, pkt->service_command, pkt->data, pkt->service_size))
        jd_send_not_implemented(pkt);
}

SRV_DEF(optoserial, JD_SERVICE_CLASS_SERIAL);

// ---- opto_rt.h on jacdac-c ----

uint32_t opto_rt_now_us(void) {
    extern uint32_t now; // jacdac-c: microseconds, refreshed by jd_refresh_now() each loop
    return now;
}

int opto_rt_send(uint8_t service_index, uint16_t cmd, const void *data, unsigned size) {
    return jd_send(service_index, cmd, data, size);
}

uint8_t opto_rt_board_pin(const char *label) {
    char key[DCFG_KEYSIZE + 1];
    int n = snprintf(key, sizeof(key), "pins.%s", label);
    if (n < 0 || n >= (int)sizeof(key))
        return NO_PIN;
    return dcfg_get_pin(key); // board JSON "pins": {"IR_RX": 16} -> dcfg "pins.IR_RX" = 16
}

// ---- UART choice ----
// UART0 carries the log/console (devicescript-esp32 main/dmesg.c). When the board sets
// jacdac.pin, the Jacdac single-wire bus takes UART_NUM_MAX-1 (main/hw-esp32.c). UART1 is
// therefore free on ESP32 and ESP32-S3 (3 UARTs) always, and on ESP32-S2/C3 (2 UARTs) only
// without jacdac.pin.
static int pick_uart(void) {
    bool jacdac_bus = dcfg_get_pin("jacdac.pin") != NO_PIN;
    if (jacdac_bus && UART_NUM_MAX - 1 == UART_NUM_1)
        return -1;
    return UART_NUM_1;
}

void opto_serial_service_init(void) { // declared in opto_serial.h
    uint8_t rx = opto_rt_board_pin("IR_RX");
    uint8_t tx = opto_rt_board_pin("IR_TX");
    if (rx == NO_PIN || tx == NO_PIN) {
        DMESG("! optoserial: board has no IR_RX/IR_TX pins; Serial service not started");
        return;
    }
    int uart = pick_uart();
    if (uart < 0) {
        DMESG("! optoserial: no free UART (jacdac.pin uses UART%d)", UART_NUM_MAX - 1);
        return;
    }
    opto_port_esp32_use_uart(uart);
    static char name[40];
    snprintf(name, sizeof(name), "UART%d RX=GPIO%d TX=GPIO%d", uart, rx, tx);
    SRV_ALLOC(optoserial);
    opto_serial_init(&state->core, state->service_index, rx, tx, name);
    DMESG("optoserial: %s, %s", name, state->core.port_open ? "open" : "FAILED to open");
}

#endif // ESP_PLATFORM
