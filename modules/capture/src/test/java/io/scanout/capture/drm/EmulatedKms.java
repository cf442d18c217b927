package io.scanout.capture.drm;

import com.sun.jna.LastErrorException;
import io.scanout.capture.synthetic.SyntheticPattern;
import io.scanout.capture.testing.Memfd;
import io.scanout.core.DrmFormat;
import io.scanout.core.Frame;
import io.scanout.core.PlaneLayout;
import io.scanout.core.nativeio.LibC;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A KMS device answering as the kernel does for kmsgrab's calls, with memfds for buffer objects:
 * planes that scan out framebuffers; {@code GETFB2} handing out a new GEM handle per buffer per
 * call (the same handle for every plane of one buffer), or handle 0 when the caller lacks
 * {@code CAP_SYS_ADMIN}; {@code PRIME_HANDLE_TO_FD} a new fd per call; {@code ENOENT} for an
 * unknown plane, framebuffer or handle. This machine has no GPU: the capture logic runs against
 * this. The test plays the compositor. Thread-safe.
 */
final class EmulatedKms implements KmsDevice {
    static final int CRTC = 40;
    private static final int ENOENT = 2;

    private final Map<Integer, int[]> planes = new LinkedHashMap<>();   // id -> {crtc, fb}
    private final Map<Integer, Fb> framebuffers = new HashMap<>();
    private final Map<Integer, Fb> openHandles = new HashMap<>();
    private final List<Memfd> buffers = new ArrayList<>();
    private int nextHandle = 1;
    private boolean privileged = true;
    private boolean closed;
    final AtomicInteger closes = new AtomicInteger();
    final AtomicInteger handlesClosed = new AtomicInteger();

    /** A framebuffer: what GETFB2 reports, and the memory behind it. */
    record Fb(int id, int format, int width, int height, int[] pitches, int[] offsets, long modifier, int flags,
              boolean split, Memfd memory) {
    }

    EmulatedKms() {
        planes.put(31, new int[] {0, 0});   // primary
        planes.put(33, new int[] {0, 0});   // cursor
    }

    /** Adds a framebuffer of a layout and draws the pattern's frame {@code index} into it (RGB formats). */
    synchronized void addFramebuffer(int fbId, PlaneLayout layout, long index) {
        Memfd memory = new Memfd("emulated-bo", layout.requiredBytes());
        buffers.add(memory);
        if (layout.format().isRgb()) {
            Frame f = memory.frame(layout);
            new SyntheticPattern(layout.width(), layout.height()).render(index, f);
            f.release();
        }
        int[] pitches = new int[4];
        int[] offsets = new int[4];
        for (int p = 0; p < layout.planeCount(); p++) {
            pitches[p] = layout.stride(p);
            offsets[p] = (int) layout.offset(p);
        }
        framebuffers.put(fbId, new Fb(fbId, layout.format().fourcc(), layout.width(), layout.height(), pitches, offsets,
                0, 2, false, memory));
    }

    synchronized Fb fb(int fbId) {
        return framebuffers.get(fbId);
    }

    /** Replaces what GETFB2 reports for a framebuffer (to report bad ones). */
    synchronized void reportAs(int fbId, java.util.function.UnaryOperator<Fb> change) {
        framebuffers.put(fbId, change.apply(framebuffers.get(fbId)));
    }

    synchronized void scanout(int planeId, int fbId) {
        planes.put(planeId, new int[] {fbId == 0 ? 0 : CRTC, fbId});
    }

    synchronized void setPrivileged(boolean privileged) {
        this.privileged = privileged;
    }

    synchronized int openHandleCount() {
        return openHandles.size();
    }

    synchronized boolean isClosed() {
        return closed;
    }

    @Override
    public String name() {
        return "emulated-card0";
    }

    @Override
    public synchronized List<Integer> planeIds() {
        check();
        return List.copyOf(planes.keySet());
    }

    @Override
    public synchronized KmsPlane plane(int planeId) {
        check();
        int[] p = planes.get(planeId);
        if (p == null) {
            throw new DrmException("DRM_IOCTL_MODE_GETPLANE " + planeId + " on " + name(), new LastErrorException(ENOENT));
        }
        return new KmsPlane(planeId, p[0], p[1], 1);
    }

    @Override
    public synchronized KmsFramebuffer framebuffer(int fbId) {
        check();
        Fb fb = framebuffers.get(fbId);
        if (fb == null) {
            throw new DrmException("DRM_IOCTL_MODE_GETFB2 " + fbId + " on " + name(), new LastErrorException(ENOENT));
        }
        int[] handles = new int[4];
        if (privileged) {
            int planes = DrmFormat.fromFourcc(fb.format).map(DrmFormat::planeCount).orElse(1);
            int handle = nextHandle++;
            openHandles.put(handle, fb);
            for (int p = 0; p < planes; p++) {
                handles[p] = handle;
            }
            if (fb.split && planes > 1) {
                handles[1] = nextHandle++;
                openHandles.put(handles[1], fb);
            }
        }
        return new KmsFramebuffer(fbId, fb.width, fb.height, fb.format, fb.flags, handles, fb.pitches, fb.offsets,
                fb.modifier);
    }

    @Override
    public synchronized int primeFd(int handle) {
        check();
        Fb fb = openHandles.get(handle);
        if (fb == null) {
            throw new DrmException("DRM_IOCTL_PRIME_HANDLE_TO_FD of handle " + handle, new LastErrorException(ENOENT));
        }
        return LibC.dup(fb.memory.fd);
    }

    @Override
    public synchronized void closeHandle(int handle) {
        check();
        if (openHandles.remove(handle) == null) {
            throw new DrmException("DRM_IOCTL_GEM_CLOSE of handle " + handle, new LastErrorException(22));
        }
        handlesClosed.incrementAndGet();
    }

    private void check() {
        if (closed) {
            throw new IllegalStateException(name() + " used after close");
        }
    }

    @Override
    public synchronized void close() {
        closes.incrementAndGet();
        if (!closed) {
            closed = true;
            buffers.forEach(Memfd::close);
        }
    }
}
