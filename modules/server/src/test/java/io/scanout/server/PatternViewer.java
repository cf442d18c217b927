package io.scanout.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.scanout.capture.synthetic.SyntheticPattern;
import io.scanout.core.Frame;
import io.scanout.core.FramePool;
import io.scanout.core.Rect;
import io.scanout.core.VideoFormat;
import io.scanout.encode.testing.DecodedPicture;
import io.scanout.encode.testing.H264Decoder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import reactor.core.Disposable;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.WebsocketClientSpec;

/**
 * One WebSocket viewer kept open for a whole test, decoding the H.264 stream of a region producer's
 * animated {@link SyntheticPattern} across CONFIG changes (each new configuration starts a new
 * decoder), and checking every decoded picture, whole, against the producer's frame it shows.
 *
 * <p>Which frame a picture shows is read from the picture's own counter (each digit cell compared
 * with the ten digits, drawn by the pattern); which size and format the producer drew it in is
 * the {@link Phase} its capture time falls in (or the one before, for a keep-alive repeating the old
 * producer's last picture: {@code phaseOf}). The frame is then re-rendered and the PSNR of the
 * whole picture must be at least {@link #MIN_PSNR_DB}: a misread counter, a wrong size or format,
 * a torn or stale frame all fail it.
 */
final class PatternViewer implements AutoCloseable {
    static final double MIN_PSNR_DB = 35.0;

    private final BlockingQueue<Object> messages = new LinkedBlockingQueue<>();
    private final Disposable connection;
    private final FramePool pool = new FramePool();
    private ViewerClient.Config config;
    private H264Decoder decoder;
    private int configs;
    private int decoderErrors;
    private double worstRaw = Double.POSITIVE_INFINITY;

    /** Which size and format the producer draws in from {@code fromEpochMicros} on (server's capture clock). */
    record Phase(long fromEpochMicros, VideoFormat format) {
    }

    /** What {@link #checkUntil} saw in one call. */
    record Checked(int pictures, double worstPsnr, List<Long> frameIndexes) {
    }

    private PatternViewer(int port, String stream) {
        connection = HttpClient.create()
                .websocket(WebsocketClientSpec.builder().maxFramePayloadLength(16 << 20).build())
                .uri("ws://127.0.0.1:" + port + "/streams/" + stream)
                .handle((in, out) -> in.receive().asByteArray())
                .map(ViewerClient::parse)
                .subscribe(messages::add, e -> messages.add(e), () -> messages.add("closed"));
    }

    static PatternViewer connect(int port, String stream) {
        return new PatternViewer(port, stream);
    }

    /** Epoch microseconds now, on the clock the server stamps packets with. */
    static long nowMicros() {
        return System.currentTimeMillis() * 1000;
    }

    /**
     * Decodes and checks every picture that arrives until {@code wanted} pictures of {@code last}'s
     * phase were checked. Each picture is compared with the frame of the phase its capture time
     * falls in ({@code phases} in time order).
     */
    Checked checkUntil(List<Phase> phases, int wanted, Duration timeout) throws InterruptedException {
        Phase target = phases.get(phases.size() - 1);
        long deadline = System.nanoTime() + timeout.toNanos();
        int inTarget = 0;
        int pictures = 0;
        double worst = Double.POSITIVE_INFINITY;
        List<Long> indexes = new ArrayList<>();
        while (inTarget < wanted) {
            long left = deadline - System.nanoTime();
            Object m = left > 0 ? messages.poll(left, TimeUnit.NANOSECONDS) : null;
            if (m == null) {
                throw new AssertionError("after " + timeout + ": " + inTarget + " of " + wanted + " pictures of "
                        + target.format() + " (" + pictures + " checked in all)");
            }
            if (m instanceof Throwable t) {
                throw new AssertionError("the viewer's connection failed", t);
            }
            if (m instanceof ViewerClient.Config c) {
                configure(c);
            } else if (m instanceof ViewerClient.Packet p) {
                List<DecodedPicture> decoded = decode(p);
                // libx264 zerolatency has no B-frames and one decoder thread holds nothing back.
                assertThat(decoded).as("pictures out of one packet").hasSize(1);
                Phase phase = phaseOf(phases, p.captureEpochMicros(), decoded.get(0));
                double psnr = check(decoded.get(0), phase.format(), indexes);
                worst = Math.min(worst, psnr);
                pictures++;
                if (phase == target) {
                    inTarget++;
                }
            } else if ("closed".equals(m)) {
                throw new AssertionError("the server closed the viewer's connection");
            }
        }
        assertThat(decoderErrors + (decoder == null ? 0 : decoder.errors())).as("decoder errors").isZero();
        return new Checked(pictures, worst, indexes);
    }

    /**
     * The lowest whole-picture PSNR against the RGB frames themselves, colour edges included: below
     * {@link #MIN_PSNR_DB} where a colour bar's edge falls on an odd column, which 4:2:0 cannot carry.
     */
    double worstRawPsnr() {
        return worstRaw;
    }

