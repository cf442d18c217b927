// The viewer's hands on the remote machine (docs/protocol.md, POINTER, KEY, CURSOR and
// CURSOR_POSITION): mouse and keyboard over the video canvas go to the server as X11 keysyms and
// video pixels, when its CONFIG says this viewer may; the server's pointer shape is drawn on a
// canvas of its own that follows the local pointer — or, when the source moves the pointer itself
// (CURSOR_POSITION), sits where the source says — so the cursor moves without waiting for the video.
import * as protocol from './protocol.js';

// Keys whose KeyboardEvent.key is a name, not the character typed (X11's keysymdef.h).
const NAMED = {
  Enter: 0xff0d, Escape: 0xff1b, Tab: 0xff09, Backspace: 0xff08, Delete: 0xffff, Insert: 0xff63,
  Home: 0xff50, End: 0xff57, PageUp: 0xff55, PageDown: 0xff56,
  ArrowLeft: 0xff51, ArrowUp: 0xff52, ArrowRight: 0xff53, ArrowDown: 0xff54,
  CapsLock: 0xffe5, NumLock: 0xff7f, ScrollLock: 0xff14, Pause: 0xff13, PrintScreen: 0xff61,
  ContextMenu: 0xff67, AltGraph: 0xfe03,
};
// Modifiers by KeyboardEvent.code, so left and right stay apart.
const MODIFIERS = {
  ShiftLeft: 0xffe1, ShiftRight: 0xffe2, ControlLeft: 0xffe3, ControlRight: 0xffe4,
  AltLeft: 0xffe9, AltRight: 0xffea, MetaLeft: 0xffeb, MetaRight: 0xffec, // Super_L, Super_R
};
const F1 = 0xffbe;
const WHEEL_UP = 1 << 3;
const WHEEL_DOWN = 1 << 4;
const MOVE_EVERY_MS = 16; // a move a frame is smooth, and far inside the server's rate limit
const WHEEL_EVERY_MS = 30; // a trackpad's flood of wheel events becomes a steady scroll

// The X11 keysym for a KeyboardEvent, or null for one with no keysym (a dead key, an IME's).
export function keysymOf(event) {
  if (event.code in MODIFIERS) return MODIFIERS[event.code];
  if (event.key in NAMED) return NAMED[event.key];
  const f = /^F([1-9]|1[0-2])$/.exec(event.key);
  if (f) return F1 + Number(f[1]) - 1;
  const codePoints = Array.from(event.key);
  if (codePoints.length !== 1) return null; // 'Dead', 'Unidentified', 'Process', …
  const c = codePoints[0].codePointAt(0);
  if (c < 0x20 || (c >= 0x7f && c < 0xa0)) return null; // control characters
  // Latin-1 keysyms are the code point; everything else is Unicode's keysym range.
  return c < 0x100 ? c : 0x01000000 | c;
}

// DOM MouseEvent.buttons (1 left, 2 right, 4 middle) as RFB's mask (1 left, 2 middle, 4 right).
export function rfbButtons(domButtons) {
  return (domButtons & 1) | ((domButtons & 4) ? 2 : 0) | ((domButtons & 2) ? 4 : 0);
}

// Pixel x,y of a video of videoWidth×videoHeight shown in `element` with object-fit: contain, for a
// pointer at clientX,clientY; clamped to the picture.
export function videoPixel(element, videoWidth, videoHeight, clientX, clientY) {
  const box = element.getBoundingClientRect();
  const scale = Math.min(box.width / videoWidth, box.height / videoHeight);
  const left = box.left + (box.width - videoWidth * scale) / 2;
  const top = box.top + (box.height - videoHeight * scale) / 2;
  const clamp = (v, max) => Math.max(0, Math.min(max - 1, Math.floor(v)));
  return { x: clamp((clientX - left) / scale, videoWidth), y: clamp((clientY - top) / scale, videoHeight), scale };
}

