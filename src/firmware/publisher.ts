// Session events in, MQTT messages out. Values arrive provisionally (dataSet)
// and are held, up to a cap, until the block's readout event: ok commits them
// (per-value topics, the state JSON, Home Assistant discovery for addresses not
// announced yet), anything else throws them away, so a damaged readout never
// publishes a value. Messages go through the Outbox and are sent in order by
// `run`, which reconnects with backoff and removes a message only after the
// broker acknowledged it.
import * as ds from "@devicescript/core"
import { DataSet, Identification } from "../core/types"
import { SessionEvent, SessionStats } from "../core/session-types"
import { isSerialNumberAddress, normaliseUnit, obisInfo } from "../core/obis"
import { isoTimestamp } from "../core/timestamp"
import { haId, intText, jsonString, topicSegment, valueJson, valueText } from "./jsonout"
import { Outbox } from "./outbox"
import { MqttConnection } from "./mqtt"
import { Config, ConfigError } from "./settings"
import { Doctor } from "./doctor"
import { COMMANDS } from "../core/commands"

export interface Held {
    address: string
    /** the published value: the data set's value with a unit, else its first */
    text: string
    unit: string | null
    /**
     * `,"extra":[…]` with the texts of the data set's other values (a DSMR gas reading's
     * timestamp, a maximum's time), and `,"at":"…"` with the first timestamp among them as
     * ISO 8601 (src/core/timestamp.ts); "" when the data set has one value. Built once as JSON.
     */
    extra?: string
}

export interface Topics {
    base: string
    device: string
    haPrefix: string
}

/** `<base>/<device>/<leaf>`: availability, diagnostics, cmd, trace */
export function deviceTopic(t: Topics, leaf: string) {
    return t.base + "/" + t.device + "/" + leaf
}

/** Home Assistant state texts longer than this are rejected, so the diagnosis sentence is cut for the entity */
const HA_STATE_MAX = 255
/** the buttons' names, in COMMANDS' order */
/** the buttons' names, by command (a string: literal tables cost function code at start-up, strings do not) */
const BUTTON_NAMES = "Read now|Head self-test|Publish line trace"

/**
 * `{"meter":..,"time":..,"values":{address:{value,text,unit}}}` built by hand and handed out in
 * pieces (so the whole payload never has to exist as one string); yields every few values (VM
 * step budget).
 */
export async function writeStateJson(emit: (piece: string) => void, meter: string, time: number, values: Held[]) {
    emit("{\"meter\":" + jsonString(meter) + ",\"time\":" + intText(time) + ",\"values\":{")
    for (let i = 0; i < values.length; i++) {
        // a turn of the scheduler per value: an overflowing outage queue scans its records for each piece (VM step budget)
        await ds.sleep(0)
        const v = values[i]
        emit(
            (i ? "," : "") + jsonString(v.address) + ":{\"value\":" + valueJson(v.text) + ",\"text\":" + jsonString(v.text) +
                ",\"unit\":" + (v.unit === null ? "null" : jsonString(v.unit)) + (v.extra ? v.extra : "") + "}",
        )
    }
    emit("}}")
}

/** The state JSON as one string (tests, small readouts). */
export async function stateJson(meter: string, time: number, values: Held[]): Promise<string> {
    const parts: string[] = []
    await writeStateJson(p => parts.push(p), meter, time, values)
    return parts.join("")
}

/** What is published of a data set: the value with a unit (a DSMR gas reading after its timestamp), else the first; the rest as extra. */
export function heldOf(d: DataSet): Held {
    let k = 0
    for (let i = d.values.length - 1; i >= 0; i--) if (d.values[i].unit !== null) k = i
    const v = d.values.length ? d.values[k] : null
    let extra = ""
    let at: string | null = null
    for (let i = 0; i < d.values.length; i++) {
        if (i === k) continue
        extra += (extra.length ? "," : ",\"extra\":[") + jsonString(d.values[i].text)
        if (!at) at = isoTimestamp(d.values[i].text)
    }
    if (extra.length) extra += "]" + (at ? ",\"at\":" + jsonString(at) : "")
    return { address: d.address, text: v ? v.text : "", unit: v ? v.unit : null, extra: extra }
}

