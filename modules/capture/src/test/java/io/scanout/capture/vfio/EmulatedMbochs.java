package io.scanout.capture.vfio;

import com.sun.jna.LastErrorException;
import io.scanout.capture.synthetic.SyntheticPattern;
import io.scanout.capture.testing.Memfd;
import io.scanout.capture.vfio.internal.VfioAbi;
import io.scanout.core.DrmFormat;
import io.scanout.core.Frame;
import io.scanout.core.PlaneLayout;
import io.scanout.core.VideoFormat;
import io.scanout.core.nativeio.LibC;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

/**
 * A VFIO display device that answers as the kernel's sample drivers do: as
 * {@code samples/vfio-mdev/mbochs.c} for {@link PlaneKind#DMABUF} and as {@code mdpy.c} for
 * {@link PlaneKind#REGION}. This machine has no vGPU; the capture logic runs against this.
 *
 * <ul>
 *   <li>The probe succeeds only for the kind offered ({@code flags == PROBE | DMABUF} in mbochs);
 *       any other query flags are {@code EINVAL}.</li>
 *   <li>dma-buf: each distinct mode gets a buffer with the next {@code dmabuf_id} (from 1);
 *       returning to a mode seen before finds its buffer and id again. {@code GET_GFX_DMABUF}
 *       returns a new fd for the buffer every call ({@code dma_buf_fd}), {@code ENOENT} for an
 *       unknown id. Here a buffer is a memfd and the new fd its {@code dup}.</li>
 *   <li>region: the plane lies at the start of region {@value #REGION_INDEX}, a memfd standing
 *       for the device's VRAM BAR, mappable.</li>
 *   <li>A display that is off, and every cursor-plane query (mbochs has no cursor), answers
 *       with all fields zero: success, not an error.</li>
 *   <li>A cursor plane, which mbochs lacks (its cursor queries answer all zero) but GVT-g has:
 *       {@link #showCursor} gives the image a buffer and {@code dmabuf_id} of its own, in ARGB8888,
 *       with position and hotspot in the plane's {@code x_pos}/{@code y_pos}/{@code x_hot}/{@code y_hot}.</li>
 *   <li>The EDID region of mbochs (region {@value #EDID_INDEX}, {@code VFIO_REGION_TYPE_GFX} /
 *       {@code GFX_EDID}, a page: the {@code vfio_region_gfx_edid} registers, then the blob at
 *       half a page, at most 1 KiB; {@code max_xres}×{@code max_yres} of its "medium" type,
 *       1920×1440). As in mbochs, a register access is one aligned 4-byte field, and only
 *       {@code link_state} and {@code edid_size} take writes; anything else is ignored. When the
 *       link comes up with an EDID, the emulated guest switches to its preferred mode.</li>
 *   <li>Only XRGB8888 (mbochs's one 32 bpp format); stride {@code width × 4}; size page-aligned.</li>
 * </ul>
 *
 * <p>The test plays the guest: {@link #setMode}, {@link #disable}, {@link #draw}. Thread-safe.
 */
final class EmulatedMbochs implements GfxDevice {
    /** mdpy's display region index ({@code MDPY_DISPLAY_REGION}). */
    static final int REGION_INDEX = 16;
    /** mbochs's EDID region, the first after the nine vfio-pci ones ({@code VFIO_PCI_NUM_REGIONS}). */
    static final int EDID_INDEX = 9;
    static final int EDID_BLOB_OFFSET = 2048;
    static final int EDID_MAX_SIZE = 1024;
    static final int MAX_XRES = 1920;
    static final int MAX_YRES = 1440;
    private static final int EINVAL = 22;
    private static final int ENOENT = 2;
    private static final long PAGE = 4096;

