// Scanout's viewer: one WebSocket per stream (docs/protocol.md), WebCodecs to decode, a canvas
// to draw on. Reconnects by itself; a new connection starts at a keyframe, so a decoder error is
// mended by waiting for the next keyframe (or by reconnecting), never by asking the server.
import * as protocol from './protocol.js';
import { RemoteControls } from './input.js';

const PING_EVERY_MS = 2000;
const CLOCK_SAMPLES = 8;
const OVERLAY_EVERY_MS = 500;
const RETRY_FIRST_MS = 500;
const RETRY_MAX_MS = 10000;
const RESIZE_QUIET_MS = 250; // a window being dragged reports a size a frame: send the one it ends at
// ?fit=window: ask the source for a display the size of this window (a VFIO guest takes it through
// EDID), when the server allows this viewer to (CONFIG's window-size flag).
const FIT_WINDOW = new URLSearchParams(location.search).get('fit') === 'window';

const canvas = document.getElementById('screen');
const context = canvas.getContext('2d');
const overlay = document.getElementById('overlay');
const controls = new RemoteControls(canvas, document.getElementById('cursor'), (message) => {
  if (socket && socket.readyState === WebSocket.OPEN) socket.send(message);
});
window.scanoutControls = controls; // for browser tests

// Read by people (the overlay) and by browser tests.
const stats = {
  fps: 0, width: 0, height: 0, codec: '', latencyMs: null, framesDecoded: 0, state: 'starting', bitrateKbps: 0,
  windowSizeSent: null,
};
window.scanoutStats = stats;

let streamId = 'main';
let socket = null;
let retryMs = RETRY_FIRST_MS;
let detail = '';
let config = null;
let sizeSent = null; // the last WINDOW_SIZE of this connection, "w×h"
let resizeTimer = null;
let decoder = null;
let waitingForKey = true;
const captureTimes = new Map(); // pts µs → capture time, server epoch µs
const clockSamples = []; // {rtt, offset}: server clock minus ours, ms
let clockOffsetMs = null;
const frameLog = []; // display times of the last second, ms
const byteLog = []; // [time ms, bytes]
const latencyLog = []; // [time ms, latency ms]

const now = () => performance.timeOrigin + performance.now();

function setState(state, text = '') {
  stats.state = state;
  detail = text;
  render();
}

async function pickStream() {
  const asked = new URLSearchParams(location.search).get('stream');
  if (asked) return asked;
  try {
    const response = await fetch('/streams');
    const streams = response.ok ? await response.json() : [];
    if (streams.length > 0) return streams[0].id;
  } catch (e) {
    console.warn('scanout: cannot list streams, trying "main"', e);
  }
  return 'main';
}

// A signed page URL (docs/security.md) is good for its stream's WebSocket too: carry its parameters.
function signedQuery() {
  const page = new URLSearchParams(location.search);
  const signed = new URLSearchParams();
  for (const name of ['exp', 'scope', 'sig']) {
    if (page.has(name)) signed.set(name, page.get(name));
  }
  const query = signed.toString();
  return query ? `?${query}` : '';
}

function connect() {
  setState('connecting');
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  socket = new WebSocket(`${scheme}://${location.host}/streams/${encodeURIComponent(streamId)}${signedQuery()}`);
  socket.binaryType = 'arraybuffer';
  socket.onopen = () => {
    setState('waiting', 'for a keyframe');
    sendPing();
  };
  socket.onmessage = (event) => onMessage(event.data);
  socket.onclose = (event) => {
    socket = null;
    controls.setAllowed(false);
    controls.setCursor(null);
    controls.setCursorPosition(null);
    closeDecoder();
    config = null;
    sizeSent = null;
    setState('disconnected', `(${event.code}), again in ${(retryMs / 1000).toFixed(1)} s`);
    setTimeout(connect, retryMs);
    retryMs = Math.min(retryMs * 2, RETRY_MAX_MS);
  };
}

function onMessage(data) {
  if (typeof data === 'string') return;
  let message;
  try {
    message = protocol.parse(data);
  } catch (e) {
    console.warn('scanout: ignored a message', e);
    return;
  }
  byteLog.push([now(), data.byteLength]);
  if (message.type === protocol.CONFIG) {
    configure(message);
  } else if (message.type === protocol.PACKET) {
    decode(message);
  } else if (message.type === protocol.PONG) {
    onPong(message);
  } else if (message.type === protocol.CURSOR) {
    controls.setCursor(message);
  } else if (message.type === protocol.CURSOR_POSITION) {
    controls.setCursorPosition(message);
  }
}

function configure(message) {
  config = message;
  controls.setAllowed(message.inputAllowed);
  stats.codec = message.codec;
  stats.width = message.width;
  stats.height = message.height;
  openDecoder();
  sendWindowSize();
}

// This window's size in device pixels, as a WINDOW_SIZE, when asked for (?fit=window) and allowed;
// not again while it is unchanged (the server also waits for a drag to end).
function sendWindowSize() {
  if (!FIT_WINDOW || !config || !config.windowSizeAllowed || !socket || socket.readyState !== WebSocket.OPEN) return;
  const side = (css) => Math.max(1, Math.min(65535, Math.round(css * window.devicePixelRatio)));
  const width = side(window.innerWidth);
  const height = side(window.innerHeight);
  if (sizeSent === `${width}×${height}`) return;
  sizeSent = `${width}×${height}`;
  stats.windowSizeSent = sizeSent;
  socket.send(protocol.windowSize(width, height));
}

