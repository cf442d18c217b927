package io.scanout.convert.internal;

import static org.bytedeco.ffmpeg.global.avutil.av_free;
import static org.bytedeco.ffmpeg.global.avutil.av_image_alloc;

import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;

/**
 * A native image between two libswscale steps, in a format no Scanout frame has (e.g. 16-bit
 * planar RGB). Allocated once with its conversion plan, reused for every frame; {@link #close()}
 * frees it. One thread at a time.
 */
public final class ScratchImage implements AutoCloseable {
    private final SwsImage format;
    private final long[] planes = new long[4];
    private final int[] strides = new int[4];
    private Pointer block;

    /**
     * @throws OutOfMemoryError when FFmpeg cannot allocate the image
     */
    public ScratchImage(SwsImage format) {
        this.format = format;
        try (PointerPointer<?> data = new PointerPointer<>(4); IntPointer lines = new IntPointer(4)) {
            int size = av_image_alloc(data, lines, format.width(), format.height(), format.pixelFormat(), 64);
            if (size < 0) {
                throw new OutOfMemoryError("FFmpeg could not allocate a " + format
                        + " scratch image (av_image_alloc returned " + size + ")");
            }
            block = data.get(0);
            for (int p = 0; p < 4; p++) {
                Pointer plane = data.get(p);
                planes[p] = plane == null ? 0 : plane.address();
                strides[p] = lines.get(p);
            }
        }
    }

    public SwsImage format() {
        return format;
    }

    /** The native address of a plane (0 past the last one). */
    public long plane(int p) {
        return planes[p];
    }

    public int stride(int p) {
        return strides[p];
    }

    @Override
    public void close() {
        if (block != null) {
            av_free(block);
            block = null;
        }
    }
}
