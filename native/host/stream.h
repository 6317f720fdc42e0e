// stream.h - runs a scripted byte stream through the service on the fake UART (host build).
// The format is documented in esp32/README.md ("Host CLI and stream format").
#ifndef OPTO_STREAM_H
#define OPTO_STREAM_H

#include <stdio.h>

#define OPTO_STREAM_TIME 1  // prefix each report with its virtual time: "@<microseconds> "
#define OPTO_STREAM_STATS 2 // end with "# rx_errors=N rx_dropped=N tx_dropped=N"
#define OPTO_STREAM_TX 4    // end with the transmitted bytes: "tx <baud> <7E1..> <hex>" per run

// Resets the fakes, runs the script from `in`, writes one line per `received` report to `out`.
// Returns 0, or -1 after writing "line N: message" to `err` on a malformed script.
int opto_stream_run(FILE *in, FILE *out, FILE *err, unsigned options);

#endif
