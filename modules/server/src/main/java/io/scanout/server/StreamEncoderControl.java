package io.scanout.server;

import io.scanout.encode.EncodeVideo;
import io.scanout.encode.EncoderSettings;
import io.scanout.transport.EncoderControl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /streams/{id}/encoder} on a running stream: bitrate and frame rate go to its
 * {@link EncodeVideo} ({@link EncodeVideo#setBitrate}, {@link EncodeVideo#setFrameRate}), checked
 * against {@link EncoderSettings}' bounds before either is applied. A change lasts while the
 * stream runs; a reload that restarts the stream (its settings changed) starts from the config again.
 */
final class StreamEncoderControl implements EncoderControl {
    private static final Logger log = LoggerFactory.getLogger(StreamEncoderControl.class);

    private final String streamId;
    private final EncodeVideo encoder;

    StreamEncoderControl(String streamId, EncodeVideo encoder) {
        this.streamId = streamId;
        this.encoder = encoder;
    }

    @Override
    public Rates rates() {
        EncoderSettings now = encoder.settings();
        return new Rates(now.bitrate(), now.frameRate());
    }

    @Override
    public synchronized Rates change(String bitrate, Integer fps) {
        Long bits = bitrate == null ? null : EncoderSettings.parseBitrate(bitrate);
        if (fps != null) {
            // Checked before anything is applied, so a wrong fps leaves the bitrate as it was.
            EncoderSettings.defaults().withFrameRate(fps);
        }
        if (bits != null) {
            encoder.setBitrate(bits);
        }
        if (fps != null) {
            encoder.setFrameRate(fps);
        }
        Rates now = rates();
        log.info("stream {}: encoder set to {} bit/s, {} fps", streamId, now.bitrate(), now.fps());
        return now;
    }
}
