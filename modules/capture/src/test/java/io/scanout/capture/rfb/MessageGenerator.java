package io.scanout.capture.rfb;

import java.util.SplittableRandom;
import java.util.zip.Deflater;

/**
 * Well-formed server messages of every kind this client reads, chosen at random, for a
 * framebuffer of the current size (which DesktopSize messages change). One per connection: the
 * ZRLE data continues one zlib stream, as a server's does.
 */
final class MessageGenerator {
    private final SplittableRandom random;
    private final Deflater deflater = new Deflater();
    private int width;
    private int height;

    MessageGenerator(SplittableRandom random, int width, int height) {
        this.random = random;
        this.width = width;
        this.height = height;
    }

    void end() {
        deflater.end();
    }

    byte[] next() {
        int kind = random.nextInt(20);
        if (kind == 0) {
            return new Wire().u8(2).toByteArray();
        }
        if (kind == 1) {
            byte[] text = new byte[random.nextInt(40)];
            random.nextBytes(text);
            return new Wire().u8(3).u8(0).u16(0).u32(text.length).bytes(text).toByteArray();
        }
        if (kind == 2) {
            int count = random.nextInt(4);
            Wire w = new Wire().u8(1).u8(0).u16(random.nextInt(256)).u16(count);
            for (int i = 0; i < count * 3; i++) {
                w.u16(random.nextInt(65536));
            }
            return w.toByteArray();
        }
        int rects = 1 + random.nextInt(5);
        boolean open = random.nextInt(4) == 0;
        Wire w = new Wire().update(open ? 0xffff : rects);
        for (int i = 0; i < rects; i++) {
            rectangle(w);
        }
        if (open) {
            w.rect(0, 0, 0, 0, Encodings.LAST_RECT);
        }
        return w.toByteArray();
    }

    private void rectangle(Wire w) {
        int rw = 1 + random.nextInt(width);
        int rh = 1 + random.nextInt(height);
        int x = random.nextInt(width - rw + 1);
        int y = random.nextInt(height - rh + 1);
        switch (random.nextInt(9)) {
            case 0:
                w.rect(x, y, rw, rh, Encodings.RAW);
                for (int i = 0; i < rw * rh; i++) {
                    w.pixel(colour());
                }
                break;
            case 1:
                w.rect(x, y, rw, rh, Encodings.COPY_RECT).u16(random.nextInt(width - rw + 1))
                        .u16(random.nextInt(height - rh + 1));
                break;
            case 2:
                rre(w.rect(x, y, rw, rh, Encodings.RRE), rw, rh);
                break;
            case 3:
                hextile(w.rect(x, y, rw, rh, Encodings.HEXTILE), rw, rh);
                break;
            case 4:
            case 5:
                w.rect(x, y, rw, rh, Encodings.ZRLE).zlib(deflater, zrle(rw, rh));
                break;
            case 6:
                int cw = random.nextInt(Math.min(width, 8) + 1);
                int ch = random.nextInt(Math.min(height, 8) + 1);
                w.rect(random.nextInt(8), random.nextInt(8), cw, ch, Encodings.CURSOR);
                for (int i = 0; i < cw * ch; i++) {
                    w.pixel(colour());
                }
                for (int i = 0; i < (cw + 7) / 8 * ch; i++) {
                    w.u8(random.nextInt(256));
                }
                break;
            case 7:
                if (random.nextInt(4) == 0) {
                    width = 1 + random.nextInt(80);
                    height = 1 + random.nextInt(60);
                    w.rect(0, 0, width, height, Encodings.DESKTOP_SIZE);
                } else {
                    w.rect(0, 0, width, height, Encodings.EXTENDED_DESKTOP_SIZE).u8(1).u8(0).u16(0)
                            .u32(0).u16(0).u16(0).u16(width).u16(height).u32(0);
                }
                break;
            default:
                w.rect(x, y, rw, rh, Encodings.RAW);
                for (int i = 0; i < rw * rh; i++) {
                    w.pixel(colour());
                }
        }
    }

    private int colour() {
        return random.nextInt(4) == 0 ? random.nextInt(1 << 24) : new int[] {0, 0xffffff, 0x3366cc}[random.nextInt(3)];
    }

    private void rre(Wire w, int rw, int rh) {
        int n = random.nextInt(4);
        w.u32(n).pixel(colour());
        for (int i = 0; i < n; i++) {
            int sw = 1 + random.nextInt(rw);
            int sh = 1 + random.nextInt(rh);
            w.pixel(colour()).u16(random.nextInt(rw - sw + 1)).u16(random.nextInt(rh - sh + 1)).u16(sw).u16(sh);
        }
    }

