package io.scanout.server;

import io.scanout.core.Frame;
import io.scanout.encode.testing.DecodedPicture;

/**
 * A source frame as a 4:2:0 stream can carry it at best: each pixel keeps its own luma, and the
 * chroma of its 2×2 block is sited as H.264's default (chroma_sample_loc_type 0, which the
 * converter documents): {@code [1 2 1] / 4} across columns {@code 2i−1, 2i, 2i+1}, the mean of the
 * two rows. A colour edge on an odd column cannot be sharper than this in any 4:2:0 encoding, so
 * a whole-picture comparison against it measures what convert and encode lose, and nothing the
 * format itself must lose. BT.709 in floating point.
 */
final class Chroma420 {
    private Chroma420() {
    }

    /** 0xRRGGBB per pixel, row after row. */
    static int[] of(Frame frame) {
        int w = frame.width();
        int h = frame.height();
        float[] y = new float[w * h];
        float[] cb = new float[w * h];
        float[] cr = new float[w * h];
        for (int row = 0; row < h; row++) {
            for (int x = 0; x < w; x++) {
                int rgb = Images.rgbOf(frame, x, row);
                float r = rgb >> 16 & 0xff;
                float g = rgb >> 8 & 0xff;
                float b = rgb & 0xff;
                int i = row * w + x;
                y[i] = 0.2126f * r + 0.7152f * g + 0.0722f * b;
                cb[i] = (b - y[i]) / 1.8556f;
                cr[i] = (r - y[i]) / 1.5748f;
            }
        }
        int[] out = new int[w * h];
        for (int by = 0; by < h; by += 2) {
            for (int bx = 0; bx < w; bx += 2) {
                float u = 0;
                float v = 0;
                for (int row = by; row <= Math.min(by + 1, h - 1); row++) {
                    int rows = Math.min(by + 1, h - 1) - by + 1;
                    for (int dx = -1; dx <= 1; dx++) {
                        int x = Math.max(0, Math.min(w - 1, bx + dx));
                        float weight = (dx == 0 ? 2f : 1f) / 4f / rows;
                        u += weight * cb[row * w + x];
                        v += weight * cr[row * w + x];
                    }
                }
                for (int row = by; row <= Math.min(by + 1, h - 1); row++) {
                    for (int x = bx; x <= Math.min(bx + 1, w - 1); x++) {
                        out[row * w + x] = rgb(y[row * w + x], u, v);
                    }
                }
            }
        }
        return out;
    }

    private static int rgb(float y, float cb, float cr) {
        float r = y + 1.5748f * cr;
        float b = y + 1.8556f * cb;
        float g = (y - 0.2126f * r - 0.0722f * b) / 0.7152f;
        return clamp(r) << 16 | clamp(g) << 8 | clamp(b);
    }

    private static int clamp(float v) {
        return Math.max(0, Math.min(255, Math.round(v)));
    }

    /** PSNR in dB of the whole picture against {@link #of}'s pixels, all three channels. */
    static double psnr(int[] expected, DecodedPicture actual) {
        double squares = 0;
        int w = actual.width();
        for (int y = 0; y < actual.height(); y++) {
            for (int x = 0; x < w; x++) {
                int e = expected[y * w + x];
                int a = actual.rgb(x, y);
                for (int shift = 0; shift <= 16; shift += 8) {
                    int d = (e >> shift & 0xff) - (a >> shift & 0xff);
                    squares += d * d;
                }
            }
        }
        double mse = squares / (3.0 * expected.length);
        return mse == 0 ? Double.POSITIVE_INFINITY : 10 * Math.log10(255.0 * 255.0 / mse);
    }
}
