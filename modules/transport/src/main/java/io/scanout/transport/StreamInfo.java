package io.scanout.transport;

/**
 * What {@code GET /streams} says about one stream; serialised to JSON with these field names.
 *
 * @param id      the stream's id, as in {@code /streams/{id}}
 * @param source  where frames come from, a URI string (e.g. {@code vnc://127.0.0.1:5900})
 * @param width   captured width in pixels, 0 before the first frame
 * @param height  captured height in pixels, 0 before the first frame
 * @param format  fourcc code of the captured frames (e.g. {@code XR24}), empty before the first
 * @param codec   codec id, e.g. {@code h264}
 * @param encoder encoder name, e.g. {@code libx264}
 * @param codecString the stream's RFC 6381 codec string (e.g. {@code avc1.64001F}), empty before
 *                    the encoder's first keyframe
 * @param bitDepth    bits per sample of the encoded stream, 8 or 10 ({@code --bit-depth auto}
 *                    follows the source), 0 before the encoder's first keyframe
 * @param viewers viewers connected now
 * @param fps     measured output frame rate, 0 when nothing is flowing
 * @param state   e.g. {@code starting}, {@code running}, {@code restarting}, {@code stopped}
 * @param sourceState   whether the source delivers: {@code starting}, {@code connected},
 *                      {@code reconnecting}, {@code error} (dropping bad frames), {@code failed}
 * @param sourceError   the source's last error message (kept after it recovers), or null
 * @param sourceErrorAt when that error happened, ISO-8601 UTC ({@code 2025-01-31T12:00:00Z}), or null
 */
public record StreamInfo(String id, String source, int width, int height, String format, String codec,
                         String encoder, String codecString, int bitDepth, int viewers, double fps, String state,
                         String sourceState, String sourceError, String sourceErrorAt) {
    /**
     * A stream whose source and encoder output are not tracked (embedders, tests): shown as
     * {@code connected}, no error, no codec string or bit depth yet.
     */
    public StreamInfo(String id, String source, int width, int height, String format, String codec,
                      String encoder, int viewers, double fps, String state) {
        this(id, source, width, height, format, codec, encoder, "", 0, viewers, fps, state, "connected", null, null);
    }
}
