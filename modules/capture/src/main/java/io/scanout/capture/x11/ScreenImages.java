package io.scanout.capture.x11;

import com.sun.jna.Pointer;
import io.scanout.core.DrmFormat;
import io.scanout.core.Frame;
import io.scanout.core.FramePool;
import io.scanout.core.VideoFormat;
import java.util.ArrayList;
import java.util.List;

/**
 * Where the screen is fetched to: a few shared-memory images lent out as frames as they are (no
 * copy, as FFmpeg's x11grab hands out its segment), and one more that is copied into a pooled frame
 * when every lent image is still held downstream — the stage keeps the previous frame to compare
 * with, and one may be converting. Without MIT-SHM, only the copy. Confined to the capture thread;
 * opened and closed under the display setup lock.
 */
final class ScreenImages implements AutoCloseable {
    /** Images to lend: the one change detection keeps, one converting, one to fetch into. */
    private static final int LENT = 3;

    private final ScreenImage copied;
    private final List<ScreenImage> lent;

    private ScreenImages(ScreenImage copied, List<ScreenImage> lent) {
        this.copied = copied;
        this.lent = lent;
    }

    static ScreenImages open(Pointer display, int screen, long root, int width, int height) throws X11Exception {
        ScreenImage copied = ScreenImage.open(display, screen, root, width, height);
        List<ScreenImage> lent = new ArrayList<>();
        try {
            while (copied.isShared() && lent.size() < LENT) {
                ScreenImage image = ScreenImage.openSharedOnly(display, screen, root, width, height);
                if (image == null) {
                    break;
                }
                lent.add(image);
            }
        } catch (X11Exception | RuntimeException e) {
            lent.forEach(ScreenImage::close);
            copied.close();
            throw e;
        }
        return new ScreenImages(copied, List.copyOf(lent));
    }

    DrmFormat format() {
        return copied.format();
    }

    boolean isShared() {
        return copied.isShared();
    }

    /** The screen now as a frame of {@code format}: a free lent image if there is one, else a pooled copy. */
    Frame capture(FramePool pool, VideoFormat format) throws X11Exception {
        for (ScreenImage image : lent) {
            if (image.isFree()) {
                return image.captureShared(format);
            }
        }
        Frame frame = pool.acquire(format);
        try {
            copied.captureInto(frame);
            return frame;
        } catch (X11Exception | RuntimeException e) {
            frame.release();
            throw e;
        }
    }

    /** Detaches every image from the X server; lent frames still held keep their segments mapped. */
    @Override
    public void close() {
        lent.forEach(ScreenImage::close);
        copied.close();
    }
}
