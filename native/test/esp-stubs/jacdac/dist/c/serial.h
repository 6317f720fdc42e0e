// Hand-written stand-in for syntax checks only (make check-esp32): a few declarations from the
// documented ESP-IDF 5.0 / jacdac-c API, not their source. The real build uses the real headers.
#define JD_SERVICE_CLASS_SERIAL  0x11bae5c4
#define JD_SERIAL_PARITY_TYPE_EVEN 0x1
#define JD_SERIAL_PARITY_TYPE_ODD 0x2
#define JD_SERIAL_REG_CONNECTED 0x1
#define JD_SERIAL_REG_CONNECTION_NAME 0x181
#define JD_SERIAL_REG_BAUD_RATE 0x80
#define JD_SERIAL_REG_DATA_BITS 0x81
#define JD_SERIAL_REG_STOP_BITS 0x82
#define JD_SERIAL_REG_PARITY_MODE 0x83
#define JD_SERIAL_REG_BUFFER_SIZE 0x84
#define JD_SERIAL_CMD_SEND 0x80
#define JD_SERIAL_CMD_RECEIVED 0x80
