// fuzz_stream.c - libFuzzer target over the service's stream interface (host/stream.c).
// The input is read as a program of small operations (register writes, meter bytes with
// error flags, send commands, time steps, a busy or slow packet sink) that is written out as a
// stream script, so that every input is a valid script and the fuzzer spends its time in
// the service, not in the script parser. Waits are bounded so one input stays short.
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "stream.h"

static const char *const REGS[] = {"enabled", "baudRate", "dataBits", "stopBits", "parityMode", "bufferSize"};
static const char *const FLAGS[] = {"", ":p", ":f", ":pf", ":l"};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static char script[65536];
    size_t n = 0, i = 0;
#define EMIT(...) n += (size_t)snprintf(script + n, sizeof script - n, __VA_ARGS__)
    while (i < size && n < sizeof script - 4096) {
        uint8_t op = data[i++] % 7;
        uint8_t a = i < size ? data[i++] : 0;
        switch (op) {
        case 0: { // register write; baud rates from a few bytes so odd values come up
            uint32_t v = a;
            if (i + 1 < size) v |= (uint32_t)data[i] << 8 | (uint32_t)data[i + 1] << 16, i += 2;
            EMIT("set %s %u\n", REGS[a % 6], (unsigned)(a % 6 == 1 ? v : v & 0xff));
            break;
        }
        case 1: // meter bytes, each with a flag
        case 2: {
            unsigned len = a % 64;
            EMIT(op == 1 ? "rx" : "send");
            for (unsigned k = 0; k < len && i < size; ++k, ++i)
                EMIT(" %02x%s", data[i], op == 1 ? FLAGS[(data[i] >> 3) % 5 == 4 && (k & 3) ? 0 : (k * 7 + data[i]) % 5] : "");
            EMIT("\n");
            break;
        }
        case 3:
            EMIT("wait %ums\n", (unsigned)(a % 50));
            break;
        case 4:
            EMIT("poll %ums\n", (unsigned)(a % 10 + 1));
            break;
        case 5: // the runtime's queue: full, free, or a consumer slower than the line
            if (a & 0x80)
                EMIT("consumer %uus\n", (unsigned)(a & 0x3f) * 40);
            else
                EMIT("busy %u\n", (unsigned)(a & 1));
            break;
        default:
            EMIT("wait %uus\n", (unsigned)a * 13);
            break;
        }
    }
    FILE *in = fmemopen(script, n, "r");
    FILE *out = fopen("/dev/null", "w");
    if (in && out)
        opto_stream_run(in, out, out, OPTO_STREAM_STATS | OPTO_STREAM_TX);
    if (in)
        fclose(in);
    if (out)
        fclose(out);
    return 0;
}
