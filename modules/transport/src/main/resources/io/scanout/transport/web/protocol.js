// The viewer protocol (docs/protocol.md): binary WebSocket messages, numbers big-endian
// (DataView's default), each starting with a type (u8) and the protocol version (u8).

export const VERSION = 1;
export const CONFIG = 1;
export const PACKET = 2;
export const PING = 3;
export const PONG = 4;

const H264 = 1;
const HEVC = 2;
const ascii = new TextDecoder('ascii');

// Reads one message; throws (RangeError, Error) on a short or foreign one.
export function parse(buffer) {
  const v = new DataView(buffer);
  const type = v.getUint8(0);
  const version = v.getUint8(1);
  if (version !== VERSION) {
    throw new Error(`protocol version ${version}, this page speaks ${VERSION}`);
  }
  switch (type) {
    case CONFIG: {
      let at = 2;
      const codecId = v.getUint8(at); at += 1;
      const width = v.getUint16(at); at += 2;
      const height = v.getUint16(at); at += 2;
      const codecLength = v.getUint8(at); at += 1;
      const codec = ascii.decode(new Uint8Array(buffer, at, codecLength)); at += codecLength;
      const encoderLength = v.getUint8(at); at += 1;
      const encoder = ascii.decode(new Uint8Array(buffer, at, encoderLength)); at += encoderLength;
      const setsLength = v.getUint32(at); at += 4;
      const parameterSets = new Uint8Array(buffer, at, setsLength);
      return { type, codecId, width, height, codec, encoder, parameterSets };
    }
    case PACKET:
      return {
        type,
        key: (v.getUint8(2) & 1) !== 0,
        sequence: Number(v.getBigUint64(3)),
        pts: Number(v.getBigUint64(11)),
        captureUs: Number(v.getBigUint64(19)),
        sendUs: Number(v.getBigUint64(27)),
        data: new Uint8Array(buffer, 35),
      };
    case PONG:
      return { type, clientMs: v.getFloat64(2), serverUs: Number(v.getBigUint64(10)) };
    default:
      return { type };
  }
}

export function ping(clientMs) {
  const buffer = new ArrayBuffer(10);
  const v = new DataView(buffer);
  v.setUint8(0, PING);
  v.setUint8(1, VERSION);
  v.setFloat64(2, clientMs);
  return buffer;
}

// Whether an Annex B access unit carries its own parameter sets (H.264 SPS, HEVC VPS/SPS).
// An encoder that keeps them out of band sends them in CONFIG only; the page then puts them
// in front of each keyframe, as a decoder without a `description` needs them in band.
export function hasParameterSets(codecId, data) {
  if (codecId !== H264 && codecId !== HEVC) return true; // VP8, VP9, AV1: nothing to put in front
  for (let i = 0; i + 3 < data.length; i++) {
    if (data[i] !== 0 || data[i + 1] !== 0 || data[i + 2] !== 1) continue;
    const header = data[i + 3];
    if (codecId === H264) {
      const type = header & 0x1f;
      if (type === 7) return true;
      if (type >= 1 && type <= 5) return false; // a slice: parameter sets would have come first
    } else if (codecId === HEVC) {
      const type = (header >> 1) & 0x3f;
      if (type === 32 || type === 33) return true;
      if (type < 32) return false;
    }
    i += 3;
  }
  return false;
}
