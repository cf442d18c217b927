package io.scanout.transport.rfb;

import io.scanout.core.DrmFormat;
import io.scanout.core.Frame;
import java.nio.ByteBuffer;

/**
 * Reads a CPU frame's pixels as {@code 0xRRGGBB}, a row span at a time, for the Raw and ZRLE
 * encoders. Takes the RGB formats a source gives ({@link #supports}); the frame's layout has been
 * validated when it was built, so a span inside the frame is inside its memory.
 */
final class SourcePixels {
    private SourcePixels() {
    }

    /** Whether frames of this format can be read here. */
    static boolean supports(DrmFormat format) {
        switch (format) {
            case XR24: case AR24: case XB24: case AB24: case RG24: case BG24: case RG16: case XR30: case AR30:
                return true;
            default:
                return false;
        }
    }

    /** Pixels {@code x..x+width-1} of row {@code y} into {@code rgb[0..width-1]}. */
    static void readRow(Frame frame, int x, int y, int width, int[] rgb) {
        ByteBuffer buf = frame.buffer();
        DrmFormat format = frame.format();
        int bpp = format.bytesPerPixel(0);
        int at = (int) (frame.layout().offset(0) + (long) y * frame.layout().stride(0)) + x * bpp;
        switch (format) {
            case XR24: case AR24:
                for (int i = 0; i < width; i++, at += 4) {
                    rgb[i] = buf.getInt(at) & 0xffffff;
                }
                break;
            case XB24: case AB24:
                for (int i = 0; i < width; i++, at += 4) {
                    int v = buf.getInt(at);
                    rgb[i] = (v & 0xff) << 16 | (v & 0xff00) | (v >>> 16 & 0xff);
                }
                break;
            case RG24:
                for (int i = 0; i < width; i++, at += 3) {
                    rgb[i] = (buf.get(at + 2) & 0xff) << 16 | (buf.get(at + 1) & 0xff) << 8 | (buf.get(at) & 0xff);
                }
                break;
            case BG24:
                for (int i = 0; i < width; i++, at += 3) {
                    rgb[i] = (buf.get(at) & 0xff) << 16 | (buf.get(at + 1) & 0xff) << 8 | (buf.get(at + 2) & 0xff);
                }
                break;
            case RG16:
                for (int i = 0; i < width; i++, at += 2) {
                    int v = buf.getShort(at) & 0xffff;
                    rgb[i] = expand(v >>> 11, 31) << 16 | expand(v >>> 5 & 63, 63) << 8 | expand(v & 31, 31);
                }
                break;
            case XR30: case AR30:
                for (int i = 0; i < width; i++, at += 4) {
                    int v = buf.getInt(at);
                    rgb[i] = (v >>> 22 & 0xff) << 16 | (v >>> 12 & 0xff) << 8 | (v >>> 2 & 0xff);
                }
                break;
            default:
                throw new IllegalArgumentException("RFB pictures are read from RGB frames, not " + format);
        }
    }

    private static int expand(int component, int max) {
        return (component * 255 + max / 2) / max;
    }
}
