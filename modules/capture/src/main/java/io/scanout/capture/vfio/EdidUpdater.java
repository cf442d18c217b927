package io.scanout.capture.vfio;

import io.scanout.capture.vfio.internal.VfioAbi;
import io.scanout.capture.vfio.internal.VfioRegionGfxEdid;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks the guest for a display size through the device's EDID region
 * ({@code VFIO_REGION_TYPE_GFX} / {@code VFIO_REGION_SUBTYPE_GFX_EDID}), the way QEMU's
 * {@code vfio_display_edid_update} does: link down, write an EDID whose preferred mode is the
 * size (clamped to the region's {@code max_xres}/{@code max_yres}), write its size, link up —
 * the guest sees a monitor hot-plugged and picks the mode.
 *
 * <p>The header is read and written one 4-byte field at a time: mbochs ignores any other access.
 * Confined to the poller's thread.
 */
final class EdidUpdater {
    private static final Logger log = LoggerFactory.getLogger(EdidUpdater.class);
    /** The smallest size asked for: below this no desktop is usable. */
    static final int MIN_WIDTH = 320;
    static final int MIN_HEIGHT = 200;
    private static final VfioRegionGfxEdid FIELDS = new VfioRegionGfxEdid();

    private final GfxDevice device;
    private boolean searched;
    private GfxRegionInfo region;
    /** The size of the EDID last written, {@code w << 32 | h}; -1 before the first. */
    private long written = -1;

    EdidUpdater(GfxDevice device) {
        this.device = device;
    }

    /**
     * Asks the guest for {@code width × height}, clamped.
     *
     * <p>A size equal to the one last written is not written again: every viewer of a stream (and
     * every reconnect) sends its size, and each write takes the guest's link down and up.
     *
     * @return the size asked for after clamping; empty when the device has no EDID region
     */
    Optional<int[]> request(int width, int height) {
        if (!searched) {
            searched = true;
            region = find();
            if (region == null) {
                log.info("vfio {}: no EDID region, so viewers cannot choose the display size", device.name());
            }
        }
        if (region == null) {
            return Optional.empty();
        }
        int edidOffset = readField("edid_offset");
        long maxSize = Integer.toUnsignedLong(readField("edid_max_size"));
        long maxX = Integer.toUnsignedLong(readField("max_xres"));
        long maxY = Integer.toUnsignedLong(readField("max_yres"));
        if (maxSize < Edid.SIZE || Integer.toUnsignedLong(edidOffset) + Edid.SIZE > region.size()) {
            throw new VfioException("EDID region " + region.index() + " of " + device.name() + " cannot hold an EDID: blob at "
                    + Integer.toUnsignedString(edidOffset) + ", at most " + maxSize + " B, region " + region.size() + " B");
        }
        int w = clamp(width, MIN_WIDTH, maxX == 0 ? Edid.MAX_SIDE : Math.min(maxX, Edid.MAX_SIDE));
        int h = clamp(height, MIN_HEIGHT, maxY == 0 ? Edid.MAX_SIDE : Math.min(maxY, Edid.MAX_SIDE));
        if (written == ((long) w << 32 | h)) {
            log.debug("vfio {}: the guest was already asked for {}x{}", device.name(), w, h);
            return Optional.of(new int[] {w, h});
        }
        written = (long) w << 32 | h;
        byte[] edid = Edid.preferring(w, h);
        writeField("link_state", VfioAbi.VFIO_DEVICE_GFX_LINK_STATE_DOWN);
        device.writeRegion(region, Integer.toUnsignedLong(edidOffset), edid);
        writeField("edid_size", edid.length);
        writeField("link_state", VfioAbi.VFIO_DEVICE_GFX_LINK_STATE_UP);
        log.info("vfio {}: asked the guest for {}x{} (requested {}x{}, the device allows up to {}x{})", device.name(),
                w, h, width, height, maxX == 0 ? "any" : maxX, maxY == 0 ? "any" : maxY);
        return Optional.of(new int[] {w, h});
    }

    private static int clamp(int value, int min, long max) {
        return (int) Math.max(min, Math.min(value, max));
    }

    private GfxRegionInfo find() {
        for (int i = 0; i < device.regionCount(); i++) {
            GfxRegionInfo info;
            try {
                info = device.regionInfo(i);
            } catch (VfioException e) {
                // PCI devices have holes in their region numbering (no ROM, no VGA): skip them.
                continue;
            }
            if (info.isEdid() && info.canRead() && info.canWrite()) {
                return info;
            }
        }
        return null;
    }

    private int readField(String field) {
        byte[] b = new byte[4];
        device.readRegion(region, FIELDS.offsetOf(field), b);
        return b[0] & 0xff | (b[1] & 0xff) << 8 | (b[2] & 0xff) << 16 | (b[3] & 0xff) << 24;
    }

    private void writeField(String field, int value) {
        device.writeRegion(region, FIELDS.offsetOf(field),
                new byte[] {(byte) value, (byte) (value >> 8), (byte) (value >> 16), (byte) (value >> 24)});
    }
}
