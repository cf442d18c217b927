// The viewer protocol (docs/protocol.md): binary WebSocket messages, numbers big-endian
// (DataView's default), each starting with a type (u8) and the protocol version (u8).

export const VERSION = 1;
export const CONFIG = 1;
export const PACKET = 2;
export const PING = 3;
export const PONG = 4;
export const POINTER = 5;
export const KEY = 6;
export const CURSOR = 7;
export const CURSOR_POSITION = 8;
export const WINDOW_SIZE = 9;
// Bit 0 of CONFIG's flags: the server acts on this viewer's POINTER and KEY.
export const CONFIG_FLAG_INPUT = 1;
// Bit 1: the server passes this viewer's WINDOW_SIZE to the source.
export const CONFIG_FLAG_WINDOW_SIZE = 2;
export const MAX_CURSOR_SIDE = 256;

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
      const parameterSets = new Uint8Array(buffer, at, setsLength); at += setsLength;
      const flags = at < buffer.byteLength ? v.getUint8(at) : 0; // absent in the first servers: none
      const inputAllowed = (flags & CONFIG_FLAG_INPUT) !== 0;
      const windowSizeAllowed = (flags & CONFIG_FLAG_WINDOW_SIZE) !== 0;
      return { type, codecId, width, height, codec, encoder, parameterSets, inputAllowed, windowSizeAllowed };
    }
    case CURSOR: {
      const hotspotX = v.getUint16(2);
      const hotspotY = v.getUint16(4);
      const width = v.getUint16(6);
      const height = v.getUint16(8);
      if (width > MAX_CURSOR_SIDE || height > MAX_CURSOR_SIDE) {
        throw new Error(`cursor of ${width}x${height}, more than ${MAX_CURSOR_SIDE}x${MAX_CURSOR_SIDE}`);
      }
      // RGBA, not premultiplied: an ImageData's layout. Throws a RangeError when short.
      const rgba = new Uint8ClampedArray(buffer, 10, width * height * 4);
      return { type, hotspotX, hotspotY, width, height, rgba };
    }
    case CURSOR_POSITION: {
      // The pointer's hotspot at x,y of a displayWidth×displayHeight display (the source's pixels).
      const x = v.getUint16(2);
      const y = v.getUint16(4);
      const displayWidth = v.getUint16(6);
      const displayHeight = v.getUint16(8);
      if (x >= displayWidth || y >= displayHeight) {
        throw new Error(`cursor at ${x},${y} is not on its ${displayWidth}x${displayHeight} display`);
      }
      return { type, x, y, displayWidth, displayHeight };
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

// The pointer at x,y (pixels of the decoded video) with these buttons (bit 0 left, 1 middle,
// 2 right, 3 wheel up, 4 wheel down).
export function pointer(x, y, buttons) {
  const buffer = new ArrayBuffer(7);
  const v = new DataView(buffer);
  v.setUint8(0, POINTER);
  v.setUint8(1, VERSION);
  v.setUint16(2, x);
  v.setUint16(4, y);
  v.setUint8(6, buttons);
  return buffer;
}

// The key with this X11 keysym went down or up.
export function key(keysym, down) {
  const buffer = new ArrayBuffer(7);
  const v = new DataView(buffer);
  v.setUint8(0, KEY);
  v.setUint8(1, VERSION);
  v.setUint8(2, down ? 1 : 0);
  v.setUint32(3, keysym);
  return buffer;
}

// The display size this viewer would like: its drawing area in device pixels (1..65535 a side).
export function windowSize(width, height) {
  const buffer = new ArrayBuffer(6);
  const v = new DataView(buffer);
  v.setUint8(0, WINDOW_SIZE);
  v.setUint8(1, VERSION);
  v.setUint16(2, width);
  v.setUint16(4, height);
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
