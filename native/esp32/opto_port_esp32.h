// opto_port_esp32.h - ESP32-only extra of the port: which hardware UART it drives.
#ifndef OPTO_PORT_ESP32_H
#define OPTO_PORT_ESP32_H

// Call before opto_port_open(). Default UART_NUM_1.
void opto_port_esp32_use_uart(int uart_num);

#endif
