// DeviceScript-side firmware tests, one VM run: `npx tsx test/ds/run-firmware.ts`
// (devs run test/ds/firmware.ts --test -k). Suites register by import.
import "./fw-jsonout"
import "./fw-outbox"
import "./fw-outbox-keep"
import "./fw-settings"
import "./fw-publisher"
// fw-link runs as its own entry (see run-firmware.ts)
