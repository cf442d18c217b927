package io.scanout.transport.rfb;

import com.sun.jna.Pointer;
import io.scanout.core.Damage;
import io.scanout.core.DmaBuf;
import io.scanout.core.DrmFormat;
import io.scanout.core.Frame;
import io.scanout.core.FrameEvent;
import io.scanout.core.PlaneLayout;
import io.scanout.core.VideoFormat;
import io.scanout.core.nativeio.LibC;
import io.scanout.transport.StreamEndpoint;
import io.scanout.transport.StreamHub;
import io.scanout.transport.StreamInfo;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

/**
 * A stream whose pictures are dma-bufs, as a VFIO display or a region source with dma-buf frames
 * gives them. A fake where hardware is missing: this machine has no /dev/udmabuf and no dma-heaps,
 * so a memfd stands in for each dma-buf (an fd to shareable memory, mapped the same way; it answers
 * the sync ioctl with ENOTTY, which {@code DmaBufCpuCopy} expects of it). The pixels are the
 * synthetic pattern's, so a test re-renders what a client should have received.
 *
 * <p>Two kinds of pictures: {@link #continuous} — each subscriber its own synthetic source, every
 * frame moved into a memfd dma-buf; or {@link #manual} — the test {@link #emit}s a picture and every
 * subscriber gets a reference to the same dma-buf, as the server's picture tap hands them out.
 */
final class MemfdDmaBufEndpoint implements StreamEndpoint {
    final SyntheticEndpoint synthetic;
    private final boolean manual;
    /** Every dma-buf made, to check each was closed once its last reference went. */
    final List<DmaBuf> made = new CopyOnWriteArrayList<>();
    private final List<Sinks.Many<FrameEvent>> subscribers = new CopyOnWriteArrayList<>();
    private long sequence;

    private MemfdDmaBufEndpoint(SyntheticEndpoint synthetic, boolean manual) {
        this.synthetic = synthetic;
        this.manual = manual;
    }

    static MemfdDmaBufEndpoint continuous(SyntheticEndpoint synthetic) {
        return new MemfdDmaBufEndpoint(synthetic, false);
    }

    static MemfdDmaBufEndpoint manual(SyntheticEndpoint synthetic) {
        return new MemfdDmaBufEndpoint(synthetic, true);
    }

    @Override
    public StreamHub hub() {
        return synthetic.hub();
    }

    @Override
    public StreamInfo info() {
        return synthetic.info();
    }

    @Override
    public Flux<FrameEvent> pictures() {
        if (!manual) {
            return synthetic.pictures().map(event -> {
                try {
                    return event.withFrame(toDmaBuf(event.frame()));
                } finally {
                    event.release();
                }
            });
        }
        Sinks.Many<FrameEvent> sink = Sinks.many().unicast().onBackpressureBuffer();
        subscribers.add(sink);
        return sink.asFlux()
                .doFinally(signal -> subscribers.remove(sink))
                .doOnDiscard(FrameEvent.class, FrameEvent::release);
    }

    /** Subscribers of {@link #manual} pictures now. */
    int subscribers() {
        return subscribers.size();
    }

    /** Frame {@code index} of the pattern as one dma-buf, a reference to it to each subscriber. */
    void emit(long index) {
        VideoFormat format = new VideoFormat(DrmFormat.XR24, synthetic.source.settings().width(),
                synthetic.source.settings().height());
        Frame cpu = synthetic.pool.acquire(format);
        Frame dmaBuf;
        try {
            synthetic.pattern().render(index, cpu);
            dmaBuf = toDmaBuf(cpu);
        } finally {
            cpu.release();
        }
        emit(new FrameEvent(dmaBuf, Damage.whole(), ++sequence, System.nanoTime(), java.util.Optional.empty()));
    }

    /** Hands one reference of the event to each subscriber and releases the caller's. */
    void emit(FrameEvent event) {
        try {
            for (Sinks.Many<FrameEvent> sink : subscribers) {
                FrameEvent own = event.withFrame(event.frame().retain());
                if (sink.tryEmitNext(own).isFailure()) {
                    own.release();
                }
            }
        } finally {
            event.release();
        }
    }

    /** A memfd "dma-buf" holding the CPU frame's bytes in the same layout; the caller owns it. */
    Frame toDmaBuf(Frame cpu) {
        PlaneLayout layout = cpu.layout();
        return toDmaBuf(layout, cpu.buffer());
    }

    /** A linear memfd "dma-buf" in {@code layout} holding {@code bytes} from their start. */
    Frame toDmaBuf(PlaneLayout layout, java.nio.ByteBuffer bytes) {
        return toDmaBuf(layout, bytes, DmaBuf.MODIFIER_LINEAR);
    }

    /** As {@link #toDmaBuf(PlaneLayout, java.nio.ByteBuffer)}, claiming the given format modifier. */
    Frame toDmaBuf(PlaneLayout layout, java.nio.ByteBuffer bytes, long modifier) {
        long size = layout.requiredBytes();
        int fd = LibC.memfd_create("scanout-rfb-test-dmabuf", LibC.MFD_CLOEXEC);
        try {
            LibC.ftruncate(fd, size);
            Pointer map = LibC.mmap(null, size, LibC.PROT_READ | LibC.PROT_WRITE, LibC.MAP_SHARED, fd, 0);
            try {
                map.getByteBuffer(0, size).put(0, bytes, 0, Math.toIntExact(size));
            } finally {
                LibC.munmap(map, size);
            }
            DmaBuf dmaBuf = new DmaBuf(fd, size, modifier, layout);
            made.add(dmaBuf);
            return Frame.wrap(dmaBuf);
        } catch (RuntimeException e) {
            LibC.close(fd);
            throw e;
        }
    }

    /** Whether every dma-buf made has been closed. */
    boolean allClosed() {
        return made.stream().allMatch(DmaBuf::isClosed);
    }
}
