package io.scanout.encode.internal;

import io.scanout.encode.EncoderSettings;
import java.util.ArrayList;
import java.util.List;

/**
 * The private options ({@code av_opt_set} on the codec's {@code priv_data}) that make each encoder
 * fit for remote display: no frame delay, no B-frames or lookahead, IDR on request, the fastest
 * preset that still looks right, constant bitrate. Stateless.
 */
final class EncoderOptions {
    /** SVT-AV1's preset: 10..13 are its real-time range; 10 keeps screen text sharp at moderate bitrates. */
    static final String SVT_AV1_PRESET = "10";

    private EncoderOptions() {
    }

    /** Name/value pairs for {@code candidate} under {@code settings}, in the order they are set. */
    static List<String[]> privateOptions(EncoderCandidate candidate, EncoderSettings settings) {
        List<String[]> options = new ArrayList<>();
        boolean intraRefresh = settings.intraRefresh() && honoursIntraRefresh(candidate);
        switch (candidate) {
            case X264 -> {
                add(options, "preset", "ultrafast");
                add(options, "tune", "zerolatency");
                // A forced I frame is an IDR, not a recovery-point I frame: a viewer can start there.
                add(options, "forced-idr", "1");
                if (intraRefresh) {
                    add(options, "intra-refresh", "1");
                }
                if (settings.damageRoi()) {
                    // FFmpeg hands x264 regions of interest only with adaptive quantization on, which
                    // ultrafast turns off. At strength 0 x264 turns it off again and drops the offsets
                    // (seen: no effect), so this is variance AQ at its default strength.
                    add(options, "aq-mode", "variance");
                }
            }
            case OPENH264 -> {
                // Rate control on the bitrate rather than on quality, and never skip a frame to meet it:
                // a skipped frame would leave a viewer on a stale picture.
                add(options, "rc_mode", "bitrate");
                add(options, "allow_skip_frames", "0");
            }
            case X265 -> {
                add(options, "preset", "ultrafast");
                add(options, "tune", "zerolatency");
                add(options, "forced-idr", "1");
                // x265 prints its banner and statistics on stderr unless told otherwise.
                // Regions of interest need adaptive quantization on (ultrafast turns it off, and at strength
                // 0 x265 ignores the offsets: seen), so variance AQ at strength 1 when they are on.
                add(options, "x265-params", "log-level=error"
                        + (settings.damageRoi() ? ":aq-mode=1:aq-strength=1" : ""));
            }
            case VPX_VP8 -> {
                add(options, "deadline", "realtime");
                add(options, "cpu-used", "8");
                add(options, "lag-in-frames", "0");
                add(options, "auto-alt-ref", "0");
            }
            case VPX_VP9 -> {
                add(options, "deadline", "realtime");
                // 8 is libvpx's fastest VP9 real-time speed that still adapts to content.
                add(options, "cpu-used", "8");
                add(options, "lag-in-frames", "0");
                add(options, "row-mt", "1");
                add(options, "auto-alt-ref", "0");
            }
            case SVT_AV1 -> {
                add(options, "preset", SVT_AV1_PRESET);
                // rtc: SVT's real-time mode (its presets tuned for it); pred-struct 1 is low delay (no
                // frame waits for a later one); no scene-change detection, which looks ahead.
                add(options, "svtav1-params", "rtc=1:pred-struct=1:scd=0");
            }
            case H264_VAAPI, HEVC_VAAPI, AV1_VAAPI, VP8_VAAPI, VP9_VAAPI -> {
                add(options, "rc_mode", "CBR");
                // One frame in flight: each frame's packet comes out before the next goes in.
                add(options, "async_depth", "1");
            }
            case H264_NVENC, HEVC_NVENC, AV1_NVENC -> {
                add(options, "preset", "p1");
                add(options, "tune", "ull");
                add(options, "rc", "cbr");
                add(options, "zerolatency", "1");
                add(options, "delay", "0");
                add(options, "forced-idr", "1");
                if (intraRefresh) {
                    add(options, "intra-refresh", "1");
                }
            }
            case H264_QSV, HEVC_QSV, VP9_QSV -> {
                add(options, "preset", "veryfast");
                add(options, "async_depth", "1");
                add(options, "forced_idr", "1");
                if (candidate != EncoderCandidate.VP9_QSV) {
                    add(options, "low_delay_brc", "1");
                }
            }
            case H264_VULKAN, HEVC_VULKAN -> {
                add(options, "rc_mode", "cbr");
                // Ultra-low-latency tuning and the driver's streaming and screen-content hints; one frame
                // in flight, so each frame's packet comes out before the next goes in.
                add(options, "tune", "ull");
                add(options, "usage", "stream");
                add(options, "content", "desktop");
                add(options, "async_depth", "1");
            }
            default -> throw new IllegalStateException("no options for " + candidate);
        }
        return options;
    }

