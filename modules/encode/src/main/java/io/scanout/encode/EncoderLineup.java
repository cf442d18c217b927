package io.scanout.encode;

import io.scanout.core.DrmFormat;
import io.scanout.core.VideoFormat;
import io.scanout.encode.internal.EncoderCandidate;
import io.scanout.encode.internal.EncoderUnavailableException;
import io.scanout.encode.internal.FfmpegEncoder;
import io.scanout.encode.internal.HardwareDevice;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The encoders one {@link EncodeVideo} may use, ranked, and what became of each: the ones passed
 * over when the stage was made (not in the build, no device), the one planned (its input format is
 * the stage's), and the ones that later failed to open at a stream's size. Each passing-over is
 * logged once and counted ({@code scanout.encoder.fallbacks}).
 *
 * <p>Thread-safe: made on the caller's thread, then read by every subscription's encoder thread;
 * {@link #open} runs on an encoder thread and blocks while FFmpeg opens devices and encoders.
 */
final class EncoderLineup {
    private static final Logger LOG = LoggerFactory.getLogger(EncoderLineup.class);

    private final EncoderSettings settings;
    private final List<EncoderCandidate> ranked;
    private final int plannedIndex;
    private final EncoderMeters meters;
    /** By rank: what is known of each candidate now. */
    private final List<ProbeResult> status;
    /** Whether the planned encoder encodes 10 bits in this build (asked once: a native query). */
    private final boolean plannedTakesTenBits;
    /** "name format" of opens that failed, and why: not tried again for that format. */
    private final Map<String, String> openFailures = new ConcurrentHashMap<>();

    private EncoderLineup(EncoderSettings settings, List<EncoderCandidate> ranked, int plannedIndex,
                          List<ProbeResult> status, EncoderMeters meters) {
        this.settings = settings;
        this.ranked = ranked;
        this.plannedIndex = plannedIndex;
        this.status = new CopyOnWriteArrayList<>(status);
        this.meters = meters;
        this.plannedTakesTenBits = ranked.get(plannedIndex).encodesTenBits();
    }

    /**
     * Ranks the encoders the settings allow and takes the first one that is in the build and whose
     * device opens (a software encoder needs none). Logs the outcome once.
     *
     * @throws EncodeException listing every encoder and why none can serve
     */
    static EncoderLineup resolve(EncoderSettings settings, EncoderMeters meters) {
        return resolve(settings, meters, EncoderCandidate.ranked(settings.encoder(), settings.codec()));
    }

    /** {@link #resolve(EncoderSettings, EncoderMeters)} over a given ranking (tests stand in for other builds with it). */
    static EncoderLineup resolve(EncoderSettings settings, EncoderMeters meters, List<EncoderCandidate> ranked) {
        return resolve(settings, meters, ranked, EncoderCandidate::isAvailable);
    }

    /**
     * As above, with what counts as "in this FFmpeg build" given: tests stand in for a build without
     * an encoder (e.g. an LGPL FFmpeg without libx264) by leaving it out.
     */
    static EncoderLineup resolve(EncoderSettings settings, EncoderMeters meters, List<EncoderCandidate> ranked,
                                 Predicate<EncoderCandidate> built) {
        List<ProbeResult> status = new ArrayList<>();
        List<String> passedOver = new ArrayList<>();
        int planned = -1;
        for (int i = 0; i < ranked.size(); i++) {
            EncoderCandidate candidate = ranked.get(i);
            if (planned >= 0) {
                status.add(result(candidate, built.test(candidate), false,
                        "not tried: " + ranked.get(planned).ffmpegName() + " ranks higher"));
                continue;
            }
            try {
                checkUsable(candidate, settings, built);
                planned = i;
                status.add(result(candidate, true, true, ""));
            } catch (EncoderUnavailableException e) {
                status.add(result(candidate, e.reason() != EncoderUnavailableException.Reason.NOT_BUILT, false,
                        e.getMessage()));
                passedOver.add(candidate.ffmpegName() + ": " + e.getMessage());
                meters.fallback(candidate.ffmpegName(), e.reason());
            }
        }
        if (planned < 0) {
            throw new EncodeException("no " + settings.codec() + " encoder for --encoder=" + settings.encoder()
                    + " (" + String.join("; ", passedOver) + ")" + hint(settings));
        }
        EncoderCandidate chosen = ranked.get(planned);
        if (passedOver.isEmpty()) {
            LOG.info("encoding {} with {} ({}, {} in{}; --encoder={}): {}", settings.codec(), chosen.ffmpegName(),
                    chosen.kind(), chosen.inputFormat(), chosen.encodesTenBits() ? ", P010 at 10 bits" : "",
                    settings.encoder(), settings);
        } else {
            LOG.warn("encoding {} with {} ({}, {} in; --encoder={}), passed over {}: {}", settings.codec(),
                    chosen.ffmpegName(), chosen.kind(), chosen.inputFormat(), settings.encoder(),
                    String.join("; ", passedOver), settings);
        }
        return new EncoderLineup(settings, ranked, planned, status, meters);
    }

    private static String hint(EncoderSettings settings) {
        if (settings.bitDepth() == BitDepth.TEN) {
            List<String> tenBits = new ArrayList<>();
            for (EncoderCandidate candidate : EncoderCandidate.values()) {
                if (candidate.kind() == EncoderKind.SOFTWARE && candidate.encodesTenBits()) {
                    tenBits.add(candidate.ffmpegName() + " (--codec " + candidate.codec().id() + ")");
                }
            }
            return "; software encoders taking 10 bits in this build: " + (tenBits.isEmpty() ? "none"
                    : String.join(", ", tenBits)) + "; --bit-depth auto or 8 encodes 8 bits";
        }
        return switch (settings.codec()) {
            case H264 -> "; libx264 needs FFmpeg's GPL build, libopenh264 one built with --enable-libopenh264";
            case HEVC -> "; HEVC needs a GPU (VAAPI, NVENC, QSV, Vulkan) or FFmpeg's GPL build with libx265";
            default -> "";
        };
    }

    /**
     * Whether an encoder can be used here, short of opening it: it is in the build and, for hardware,
     * its device opens (the device is closed again at once).
     *
     * @throws EncoderUnavailableException saying why not
     */
    static void checkUsable(EncoderCandidate candidate, EncoderSettings settings, Predicate<EncoderCandidate> built) {
        if (!built.test(candidate)) {
            throw new EncoderUnavailableException(EncoderUnavailableException.Reason.NOT_BUILT,
                    "not in this FFmpeg build");
        }
        if (settings.bitDepth() == BitDepth.TEN && !candidate.encodesTenBits()) {
            throw new EncoderUnavailableException(EncoderUnavailableException.Reason.OPEN_FAILED,
                    "encodes 8 bits only in this FFmpeg build, and --bit-depth 10 asks for 10");
        }
        if (candidate.hardware() != null) {
            HardwareDevice.open(candidate.hardware(), settings.devicePath()).close();
        }
    }

    static ProbeResult result(EncoderCandidate candidate, boolean available, boolean opens, String reason) {
        return new ProbeResult(candidate.ffmpegName(), candidate.kind(), candidate.codec(), available, opens, reason);
    }

    /** The encoder the stage plans on: its input format is the stage's. */
    EncoderCandidate planned() {
        return ranked.get(plannedIndex);
    }

    /**
     * The format CPU frames of 8-bit sources are to have: P010 under {@code --bit-depth 10}, else
     * the planned encoder's own.
     */
    DrmFormat inputFormat() {
        return settings.bitDepth().tenBits(8, settings.codec(), plannedTakesTenBits) ? DrmFormat.P010
                : planned().inputFormat();
    }

    /** The format CPU frames of sources of more than 8 bits are to have when they are encoded at 10 bits. */
    Optional<DrmFormat> highDepthFormat() {
        return settings.bitDepth().tenBits(10, settings.codec(), plannedTakesTenBits) ? Optional.of(DrmFormat.P010)
                : Optional.empty();
    }

    /**
     * Whether the stage takes CPU frames of {@code format}: the planned encoder's own, or P010 when
     * it encodes 10 bits and {@code --bit-depth} is not 8.
     */
    boolean stageTakes(DrmFormat format) {
        return format == planned().inputFormat()
                || format == DrmFormat.P010 && plannedTakesTenBits && settings.bitDepth() != BitDepth.EIGHT;
    }

    /** Every ranked encoder and what is known of it now. */
    List<ProbeResult> status() {
        return List.copyOf(status);
    }

    /**
     * Opens the best encoder that opens for this format: the planned one, else the next in rank
     * (each failure logged once per format, counted, and not retried for that format).
     *
     * @throws EncodeException listing each encoder tried and why it did not open
     */
    FfmpegEncoder open(VideoFormat format, boolean dmaBuf, EncoderSettings current) {
        List<String> reasons = new ArrayList<>();
        for (int i = plannedIndex; i < ranked.size(); i++) {
            EncoderCandidate candidate = ranked.get(i);
            if (dmaBuf && !candidate.dmaBufFormats().contains(format.format())) {
                reasons.add(candidate.ffmpegName() + ": does not import " + format + " dma-bufs");
                continue;
            }
            if (!dmaBuf && !candidate.takes(format.format())) {
                // A fallback below a 10-bit encoder may take 8 bits only: it is passed over for P010.
                reasons.add(candidate.ffmpegName() + ": does not take " + format + " frames");
                continue;
            }
            String key = candidate.ffmpegName() + " " + format + (dmaBuf ? " dma-buf" : "");
            String failed = openFailures.get(key);
            if (failed != null) {
                reasons.add(candidate.ffmpegName() + ": " + failed);
                continue;
            }
            try {
                FfmpegEncoder encoder = new FfmpegEncoder(candidate, format, dmaBuf, current);
                if (!reasons.isEmpty()) {
                    LOG.warn("{} {} opened instead of the encoders ranked above it: {}", candidate.ffmpegName(),
                            format, String.join("; ", reasons));
                }
                return encoder;
            } catch (EncoderUnavailableException e) {
                reasons.add(candidate.ffmpegName() + ": " + e.getMessage());
                meters.fallback(candidate.ffmpegName(), e.reason());
                if (openFailures.putIfAbsent(key, e.getMessage()) == null) {
                    LOG.warn("{} cannot encode {}{}, trying the next encoder: {}", candidate.ffmpegName(), format,
                            dmaBuf ? " dma-bufs" : "", e.getMessage());
                    status.set(i, result(candidate, true, false, e.getMessage()));
                }
            }
        }
        throw new EncodeException("no " + current.codec() + " encoder opens for " + format + (dmaBuf ? " dma-bufs" : "")
                + " with --encoder=" + current.encoder() + " (" + String.join("; ", reasons) + ")");
    }

    EncoderSettings settings() {
        return settings;
    }
}
