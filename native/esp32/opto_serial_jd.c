// opto_serial_jd.c - registers the Serial service with the DeviceScript ESP32 runtime (jacdac-c)
// and implements opto_rt.h there. Call opto_serial_service_init() from app_init_services()
// in devicescript-esp32's main/main.c.
//
// Checked against devicescript-esp32 f6aec45 / devicescript c4e2186 / jacdac-c 4999428 by
// `make -C native target-check` (compiles, not run on a chip).
#ifdef ESP_PLATFORM

#include <stdio.h>
#include "jd_protocol.h"
#include "jacdac/dist/c/serial.h"
#include "sdkconfig.h"
#include "opto_board.h"
#include "opto_port_esp32.h"
#include "opto_rt.h"
#include "opto_serial.h"

// The portable core carries its own copies of the spec's codes; these fail the build if the
// pinned jacdac spec (jacdac/dist/c/serial.h) says otherwise.
_Static_assert(JD_SERVICE_CLASS_SERIAL == OPTO_SERIAL_CLASS, "service class");
_Static_assert(JD_SERIAL_REG_CONNECTED == OPTO_REG_ENABLED, "connected/enabled");
_Static_assert(JD_SERIAL_REG_CONNECTION_NAME == OPTO_REG_CONNECTION_NAME, "connectionName");
_Static_assert(JD_SERIAL_REG_BAUD_RATE == OPTO_REG_BAUD_RATE, "baudRate");
_Static_assert(JD_SERIAL_REG_DATA_BITS == OPTO_REG_DATA_BITS, "dataBits");
_Static_assert(JD_SERIAL_REG_STOP_BITS == OPTO_REG_STOP_BITS, "stopBits");
_Static_assert(JD_SERIAL_REG_PARITY_MODE == OPTO_REG_PARITY_MODE, "parityMode");
_Static_assert(JD_SERIAL_REG_BUFFER_SIZE == OPTO_REG_BUFFER_SIZE, "bufferSize");
_Static_assert(JD_SERIAL_CMD_SEND == OPTO_CMD_SEND, "send");
_Static_assert(JD_SERIAL_CMD_RECEIVED == OPTO_CMD_RECEIVED, "received");
_Static_assert(JD_SERIAL_PARITY_TYPE_EVEN == OPTO_PARITY_EVEN, "parity even");
_Static_assert(JD_SERIAL_PARITY_TYPE_ODD == OPTO_PARITY_ODD, "parity odd");
_Static_assert(JD_SERIAL_PAYLOAD_SIZE == OPTO_CHUNK_MAX, "largest report payload");
_Static_assert(JD_CMD_GET_REGISTER == OPTO_CMD_GET_REG, "register get");
_Static_assert(JD_CMD_SET_REGISTER == OPTO_CMD_SET_REG, "register set");

#if defined(CONFIG_IDF_TARGET_ESP32)
#define OPTO_CHIP OPTO_CHIP_ESP32
#elif defined(CONFIG_IDF_TARGET_ESP32S3)
#define OPTO_CHIP OPTO_CHIP_ESP32S3
#elif defined(CONFIG_IDF_TARGET_ESP32C3)
#define OPTO_CHIP OPTO_CHIP_ESP32C3
#elif defined(CONFIG_IDF_TARGET_ESP32S2)
#define OPTO_CHIP OPTO_CHIP_ESP32S2
#else
#error "chip not covered by opto_board.h"
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
    return now; // jacdac-c: microseconds, refreshed by jd_refresh_now() each loop turn
}

int opto_rt_send(uint8_t service_index, uint16_t cmd, const void *data, unsigned size) {
    return jd_send(service_index, cmd, data, size);
}

// Where a report goes on this runtime: jd_send adds it to the frame being assembled, and that
// frame is pushed to the USB/network bridge and looped back into the receive queue, from which
// the DeviceScript VM reads it. It never enters the wire send queue (devicescript's
// jd_need_to_send() filters frames from this device), so jd_tx_will_fit() would check the wrong
// queue. The loopback queue has no "will fit" call; the main loop empties it on every turn
// (jd_process_everything_core runs until jd_rx_get_frame() is NULL), and an empty queue holds
// JD_RX_QUEUE_SIZE (2048) bytes, several full frames. So: send only when it is empty, which every
// loop turn reaches, and otherwise keep the bytes for the next poll.
bool opto_rt_report_fits(unsigned size) {
    (void)size; // every report fits into an empty queue
    return !jd_rx_has_frame();
}

uint8_t opto_rt_config_pin(const char *key) {
    return dcfg_get_pin(key);
}

int32_t opto_rt_config_i32(const char *key, int32_t dflt) {
    return dcfg_get_i32(key, dflt);
}

void opto_serial_service_init(void) { // declared in opto_serial.h
    static opto_board_t board;
    if (opto_board_read(OPTO_CHIP, &board) != 0) {
        DMESG("! optoserial: %s", board.why);
        return;
    }
    opto_port_esp32_use_uart(board.uart);
    SRV_ALLOC(optoserial);
    opto_serial_init(&state->core, state->service_index, &board.pins, board.name);
    DMESG("optoserial: %s, %s", board.name, state->core.port_open ? "open" : "FAILED to open");
}

#endif // ESP_PLATFORM
