package io.scanout.transport.mux;

import static org.bytedeco.ffmpeg.global.avutil.av_strerror;

import java.nio.charset.StandardCharsets;

/** FFmpeg's negative return codes as text a person can read. Stateless, thread-safe. */
final class AvErrors {
    /** {@code AVERROR(EIO)}: what a write callback answers when its output is gone. */
    static final int AVERROR_EIO = -5;
    /** {@code AVERROR_EXIT}: what FFmpeg returns when an interrupt callback stopped a call. */
    static final int AVERROR_EXIT = -1414092869;

    private AvErrors() {
    }

    /** {@code "<call> returned <code>: <FFmpeg's text>"}. */
    static String describe(String call, int code) {
        byte[] text = new byte[128];
        String meaning = "unknown error";
        if (av_strerror(code, text, text.length) >= 0) {
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
     * @throws MuxException {@code "<what> (<call> returned <code>: <text>)"} when it is
     */
    static int check(int code, String call, String what) {
        if (code < 0) {
            throw new MuxException(what + " (" + describe(call, code) + ")");
        }
        return code;
    }
}
