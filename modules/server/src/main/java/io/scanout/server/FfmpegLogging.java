package io.scanout.server;

import org.bytedeco.ffmpeg.global.avutil;

/**
 * FFmpeg writes its own log straight to stderr; the server keeps it to warnings and errors, so
 * Scanout's log is not drowned in encoder banners ({@code SCANOUT_FFMPEG_LOG=info} or
 * {@code debug} shows more when an encoder needs looking into).
 */
final class FfmpegLogging {
    private FfmpegLogging() {
    }

    static void configure() {
        String wanted = System.getenv().getOrDefault("SCANOUT_FFMPEG_LOG", "warning");
        int level;
        switch (wanted) {
            case "quiet": level = avutil.AV_LOG_QUIET; break;
            case "error": level = avutil.AV_LOG_ERROR; break;
            case "info": level = avutil.AV_LOG_INFO; break;
            case "verbose": level = avutil.AV_LOG_VERBOSE; break;
            case "debug": level = avutil.AV_LOG_DEBUG; break;
            default: level = avutil.AV_LOG_WARNING; break;
        }
        avutil.av_log_set_level(level);
    }
}