    private final PlaneKind offered;
    private final long vramBytes;
    private final Memfd vram;
    private final Map<VideoFormat, Buffer> buffers = new LinkedHashMap<>();
    private final List<Integer> handedOut = new ArrayList<>();
    private VideoFormat mode;
    private Buffer cursor;
    private int cursorX;
    private int cursorY;
    private int cursorHotX;
    private int cursorHotY;
    private final List<Buffer> cursors = new ArrayList<>();
    private int nextId = 1;
    /** The EDID registers: edid_offset, edid_max_size, edid_size, max_xres, max_yres, link_state. */
    private final int[] edidRegs = {EDID_BLOB_OFFSET, EDID_MAX_SIZE, 0, MAX_XRES, MAX_YRES,
            VfioAbi.VFIO_DEVICE_GFX_LINK_STATE_UP};
    private final byte[] edidBlob = new byte[EDID_MAX_SIZE];
    /** What was written to the EDID region, in order: "link_state=2", "blob 128 B", "edid_size=128"... */
    final List<String> edidWrites = new java.util.concurrent.CopyOnWriteArrayList<>();
    private UnaryOperator<GfxPlane> tamper = UnaryOperator.identity();
    private int failQueriesErrno;
    private boolean closed;
    final AtomicInteger queries = new AtomicInteger();
    final AtomicInteger dmaBufGets = new AtomicInteger();
    final AtomicInteger regionInfos = new AtomicInteger();
    final AtomicInteger closes = new AtomicInteger();

    private record Buffer(int id, VideoFormat mode, int stride, int size, Memfd memory) {
    }

    /** @param offered the kind of plane offered; {@code null} for a device with no display */
    EmulatedMbochs(PlaneKind offered, VideoFormat initialMode) {
        this.offered = offered;
        this.vramBytes = 16L << 20;
        this.vram = offered == PlaneKind.REGION ? new Memfd("emulated-vram", vramBytes) : null;
        this.mode = initialMode;
    }

    /** The guest sets a video mode (XR24 at this size). */
    synchronized void setMode(int width, int height) {
        mode = new VideoFormat(DrmFormat.XR24, width, height);
    }

    /** The guest turns the display off. */
    synchronized void disable() {
        mode = null;
    }

    /** The guest draws frame {@code index} of the synthetic pattern into the scanout buffer of the current mode. */
    synchronized void draw(long index) {
        Frame frame = scanout().memory.frame(PlaneLayout.packed(DrmFormat.XR24, mode.width(), mode.height()));
        try {
            new SyntheticPattern(mode.width(), mode.height()).render(index, frame);
        } finally {
            frame.release();
        }
    }

    /**
     * The guest shows a new cursor image, {@code width × height} ARGB8888 whose pixel bytes are
     * {@code (seed + i) & 0xff}, with its hotspot; it gets the next {@code dmabuf_id}.
     */
    synchronized void showCursor(int width, int height, int hotX, int hotY, int seed) {
        int size = pageAligned(width * 4L * height);
        Memfd memory = new Memfd("emulated-cursor", size);
        Frame f = memory.frame(PlaneLayout.packed(DrmFormat.AR24, width, height));
        java.nio.ByteBuffer b = f.buffer();
        for (int i = 0; i < width * 4 * height; i++) {
            b.put(i, (byte) (seed + i));
        }
        f.release();
        cursor = new Buffer(nextId++, new VideoFormat(DrmFormat.AR24, width, height), width * 4, size, memory);
        cursors.add(cursor);
        cursorHotX = hotX;
        cursorHotY = hotY;
    }

    synchronized void moveCursor(int x, int y) {
        cursorX = x;
        cursorY = y;
    }

    synchronized void setCursorHotspot(int hotX, int hotY) {
        cursorHotX = hotX;
        cursorHotY = hotY;
    }

    synchronized void hideCursor() {
        cursor = null;
    }

    /** Every plane the device reports passes through this (to report corrupt planes). */
    synchronized void tamper(UnaryOperator<GfxPlane> change) {
        tamper = change;
    }

    /** Queries fail with this errno from now on (the device went away); 0 heals. */
    synchronized void failQueries(int errno) {
        failQueriesErrno = errno;
    }

    synchronized boolean isClosed() {
        return closed;
    }

