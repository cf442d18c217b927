package io.scanout.encode.internal;

import static org.bytedeco.ffmpeg.global.avutil.AV_HWDEVICE_TYPE_DRM;
import static org.bytedeco.ffmpeg.global.avutil.av_buffer_unref;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_free;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_set;
import static org.bytedeco.ffmpeg.global.avutil.av_hwdevice_ctx_create;
import static org.bytedeco.ffmpeg.global.avutil.av_hwdevice_ctx_create_derived;

import java.util.Locale;
import java.util.Optional;
import org.bytedeco.ffmpeg.avutil.AVBufferRef;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVHWDeviceContext;
import org.bytedeco.javacpp.Pointer;

/**
 * An FFmpeg hardware device context ({@code AVHWDeviceContext}) on one device node: a VAAPI display,
 * a CUDA context, a QSV session, a Vulkan device — or, for dma-buf import, a DRM device with a VAAPI
 * device derived from it, so that both name the same GPU.
 *
 * <p>Owns its references and drops them once, in {@link #close()}, in reverse order of creation. Those
 * who need the device past this object's life (a codec context, a frames context) take their own
 * reference ({@code av_buffer_ref}). Used by one thread at a time.
 */
public final class HardwareDevice implements AutoCloseable {
    /** QSV's implementation choice: any hardware implementation (oneVPL or the Media SDK). */
    static final String QSV_IMPLEMENTATION = "hw_any";

    private final HardwareType type;
    private final String device;
    private final NativeChain natives;
    private final AVBufferRef ref;
    private boolean closed;

    private HardwareDevice(HardwareType type, String device, NativeChain natives, AVBufferRef ref) {
        this.type = type;
        this.device = device;
        this.natives = natives;
        this.ref = ref;
    }

    /**
     * Opens {@code type} on its device node ({@link HardwareType#device(String)}).
     *
     * @throws EncoderUnavailableException {@code NO_DEVICE} when the node is missing (FFmpeg is not
     *                                     called then), {@code DEVICE_FAILED} naming the call and its
     *                                     error when FFmpeg cannot open it
     */
    public static HardwareDevice open(HardwareType type, String devicePath) {
        String device = type.device(devicePath);
        Optional<String> missing = type.check(devicePath);
        if (missing.isPresent()) {
            throw new EncoderUnavailableException(EncoderUnavailableException.Reason.NO_DEVICE, missing.get());
        }
        NativeChain natives = new NativeChain();
        if (type == HardwareType.VULKAN && device != null) {
            // FFmpeg's Vulkan device string is an index or a device name, not a node: the Vulkan device
            // on a render node is the one derived from a DRM device on it.
            return derive(natives, type, device);
        }
        AVBufferRef ref = type == HardwareType.QSV
                // QSV's device string picks the Media SDK implementation; the render node goes to the
                // VAAPI device it opens underneath, as the child_device option.
                ? create(natives, type.deviceType(), type.id(), QSV_IMPLEMENTATION, device)
                : create(natives, type.deviceType(), type.id(), device, null);
        return new HardwareDevice(type, device, natives, ref);
    }

    /**
     * A DRM device on a render node and a VAAPI device derived from it: what importing dma-bufs into
     * VAAPI surfaces needs ({@code av_hwframe_map} from {@code AV_PIX_FMT_DRM_PRIME}).
     *
     * @throws EncoderUnavailableException as {@link #open}
     */
    public static HardwareDevice openDrmWithVaapi(String devicePath) {
        HardwareType type = HardwareType.VAAPI;
        String device = type.device(devicePath);
        Optional<String> missing = type.check(devicePath);
        if (missing.isPresent()) {
            throw new EncoderUnavailableException(EncoderUnavailableException.Reason.NO_DEVICE, missing.get());
        }
        return derive(new NativeChain(), type, device);
    }

    /** A DRM device on {@code device} (a render node) and a {@code type} device derived from it, in {@code natives}. */
    private static HardwareDevice derive(NativeChain natives, HardwareType type, String device) {
        try {
            AVBufferRef drm = create(natives, AV_HWDEVICE_TYPE_DRM, "drm", device, null);
            AVBufferRef derivedRef = new AVBufferRef((Pointer) null);
            int derived = av_hwdevice_ctx_create_derived(derivedRef, type.deviceType(), drm, 0);
            String name = type.id().toUpperCase(Locale.ROOT);
            if (derived < 0) {
                throw new EncoderUnavailableException(EncoderUnavailableException.Reason.DEVICE_FAILED,
                        "cannot derive a " + name + " device from DRM device " + device + " ("
                                + FfmpegErrors.describe("av_hwdevice_ctx_create_derived", derived) + ")");
            }
            natives.add(name + " device derived from " + device, derivedRef, r -> av_buffer_unref(r));
            return new HardwareDevice(type, device, natives, derivedRef);
        } catch (RuntimeException | Error e) {
            natives.close();
            throw e;
        }
    }

    /** @param childDevice the render node under a QSV device, else null */
    private static AVBufferRef create(NativeChain natives, int deviceType, String name, String device,
                                      String childDevice) {
        AVBufferRef ref = new AVBufferRef((Pointer) null);
        AVDictionary options = new AVDictionary((Pointer) null);
        int created;
        try {
            if (childDevice != null) {
                FfmpegErrors.check(av_dict_set(options, "child_device", childDevice, 0), "av_dict_set",
                        "cannot set child_device " + childDevice);
            }
            created = av_hwdevice_ctx_create(ref, deviceType, device, options, 0);
        } finally {
            av_dict_free(options);
        }
        String node = childDevice != null ? childDevice : device == null ? "0" : device;
        if (created < 0 || ref.isNull()) {
            natives.close();
            throw new EncoderUnavailableException(EncoderUnavailableException.Reason.DEVICE_FAILED,
                    "cannot open " + name + " device " + node + " ("
                            + FfmpegErrors.describe("av_hwdevice_ctx_create", created) + ")");
        }
        return natives.add(name + " device " + node, ref, r -> av_buffer_unref(r));
    }

    public HardwareType type() {
        return type;
    }

    /** The device node, or {@code null} for CUDA's default device. */
    public String device() {
        return device;
    }

    /** The device context's buffer: take a reference ({@code av_buffer_ref}) to keep it past {@link #close()}. */
    public AVBufferRef ref() {
        checkOpen();
        return ref;
    }

    /** The type-specific context ({@code AVVAAPIDeviceContext} for VAAPI); valid until {@link #close()}. */
    public Pointer hardwareContext() {
        checkOpen();
        return new AVHWDeviceContext(ref.data()).hwctx();
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException(type + " device " + device + " is closed");
        }
    }

    /** Drops this object's references, last made first; idempotent. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            natives.close();
        }
    }

    @Override
    public String toString() {
        return type + " device " + (device == null ? "0" : device) + (closed ? " (closed)" : "");
    }
}
