package io.scanout.capture.vfio;

import io.scanout.core.DrmFormat;
import io.scanout.core.FramePool;
import io.scanout.core.VideoFormat;
import io.scanout.core.metrics.StreamMeters;
import java.util.List;

/**
 * An emulated mbochs vGPU ({@link EmulatedMbochs}, dma-buf planes, EDID region, a cursor plane),
 * for tests outside this package that put a real {@link VfioSource} behind a stream: this machine
 * has no vGPU. The test plays the guest: it moves the cursor, and its display follows EDID sizes
 * as a guest would. Thread-safe.
 */
public final class EmulatedVfioDisplay {
    /** The device's {@code max_xres}/{@code max_yres}: larger requests are clamped to these. */
    public static final int MAX_WIDTH = EmulatedMbochs.MAX_XRES;
    public static final int MAX_HEIGHT = EmulatedMbochs.MAX_YRES;

    private final EmulatedMbochs device;

    /** A dma-buf display showing XR24 at this size, its cursor hidden. */
    public EmulatedVfioDisplay(int width, int height) {
        this.device = new EmulatedMbochs(PlaneKind.DMABUF, new VideoFormat(DrmFormat.XR24, width, height));
    }

    /** A source reading this device, {@code fps} queries a second; it opens the device on subscribe. */
    public VfioSource source(int fps, FramePool pool, StreamMeters meters) {
        return VfioSource.open(new VfioSettings(VfioSourceTest.DEVICE, fps, null), () -> device, pool, meters);
    }

    /**
     * The guest shows a new {@code width × height} ARGB8888 cursor whose pixel bytes (B, G, R, A
     * in memory) are {@code (seed + i) & 0xff}, with this hotspot.
     */
    public void showCursor(int width, int height, int hotX, int hotY, int seed) {
        device.showCursor(width, height, hotX, hotY, seed);
    }

    /** The guest moves the cursor image's top-left corner to {@code x,y}. */
    public void moveCursor(int x, int y) {
        device.moveCursor(x, y);
    }

    public void hideCursor() {
        device.hideCursor();
    }

    /** What the source wrote to the EDID region, in order ({@code "link_state=2"}, {@code "blob 128 B"}, ...). */
    public List<String> edidWrites() {
        return List.copyOf(device.edidWrites);
    }
}
