package io.scanout.transport.mux;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.bytedeco.ffmpeg.avformat.AVIOInterruptCB;
import org.bytedeco.ffmpeg.avformat.Write_packet_Pointer_BytePointer_int;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The two native callbacks every muxer shares: the {@code AVIOContext} write callback that hands
 * avformat's output to Java, and the interrupt callback that stops a blocking network call.
 *
 * <p>One instance of each for the whole process: JavaCPP makes a native thunk per callback object,
 * and keeps only a few of those alive per class, so a callback per muxer would cap the number of
 * clients. Each muxer registers under an id, and FFmpeg hands that id back as the callback's
 * {@code opaque} pointer. Both callbacks run on the thread that called into avformat, inside that
 * call; they never throw into native code.
 */
final class AvioCallbacks {
    private static final Logger log = LoggerFactory.getLogger(AvioCallbacks.class);
    private static final AtomicLong NEXT_ID = new AtomicLong(1);
    private static final Map<Long, Target> TARGETS = new ConcurrentHashMap<>();

    /** What a registered muxer does with its output and whether its calls should stop. */
    interface Target {
        /** Takes {@code bytes} (valid during the call only). */
        void write(java.nio.ByteBuffer bytes);

        /** Whether the blocking call in progress should give up now. */
        boolean interrupted();
    }

    static final Write_packet_Pointer_BytePointer_int WRITE = new Writer();
    static final AVIOInterruptCB.Callback_Pointer INTERRUPT = new Interrupt();

    private AvioCallbacks() {
    }

    /** Registers {@code target}; the returned pointer is the {@code opaque} value to give FFmpeg. */
    static Pointer register(Target target) {
        long id = NEXT_ID.getAndIncrement();
        TARGETS.put(id, target);
        return new IdPointer(id);
    }

    /** Forgets the target behind {@code opaque}; its callbacks fail from now on. */
    static void unregister(Pointer opaque) {
        TARGETS.remove(opaque.address());
    }

    /** A pointer whose address is only an id: never dereferenced, by us or by FFmpeg. */
    private static final class IdPointer extends Pointer {
        IdPointer(long id) {
            address = id;
        }
    }

    private static final class Writer extends Write_packet_Pointer_BytePointer_int {
        Writer() {
            super(); // allocates the native thunk
        }

        @Override
        public int call(Pointer opaque, BytePointer buf, int size) {
            Target target = opaque == null ? null : TARGETS.get(opaque.address());
            if (target == null || size < 0) {
                return AvErrors.AVERROR_EIO;
            }
            try {
                target.write(buf.capacity(size).asByteBuffer());
                return size;
            } catch (RuntimeException e) {
                // Never into native code: avformat sees an I/O error and the muxer's caller gets it.
                log.debug("muxer output refused {} B: {}", size, e.toString());
                return AvErrors.AVERROR_EIO;
            }
        }
    }

    private static final class Interrupt extends AVIOInterruptCB.Callback_Pointer {
        Interrupt() {
            super(); // allocates the native thunk
        }

        @Override
        public int call(Pointer opaque) {
            Target target = opaque == null ? null : TARGETS.get(opaque.address());
            return target == null || target.interrupted() ? 1 : 0;
        }
    }
}