    private Buffer scanout() {
        if (mode == null) {
            throw new IllegalStateException("the display is off");
        }
        if (offered == PlaneKind.REGION) {
            return new Buffer(REGION_INDEX, mode, mode.width() * 4, pageAligned(mode.width() * 4L * mode.height()), vram);
        }
        return buffers.computeIfAbsent(mode, m -> {
            int size = pageAligned(m.width() * 4L * m.height());
            return new Buffer(nextId++, m, m.width() * 4, size, new Memfd("emulated-dmabuf", size));
        });
    }

    private static int pageAligned(long bytes) {
        return (int) ((bytes + PAGE - 1) / PAGE * PAGE);
    }

    @Override
    public String name() {
        return "emulated-" + (offered == null ? "nodisplay" : offered.name().toLowerCase(java.util.Locale.ROOT));
    }

    @Override
    public synchronized boolean supports(PlaneKind kind) {
        checkOpen();
        return offered != null && kind == offered;
    }

    @Override
    public synchronized GfxPlane queryPlane(PlaneKind kind, int drmPlaneType) {
        checkOpen();
        queries.incrementAndGet();
        if (failQueriesErrno != 0) {
            throw new VfioException("VFIO_DEVICE_QUERY_GFX_PLANE (" + kind + ", plane type " + drmPlaneType + ") for "
                    + name(), new LastErrorException(failQueriesErrno));
        }
        if (kind != offered) {
            throw new VfioException("VFIO_DEVICE_QUERY_GFX_PLANE for " + name(), new LastErrorException(EINVAL));
        }
        if (drmPlaneType == VfioAbi.DRM_PLANE_TYPE_CURSOR && kind == PlaneKind.DMABUF && cursor != null) {
            return new GfxPlane(DrmFormat.AR24.fourcc(), 0, cursor.mode.width(), cursor.mode.height(), cursor.stride,
                    cursor.size, cursorX, cursorY, cursorHotX, cursorHotY, cursor.id);
        }
        if (drmPlaneType != VfioAbi.DRM_PLANE_TYPE_PRIMARY || mode == null) {
            return tamper.apply(GfxPlane.DISABLED);
        }
        Buffer b = scanout();
        return tamper.apply(new GfxPlane(DrmFormat.XR24.fourcc(), 0, b.mode.width(), b.mode.height(), b.stride,
                b.size, 0, 0, 0, 0, b.id));
    }

    @Override
    public synchronized int dmaBufFd(int dmabufId) {
        checkOpen();
        dmaBufGets.incrementAndGet();
        List<Buffer> all = new ArrayList<>(buffers.values());
        all.addAll(cursors);
        for (Buffer b : all) {
            if (b.id == dmabufId) {
                int fd = LibC.dup(b.memory.fd);
                handedOut.add(fd);
                return fd;
            }
        }
        throw new VfioException("VFIO_DEVICE_GET_GFX_DMABUF of dmabuf_id " + dmabufId + " on " + name(),
                new LastErrorException(ENOENT));
    }

    @Override
    public synchronized int regionCount() {
        return offered == PlaneKind.REGION ? REGION_INDEX + 1 : EDID_INDEX + 1;
    }

    @Override
    public synchronized GfxRegionInfo regionInfo(int index) {
        checkOpen();
        regionInfos.incrementAndGet();
        if (offered == PlaneKind.REGION && index == REGION_INDEX) {
            return new GfxRegionInfo(index, VfioAbi.VFIO_REGION_INFO_FLAG_READ | VfioAbi.VFIO_REGION_INFO_FLAG_WRITE
                    | VfioAbi.VFIO_REGION_INFO_FLAG_MMAP, vramBytes, 0);
        }
        if (offered == PlaneKind.DMABUF && index == EDID_INDEX) {
            return new GfxRegionInfo(index, VfioAbi.VFIO_REGION_INFO_FLAG_READ | VfioAbi.VFIO_REGION_INFO_FLAG_WRITE
                    | VfioAbi.VFIO_REGION_INFO_FLAG_CAPS, PAGE, (long) index << 40, VfioAbi.VFIO_REGION_TYPE_GFX,
                    VfioAbi.VFIO_REGION_SUBTYPE_GFX_EDID);
        }
        if (index >= 0 && index < regionCount()) {
            return new GfxRegionInfo(index, 0, 0, (long) index << 40);   // a BAR this emulation leaves empty
        }
        throw new VfioException("VFIO_DEVICE_GET_REGION_INFO " + index + " for " + name(), new LastErrorException(EINVAL));
    }

