// serial_host_cli.c - build/serial-host: reads a stream script on stdin, prints the `received`
// reports the C service would send (hex, one per line). Options: -t times, -s stats, -x TX log.
#include <stdio.h>
#include <string.h>
#include "stream.h"

int main(int argc, char **argv) {
    unsigned options = 0;
    for (int i = 1; i < argc; ++i) {
        if (strcmp(argv[i], "-t") == 0)
            options |= OPTO_STREAM_TIME;
        else if (strcmp(argv[i], "-s") == 0)
            options |= OPTO_STREAM_STATS;
        else if (strcmp(argv[i], "-x") == 0)
            options |= OPTO_STREAM_TX;
        else {
            fprintf(stderr, "usage: serial-host [-t] [-s] [-x] < stream.txt\n");
            return 2;
        }
    }
    return opto_stream_run(stdin, stdout, stderr, options) == 0 ? 0 : 1;
}
