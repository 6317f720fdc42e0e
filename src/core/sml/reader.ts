// The SML reader: transport + message parsing + meter quirks, streaming, one
// byte at a time, publishing a telegram's readings only when the transport CRC
// and every message CRC hold (one flipped bit must never reach MQTT).
import { obisInfo } from "../obis"
import { CoreError } from "../types"
import { DEFAULT_MESSAGE_OPTIONS, MessageOptions, parseSmlFile, SmlTelegram } from "./messages"
import { DEFAULT_MAX_TELEGRAM, SmlTransport, TransportCrc, TransportSink } from "./transport"

export interface SmlOptions extends MessageOptions {
    transportCrc: TransportCrc
    /** bytes of payload kept for one telegram */
    maxTelegram: number
    /**
     * Say so when a meter sends energy registers but no power: German meters keep
     * live values behind a PIN the owner asks the grid operator for (libsml-testing
     * ISKRA_MT631 "without_PIN" vs "with_PIN" captures; Tasmota SML docs).
     */
    pinDiagnosis: boolean
    /**
     * the telegram buffer, reused across sessions (its length is the largest telegram; overrides
     * maxTelegram): a reader on a 64 KB heap cannot count on a fresh 2 KB block for every push
     */
    buffer?: Buffer
}

export const DEFAULT_SML_OPTIONS: SmlOptions = {
    transportCrc: "x25",
    maxTelegram: DEFAULT_MAX_TELEGRAM,
    messageCrc: DEFAULT_MESSAGE_OPTIONS.messageCrc,
    powerUnsignedFor: DEFAULT_MESSAGE_OPTIONS.powerUnsignedFor,
    pinDiagnosis: true,
}

export const PIN_DIAGNOSIS = "meter sends totals only; enter the meter's PIN to unlock live power"

export interface SmlReading extends SmlTelegram {
    /** a hint for the user about what the meter withholds, or null */
    diagnosis: string | null
    /** the trailer carried the Holley CRC-16/KERMIT instead of X-25 */
    kermitCrc: boolean
}

export interface SmlSink {
    /** an intact telegram with at least one valid message */
    reading(t: SmlReading): void
    error(e: CoreError): void
}

export class SmlReader implements TransportSink {
    /** (not private: the tools' counts() reads it) */
    readonly transport: SmlTransport
    private opt: SmlOptions
    /** errors of the telegram being parsed, passed on to the sink */
    private errs: CoreError[] = []
    readings = 0

    constructor(public sink: SmlSink, options: Partial<SmlOptions> = {}) {
        const o: SmlOptions = {
            transportCrc: options.transportCrc ?? DEFAULT_SML_OPTIONS.transportCrc,
            maxTelegram: options.maxTelegram ?? DEFAULT_SML_OPTIONS.maxTelegram,
            messageCrc: options.messageCrc ?? DEFAULT_SML_OPTIONS.messageCrc,
            powerUnsignedFor: options.powerUnsignedFor ?? DEFAULT_SML_OPTIONS.powerUnsignedFor,
            pinDiagnosis: options.pinDiagnosis ?? DEFAULT_SML_OPTIONS.pinDiagnosis,
        }
        this.opt = o
        this.transport = new SmlTransport(this, o.maxTelegram, o.transportCrc, options.buffer)
    }

    push(b: number): void {
        this.transport.push(b)
    }

    /** End of input: a telegram still open was cut. */
    end(): void {
        if (this.transport.inTelegram()) {
            this.transport.reset()
            this.transport.bad++
            this.sink.error({ kind: "timeout", message: "SML telegram cut off at the end of the input" })
        }
    }

    /** True while a telegram is being received (a start sequence was seen). */
    inTelegram(): boolean {
        return this.transport.inTelegram()
    }

    telegram(buf: Buffer, length: number, kermit: boolean): void {
        this.errs = []
        let t: SmlTelegram
        try {
            t = parseSmlFile(buf, length, this.opt, this.errs)
        } catch (e) {
            // parseSmlFile checks every bound itself; this only keeps a bug from stopping the reader
            this.sink.error({ kind: "syntax", message: "SML telegram could not be parsed" })
            return
        }
        for (let i = 0; i < this.errs.length; i++) this.sink.error(this.errs[i])
        // one bad message taints the telegram: its other messages cannot be trusted to be complete
        if (t.badMessages > 0 || t.dataSets.length === 0) return
        this.readings++
        // totals only: the data sets hold an energy register but no power at all
        let totalsOnly = false
        if (this.opt.pinDiagnosis) {
            const ds = t.dataSets
            for (let i = 0; i < ds.length; i++) {
                const v = ds[i].values[0]
                const info = obisInfo(ds[i].address, v ? v.unit : null)
                if (info === null) continue
                if (info.deviceClass === "power") {
                    totalsOnly = false
                    break
                }
                if (info.deviceClass === "energy") totalsOnly = true
            }
        }
        this.sink.reading({
            serverId: t.serverId,
            manufacturer: t.manufacturer,
            dataSets: t.dataSets,
            badMessages: 0,
            diagnosis: totalsOnly ? PIN_DIAGNOSIS : null,
            kermitCrc: kermit,
        })
    }

    error(e: CoreError): void {
        this.sink.error(e)
    }
}

// For the tools and tests only. The firmware feeds one byte at a time and never counts, and
// DeviceScript compiles a prototype assignment in only where its name is called, while a
// class's methods are always in the device image.
export interface SmlReader {
    /** Feeds every byte. */
    pushAll(bytes: Buffer | number[]): void
    /** Telegrams framed with a good trailer CRC, and telegrams dropped. */
    counts(): { good: number; bad: number }
}

SmlReader.prototype.pushAll = function (this: SmlReader, bytes: Buffer | number[]) {
    for (let i = 0; i < bytes.length; i++) this.transport.push(bytes[i])
}

SmlReader.prototype.counts = function (this: SmlReader) {
    return { good: this.transport.good, bad: this.transport.bad }
}
