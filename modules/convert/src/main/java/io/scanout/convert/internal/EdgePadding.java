package io.scanout.convert.internal;

import io.scanout.core.DrmFormat;
import io.scanout.core.Frame;
import io.scanout.core.FramePool;
import io.scanout.core.PlaneLayout;
import io.scanout.core.VideoFormat;
import java.nio.ByteBuffer;

/**
 * 4:2:0 encoders take even sizes only. An odd-sized picture is first copied into an even-sized
 * frame of its own format whose extra column and row repeat the edge, so the conversion sees an
 * even picture and subsamples chroma exactly 2:1 (libswscale given an odd size subsamples 33
 * columns into 17 chroma samples, a fractional ratio that bleeds neighbours into the edge).
 * Odd sizes are rare (a window, not a display mode); even frames are never copied.
 */
public final class EdgePadding {
    private EdgePadding() {
    }

    /** Rounds up to even. */
    public static int even(int size) {
        return size + (size & 1);
    }

    public static boolean isEven(VideoFormat format) {
        return format.width() % 2 == 0 && format.height() % 2 == 0;
    }

    /** The even size a picture of {@code format} is padded to, in the same pixel format. */
    public static VideoFormat padded(VideoFormat format) {
        return new VideoFormat(format.format(), even(format.width()), even(format.height()));
    }

    /**
     * A copy of the {@code width × height} region at {@code (x, y)} of a CPU frame at the even
     * size, from the pool, its extra column and row repeating the last ones (per plane: chroma
     * planes of 4:2:0 formats already have {@code ceil(size / 2)} samples, and so need no extra
     * ones). A subsampled format's region starts at even coordinates. The caller releases both frames.
     */
    public static Frame pad(Frame in, int x, int y, int width, int height, FramePool pool) {
        PlaneLayout from = in.layout();
        DrmFormat format = from.format();
        Frame out = pool.acquire(new VideoFormat(format, even(width), even(height)));
        PlaneLayout to = out.layout();
        ByteBuffer src = in.buffer();
        ByteBuffer dst = out.buffer();
        for (int p = 0; p < from.planeCount(); p++) {
            int rowBytes = (int) format.rowBytes(p, width);
            int paddedRowBytes = (int) to.rowBytes(p);
            int extra = paddedRowBytes - rowBytes;
            int rows = format.planeHeight(p, height);
            long left = from.offset(p) + format.rowBytes(p, x);
            int top = format.planeHeight(p, y);
            for (int row = 0; row < to.planeHeight(p); row++) {
                int source = Math.toIntExact(left + (long) (top + Math.min(row, rows - 1)) * from.stride(p));
                int target = Math.toIntExact(to.offset(p) + (long) row * to.stride(p));
                dst.put(target, src, source, rowBytes);
                if (extra > 0) {
                    // The new sample repeats the last one: a pixel, or a luma sample.
                    dst.put(target + rowBytes, dst, target + rowBytes - extra, extra);
                }
                if (format == DrmFormat.YUYV && (width & 1) == 1) {
                    // An odd YUYV row already ends in a whole Y0 Cb Y1 Cr pair: its Y1 becomes a copy of Y0.
                    dst.put(target + rowBytes - 2, dst.get(target + rowBytes - 4));
                }
            }
        }
        return out;
    }
}