    private void hextile(Wire w, int rw, int rh) {
        for (int ty = 0; ty < rh; ty += 16) {
            for (int tx = 0; tx < rw; tx += 16) {
                int tw = Math.min(16, rw - tx);
                int th = Math.min(16, rh - ty);
                if (random.nextInt(4) == 0) {
                    w.u8(1);
                    for (int i = 0; i < tw * th; i++) {
                        w.pixel(colour());
                    }
                    continue;
                }
                int mask = random.nextInt(32) & ~1;
                w.u8(mask);
                if ((mask & 2) != 0) {
                    w.pixel(colour());
                }
                if ((mask & 4) != 0) {
                    w.pixel(colour());
                }
                if ((mask & 8) != 0) {
                    int n = random.nextInt(5);
                    w.u8(n);
                    for (int i = 0; i < n; i++) {
                        if ((mask & 16) != 0) {
                            w.pixel(colour());
                        }
                        int sw = 1 + random.nextInt(tw);
                        int sh = 1 + random.nextInt(th);
                        w.u8(random.nextInt(tw - sw + 1) << 4 | random.nextInt(th - sh + 1)).u8((sw - 1) << 4 | (sh - 1));
                    }
                }
            }
        }
    }

    private byte[] zrle(int rw, int rh) {
        Wire t = new Wire();
        for (int ty = 0; ty < rh; ty += 64) {
            for (int tx = 0; tx < rw; tx += 64) {
                int area = Math.min(64, rw - tx) * Math.min(64, rh - ty);
                int tw = Math.min(64, rw - tx);
                int th = Math.min(64, rh - ty);
                switch (random.nextInt(5)) {
                    case 0:
                        t.u8(0);
                        for (int i = 0; i < area; i++) {
                            t.cpixel(colour());
                        }
                        break;
                    case 1:
                        t.u8(1).cpixel(colour());
                        break;
                    case 2: {
                        int size = 2 + random.nextInt(15);
                        t.u8(size);
                        for (int i = 0; i < size; i++) {
                            t.cpixel(colour());
                        }
                        int bits = size == 2 ? 1 : size <= 4 ? 2 : 4;
                        int perByte = 8 / bits;
                        for (int r = 0; r < th; r++) {
                            for (int c = 0; c < tw; c += perByte) {
                                int b = 0;
                                for (int k = 0; k < perByte; k++) {
                                    b = b << bits | (c + k < tw ? random.nextInt(size) : 0);
                                }
                                t.u8(b);
                            }
                        }
                        break;
                    }
                    case 3: {
                        t.u8(128);
                        int left = area;
                        while (left > 0) {
                            int run = 1 + random.nextInt(Math.min(left, 600));
                            t.cpixel(colour());
                            runLength(t, run);
                            left -= run;
                        }
                        break;
                    }
                    default: {
                        int size = 1 + random.nextInt(127);
                        t.u8(128 + size);
                        for (int i = 0; i < size; i++) {
                            t.cpixel(colour());
                        }
                        int left = area;
                        while (left > 0) {
                            int run = 1 + random.nextInt(Math.min(left, 300));
                            if (run == 1) {
                                t.u8(random.nextInt(size));
                            } else {
                                t.u8(128 | random.nextInt(size));
                                runLength(t, run);
                            }
                            left -= run;
                        }
                    }
                }
            }
        }
        return t.toByteArray();
    }

    private static void runLength(Wire w, int length) {
        int left = length - 1;
        while (left >= 255) {
            w.u8(255);
            left -= 255;
        }
        w.u8(left);
    }

    /** A copy of a message with one of several kinds of damage done to it. */
    byte[] mutate(byte[] message) {
        byte[] m = message.clone();
        switch (random.nextInt(6)) {
            case 0:
                for (int i = 0, n = 1 + random.nextInt(6); i < n && m.length > 0; i++) {
                    m[random.nextInt(m.length)] = (byte) random.nextInt(256);
                }
                return m;
            case 1:
                return java.util.Arrays.copyOf(m, random.nextInt(m.length + 1));
            case 2: {
                // A length or count field made huge: 0x7fffffff, 0xffffffff, 0xffff.
                if (m.length >= 8) {
                    int at = random.nextInt(m.length - 4);
                    int[] values = {0x7fffffff, 0xffffffff, 0x0000ffff, 0x80000000};
                    int v = values[random.nextInt(values.length)];
                    m[at] = (byte) (v >>> 24);
                    m[at + 1] = (byte) (v >>> 16);
                    m[at + 2] = (byte) (v >>> 8);
                    m[at + 3] = (byte) v;
                }
                return m;
            }
            case 3: {
                byte[] junk = new byte[1 + random.nextInt(200)];
                random.nextBytes(junk);
                return junk;
            }
            case 4: {
                // Encoding numbers swapped for others, known or not.
                int[] encodings = {7, 6, 21, -1, Encodings.CURSOR, Encodings.DESKTOP_SIZE, Encodings.ZRLE};
                if (m.length >= 16) {
                    int at = 12;
                    int v = encodings[random.nextInt(encodings.length)];
                    m[at] = (byte) (v >>> 24);
                    m[at + 1] = (byte) (v >>> 16);
                    m[at + 2] = (byte) (v >>> 8);
                    m[at + 3] = (byte) v;
                }
                return m;
            }
            default: {
                byte[] longer = java.util.Arrays.copyOf(m, m.length + 1 + random.nextInt(50));
                for (int i = m.length; i < longer.length; i++) {
                    longer[i] = (byte) random.nextInt(256);
                }
                return longer;
            }
        }
    }
}
