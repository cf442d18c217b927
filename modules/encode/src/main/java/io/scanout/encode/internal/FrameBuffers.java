package io.scanout.encode.internal;

import static org.bytedeco.ffmpeg.global.avutil.AV_BUFFER_FLAG_READONLY;
import static org.bytedeco.ffmpeg.global.avutil.av_buffer_create;
import static org.bytedeco.ffmpeg.global.avutil.av_free;

import io.scanout.core.Frame;
import io.scanout.core.FrameMemory;
import io.scanout.encode.EncodeException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.bytedeco.ffmpeg.avutil.AVBufferRef;
import org.bytedeco.ffmpeg.avutil.Free_Pointer_BytePointer;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lends a {@link Frame}'s memory to FFmpeg as a reference-counted {@code AVBufferRef}, so that
 * {@code avcodec_send_frame} takes a reference instead of copying the picture (it copies every
 * frame that is not reference counted). The buffer holds its own {@link Frame#retain() reference}
 * to the frame, released when FFmpeg drops the buffer's last reference — usually inside
 * {@code avcodec_send_frame}, at the latest when the codec context is freed. The caller keeps and
 * releases its own reference as usual.
 *
 * <p>A dma-buf frame is lent the same way, with a buffer over a native {@code AVDRMFrameDescriptor}
 * describing it ({@link #lendDescriptor}): the descriptor is freed and the frame released together.
 *
 * <p>Thread-safe. FFmpeg frees the buffer on the thread that calls into the codec.
 */
final class FrameBuffers {
    private static final Logger LOG = LoggerFactory.getLogger(FrameBuffers.class);
    private static final Map<Long, Lent> LENT = new ConcurrentHashMap<>();
    private static final AtomicLong NEXT_ID = new AtomicLong();
    /** Native code calls this for every buffer; a static field keeps the callback's thunk alive for good. */
    private static final Free_Pointer_BytePointer RELEASE_FRAME = new ReleaseFrame();

    private FrameBuffers() {
    }

    /** A frame reference FFmpeg holds, and native memory (from {@code av_malloc}) to free with it, or 0. */
    private record Lent(Frame frame, long ownedMemory) {
    }

    /**
     * A read-only buffer over the whole of a CPU frame's memory. The returned reference belongs to
     * the caller (e.g. set as {@code AVFrame.buf[0]} and dropped with {@code av_frame_unref}).
     */
    static AVBufferRef lend(Frame frame) {
        FrameMemory memory = frame.memory();
        long id = NEXT_ID.incrementAndGet();
        LENT.put(id, new Lent(frame.retain(), 0));
        AVBufferRef buffer = av_buffer_create(new AddressPointer().at(memory.address()), memory.size(),
                RELEASE_FRAME, new AddressPointer().at(id), AV_BUFFER_FLAG_READONLY);
        if (buffer == null) {
            giveBack(id);
            throw new EncodeException("av_buffer_create failed for a " + frame.videoFormat()
                    + " frame of " + memory.size() + " B (out of memory)");
        }
        return buffer;
    }

    /**
     * A read-only buffer over {@code size} bytes at {@code descriptor} (memory from {@code av_malloc}
     * describing a dma-buf frame), holding a reference to {@code frame}. Freeing the buffer frees the
     * descriptor and releases the reference. On failure the descriptor is freed here.
     */
    static AVBufferRef lendDescriptor(Frame frame, long descriptor, long size) {
        long id = NEXT_ID.incrementAndGet();
        LENT.put(id, new Lent(frame.retain(), descriptor));
        AVBufferRef buffer = av_buffer_create(new AddressPointer().at(descriptor), size, RELEASE_FRAME,
                new AddressPointer().at(id), AV_BUFFER_FLAG_READONLY);
        if (buffer == null) {
            giveBack(id);
            throw new EncodeException("av_buffer_create failed for the descriptor of " + frame + " (out of memory)");
        }
        return buffer;
    }

    /** Frames FFmpeg holds now, across all encoders: 0 when every encoder is idle or closed. */
    static int lent() {
        return LENT.size();
    }

    private static void giveBack(long id) {
        Lent lent = LENT.remove(id);
        if (lent == null) {
            LOG.error("FFmpeg freed frame buffer {} that was not lent, or freed it twice", id);
            return;
        }
        try {
            if (lent.ownedMemory() != 0) {
                av_free(new AddressPointer().at(lent.ownedMemory()));
            }
        } finally {
            lent.frame().release();
        }
    }

    /** FFmpeg's {@code void free(void *opaque, uint8_t *data)}; opaque carries the lending id. */
    private static final class ReleaseFrame extends Free_Pointer_BytePointer {
        @Override
        public void call(Pointer opaque, BytePointer data) {
            try {
                giveBack(opaque.address());
            } catch (RuntimeException e) {
                // An exception must not unwind into FFmpeg's C frames; the leak shows in the pool's stats.
                LOG.error("releasing a frame FFmpeg gave back failed", e);
            }
        }
    }
}
