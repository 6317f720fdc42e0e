// Hand-written stand-in for syntax checks only (make check-esp32): a few declarations from the
// documented ESP-IDF 5.0 / jacdac-c API, not their source. The real build uses the real headers.
#pragma once
typedef int gpio_num_t;
int gpio_pullup_en(gpio_num_t);
int gpio_reset_pin(gpio_num_t);
