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
 * @param viewers viewers connected now
 * @param fps     measured output frame rate, 0 when nothing is flowing
 * @param state   e.g. {@code starting}, {@code running}, {@code restarting}, {@code stopped}
 */
public record StreamInfo(String id, String source, int width, int height, String format, String codec,
                         String encoder, int viewers, double fps, String state) {
}
