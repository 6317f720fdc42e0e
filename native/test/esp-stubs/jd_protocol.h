// Hand-written stand-in for syntax checks only (make check-esp32): a few declarations from the
// documented ESP-IDF 5.0 / jacdac-c API, not their source. The real build uses the real headers.
#pragma once
#include <stdint.h>
#include <stdbool.h>
#define DCFG_KEYSIZE 15
#define JD_SERIAL_PAYLOAD_SIZE 236
#define JD_CMD_GET_REGISTER 0x1000
#define JD_CMD_SET_REGISTER 0x2000
typedef struct { uint16_t crc; uint8_t _size; uint8_t flags; uint64_t device_identifier; uint8_t service_size; uint8_t service_index; uint16_t service_command; uint8_t data[0]; } __attribute__((__packed__, aligned(4))) jd_packet_t;
typedef struct srv_state srv_t;
typedef void (*srv_pkt_cb_t)(srv_t *state, jd_packet_t *pkt);
typedef void (*srv_cb_t)(srv_t *state);
typedef struct { uint32_t service_class; uint16_t state_size; srv_cb_t process; srv_pkt_cb_t handle_pkt; } srv_vt_t;
#define SRV_COMMON const srv_vt_t *vt; uint8_t service_index; uint8_t srv_flags;
srv_t *jd_allocate_service(const srv_vt_t *vt);
#define SRV_DEF(id, service_cls) static const srv_vt_t id##_vt = { .service_class = service_cls, .state_size = sizeof(srv_t), .process = id##_process, .handle_pkt = id##_handle_packet, }
#define SRV_ALLOC(id) srv_t *state = jd_allocate_service(&id##_vt); (void)state;
int jd_send(unsigned, unsigned, const void *, unsigned);
int jd_send_not_implemented(jd_packet_t *);
uint8_t dcfg_get_pin(const char *key);
int32_t dcfg_get_i32(const char *key, int32_t defl);
bool jd_rx_has_frame(void);
extern uint32_t now;
void jd_dmesg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
#define DMESG jd_dmesg
