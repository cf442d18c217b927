package io.scanout.encode;

import io.scanout.core.Codec;
import io.scanout.core.VideoFormat;
import io.scanout.encode.internal.EncoderCandidate;
import io.scanout.encode.internal.EncoderUnavailableException;
import io.scanout.encode.internal.FfmpegEncoder;
import io.scanout.encode.internal.HardwareType;
import io.scanout.encode.internal.RenderNodes;
import io.scanout.encode.internal.VaapiProfiles;
import java.util.ArrayList;
import java.util.List;

/**
 * Asks this host which encoders work, as data: for each encoder of a codec, in rank order, whether
 * the FFmpeg build has it, whether its device and then the encoder open at a given size, and why not
 * — what {@code scanout probe} and {@code /streams} show, and what {@link EncodeVideo}'s choice rests
 * on. Also lists the DRM render nodes and what a VAAPI device reports.
 *
 * <p>Stateless and thread-safe. Each call opens and frees devices and encoders on the caller's
 * thread, and blocks for as long as that takes (a hardware encoder can take a second to open).
 */
public final class EncoderProbe {
    private EncoderProbe() {
    }

    /** Every encoder of {@code codec}, best first, tried at {@code width}×{@code height} on the first render node. */
    public static List<ProbeResult> probe(Codec codec, int width, int height) {
        return probe(EncoderSettings.builder().encoder(EncoderChoice.AUTO).codec(codec).build(), width, height);
    }

    /**
     * The encoders {@code settings} allow (its encoder choice, codec, device and rate), best first,
     * each tried at {@code width}×{@code height}: built in, device opens, encoder opens.
     */
    public static List<ProbeResult> probe(EncoderSettings settings, int width, int height) {
        List<ProbeResult> results = new ArrayList<>();
        for (EncoderCandidate candidate : EncoderCandidate.ranked(settings.encoder(), settings.codec())) {
            results.add(probe(candidate, settings, width, height));
        }
        return List.copyOf(results);
    }

    private static ProbeResult probe(EncoderCandidate candidate, EncoderSettings settings, int width, int height) {
        if (!candidate.isAvailable()) {
            return EncoderLineup.result(candidate, false, false, "not in this FFmpeg build");
        }
        VideoFormat format;
        try {
            format = new VideoFormat(candidate.inputFormat(), width, height);
        } catch (IllegalArgumentException e) {
            return EncoderLineup.result(candidate, true, false, e.getMessage());
        }
        try (FfmpegEncoder opened = new FfmpegEncoder(candidate, format, settings)) {
            return EncoderLineup.result(candidate, true, true, "");
        } catch (EncoderUnavailableException e) {
            return EncoderLineup.result(candidate, true, false, e.getMessage());
        } catch (EncodeException e) {
            // Not a host limit but a size or format the encoder never takes: a reason all the same.
            return EncoderLineup.result(candidate, true, false, e.getMessage());
        }
    }

    /** The DRM render nodes of this host, e.g. {@code [/dev/dri/renderD128]}; empty without a GPU. */
    public static List<String> renderNodes() {
        return RenderNodes.list();
    }

    /**
     * What the VAAPI driver on {@code devicePath} (null: the first render node) reports: its vendor and
     * each profile with its entrypoints ({@code EncSlice} means it encodes), e.g. {@code H264High: VLD,
     * EncSlice}; or why the device does not open.
     */
    public static VaapiReport vaapi(String devicePath) {
        String device = HardwareType.VAAPI.device(devicePath);
        try {
            VaapiProfiles.Report report = VaapiProfiles.query(devicePath);
            return new VaapiReport(device, true, "", report.vendor(),
                    report.profiles().stream().map(VaapiProfiles.Profile::toString).toList());
        } catch (EncoderUnavailableException | IllegalStateException e) {
            return new VaapiReport(device, false, e.getMessage(), "", List.of());
        } catch (UnsatisfiedLinkError e) {
            return new VaapiReport(device, false, "libva.so.2 cannot be loaded: " + e.getMessage(), "", List.of());
        }
    }

    /**
     * What a VAAPI device reported.
     *
     * @param device   the render node asked
     * @param opens    whether a VAAPI device opened on it
     * @param reason   why not; empty when it opened
     * @param vendor   the driver's vendor string, e.g. {@code Intel iHD driver … 24.1.0}
     * @param profiles each profile and its entrypoints
     */
    public record VaapiReport(String device, boolean opens, String reason, String vendor, List<String> profiles) {
    }
}
