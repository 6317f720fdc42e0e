// stream.c - the stream interpreter behind build/serial-host and the fixture tests.
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include "host.h"
#include "opto_board.h"
#include "opto_rt.h"
#include "opto_serial.h"
#include "stream.h"

static opto_serial_t S;
static uint32_t poll_us;
static unsigned reported; // packets already printed

static void print_reports(FILE *out, unsigned options) {
    for (; reported < host_n_packets; ++reported) {
        host_packet_t *p = &host_packets[reported];
        bool dropped = p->cmd == (OPTO_CMD_GET_REG | OPTO_REG_STATUS_CODE) && p->size == 4;
        if (p->cmd != OPTO_CMD_RECEIVED && !dropped)
            continue; // other register reads are not part of the stream output
        if (options & OPTO_STREAM_TIME)
            fprintf(out, "@%lu ", (unsigned long)(p->at_us - 1000000u));
        if (dropped) // the service's unsolicited status_code: total bytes dropped since start, mod 65536
            fprintf(out, "dropped %u", (unsigned)(p->data[2] | (unsigned)p->data[3] << 8));
        else
            for (unsigned i = 0; i < p->size; ++i)
                fprintf(out, "%02x", p->data[i]);
        fputc('\n', out);
    }
}

static void advance(uint32_t us, FILE *out, unsigned options) {
    while (us > 0) {
        uint32_t step = us < poll_us ? us : poll_us;
        host_now_us += step;
        us -= step;
        opto_serial_process(&S);
        print_reports(out, options);
    }
}

static int parse_bytes(char *p, uint8_t *data, uint8_t *flags, unsigned *n, bool allow_flags) {
    *n = 0;
    for (char *tok = strtok(p, " \t"); tok; tok = strtok(NULL, " \t")) {
        char *end;
        unsigned long v = strtoul(tok, &end, 16);
        if (end == tok || end - tok > 2 || v > 255 || *n >= HOST_MAX_BYTES)
            return -1;
        uint8_t f = 0;
        if (*end == ':' && allow_flags) {
            for (++end; *end; ++end) {
                if (*end == 'p')
                    f |= OPTO_RXF_PARITY;
                else if (*end == 'f')
                    f |= OPTO_RXF_FRAMING;
                else if (*end == 'l')
                    f |= OPTO_RXF_LOST;
                else
                    return -1;
            }
        }
        if (*end)
            return -1;
        data[*n] = (uint8_t)v;
        flags[*n] = f;
        (*n)++;
    }
    return 0;
}

static int parse_text(const char *p, uint8_t *data, unsigned *n) {
    *n = 0;
    while (*p && *n < HOST_MAX_BYTES) {
        char c = *p++;
        if (c == '\\') {
            c = *p++;
            switch (c) {
            case 'r': c = '\r'; break;
            case 'n': c = '\n'; break;
            case 't': c = '\t'; break;
            case '\\': break;
            case 's': c = ' '; break;
            case 'x': {
                char hex[3] = {p[0], p[0] ? p[1] : 0, 0};
                char *end;
                c = (char)strtoul(hex, &end, 16);
                if (end != hex + 2)
                    return -1;
                p += 2;
                break;
            }
            default: return -1;
            }
        }
        data[(*n)++] = (uint8_t)c;
    }
    return 0;
}

