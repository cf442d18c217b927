package io.scanout.encode.internal;

import static org.bytedeco.ffmpeg.global.avutil.av_strerror;

import io.scanout.encode.EncodeException;
import java.nio.charset.StandardCharsets;

/** FFmpeg's negative return codes, turned into {@link EncodeException}s a person can read. */
public final class FfmpegErrors {
    /** {@code AVERROR(EAGAIN)}: Linux's EAGAIN is 11; the presets do not map the {@code AVERROR} macro. */
    public static final int AVERROR_EAGAIN = -11;

    private FfmpegErrors() {
    }

    /** {@code "<call> returned <code>: <FFmpeg's text>"}, e.g. {@code avcodec_open2 returned -22: Invalid argument}. */
    public static String describe(String call, int code) {
        byte[] text = new byte[128];
        String meaning;
        if (av_strerror(code, text, text.length) < 0) {
            meaning = "unknown error";
        } else {
            int end = 0;
            while (end < text.length && text[end] != 0) {
                end++;
            }
            meaning = new String(text, 0, end, StandardCharsets.UTF_8);
        }
        return call + " returned " + code + ": " + meaning;
    }

    /**
     * Returns {@code code} when it is not negative.
     *
     * @throws EncodeException {@code "<what> (<call> returned <code>: <text>)"} when it is
     */
    public static int check(int code, String call, String what) {
        if (code < 0) {
            throw new EncodeException(what + " (" + describe(call, code) + ")");
        }
        return code;
    }
}
