// How much of DeviceScript's bytecode budget a compiled image uses. The runtime's
// verifier (devicescript runtime/devicescript/verify.c, check 1051) refuses an
// image whose function code ends at or beyond 64 KB from the image's start, on
// the device and in the simulator alike; the header layout is devs_format.h's
// devs_img_header_t (a 32-byte fixed part, then section descriptors, functions
// first and functions_data second).

/** The limit the verifier enforces on the end of the function code. */
export const FUNCTION_CODE_LIMIT = 0x10000

export interface ImageSize {
    bytes: number
    functions: number
    /** offset just past the last function's code: must stay below FUNCTION_CODE_LIMIT */
    functionCodeEnd: number
    headroom: number
}

export function imageSize(image: Buffer): ImageSize {
    const section = (i: number) => ({ start: image.readUInt32LE(32 + i * 8), length: image.readUInt32LE(32 + i * 8 + 4) })
    const descs = section(0)
    const code = section(1)
    const end = code.start + code.length
    // devs_function_desc_t: start, length (u32), num_slots (u16), num_args, flags (u8), name_idx, reserved (u16)
    return { bytes: image.length, functions: descs.length / 16, functionCodeEnd: end, headroom: FUNCTION_CODE_LIMIT - end }
}