static int set_reg(const char *name, const char *value) {
    static const struct {
        const char *name;
        uint16_t reg;
        unsigned size;
    } regs[] = {
        {"enabled", OPTO_REG_ENABLED, 1},       {"baudRate", OPTO_REG_BAUD_RATE, 4},
        {"dataBits", OPTO_REG_DATA_BITS, 1},    {"stopBits", OPTO_REG_STOP_BITS, 1},
        {"parityMode", OPTO_REG_PARITY_MODE, 1}, {"bufferSize", OPTO_REG_BUFFER_SIZE, 1},
    };
    for (unsigned i = 0; i < sizeof(regs) / sizeof(regs[0]); ++i) {
        if (strcmp(name, regs[i].name) != 0)
            continue;
        unsigned long v;
        if (strcmp(value, "none") == 0)
            v = OPTO_PARITY_NONE;
        else if (strcmp(value, "even") == 0)
            v = OPTO_PARITY_EVEN;
        else if (strcmp(value, "odd") == 0)
            v = OPTO_PARITY_ODD;
        else {
            char *end;
            v = strtoul(value, &end, 0);
            if (end == value || *end)
                return -1;
        }
        uint8_t b[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
        opto_serial_handle(&S, OPTO_CMD_SET_REG | regs[i].reg, b, regs[i].size);
        return 0;
    }
    return -1;
}

static int parse_time(const char *p, uint32_t *us) {
    char *end;
    unsigned long v = strtoul(p, &end, 10);
    if (end == p)
        return -1;
    if (*end == 0 || strcmp(end, "ms") == 0)
        *us = (uint32_t)(v * 1000);
    else if (strcmp(end, "us") == 0)
        *us = (uint32_t)v;
    else
        return -1;
    return 0;
}

static bool settled(void) {
    return host_uart_rx_pending() == 0 && S.rx_count == 0 && S.rx_dropped == S.rx_dropped_told &&
           S.tx_len == 0 &&
           S.n_pending == 0 && opto_port_tx_drained();
}

static bool line_eq(const opto_line_t *a, const opto_line_t *b) {
    return a->baud == b->baud && a->data_bits == b->data_bits && a->parity == b->parity &&
           a->stop_bits == b->stop_bits;
}

static void print_tx(FILE *out) {
    static const char par[] = "NEO";
    for (unsigned i = 0; i < host_uart.n_tx;) {
        const opto_line_t *l = &host_uart.tx[i].line;
        fprintf(out, "tx %lu %u%c%u ", (unsigned long)l->baud, l->data_bits,
                par[l->parity % 3], l->stop_bits);
        unsigned j = i;
        for (; j < host_uart.n_tx && line_eq(&host_uart.tx[j].line, l); ++j)
            fprintf(out, "%02x", host_uart.tx[j].byte);
        fputc('\n', out);
        i = j;
    }
}

int opto_stream_run(FILE *in, FILE *out, FILE *err, unsigned options) {
    static uint8_t data[HOST_MAX_BYTES], flags[HOST_MAX_BYTES];
    char line[4096];
    unsigned lineno = 0;

    host_rt_reset();
    host_uart_reset();
    opto_board_t board;
    opto_board_read(OPTO_CHIP_ESP32S3, &board);
    opto_serial_init(&S, 1, &board.pins, "host");
    poll_us = 1000;
    reported = 0;

    while (fgets(line, sizeof(line), in)) {
        lineno++;
        line[strcspn(line, "\r\n")] = 0;
        char *p = line;
        while (isspace((unsigned char)*p))
            p++;
        if (*p == 0 || *p == '#')
            continue;
        char *arg = p + strcspn(p, " \t");
        if (*arg)
            *arg++ = 0;
        while (*arg == ' ' || *arg == '\t')
            arg++;
        unsigned n;
        uint32_t us;
        int bad = 0;
        if (strcmp(p, "set") == 0) {
            char *value = arg + strcspn(arg, " \t");
            if (*value)
                *value++ = 0;
            while (*value == ' ')
                value++;
            bad = set_reg(arg, value);
        } else if (strcmp(p, "rx") == 0) {
            bad = parse_bytes(arg, data, flags, &n, true);
            if (!bad)
                host_uart_rx(data, flags, n);
        } else if (strcmp(p, "rxt") == 0) {
            bad = parse_text(arg, data, &n);
            if (!bad)
                host_uart_rx(data, NULL, n);
        } else if (strcmp(p, "send") == 0) {
            bad = parse_bytes(arg, data, flags, &n, false);
            if (!bad)
                opto_serial_handle(&S, OPTO_CMD_SEND, data, n);
        } else if (strcmp(p, "sendt") == 0) {
            bad = parse_text(arg, data, &n);
            if (!bad)
                opto_serial_handle(&S, OPTO_CMD_SEND, data, n);
        } else if (strcmp(p, "wait") == 0) {
            bad = parse_time(arg, &us);
            if (!bad)
                advance(us, out, options);
        } else if (strcmp(p, "poll") == 0) {
            bad = parse_time(arg, &us) || us == 0;
            if (!bad)
                poll_us = us;
        } else if (strcmp(p, "consumer") == 0) {
            bad = parse_time(arg, &us);
            if (!bad)
                host_sink_us_per_byte = us;
        } else if (strcmp(p, "busy") == 0) {
            host_sink_busy = strcmp(arg, "0") != 0;
        } else {
            bad = 1;
        }
        if (bad) {
            fprintf(err, "line %u: cannot parse\n", lineno);
            return -1;
        }
    }
    // end of script: let everything arrive, drain and flush (at most 60 s of virtual time)
    host_sink_busy = false;
    for (unsigned i = 0; i < 60000 && !settled(); ++i)
        advance(1000, out, options);
    if (options & OPTO_STREAM_TX)
        print_tx(out);
    if (options & OPTO_STREAM_STATS)
        fprintf(out, "# rx_errors=%lu rx_dropped=%lu tx_dropped=%lu\n",
                (unsigned long)S.rx_errors, (unsigned long)S.rx_dropped,
                (unsigned long)S.tx_dropped);
    return 0;
}
