package io.scanout.capture.vfio;

import com.sun.jna.LastErrorException;
import io.scanout.capture.internal.Fourcc;
import io.scanout.capture.vfio.internal.VfioAbi;
import io.scanout.core.DrmFormat;
import io.scanout.core.nativeio.LibC;
import java.nio.ByteBuffer;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows a device's cursor plane, as QEMU's {@code vfio_display_dmabuf_update} does: queried
 * with the primary plane at every tick; a new {@code dmabuf_id} means a new image, read once
 * through its dma-buf (mapped, synced, copied, unmapped, its fd closed at once); a move, a new
 * image or hiding publishes a {@link CursorEvent}. A device that refuses cursor queries is taken
 * as having no cursor. Confined to the poller's thread.
 */
final class CursorTracker {
    private static final Logger log = LoggerFactory.getLogger(CursorTracker.class);

    private final GfxDevice device;
    private final Consumer<CursorEvent> publish;
    private final Set<PlaneFault> logged = EnumSet.noneOf(PlaneFault.class);
    private boolean unsupported;
    private CursorShape shape;
    private CursorEvent last;

    CursorTracker(GfxDevice device, Consumer<CursorEvent> publish) {
        this.device = device;
        this.publish = publish;
    }

    void poll(long now) {
        if (unsupported) {
            return;
        }
        GfxPlane plane;
        try {
            plane = device.queryPlane(PlaneKind.DMABUF, VfioAbi.DRM_PLANE_TYPE_CURSOR);
        } catch (VfioException e) {
            unsupported = true;
            log.info("vfio {}: no cursor plane ({}); the cursor is drawn into the frames, if at all",
                    device.name(), e.getMessage());
            return;
        }
        if (!plane.isEnabled()) {
            if (last == null || last.visible()) {
                send(CursorEvent.hidden(now));
            }
            return;
        }
        boolean changed = false;
        if (shape == null || shape.id() != plane.id()) {
            try {
                shape = read(plane);
                changed = true;
            } catch (PlaneFaultException e) {
                if (logged.add(e.fault())) {
                    log.warn("vfio {}: cursor image dropped: {} (logged once per cause)", device.name(), e.getMessage());
                }
                return;
            }
        } else if (shape.hotX() != plane.xHot() || shape.hotY() != plane.yHot()) {
            // The same image with another hotspot: no need to read it again.
            shape = new CursorShape(shape.id(), shape.format(), shape.width(), shape.height(), plane.xHot(),
                    plane.yHot(), shape.pixels());
            changed = true;
        }
        if (changed || last == null || !last.visible() || last.x() != plane.xPos() || last.y() != plane.yPos()) {
            send(new CursorEvent(Optional.of(shape), plane.xPos(), plane.yPos(), true, changed, now));
        }
    }

    private void send(CursorEvent event) {
        last = event;
        publish.accept(event);
    }

    private CursorShape read(GfxPlane plane) throws PlaneFaultException {
        DrmFormat format = DrmFormat.fromFourcc(plane.drmFormat()).filter(f -> f.isRgb() && f.planeCount() == 1)
                .orElseThrow(() -> new PlaneFaultException(PlaneFault.UNKNOWN_FORMAT, "cursor format "
                        + Fourcc.describe(plane.drmFormat()) + " is not a one-plane RGB format Scanout knows"));
        long w = Integer.toUnsignedLong(plane.width());
        long h = Integer.toUnsignedLong(plane.height());
        long stride = Integer.toUnsignedLong(plane.stride());
        if (w == 0 || h == 0 || w > CursorShape.MAX_SIDE || h > CursorShape.MAX_SIDE) {
            throw new PlaneFaultException(PlaneFault.TOO_LARGE, "cursor size " + w + "x" + h + " is outside 1x1.."
                    + CursorShape.MAX_SIDE + "x" + CursorShape.MAX_SIDE);
        }
        int row = (int) format.rowBytes(0, (int) w);
        if (stride < row) {
            throw new PlaneFaultException(PlaneFault.STRIDE_TOO_SMALL, "cursor stride " + stride
                    + " B is smaller than a row of " + w + " " + format + " pixels (" + row + " B)");
        }
        long bytes = stride * (h - 1) + row;
        int fd;
        try {
            fd = device.dmaBufFd(plane.id());
        } catch (VfioException e) {
            throw new PlaneFaultException(PlaneFault.DMABUF_UNAVAILABLE, e.getMessage());
        }
        try {
            long size = LibC.lseek(fd, 0, LibC.SEEK_END);
            if (bytes > size) {
                throw new PlaneFaultException(PlaneFault.LARGER_THAN_BUFFER, "the cursor needs " + bytes
                        + " B and its dma-buf holds " + size + " B");
            }
            byte[] pixels = new byte[row * (int) h];
            try (MappedRegion mapping = MappedRegion.map(fd, 0, size, "cursor dma-buf " + plane.id())) {
                boolean synced = DmaBufReader.sync(fd, VfioAbi.DMA_BUF_SYNC_START | VfioAbi.DMA_BUF_SYNC_READ);
                ByteBuffer src = mapping.buffer();
                for (int y = 0; y < h; y++) {
                    src.get((int) (y * stride), pixels, y * row, row);
                }
                if (synced) {
                    DmaBufReader.sync(fd, VfioAbi.DMA_BUF_SYNC_END | VfioAbi.DMA_BUF_SYNC_READ);
                }
            }
            return new CursorShape(plane.id(), format, (int) w, (int) h, plane.xHot(), plane.yHot(), pixels);
        } catch (LastErrorException e) {
            throw new PlaneFaultException(PlaneFault.LARGER_THAN_BUFFER, LibC.describe("size of cursor dma-buf", e));
        } finally {
            try {
                LibC.close(fd);
            } catch (LastErrorException e) {
                log.warn(LibC.describe("vfio " + device.name() + ": close of cursor dma-buf fd " + fd, e));
            }
        }
    }
}
