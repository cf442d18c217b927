package io.scanout.capture.x11;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import io.scanout.core.DrmFormat;
import io.scanout.core.Frame;
import io.scanout.core.FrameMemory;
import io.scanout.core.PlaneLayout;
import io.scanout.core.VideoFormat;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The X screen's pixels, fetched into a System V shared-memory segment the X server writes
 * directly ({@code XShmGetImage}: no copy through the socket), or — where MIT-SHM is missing or
 * refused, as for a remote server — with plain {@code XGetImage}. Then either copied row by row into
 * a pooled frame ({@link #captureInto}) or, with shared memory, lent out as a frame itself
 * ({@link #captureShared}): no copy at all, as FFmpeg's x11grab does.
 *
 * <p>Confined to the capture thread, except that a lent frame is released on any thread. The
 * segment has one owner count: one hold for this image and one per lent frame; {@link #close()}
 * detaches it from the X server at once and drops this image's hold, and whoever drops the last
 * hold unmaps it.
 */
final class ScreenImage implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ScreenImage.class);

    private final Pointer display;
    private final long root;
    private final int width;
    private final int height;
    private final Memory shmInfo;
    private final Pointer image;
    private final Pointer shmAddress;
    private final int bytesPerLine;
    private final DrmFormat format;
    private final AtomicInteger holds = new AtomicInteger(1);

    private ScreenImage(Pointer display, long root, int width, int height, Memory shmInfo, Pointer image,
                        Pointer shmAddress, int bytesPerLine, DrmFormat format) {
        this.display = display;
        this.root = root;
        this.width = width;
        this.height = height;
        this.shmInfo = shmInfo;
        this.image = image;
        this.shmAddress = shmAddress;
        this.bytesPerLine = bytesPerLine;
        this.format = format;
    }

    /** Sets up capture of the root window; falls back to XGetImage where shared memory fails. */
    static ScreenImage open(Pointer display, int screen, long root, int width, int height) throws X11Exception {
        Pointer visual = Xlib.X11.LIB.XDefaultVisual(display, screen);
        int depth = Xlib.X11.LIB.XDefaultDepth(display, screen);
        if (Xlib.Xext.LIB.XShmQueryExtension(display)) {
            ScreenImage shared = openShared(display, visual, depth, root, width, height);
            if (shared != null) {
                return shared;
            }
        }
        // Without MIT-SHM: learn the format from one XGetImage; every capture makes its own.
        Pointer probe = Xlib.X11.LIB.XGetImage(display, root, 0, 0, 1, 1, Xlib.ALL_PLANES, Xlib.Z_PIXMAP);
        XErrors.check(display, "XGetImage of the root window");
        if (probe == null) {
            throw new X11Exception("XGetImage of the root window returned nothing");
        }
        DrmFormat format;
        try {
            format = formatOf(probe, depth);
        } finally {
            Xlib.X11.LIB.XDestroyImage(probe);
        }
        log.info("X display: MIT-SHM is not available; capturing with XGetImage (slower)");
        return new ScreenImage(display, root, width, height, null, null, null, 0, format);
    }

    /** Another shared-memory image of the root window; null where shared memory does not work. */
    static ScreenImage openSharedOnly(Pointer display, int screen, long root, int width, int height)
            throws X11Exception {
        if (!Xlib.Xext.LIB.XShmQueryExtension(display)) {
            return null;
        }
        return openShared(display, Xlib.X11.LIB.XDefaultVisual(display, screen), Xlib.X11.LIB.XDefaultDepth(display,
                screen), root, width, height);
    }

    private static ScreenImage openShared(Pointer display, Pointer visual, int depth, long root, int width, int height)
            throws X11Exception {
        Memory info = new Memory(Xlib.SHM_SEGMENT_INFO_BYTES);
        info.clear();
        Pointer image = Xlib.Xext.LIB.XShmCreateImage(display, visual, depth, Xlib.Z_PIXMAP, null, info, width, height);
        if (image == null) {
            return null;
        }
        DrmFormat format;
        try {
            format = formatOf(image, depth);
        } catch (X11Exception e) {
            Xlib.X11.LIB.XDestroyImage(image);
            throw e;
        }
        int bytesPerLine = image.getInt(Xlib.IMAGE_BYTES_PER_LINE);
        long size = (long) bytesPerLine * height;
        int id = Xlib.Shm.LIB.shmget(Xlib.Shm.IPC_PRIVATE, size, Xlib.Shm.IPC_CREAT | 0600);
        if (id < 0) {
            Xlib.X11.LIB.XDestroyImage(image);
            log.warn("shmget of {} B failed; capturing without MIT-SHM", size);
            return null;
        }
        Pointer address = Xlib.Shm.LIB.shmat(id, null, 0);
        // The segment is removed now and freed when both sides have detached, whatever happens next.
        Xlib.Shm.LIB.shmctl(id, Xlib.Shm.IPC_RMID, null);
        if (Pointer.nativeValue(address) == -1L) {
            Xlib.X11.LIB.XDestroyImage(image);
            log.warn("shmat failed; capturing without MIT-SHM");
            return null;
        }
        info.setInt(Xlib.SHM_INFO_SHMID, id);
        info.setPointer(Xlib.SHM_INFO_SHMADDR, address);
        image.setPointer(Xlib.IMAGE_DATA, address);
        Xlib.Xext.LIB.XShmAttach(display, info);
        Xlib.X11.LIB.XSync(display, false);
        try {
            XErrors.check(display, "XShmAttach");
        } catch (X11Exception e) {
            // A server on another machine cannot see our segment (BadAccess): fall back.
            log.warn("{}; capturing without MIT-SHM", e.getMessage());
            image.setPointer(Xlib.IMAGE_DATA, null);
            Xlib.X11.LIB.XDestroyImage(image);
            Xlib.Shm.LIB.shmdt(address);
            return null;
        }
        return new ScreenImage(display, root, width, height, info, image, address, bytesPerLine, format);
    }

    /** The DRM format of an image: 32-bit LSB-first with 8-bit masks, or 16-bit 5:6:5. */
    private static DrmFormat formatOf(Pointer image, int depth) throws X11Exception {
        int bpp = image.getInt(Xlib.IMAGE_BITS_PER_PIXEL);
        int order = image.getInt(Xlib.IMAGE_BYTE_ORDER);
        long red = image.getLong(Xlib.IMAGE_RED_MASK);
        long green = image.getLong(Xlib.IMAGE_GREEN_MASK);
        long blue = image.getLong(Xlib.IMAGE_BLUE_MASK);
        if (order == Xlib.LSB_FIRST && bpp == 32 && green == 0xff00) {
            if (red == 0xff0000 && blue == 0xff) {
                return DrmFormat.XR24;
            }
            if (red == 0xff && blue == 0xff0000) {
                return DrmFormat.XB24;
            }
        }
        if (order == Xlib.LSB_FIRST && bpp == 16 && red == 0xf800 && green == 0x7e0 && blue == 0x1f) {
            return DrmFormat.RG16;
        }
        throw new X11Exception(String.format("the X screen's pixels (depth %d, %d bits per pixel, %s, masks"
                        + " %x/%x/%x) have no DRM fourcc this source produces (XR24, XB24, RG16)", depth, bpp,
                order == Xlib.LSB_FIRST ? "LSB first" : "MSB first", red, green, blue));
    }

    DrmFormat format() {
        return format;
    }

    boolean isShared() {
        return image != null;
    }

    /** Fetches the screen and copies it into {@code frame} (same size and format). Blocks for one round trip. */
    void captureInto(Frame frame) throws X11Exception {
        int rowBytes = width * format.bytesPerPixel(0);
        ByteBuffer target = frame.buffer();
        int stride = frame.layout().stride(0);
        if (image != null) {
            if (!Xlib.Xext.LIB.XShmGetImage(display, root, image, 0, 0, Xlib.ALL_PLANES)) {
                XErrors.check(display, "XShmGetImage");
                throw new X11Exception("XShmGetImage of the root window failed");
            }
            XErrors.check(display, "XShmGetImage");
            copyRows(shmAddress.getByteBuffer(0, (long) bytesPerLine * height), bytesPerLine, target, stride, rowBytes);
            return;
        }
        Pointer fetched = Xlib.X11.LIB.XGetImage(display, root, 0, 0, width, height, Xlib.ALL_PLANES, Xlib.Z_PIXMAP);
        XErrors.check(display, "XGetImage");
        if (fetched == null) {
            throw new X11Exception("XGetImage of the root window returned nothing");
        }
        try {
            int lineBytes = fetched.getInt(Xlib.IMAGE_BYTES_PER_LINE);
            Pointer data = fetched.getPointer(Xlib.IMAGE_DATA);
            copyRows(data.getByteBuffer(0, (long) lineBytes * height), lineBytes, target, stride, rowBytes);
        } finally {
            Xlib.X11.LIB.XDestroyImage(fetched);
        }
    }

    /** Whether no frame lent from this image is still held, so the X server may write it again. */
    boolean isFree() {
        return holds.get() == 1;
    }

    /**
     * Fetches the screen into this image's segment and lends the segment out as a frame of
     * {@code format}, without copying; until that frame's last reference is released the image is
     * not {@link #isFree() free}. Shared images only.
     */
    Frame captureShared(VideoFormat format) throws X11Exception {
        if (image == null || !isFree()) {
            throw new IllegalStateException("only a free shared-memory image lends its pixels");
        }
        if (!Xlib.Xext.LIB.XShmGetImage(display, root, image, 0, 0, Xlib.ALL_PLANES)) {
            XErrors.check(display, "XShmGetImage");
            throw new X11Exception("XShmGetImage of the root window failed");
        }
        XErrors.check(display, "XShmGetImage");
        long size = (long) bytesPerLine * height;
        PlaneLayout layout = PlaneLayout.of(format.format(), width, height, new long[] {0},
                new int[] {bytesPerLine}, size);
        holds.incrementAndGet();
        return Frame.wrap(new LentSegment(size), layout);
    }

    private void dropHold() {
        if (holds.decrementAndGet() == 0) {
            Xlib.Shm.LIB.shmdt(shmAddress);
        }
    }

    /** The segment as a frame's memory: freeing it gives the frame's hold back. */
    private final class LentSegment implements FrameMemory {
        private final long size;

        LentSegment(long size) {
            this.size = size;
        }

        @Override
        public long address() {
            return Pointer.nativeValue(shmAddress);
        }

        @Override
        public long size() {
            return size;
        }

        @Override
        public ByteBuffer buffer() {
            return shmAddress.getByteBuffer(0, size).order(ByteOrder.nativeOrder());
        }

        @Override
        public void free() {
            dropHold();
        }
    }

    private void copyRows(ByteBuffer source, int sourceStride, ByteBuffer target, int targetStride, int rowBytes) {
        if (sourceStride == targetStride) {
            target.put(0, source, 0, sourceStride * (height - 1) + rowBytes);
            return;
        }
        for (int y = 0; y < height; y++) {
            target.put(y * targetStride, source, y * sourceStride, rowBytes);
        }
    }

    @Override
    public void close() {
        if (image == null) {
            return;
        }
        if (!XErrors.isDead(display)) {
            Xlib.Xext.LIB.XShmDetach(display, shmInfo);
            Xlib.X11.LIB.XSync(display, false);
        }
        // The data is the segment, not Xlib's to free; frames still holding it keep it mapped.
        image.setPointer(Xlib.IMAGE_DATA, null);
        Xlib.X11.LIB.XDestroyImage(image);
        dropHold();
    }
}