/** Empties an array in place: it keeps its capacity, so refilling it asks the heap for nothing. */
function empty<T>(a: T[]) {
    a.insert(0, -a.length)
}

/** An empty array with room for n items (DeviceScript's new Array(n) has n slots; emptied, it keeps them). */
function reserved<T>(n: number): T[] {
    const a: T[] = new Array(n)
    empty(a)
    return a
}

/** A Home Assistant discovery config: its payload in pieces, never joined (see Outbox). */
export interface Discovery {
    topic: string
    payload: string[]
}

export interface MeterInfo {
    /** topic segment and HA id base */
    key: string
    ident: string
    manufacturer: string
    serial: string | null
}

/** A discovery config for the `kind` entity `uid`: its topic, and the first pieces of its payload (name, ids). */
function config(t: Topics, kind: string, uid: string, name: string): Discovery {
    return {
        topic: t.haPrefix + "/" + kind + "/" + uid + "/config",
        payload: ["{\"name\":", jsonString(name), ",\"unique_id\":", jsonString(uid), ",\"object_id\":", jsonString(uid)],
    }
}

/** Home Assistant discovery config for one value; null when the address has no known quantity. */
export function discoveryFor(t: Topics, m: MeterInfo, v: Held): Discovery | null {
    const info = obisInfo(v.address, v.unit)
    if (!info) return null
    if (v.address.indexOf("'") >= 0 || v.address.indexOf("\\") >= 0) return null // not expressible in a template
    const unit = normaliseUnit(v.unit)
    const d = config(t, "sensor", "opto62056_" + haId(m.key) + "_" + haId(v.address), info.name + " (" + v.address + ")")
    const p = d.payload
    p.push(",\"state_topic\":", jsonString(t.base + "/" + m.key + "/state"),
        ",\"value_template\":", jsonString("{{ value_json['values']['" + v.address + "'].value }}"),
        ",\"availability_topic\":", jsonString(deviceTopic(t, "availability")))
    // extra values and "at" become the entity's attributes
    if (v.extra) p.push(",\"json_attributes_topic\":", jsonString(t.base + "/" + m.key + "/state"),
        ",\"json_attributes_template\":", jsonString("{{ value_json['values']['" + v.address + "'] | tojson }}"))
    if (unit !== null) p.push(",\"unit_of_measurement\":", jsonString(unit))
    if (info.deviceClass !== null) p.push(",\"device_class\":", jsonString(info.deviceClass))
    if (info.stateClass !== null) p.push(",\"state_class\":", jsonString(info.stateClass))
    // (DeviceScript's compiler takes at most 8 arguments in a call)
    p.push(",\"device\":{\"identifiers\":[", jsonString("opto62056_" + haId(m.key)), "],\"name\":", jsonString("Meter " + m.ident))
    p.push(",\"manufacturer\":", jsonString(m.manufacturer), ",\"model\":", jsonString(m.ident))
    if (m.serial !== null) p.push(",\"serial_number\":", jsonString(m.serial))
    p.push("}}")
    return d
}

/** the reader's diagnostic entities: field/name/unit, "|" between them */
const DIAG_FIELDS = "duration/Session duration/ms|baud/Baud/|retries/Retries/|lastError/Last error/|dropped/Dropped messages/|readouts/Good readouts/|failed/Failed sessions/|diagnosisCode/Diagnosis code/|diagnosis/Diagnosis/"

/** The end of the reader's own discovery configs: its device block, and the payload's closing brace. */
function readerDevice(t: Topics): string {
    return ",\"device\":{\"identifiers\":[" + jsonString("opto62056_" + haId(t.device)) + "],\"name\":" + jsonString(t.device) + ",\"manufacturer\":\"opto62056\",\"model\":\"ESP32 optical head\"}}"
}