    /**
     * The {@code thread_count} to open {@code candidate} with for a {@code width}×{@code height} stream on a
     * host with {@code cpus} processors; 0 lets the encoder choose.
     *
     * <p>libvpx's multi-threaded encoders synchronise their row threads by spinning ({@code sched_yield}
     * in a loop). When the threads outnumber the cores left free — a 2-core host also encoding other
     * streams, or running anything busy — each frame waits out scheduler slices: VP8 at 320×240 on two
     * loaded cores was seen taking 1–1.6 s a frame with two threads and 1 ms with one. So libvpx gets
     * threads only where the frame is big enough to split and cores are plentiful, after WebRTC's rules
     * for its own real-time libvpx encoders.
     *
     * <p>x264's zero-latency threading cuts each frame into one slice per thread. noVNC (1.7) hands
     * every slice to the browser's decoder as a frame of its own and shows garbage, so x264 runs one
     * thread — one slice — up to 1920×1200, where one core keeps up with the ultrafast preset; bigger
     * frames need the threads, and noVNC viewers of them a hardware encoder (one slice per frame).
     * The others wait on condition variables and pick their own count.
     */
    static int threadCount(EncoderCandidate candidate, int width, int height, int cpus) {
        long pixels = (long) width * height;
        return switch (candidate) {
            case X264 -> pixels <= 1920 * 1200 ? 1 : 0;
            case VPX_VP8 -> pixels >= 1920 * 1080 && cpus > 8 ? 8
                    : pixels >= 1280 * 960 && cpus > 6 ? 3
                    : pixels >= 640 * 480 && cpus > 3 ? 2
                    : 1;
            case VPX_VP9 -> pixels >= 1920 * 1080 && cpus > 8 ? 8
                    : pixels >= 1280 * 720 && cpus > 4 ? 4
                    : pixels >= 640 * 360 && cpus > 2 ? 2
                    : 1;
            default -> 0;
        };
    }

    /** Whether the encoder can refresh by intra stripes instead of periodic IDR frames. */
    static boolean honoursIntraRefresh(EncoderCandidate candidate) {
        return switch (candidate) {
            case X264, H264_NVENC, HEVC_NVENC, AV1_NVENC -> true;
            default -> false;
        };
    }

    /**
     * Whether the encoder takes a new bitrate between frames from the codec context's {@code bit_rate},
     * {@code rc_max_rate} and {@code rc_buffer_size}: FFmpeg's libx264 wrapper reconfigures x264 when
     * they change ({@code reconfig_encoder}, checked before every frame). NVENC's wrapper does too, but
     * only where the driver reports dynamic bitrate and silently otherwise, so NVENC is re-opened like
     * the rest: a re-open costs one keyframe, a silent no-op costs the viewer's link.
     */
    static boolean reconfiguresBitrate(EncoderCandidate candidate) {
        return candidate == EncoderCandidate.X264;
    }

    private static void add(List<String[]> options, String name, String value) {
        options.add(new String[] {name, value});
    }
}
