package io.scanout.capture.drm;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import io.scanout.capture.drm.internal.DrmAbi;
import io.scanout.capture.drm.internal.DrmGemClose;
import io.scanout.capture.drm.internal.DrmModeFbCmd2;
import io.scanout.capture.drm.internal.DrmModeGetPlane;
import io.scanout.capture.drm.internal.DrmModeGetPlaneRes;
import io.scanout.capture.drm.internal.DrmPrimeHandle;
import io.scanout.capture.drm.internal.DrmSetClientCap;
import io.scanout.core.nativeio.LibC;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real DRM card: the node opened read-write (read-only when that is all the user may), universal
 * planes switched on so primary planes are listed, and the kmsgrab calls as ioctls on its fd.
 */
final class DrmKmsDevice implements KmsDevice {
    private static final Logger log = LoggerFactory.getLogger(DrmKmsDevice.class);
    private static final int EACCES = 13;
    /** More planes than this is not a GPU. */
    private static final int MAX_PLANES = 1024;

    private final Path path;
    private final int fd;
    private final AtomicBoolean closed = new AtomicBoolean();

    private DrmKmsDevice(Path path, int fd) {
        this.path = path;
        this.fd = fd;
    }

    static DrmKmsDevice open(Path path) {
        int fd;
        try {
            fd = LibC.open(path.toString(), LibC.O_RDWR | LibC.O_CLOEXEC);
        } catch (LastErrorException e) {
            if (e.getErrorCode() != EACCES) {
                throw new DrmException("cannot open " + path, e);
            }
            try {
                fd = LibC.open(path.toString(), LibC.O_RDONLY | LibC.O_CLOEXEC);
            } catch (LastErrorException again) {
                throw new DrmException("cannot open " + path + " (not even read-only)", again);
            }
        }
        DrmKmsDevice device = new DrmKmsDevice(path, fd);
        try {
            DrmSetClientCap cap = new DrmSetClientCap();
            cap.capability = DrmAbi.DRM_CLIENT_CAP_UNIVERSAL_PLANES;
            cap.value = 1;
            device.ioctl(DrmAbi.DRM_IOCTL_SET_CLIENT_CAP, cap, "DRM_IOCTL_SET_CLIENT_CAP (universal planes)");
        } catch (RuntimeException e) {
            device.close();
            throw e;
        }
        log.info("drm {}: opened", path);
        return device;
    }

    private void ioctl(long request, Structure arg, String what) {
        arg.write();
        try {
            LibC.ioctl(fd, new NativeLong(request), arg.getPointer());
        } catch (LastErrorException e) {
            throw new DrmException(what + " on " + path, e);
        }
        arg.read();
    }

    @Override
    public String name() {
        return path.toString();
    }

    @Override
    public List<Integer> planeIds() {
        DrmModeGetPlaneRes res = new DrmModeGetPlaneRes();
        ioctl(DrmAbi.DRM_IOCTL_MODE_GETPLANERESOURCES, res, "DRM_IOCTL_MODE_GETPLANERESOURCES");
        int count = res.count_planes;
        if (count <= 0) {
            return List.of();
        }
        if (count > MAX_PLANES) {
            throw new DrmException(path + " reports " + count + " planes, more than the " + MAX_PLANES + " Scanout takes");
        }
        try (Memory ids = new Memory(4L * count)) {
            res.plane_id_ptr = Pointer.nativeValue(ids);
            res.count_planes = count;
            ioctl(DrmAbi.DRM_IOCTL_MODE_GETPLANERESOURCES, res, "DRM_IOCTL_MODE_GETPLANERESOURCES");
            // Planes can only go away between the calls (hot-unplug): read no more than were asked for.
            int n = Math.min(count, res.count_planes);
            List<Integer> out = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                out.add(ids.getInt(4L * i));
            }
            return out;
        }
    }

    @Override
    public KmsPlane plane(int planeId) {
        DrmModeGetPlane plane = new DrmModeGetPlane();
        plane.plane_id = planeId;
        ioctl(DrmAbi.DRM_IOCTL_MODE_GETPLANE, plane, "DRM_IOCTL_MODE_GETPLANE " + planeId);
        return new KmsPlane(plane.plane_id, plane.crtc_id, plane.fb_id, plane.possible_crtcs);
    }

    @Override
    public KmsFramebuffer framebuffer(int fbId) {
        DrmModeFbCmd2 fb = new DrmModeFbCmd2();
        fb.fb_id = fbId;
        ioctl(DrmAbi.DRM_IOCTL_MODE_GETFB2, fb, "DRM_IOCTL_MODE_GETFB2 " + fbId);
        return new KmsFramebuffer(fb.fb_id, fb.width, fb.height, fb.pixel_format, fb.flags, fb.handles, fb.pitches,
                fb.offsets, fb.modifier[0]);
    }

    @Override
    public int primeFd(int handle) {
        DrmPrimeHandle prime = new DrmPrimeHandle();
        prime.handle = handle;
        prime.flags = DrmAbi.DRM_CLOEXEC;
        ioctl(DrmAbi.DRM_IOCTL_PRIME_HANDLE_TO_FD, prime, "DRM_IOCTL_PRIME_HANDLE_TO_FD of handle " + handle);
        return prime.fd;
    }

    @Override
    public void closeHandle(int handle) {
        DrmGemClose close = new DrmGemClose();
        close.handle = handle;
        ioctl(DrmAbi.DRM_IOCTL_GEM_CLOSE, close, "DRM_IOCTL_GEM_CLOSE of handle " + handle);
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            try {
                LibC.close(fd);
            } catch (LastErrorException e) {
                log.warn(LibC.describe("drm " + path + ": close", e));
            }
        }
    }
}