    @Override
    public synchronized void readRegion(GfxRegionInfo region, long offset, byte[] into) {
        checkOpen();
        if (region.index() != EDID_INDEX || offered != PlaneKind.DMABUF) {
            throw new VfioException("pread of region " + region.index() + " of " + name(), new LastErrorException(EINVAL));
        }
        if (offset < 24) {
            if (into.length == 4 && offset % 4 == 0) {   // mbochs answers only whole, aligned registers
                int v = edidRegs[(int) offset / 4];
                into[0] = (byte) v;
                into[1] = (byte) (v >> 8);
                into[2] = (byte) (v >> 16);
                into[3] = (byte) (v >> 24);
            }
        } else if (offset >= EDID_BLOB_OFFSET && offset - EDID_BLOB_OFFSET + into.length <= EDID_MAX_SIZE) {
            System.arraycopy(edidBlob, (int) offset - EDID_BLOB_OFFSET, into, 0, into.length);
        }
    }

    @Override
    public synchronized void writeRegion(GfxRegionInfo region, long offset, byte[] from) {
        checkOpen();
        if (region.index() != EDID_INDEX || offered != PlaneKind.DMABUF) {
            throw new VfioException("pwrite to region " + region.index() + " of " + name(), new LastErrorException(EINVAL));
        }
        if (offset < 24) {
            if (from.length != 4 || offset % 4 != 0) {
                edidWrites.add("ignored " + from.length + " B at " + offset);
                return;
            }
            int v = from[0] & 0xff | (from[1] & 0xff) << 8 | (from[2] & 0xff) << 16 | (from[3] & 0xff) << 24;
            if (offset == 8) {
                edidRegs[2] = v;
                edidWrites.add("edid_size=" + v);
            } else if (offset == 20) {
                edidRegs[5] = v;
                edidWrites.add("link_state=" + v);
                if (v == VfioAbi.VFIO_DEVICE_GFX_LINK_STATE_UP && edidRegs[2] >= 128) {
                    guestReadsEdid();
                }
            } else {
                edidWrites.add("ignored read-only register at " + offset);
            }
        } else if (offset >= EDID_BLOB_OFFSET && offset - EDID_BLOB_OFFSET + from.length <= EDID_MAX_SIZE) {
            System.arraycopy(from, 0, edidBlob, (int) offset - EDID_BLOB_OFFSET, from.length);
            edidWrites.add("blob " + from.length + " B");
        } else {
            edidWrites.add("ignored " + from.length + " B at " + offset);
        }
    }

    /** The guest sees a monitor plugged in and takes the preferred mode of its EDID's first detailed timing. */
    private void guestReadsEdid() {
        int at = 54;
        int width = (edidBlob[at + 2] & 0xff) | (edidBlob[at + 4] & 0xf0) << 4;
        int height = (edidBlob[at + 5] & 0xff) | (edidBlob[at + 7] & 0xf0) << 4;
        mode = new VideoFormat(DrmFormat.XR24, width, height);
    }

    /** The EDID blob as the guest would read it now. */
    synchronized byte[] edid() {
        return java.util.Arrays.copyOf(edidBlob, edidRegs[2]);
    }

    @Override
    public synchronized MappedRegion mapRegion(GfxRegionInfo region, boolean writable) {
        checkOpen();
        return MappedRegion.map(vram.fd, region.offset(), region.size(), writable,
                "region " + region.index() + " of " + name());
    }

    /** dma-buf fds handed out so far (each now the capture's to close). */
    synchronized List<Integer> handedOut() {
        return List.copyOf(handedOut);
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException(name() + " used after close");
        }
    }

    @Override
    public synchronized void close() {
        closes.incrementAndGet();
        if (closed) {
            return;
        }
        closed = true;
        buffers.values().forEach(b -> b.memory.close());
        cursors.forEach(b -> b.memory.close());
        if (vram != null) {
            vram.close();
        }
    }
}