window.addEventListener('resize', () => {
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(sendWindowSize, RESIZE_QUIET_MS);
});

function openDecoder() {
  closeDecoder();
  decoder = new VideoDecoder({ output: onFrame, error: onDecoderError });
  decoder.configure({
    codec: config.codec,
    codedWidth: config.width,
    codedHeight: config.height,
    optimizeForLatency: true,
  });
  waitingForKey = true;
}

function closeDecoder() {
  if (decoder && decoder.state !== 'closed') decoder.close();
  decoder = null;
  captureTimes.clear();
}

function onDecoderError(error) {
  console.warn('scanout: decoder error, waiting for the next keyframe', error);
  decoder = null; // closed by the error; the next keyframe opens a new one
  waitingForKey = true;
  captureTimes.clear();
  setState('waiting', `for a keyframe after: ${error.message}`);
}

function decode(packet) {
  if (!config || (waitingForKey && !packet.key)) return;
  if (!decoder) openDecoder();
  let data = packet.data;
  if (packet.key) {
    waitingForKey = false;
    if (config.parameterSets.length > 0 && !protocol.hasParameterSets(config.codecId, data)) {
      data = concat(config.parameterSets, data);
    }
  }
  captureTimes.set(packet.pts, packet.captureUs);
  try {
    decoder.decode(new EncodedVideoChunk({ type: packet.key ? 'key' : 'delta', timestamp: packet.pts, data }));
  } catch (e) {
    onDecoderError(e);
    closeDecoder();
  }
}

function concat(a, b) {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

function onFrame(frame) {
  try {
    if (canvas.width !== frame.displayWidth || canvas.height !== frame.displayHeight) {
      canvas.width = frame.displayWidth;
      canvas.height = frame.displayHeight;
      controls.placeCursor(); // the picture moved within the page
    }
    context.drawImage(frame, 0, 0);
    const shown = now();
    stats.framesDecoded++;
    stats.width = frame.displayWidth;
    stats.height = frame.displayHeight;
    frameLog.push(shown);
    const captureUs = takeCaptureTime(frame.timestamp);
    if (captureUs !== undefined && clockOffsetMs !== null) {
      latencyLog.push([shown, shown + clockOffsetMs - captureUs / 1000]);
    }
    if (stats.state !== 'playing') {
      retryMs = RETRY_FIRST_MS;
      setState('playing');
    }
  } finally {
    frame.close();
  }
}

// The capture time of this frame; forgets those of frames before it (the decoder dropped them).
function takeCaptureTime(pts) {
  const captureUs = captureTimes.get(pts);
  for (const key of captureTimes.keys()) {
    captureTimes.delete(key);
    if (key === pts) break;
  }
  return captureUs;
}

function sendPing() {
  if (socket && socket.readyState === WebSocket.OPEN) socket.send(protocol.ping(now()));
}

// NTP-style: offset = server − (t0 + t1) / 2, from the sample with the smallest round trip.
function onPong(pong) {
  const t1 = now();
  const rtt = t1 - pong.clientMs;
  if (rtt < 0) return;
  clockSamples.push({ rtt, offset: pong.serverUs / 1000 - (pong.clientMs + t1) / 2 });
  if (clockSamples.length > CLOCK_SAMPLES) clockSamples.shift();
  clockOffsetMs = clockSamples.reduce((best, s) => (s.rtt < best.rtt ? s : best)).offset;
}

function pruneOlderThan(log, time, at = (entry) => entry) {
  while (log.length > 0 && at(log[0]) < time) log.shift();
}

function updateStats() {
  const since = now() - 1000;
  pruneOlderThan(frameLog, since);
  pruneOlderThan(byteLog, since, (e) => e[0]);
  pruneOlderThan(latencyLog, since, (e) => e[0]);
  stats.fps = frameLog.length;
  stats.bitrateKbps = Math.round(byteLog.reduce((sum, e) => sum + e[1], 0) * 8 / 1000);
  stats.latencyMs = latencyLog.length === 0 ? null
    : Math.round(latencyLog.reduce((sum, e) => sum + e[1], 0) / latencyLog.length);
  render();
}

function render() {
  const latency = stats.latencyMs === null ? '–' : `${stats.latencyMs} ms`;
  overlay.textContent = [
    `${streamId}: ${stats.state} ${detail}`.trim(),
    config ? `${stats.width}×${stats.height}  ${stats.codec}  ${config.encoder}` : '',
    `${stats.fps} fps  ${stats.bitrateKbps || 0} kbit/s  latency ${latency}`,
  ].filter((line) => line !== '').join('\n');
}

async function start() {
  if (!('VideoDecoder' in window)) {
    setState('unsupported', '— no WebCodecs here (it needs https:// or localhost)');
    return;
  }
  streamId = await pickStream();
  connect();
  setInterval(sendPing, PING_EVERY_MS);
  setInterval(updateStats, OVERLAY_EVERY_MS);
}

start();
