package io.scanout.capture.vfio;

/**
 * A 128-byte EDID 1.4 base block announcing one preferred mode, what a VFIO display's EDID region
 * takes so the guest picks a viewer's window size (QEMU's {@code qemu_edid_generate} does the
 * same). The timings are made up the way QEMU makes them up — a virtual display has no real
 * blanking — within what a detailed timing descriptor can hold.
 */
public final class Edid {
    /** Bytes of a base block. */
    public static final int SIZE = 128;
    /** The largest side a detailed timing descriptor holds (12 bits). */
    public static final int MAX_SIDE = 4095;
    private static final int REFRESH_HZ = 60;

    private Edid() {
    }

    /**
     * A base block whose first detailed timing (the preferred mode) is {@code width × height}.
     *
     * @throws IllegalArgumentException for a side outside 1..{@value #MAX_SIDE}
     */
    public static byte[] preferring(int width, int height) {
        if (width < 1 || height < 1 || width > MAX_SIDE || height > MAX_SIDE) {
            throw new IllegalArgumentException("an EDID mode is 1x1.." + MAX_SIDE + "x" + MAX_SIDE + ", not "
                    + width + "x" + height);
        }
        byte[] e = new byte[SIZE];
        byte[] header = {0, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0};
        System.arraycopy(header, 0, e, 0, 8);
        int vendor = ('S' - '@') << 10 | ('C' - '@') << 5 | ('N' - '@');   // "SCN", big-endian
        e[8] = (byte) (vendor >> 8);
        e[9] = (byte) vendor;
        e[10] = 0x01;           // product code
        e[16] = 1;              // week of manufacture
        e[17] = (byte) (2024 - 1990);
        e[18] = 1;              // EDID 1.4
        e[19] = 4;
        e[20] = (byte) 0xa5;    // digital, 8 bits per colour, DisplayPort
        int widthCm = Math.min(255, Math.max(1, width * 254 / 9600));   // as if 96 dpi
        int heightCm = Math.min(255, Math.max(1, height * 254 / 9600));
        e[21] = (byte) widthCm;
        e[22] = (byte) heightCm;
        e[23] = 120;            // gamma 2.2
        e[24] = 0x06;           // sRGB default, preferred timing in the first descriptor
        byte[] srgb = {(byte) 0xee, (byte) 0x91, (byte) 0xa3, 0x54, 0x4c, (byte) 0x99, 0x26, 0x0f, 0x50, 0x54};
        System.arraycopy(srgb, 0, e, 25, srgb.length);
        for (int i = 38; i < 54; i++) {
            e[i] = 0x01;        // no standard timings
        }
        timing(e, 54, width, height, widthCm * 10, heightCm * 10);
        text(e, 72, 0xfc, "Scanout");
        text(e, 90, 0xff, "0");
        e[108 + 3] = 0x10;      // a dummy descriptor
        int sum = 0;
        for (int i = 0; i < SIZE - 1; i++) {
            sum += e[i] & 0xff;
        }
        e[SIZE - 1] = (byte) (256 - sum % 256);
        return e;
    }

    private static void timing(byte[] e, int at, int w, int h, int widthMm, int heightMm) {
        int hBlank = w * 35 / 100;
        int hFront = w * 25 / 100;
        int hSync = Math.max(1, w * 3 / 100);
        int vBlank = Math.max(3, h * 35 / 1000);
        int vFront = Math.max(1, h * 5 / 1000);
        int vSync = Math.max(1, h * 5 / 1000);
        // The fields are 12 bits for blanking, 10 for front porch and sync width, 6 (vertical: 4+2).
        hBlank = Math.min(hBlank, 4095);
        hFront = Math.min(hFront, Math.min(1023, hBlank - hSync));
        hSync = Math.min(hSync, 1023);
        vFront = Math.min(vFront, 63);
        vSync = Math.min(vSync, 63);
        long total = (long) (w + hBlank) * (h + vBlank);
        // Pixel clock in 10 kHz units, 16 bits: a very large mode gets a lower refresh instead of a wrong clock.
        long clock = Math.min(65535, (total * REFRESH_HZ + 9_999) / 10_000);
        e[at] = (byte) clock;
        e[at + 1] = (byte) (clock >> 8);
        e[at + 2] = (byte) w;
        e[at + 3] = (byte) hBlank;
        e[at + 4] = (byte) ((w >> 8 & 0xf) << 4 | hBlank >> 8 & 0xf);
        e[at + 5] = (byte) h;
        e[at + 6] = (byte) vBlank;
        e[at + 7] = (byte) ((h >> 8 & 0xf) << 4 | vBlank >> 8 & 0xf);
        e[at + 8] = (byte) hFront;
        e[at + 9] = (byte) hSync;
        e[at + 10] = (byte) ((vFront & 0xf) << 4 | vSync & 0xf);
        e[at + 11] = (byte) ((hFront >> 8 & 3) << 6 | (hSync >> 8 & 3) << 4 | (vFront >> 4 & 3) << 2 | vSync >> 4 & 3);
        int wmm = Math.min(widthMm, 4095);
        int hmm = Math.min(heightMm, 4095);
        e[at + 12] = (byte) wmm;
        e[at + 13] = (byte) hmm;
        e[at + 14] = (byte) ((wmm >> 8 & 0xf) << 4 | hmm >> 8 & 0xf);
        e[at + 17] = 0x18;      // digital separate sync, both polarities negative
    }

    private static void text(byte[] e, int at, int tag, String value) {
        e[at + 3] = (byte) tag;
        int i = 0;
        for (; i < Math.min(13, value.length()); i++) {
            e[at + 5 + i] = (byte) value.charAt(i);
        }
        if (i < 13) {
            e[at + 5 + i++] = 0x0a;
        }
        for (; i < 13; i++) {
            e[at + 5 + i] = 0x20;
        }
    }
}