// Where to draw a cursor image (a CURSOR message) whose hotspot the source put at `at` (a
// CURSOR_POSITION: x,y on a displayWidth×displayHeight display), over a video of
// videoWidth×videoHeight shown in `box` (a DOMRect) with object-fit: contain. The video may be the
// display scaled, so source pixels map to video pixels first, then to the page's: the reverse of
// what the server does with a POINTER. Page pixels: { left, top, width, height }.
export function cursorBox(box, videoWidth, videoHeight, cursor, at) {
  const scale = Math.min(box.width / videoWidth, box.height / videoHeight);
  const sx = scale * videoWidth / at.displayWidth;
  const sy = scale * videoHeight / at.displayHeight;
  const left = box.left + (box.width - videoWidth * scale) / 2;
  const top = box.top + (box.height - videoHeight * scale) / 2;
  return {
    left: left + (at.x - cursor.hotspotX) * sx,
    top: top + (at.y - cursor.hotspotY) * sy,
    width: cursor.width * sx,
    height: cursor.height * sy,
  };
}

export class RemoteControls {
  // screen: the video canvas; cursorCanvas: the overlay; send(ArrayBuffer) writes to the socket.
  constructor(screen, cursorCanvas, send) {
    this.screen = screen;
    this.cursorCanvas = cursorCanvas;
    this.send = send;
    this.allowed = false;
    this.cursor = null; // the last CURSOR message
    this.remoteAt = null; // the last CURSOR_POSITION: the source moves the pointer, not ours
    this.buttons = 0;
    this.keysDown = new Map(); // KeyboardEvent.code → keysym sent on its keydown
    this.pendingMove = null;
    this.moveTimer = null;
    this.lastMoveAt = 0;
    this.lastWheelAt = 0;
    this.pointerAt = null; // client coordinates, while over the video
    this.stats = { pointerEvents: 0, keyEvents: 0 }; // read by browser tests
    screen.tabIndex = 0; // focusable: keys go to the remote machine only while the video has focus
    screen.addEventListener('mousemove', (e) => this.onMove(e));
    screen.addEventListener('mousedown', (e) => this.onButton(e));
    // On the window: a button let go outside the video is let go on the remote machine too.
    window.addEventListener('mouseup', (e) => { if (this.buttons !== 0) this.onButton(e); });
    screen.addEventListener('mouseleave', () => this.onLeave());
    screen.addEventListener('wheel', (e) => this.onWheel(e), { passive: false });
    screen.addEventListener('contextmenu', (e) => { if (this.allowed) e.preventDefault(); });
    screen.addEventListener('keydown', (e) => this.onKey(e, true));
    screen.addEventListener('keyup', (e) => this.onKey(e, false));
    screen.addEventListener('blur', () => this.releaseKeys());
    window.addEventListener('resize', () => this.placeCursor());
  }

  // From each CONFIG: whether the server takes this viewer's input. Off again when the socket closes.
  setAllowed(allowed) {
    if (!allowed) {
      this.releaseKeys();
      this.buttons = 0;
      this.pendingMove = null;
    }
    this.allowed = allowed;
  }

  // A CURSOR message, or null when the connection is gone: the shape to draw at the pointer.
  setCursor(cursor) {
    this.cursor = cursor;
    const visible = cursor !== null && cursor.width > 0;
    if (visible) {
      this.cursorCanvas.width = cursor.width;
      this.cursorCanvas.height = cursor.height;
      this.cursorCanvas.getContext('2d').putImageData(new ImageData(cursor.rgba, cursor.width, cursor.height), 0, 0);
    }
    this.showOwnPointer();
    this.placeCursor();
  }

  // A CURSOR_POSITION message, or null when the connection is gone: from now on the cursor is drawn
  // where the source says (a VFIO guest moves it), not at our pointer.
  setCursorPosition(position) {
    this.remoteAt = position;
    this.showOwnPointer();
    this.placeCursor();
  }

  // The remote pointer stands in for ours over the video when it follows ours; with no shape known,
  // or when the source moves it by itself, ours stays.
  showOwnPointer() {
    const visible = this.cursor !== null && this.cursor.width > 0;
    this.screen.classList.toggle('remote-cursor', visible && this.remoteAt === null);
  }

