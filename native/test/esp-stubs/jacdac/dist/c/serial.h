// Hand-written stand-in for syntax checks only (make check-esp32): a few declarations from the
// documented ESP-IDF 5.0 / jacdac-c API, not their source. The real build uses the real headers.
#define JD_SERVICE_CLASS_SERIAL  0x11bae5c4