/** Discovery for the reader's own diagnostic entity number i (0..DIAG_COUNT-1; one device per reader). */
export function diagnosticDiscovery(t: Topics, i: number): Discovery {
    const f = DIAG_FIELDS.split("|")[i].split("/")
    const d = config(t, "sensor", "opto62056_" + haId(t.device) + "_" + f[0], f[1])
    const p = d.payload
    p.push(",\"entity_category\":\"diagnostic\",\"state_topic\":", jsonString(deviceTopic(t, "diagnostics")),
        ",\"value_template\":", jsonString("{{ value_json." + f[0] + (f[0] === "diagnosis" ? "[:" + HA_STATE_MAX + "]" : "") + " }}"),
        ",\"availability_topic\":", jsonString(deviceTopic(t, "availability")))
    if (f[2].length) p.push(",\"unit_of_measurement\":", jsonString(f[2]))
    p.push(readerDevice(t))
    return d
}

const DIAG_COUNT = 9

/** Discovery for the button that sends command i (COMMANDS order) on the cmd topic. */
export function buttonDiscovery(t: Topics, i: number): Discovery {
    const d = config(t, "button", "opto62056_" + haId(t.device) + "_cmd_" + COMMANDS[i], BUTTON_NAMES.split("|")[i])
    d.payload.push(",\"entity_category\":\"diagnostic\",\"command_topic\":", jsonString(deviceTopic(t, "cmd")), ",\"payload_press\":", jsonString(COMMANDS[i]),
        ",\"availability_topic\":", jsonString(deviceTopic(t, "availability")), readerDevice(t))
    return d
}

export class Publisher {
    /**
     * the readout's values so far; emptied in place (insert), never replaced, so that its block is
     * asked for once and not again, a little larger, at every readout of a fragmented heap
     */
    held: Held[]
    /** values beyond MAX_VALUES in the last readout */
    valuesDropped = 0
    private blockDropped = 0
    readouts = 0
    failed = 0
    /** sessions in which the reader fell behind the line (an "overrun" error: it then caps its baud) */
    fellBehind = 0
    lastError = ""
    private sessionError = ""
    configErrors: ConfigError[] = []
    /** diagnosis of each session and the self-test, or null (then diagnostics carry none) */
    doctor: Doctor | null = null
    /** the last refused command, until the next accepted one */
    commandError = ""
    private ident: Identification = null
    /** the meter (key) whose values are announced, and the addresses announced for it (the held values' own strings) */
    private announcedFor = ""
    private announced: string[]
    /** values still to announce (Home Assistant discovery), of announceMeter */
    private toAnnounce: Held[]
    private announceMeter: MeterInfo = null
    private diagIndex = 0
    private wake = ds.emitter<number>()
    private mqttError = ""
    outbox: Outbox
    conn: MqttConnection = null
    topics: Topics

    constructor(public cfg: Config, deviceName: string) {
        this.outbox = new Outbox(cfg.queueBytes)
        this.topics = { base: cfg.baseTopic, device: deviceName, haPrefix: cfg.haPrefix }
        // the value lists get their whole capacity now, while the heap is one free block: grown
        // after a long readout, each would ask a fragmented heap for 8 bytes a value in one piece
        this.held = reserved(cfg.maxValues)
        this.toAnnounce = reserved(cfg.maxValues)
        this.announced = reserved(cfg.maxValues * 2)
    }

