package io.scanout.encode.internal;

import static org.bytedeco.ffmpeg.global.avutil.AV_HWDEVICE_TYPE_CUDA;
import static org.bytedeco.ffmpeg.global.avutil.AV_HWDEVICE_TYPE_QSV;
import static org.bytedeco.ffmpeg.global.avutil.AV_HWDEVICE_TYPE_VAAPI;
import static org.bytedeco.ffmpeg.global.avutil.AV_HWDEVICE_TYPE_VULKAN;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_CUDA;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_QSV;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_VAAPI;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_VULKAN;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The hardware an encoder runs on: FFmpeg's device type, the pixel format of frames in its memory,
 * and which device node it opens. {@link #check(String)} answers, without FFmpeg, whether the node
 * is there at all, so a host without a GPU says "no /dev/dri/renderD128" instead of a libva error.
 */
public enum HardwareType {
    /** VA-API on a DRM render node (Intel, AMD, and NVIDIA through nvidia-vaapi-driver). */
    VAAPI("vaapi", AV_HWDEVICE_TYPE_VAAPI, AV_PIX_FMT_VAAPI, 0),
    /** NVENC through CUDA; the NVIDIA driver's libcuda.so.1 is loaded at run time. */
    CUDA("cuda", AV_HWDEVICE_TYPE_CUDA, AV_PIX_FMT_CUDA, 0),
    /** Intel Quick Sync (oneVPL/libmfx), which opens the render node through VA-API on Linux. */
    QSV("qsv", AV_HWDEVICE_TYPE_QSV, AV_PIX_FMT_QSV, 16),
    /**
     * Vulkan video (any GPU whose Vulkan driver has encode queues): FFmpeg's default Vulkan device, or
     * the one on a given render node (a DRM device, the Vulkan device derived from it).
     */
    VULKAN("vulkan", AV_HWDEVICE_TYPE_VULKAN, AV_PIX_FMT_VULKAN, 0);

    /** The NVIDIA driver's control node: without it no CUDA device can exist. */
    static final String NVIDIA_CONTROL = "/dev/nvidiactl";

    private final String id;
    private final int deviceType;
    private final int pixelFormat;
    private final int framePoolSize;

    HardwareType(String id, int deviceType, int pixelFormat, int framePoolSize) {
        this.id = id;
        this.deviceType = deviceType;
        this.pixelFormat = pixelFormat;
        this.framePoolSize = framePoolSize;
    }

    public String id() {
        return id;
    }

    /** FFmpeg's {@code AVHWDeviceType}. */
    public int deviceType() {
        return deviceType;
    }

    /** FFmpeg's {@code AVPixelFormat} of frames in this hardware's memory, e.g. {@code AV_PIX_FMT_VAAPI}. */
    public int pixelFormat() {
        return pixelFormat;
    }

    /**
     * Surfaces allocated up front in a frames context; 0 lets FFmpeg grow the pool. QSV wants a fixed
     * pool: enough for the encoder's references plus the frame being uploaded.
     */
    int framePoolSize() {
        return framePoolSize;
    }

    /**
     * The device string for {@code av_hwdevice_ctx_create}: the render node for VAAPI and QSV (the one
     * asked for, else the first found, else {@code /dev/dri/renderD128} so that the reason names it),
     * {@code null} for CUDA (device 0), and for Vulkan the render node asked for, else {@code null}
     * (FFmpeg's first Vulkan device).
     */
    public String device(String devicePath) {
        if (this == CUDA || this == VULKAN && devicePath == null) {
            return null;
        }
        if (devicePath != null) {
            return devicePath;
        }
        List<String> nodes = RenderNodes.list();
        return nodes.isEmpty() ? RenderNodes.DEFAULT : nodes.get(0);
    }

    /**
     * Why this hardware cannot be there, decided from the file system alone: the device node is missing.
     *
     * @return the reason, e.g. {@code no /dev/dri/renderD128}; empty when the node exists (FFmpeg may
     *         still fail to open it)
     */
    public Optional<String> check(String devicePath) {
        if (this == CUDA) {
            return Files.exists(Path.of(NVIDIA_CONTROL))
                    ? Optional.empty() : Optional.of("no " + NVIDIA_CONTROL + " (no NVIDIA driver)");
        }
        if (this == VULKAN && devicePath == null) {
            // Vulkan video runs on a GPU's driver: a render node (Mesa) or the NVIDIA driver. Without
            // either, any Vulkan device there is a CPU one (lavapipe), which has no video encode.
            return !RenderNodes.list().isEmpty() || Files.exists(Path.of(NVIDIA_CONTROL)) ? Optional.empty()
                    : Optional.of("no GPU for Vulkan video (no /dev/dri render node, no " + NVIDIA_CONTROL + ")");
        }
        String node = device(devicePath);
        if (!Files.exists(Path.of(node))) {
            return Optional.of("no " + node);
        }
        if (!Files.isReadable(Path.of(node)) || !Files.isWritable(Path.of(node))) {
            return Optional.of(node + " is not readable and writable by this user (join its group, e.g. render)");
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return id;
    }
}