  placeCursor() {
    const c = this.cursor;
    const style = this.cursorCanvas.style;
    const at = this.remoteAt;
    if (!c || c.width === 0 || (!at && !this.pointerAt) || !this.screen.width) {
      style.display = 'none';
      return;
    }
    let place;
    if (at) {
      place = cursorBox(this.screen.getBoundingClientRect(), this.screen.width, this.screen.height, c, at);
    } else {
      const { scale } = videoPixel(this.screen, this.screen.width, this.screen.height, 0, 0);
      place = {
        left: this.pointerAt.x - c.hotspotX * scale,
        top: this.pointerAt.y - c.hotspotY * scale,
        width: c.width * scale,
        height: c.height * scale,
      };
    }
    style.display = 'block';
    style.left = `${place.left}px`;
    style.top = `${place.top}px`;
    style.width = `${place.width}px`;
    style.height = `${place.height}px`;
  }

  position(event) {
    return videoPixel(this.screen, this.screen.width, this.screen.height, event.clientX, event.clientY);
  }

  onMove(event) {
    this.pointerAt = { x: event.clientX, y: event.clientY };
    this.placeCursor();
    if (!this.ready()) return;
    this.pendingMove = this.position(event);
    const wait = this.lastMoveAt + MOVE_EVERY_MS - performance.now();
    if (wait <= 0) {
      this.flushMove();
    } else if (this.moveTimer === null) {
      this.moveTimer = setTimeout(() => this.flushMove(), wait);
    }
  }

  flushMove() {
    clearTimeout(this.moveTimer);
    this.moveTimer = null;
    if (this.pendingMove === null) return;
    const { x, y } = this.pendingMove;
    this.pendingMove = null;
    this.lastMoveAt = performance.now();
    this.pointer(x, y, this.buttons);
  }

  onButton(event) {
    if (!this.ready()) return;
    if (event.type === 'mousedown') this.screen.focus();
    event.preventDefault();
    this.pendingMove = null; // the button's own position supersedes it
    const { x, y } = this.position(event);
    this.buttons = rfbButtons(event.buttons);
    this.pointer(x, y, this.buttons);
  }

  onLeave() {
    this.pointerAt = null;
    this.placeCursor();
    this.flushMove();
  }

  onWheel(event) {
    if (!this.ready()) return;
    event.preventDefault();
    if (event.deltaY === 0 || performance.now() - this.lastWheelAt < WHEEL_EVERY_MS) return;
    this.lastWheelAt = performance.now();
    const { x, y } = this.position(event);
    const wheel = event.deltaY < 0 ? WHEEL_UP : WHEEL_DOWN;
    // X11 scrolls a notch per press of button 4 or 5.
    this.pointer(x, y, this.buttons | wheel);
    this.pointer(x, y, this.buttons);
  }

  onKey(event, down) {
    if (!this.ready()) return;
    let keysym;
    if (down) {
      keysym = keysymOf(event);
      if (keysym === null) return;
      this.keysDown.set(event.code, keysym);
    } else {
      // The keysym its keydown sent: Shift may have been let go in between ('A' down, 'a' up).
      keysym = this.keysDown.get(event.code);
      if (keysym === undefined) return;
      this.keysDown.delete(event.code);
    }
    event.preventDefault(); // Tab, Backspace, F5 and the rest go to the remote machine, not the page
    this.stats.keyEvents++;
    this.send(protocol.key(keysym, down));
  }

  // Keys held when the video loses focus would repeat on the remote machine until pressed again.
  releaseKeys() {
    if (this.allowed) {
      for (const keysym of this.keysDown.values()) this.send(protocol.key(keysym, false));
    }
    this.keysDown.clear();
  }

  pointer(x, y, buttons) {
    this.stats.pointerEvents++;
    this.send(protocol.pointer(x, y, buttons));
  }

  ready() {
    return this.allowed && this.screen.width > 0 && this.screen.height > 0;
  }
}