    /** Feed every event of a session, in order. */
    async onEvent(ev: SessionEvent) {
        if (ev.type === "identification") {
            this.ident = ev.identification
            this.sessionError = ""
            // a new block begins: what a frame before it left unconfirmed is void
            empty(this.held)
            this.blockDropped = 0
        }
        else if (ev.type === "dataSet") this.hold(ev.dataSet)
        else if (ev.type === "register") this.hold(ev.dataSet)
        else if (ev.type === "readout") {
            this.valuesDropped = this.blockDropped
            this.blockDropped = 0
            if (ev.ok) await this.commit()
            else {
                empty(this.held)
                this.lastError = this.sessionError.length ? this.sessionError + " (readout discarded)" : "damaged readout discarded"
            }
        } else if (ev.type === "error") {
            if (ev.error.kind === "overrun") this.fellBehind++
            this.sessionError = ev.error.kind + ": " + ev.error.message
            this.lastError = this.sessionError
        }
        else if (ev.type === "finished") {
            if (this.held.length && ev.ok) await this.commit() // programming-mode registers
            empty(this.held)
            this.sessionError = ""
            if (!ev.ok) this.failed++
            if (this.doctor !== null) this.doctor.sessionEnded()
            this.diagnostics(ev.stats)
        }
    }

    /** Keeps a data set of the readout in progress (also called directly by the session loop for speed). */
    hold(d: DataSet) {
        if (this.held.length >= this.cfg.maxValues) {
            this.blockDropped++
            return
        }
        for (let i = 0; i < this.held.length; i++) if (this.held[i].address === d.address) return
        this.held.push(heldOf(d))
    }

    private async commit() {
        // the meter: its serial number from the readout's values
        const ident = this.ident ? this.ident.ident : "unknown"
        let serial: string | null = null
        for (let i = 0; i < this.held.length; i++)
            if (serial === null && isSerialNumberAddress(this.held[i].address)) serial = this.held[i].text
        const m: MeterInfo = {
            key: this.cfg.meterId.length ? this.cfg.meterId : topicSegment(ident),
            ident: ident,
            manufacturer: this.ident ? this.ident.manufacturer : "unknown",
            serial: serial,
        }
        const t = this.topics
        this.readouts++
        if (t.haPrefix.length) {
            // discovery is built when it is sent (see nextDiscovery), so a first readout with
            // many values does not fill the outage queue with configs
            // another meter behind the head: its values are announced afresh
            if (m.key !== this.announcedFor) {
                empty(this.announced)
                empty(this.toAnnounce)
                this.announcedFor = m.key
            }
            this.announceMeter = m
            for (let i = 0; i < this.held.length; i++) {
                if ((i & 7) === 7) await ds.sleep(0)
                const h = this.held[i]
                if (this.announced.indexOf(h.address) >= 0 || !obisInfo(h.address, h.unit)) continue
                if (this.announced.length >= this.cfg.maxValues * 2) break
                this.announced.push(h.address)
                this.toAnnounce.push(h)
            }
        }
        const held = this.held
        const q = this.outbox
        for (let i = 0; i < held.length; i++) {
            await ds.sleep(0)
            q.begin(t.base + "/" + m.key + "/" + topicSegment(held[i].address), true)
            q.append(valueText(held[i].text))
            q.end()
            this.wake.emit(1)
        }
        // the state is the reading's history: the queue never lets a newer one supersede it
        q.begin(t.base + "/" + m.key + "/state", true, true)
        await writeStateJson(p => q.append(p), m.ident, ds.millis(), held)
        q.end()
        empty(held)
        this.wake.emit(1)
    }

    /** The next Home Assistant config to send (diagnostic entities first, then values), or null. */
    nextDiscovery(): Discovery | null {
        if (!this.topics.haPrefix.length) return null
        if (this.diagIndex < DIAG_COUNT) return diagnosticDiscovery(this.topics, this.diagIndex)
        if (this.diagIndex < DIAG_COUNT + COMMANDS.length) return buttonDiscovery(this.topics, this.diagIndex - DIAG_COUNT)
        if (this.toAnnounce.length) return discoveryFor(this.topics, this.announceMeter, this.toAnnounce[0])
        return null
    }

    discoverySent() {
        if (this.diagIndex < DIAG_COUNT + COMMANDS.length) this.diagIndex++
        else this.toAnnounce.shift()
    }