    /** CONFIG messages seen so far. */
    int configs() {
        return configs;
    }

    private void configure(ViewerClient.Config c) {
        configs++;
        if (config != null && config.width() == c.width() && config.height() == c.height()
                && Arrays.equals(config.parameterSets(), c.parameterSets())) {
            return;
        }
        closeDecoder();
        config = c;
        decoder = new H264Decoder();
    }

    private List<DecodedPicture> decode(ViewerClient.Packet p) {
        assertThat(decoder).as("a PACKET before any CONFIG").isNotNull();
        byte[] payload = p.payload();
        if (p.keyframe() && config.parameterSets().length > 0) {
            // The protocol's rule: a keyframe without its own SPS gets CONFIG's in front; a repeat does no harm.
            byte[] withSets = Arrays.copyOf(config.parameterSets(), config.parameterSets().length + payload.length);
            System.arraycopy(payload, 0, withSets, config.parameterSets().length, payload.length);
            payload = withSets;
        }
        return decoder.decode(payload);
    }

    /**
     * The phase a picture captured at {@code captureEpochMicros} was drawn in: the one its capture
     * time falls in — or the one before, when the picture has that phase's size and not its own. That
     * is a keep-alive: while the source reconnects to the new producer, the convert stage repeats the
     * old producer's last picture, stamped with the time it repeats it (a second after the last
     * frame, as the source's own timeout). It is still checked whole against that producer's frame.
     */
    private static Phase phaseOf(List<Phase> phases, long captureEpochMicros, DecodedPicture picture) {
        int at = 0;
        for (int i = 0; i < phases.size(); i++) {
            if (phases.get(i).fromEpochMicros() <= captureEpochMicros) {
                at = i;
            }
        }
        Phase phase = phases.get(at);
        if (at > 0 && !hasSize(phase, picture) && hasSize(phases.get(at - 1), picture)) {
            return phases.get(at - 1);
        }
        return phase;
    }

    private static boolean hasSize(Phase phase, DecodedPicture picture) {
        return phase.format().width() == picture.width() && phase.format().height() == picture.height();
    }

    /** The whole-picture PSNR against the frame the picture's counter names, asserted ≥ {@link #MIN_PSNR_DB}. */
    private double check(DecodedPicture picture, VideoFormat format, List<Long> indexes) {
        assertThat(picture.corrupt()).as("%s flagged corrupt by the decoder", picture).isFalse();
        assertThat(picture.width() + "x" + picture.height()).as("picture size for %s", format)
                .isEqualTo(format.width() + "x" + format.height());
        SyntheticPattern pattern = new SyntheticPattern(format.width(), format.height());
        long index = readCounter(pattern, format, picture);
        indexes.add(index);
        Frame expected = pool.acquire(format);
        try {
            pattern.render(index, expected);
            double psnr = Chroma420.psnr(Chroma420.of(expected), picture);
            double raw = Images.psnr(expected, picture, new Rect(0, 0, format.width(), format.height()));
            worstRaw = Math.min(worstRaw, raw);
            assertThat(psnr).as("whole-picture PSNR of frame %d, %s, against its 4:2:0 form (against the RGB"
                    + " frame itself: %.1f dB)", index, format, raw).isGreaterThanOrEqualTo(MIN_PSNR_DB);
            return psnr;
        } finally {
            expected.release();
        }
    }

    /**
     * The frame index the picture's counter shows: each of its digit cells is compared with the
     * same cell of frames {@code d × 1111111111} (every digit {@code d}), the closest wins.
     */
    private long readCounter(SyntheticPattern pattern, VideoFormat format, DecodedPicture picture) {
        Rect counter = pattern.counterRect();
        int scale = counter.height() / 9; // 7 rows of glyph and a pixel of margin, scaled
        int cell = 6 * scale;             // 5 columns of glyph and one of space
        double[][] distance = new double[SyntheticPattern.COUNTER_DIGITS][10];
        for (int d = 0; d < 10; d++) {
            Frame digits = pool.acquire(format);
            try {
                pattern.render(d * 1_111_111_111L, digits);
                for (int k = 0; k < SyntheticPattern.COUNTER_DIGITS; k++) {
                    Rect r = new Rect(counter.x() + scale + k * cell, counter.y(), cell, counter.height());
                    double psnr = Images.psnr(digits, picture, r);
                    distance[k][d] = -psnr;
                }
            } finally {
                digits.release();
            }
        }
        long value = 0;
        for (int k = 0; k < SyntheticPattern.COUNTER_DIGITS; k++) {
            int best = 0;
            for (int d = 1; d < 10; d++) {
                if (distance[k][d] < distance[k][best]) {
                    best = d;
                }
            }
            value = value * 10 + best;
        }
        return value;
    }

    private void closeDecoder() {
        if (decoder != null) {
            decoder.flush();
            decoderErrors += decoder.errors();
            decoder.close();
            decoder = null;
        }
    }

    @Override
    public void close() {
        connection.dispose();
        closeDecoder();
        pool.close();
    }
}
