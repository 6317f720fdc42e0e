// Hand-written stand-in for syntax checks only (make check-esp32): the target macro the real,
// generated sdkconfig.h defines. The real build uses the real header.
#pragma once
#define CONFIG_IDF_TARGET_ESP32C3 1