    /** The diagnostics message (also published at boot with the configuration errors). */
    diagnostics(stats: SessionStats | null) {
        const p: string[] = ["{"]
        if (stats) {
            p.push("\"duration\":", intText(stats.durationMs), ",\"baud\":", intText(stats.baud))
            p.push(",\"mode\":", stats.mode === null ? "null" : jsonString(stats.mode))
            p.push(",\"retries\":", intText(stats.retries), ",\"errors\":", intText(stats.errors))
            p.push(",\"dataSets\":", intText(stats.dataSets), ",")
        }
        p.push("\"lastError\":", jsonString(this.lastError))
        p.push(",\"readouts\":", intText(this.readouts), ",\"failed\":", intText(this.failed))
        p.push(",\"valuesDropped\":", intText(this.valuesDropped))
        p.push(",\"fellBehind\":", intText(this.fellBehind))
        p.push(",\"dropped\":", intText(this.outbox.dropped), ",\"queued\":", intText(this.outbox.count))
        const dr = this.doctor
        if (dr !== null && dr.diagnosis !== null) p.push(",\"diagnosisCode\":", jsonString(dr.diagnosis.code), ",\"diagnosis\":", jsonString(dr.diagnosis.text))
        if (dr !== null && dr.selfTest !== null) p.push(",\"selfTestCode\":", jsonString(dr.selfTest.code), ",\"selfTest\":", jsonString(dr.selfTest.text))
        if (this.commandError.length) p.push(",\"commandError\":", jsonString(this.commandError))
        p.push(",\"mqttError\":", jsonString(this.mqttError), ",\"configErrors\":[")
        for (let i = 0; i < this.configErrors.length; i++) {
            if (i) p.push(",")
            p.push(jsonString(this.configErrors[i].message))
        }
        p.push("]}")
        // queued as text pieces: no piece, and no copy of the whole, needs a large block
        const q = this.outbox
        q.begin(deviceTopic(this.topics, "diagnostics"), true)
        for (let i = 0; i < p.length; i++) q.append(p[i])
        q.end()
        this.wake.emit(1)
    }

    /** The line trace as readable text on <base>/<device>/trace (retained: the last one stays readable), written into the queue in pieces. */
    async publishTrace(write: (append: (s: string) => void) => Promise<void>) {
        const q = this.outbox
        q.begin(deviceTopic(this.topics, "trace"), true)
        await write(p => q.append(p))
        q.end()
        this.wake.emit(1)
    }

    /** Sends the outbox forever: connect (with backoff), "online", then messages in order. */
    async run(conn: MqttConnection) {
        // what the payload pieces are read from (closures may not capture loop variables in DeviceScript)
        const on = Buffer.from("online")
        const q = this.outbox
        let b: Buffer[] = null
        this.conn = conn
        let backoff = 500
        while (true) {
            if (!conn.isConnected()) {
                if (!(await conn.connect(10000))) {
                    this.mqttError = conn.lastError
                    console.log(`mqtt: ${conn.lastError}; retry in ${backoff} ms`)
                    await ds.sleep(backoff)
                    backoff = Math.min(backoff * 2, 30000)
                    continue
                }
                console.log("mqtt: connected")
                // the outage is over: diagnostics must not keep reporting its error
                this.mqttError = ""
                if (!(await conn.publish(deviceTopic(this.topics, "availability"), on.length, i => on, true, 5000))) continue
                backoff = 500
            }
            const d = this.nextDiscovery()
            if (d) {
                b = []
                let size = 0
                for (let i = 0; i < d.payload.length; i++) {
                    b.push(Buffer.from(d.payload[i]))
                    size += b[i].length
                }
                if (await conn.publish(d.topic, size, i => b[i], true, 5000)) this.discoverySent()
                else this.mqttError = conn.lastError
                continue
            }
            const m = this.outbox.peek()
            if (!m) {
                await conn.keepAlive()
                await ds.wait(this.wake, 1000)
                continue
            }
            if (await conn.publish(m.topic, m.size, i => q.piece(i), m.retain, 5000)) q.shift()
            else {
                this.mqttError = conn.lastError
                console.log(`mqtt: ${conn.lastError}`)
            }
        }
    }
}
