package io.scanout.encode.internal;

import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_DRM_PRIME;
import static org.bytedeco.ffmpeg.global.avutil.av_free;
import static org.bytedeco.ffmpeg.global.avutil.av_mallocz;

import io.scanout.core.Frame;
import io.scanout.encode.EncodeException;
import org.bytedeco.ffmpeg.avutil.AVBufferRef;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;

/**
 * Turns a dma-buf {@link Frame} into an FFmpeg {@code AV_PIX_FMT_DRM_PRIME} frame: {@code data[0]}
 * points at an {@link DrmFrameDescriptor} in native memory, and {@code buf[0]} owns that memory and a
 * reference to the frame (so its fd stays open while FFmpeg — or a VAAPI surface imported from it —
 * uses it). Freed together when FFmpeg drops the buffer's last reference. Stateless, thread-safe.
 */
final class DrmPrimeFrames {
    private DrmPrimeFrames() {
    }

    /**
     * Fills {@code target}, an unreferenced {@code AVFrame}, as a DRM_PRIME frame of {@code frame}'s
     * dma-buf. The caller unrefs {@code target} as usual; the caller's own frame reference is untouched.
     */
    static void describe(Frame frame, AVFrame target) {
        DrmFrameDescriptor descriptor = DrmFrameDescriptor.of(frame.dmaBuf());
        Pointer memory = av_mallocz(DrmFrameDescriptor.FRAME_BYTES);
        if (memory == null || memory.isNull()) {
            throw new EncodeException("cannot allocate an AVDRMFrameDescriptor (out of memory)");
        }
        long address = memory.address();
        try {
            // A view of the memory; it owns nothing, so nothing to close.
            descriptor.write(new BytePointer(memory).capacity(DrmFrameDescriptor.FRAME_BYTES).asByteBuffer());
        } catch (RuntimeException | Error e) {
            av_free(memory);
            throw e;
        }
        // From here the buffer owns the memory: it is freed with the buffer, or right away on failure.
        AVBufferRef buffer = FrameBuffers.lendDescriptor(frame, address, DrmFrameDescriptor.FRAME_BYTES);
        target.format(AV_PIX_FMT_DRM_PRIME).width(frame.width()).height(frame.height());
        target.buf(0, buffer);
        target.data(0, new AddressPointer().at(address));
    }
}
