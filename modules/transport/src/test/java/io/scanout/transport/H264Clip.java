package io.scanout.transport;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.scanout.core.Codec;
import io.scanout.core.CodecConfig;
import io.scanout.core.EncodedPacket;
import io.scanout.core.metrics.StreamMeters;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import reactor.core.publisher.Flux;

/**
 * A real H.264 stream for tests, made by Debian's ffmpeg (libx264) and cut into access units:
 * the left half one colour, the right half another. Skips the test where ffmpeg is missing.
 *
 * @param accessUnits Annex B, one per frame, each starting with its access unit delimiter
 * @param keyframes   whether each access unit holds an IDR slice
 */
record H264Clip(CodecConfig config, List<byte[]> accessUnits, List<Boolean> keyframes) {
    static final Path FFMPEG = Path.of("/usr/bin/ffmpeg");
    static final int LEFT_RGB = 0xE0A020;
    static final int RIGHT_RGB = 0x3070C0;

    static H264Clip make(Path dir, int width, int height, int frames, int gop) throws IOException, InterruptedException {
        assumeTrue(Files.isExecutable(FFMPEG), "Debian's ffmpeg is not installed; skipping");
        Path out = dir.resolve("clip.h264");
        Process ffmpeg = new ProcessBuilder(FFMPEG.toString(), "-hide_banner", "-loglevel", "error", "-y",
                "-f", "lavfi", "-i", String.format("color=c=0x%06X:size=%dx%d:rate=30,drawbox=x=0:y=0:w=%d:h=%d:"
                        + "color=0x%06X:t=fill", RIGHT_RGB, width, height, width / 2, height, LEFT_RGB),
                "-frames:v", String.valueOf(frames), "-c:v", "libx264", "-profile:v", "baseline",
                "-tune", "zerolatency", "-g", String.valueOf(gop), "-bf", "0", "-pix_fmt", "yuv420p",
                "-x264-params", "aud=1", "-f", "h264", out.toString())
                .redirectErrorStream(true).start();
        String log = new String(ffmpeg.getInputStream().readAllBytes());
        if (!ffmpeg.waitFor(60, TimeUnit.SECONDS) || ffmpeg.exitValue() != 0) {
            throw new IllegalStateException("ffmpeg failed: " + log);
        }
        return parse(Files.readAllBytes(out), width, height);
    }

    /** Cuts an Annex B stream with access unit delimiters into access units. */
    static H264Clip parse(byte[] stream, int width, int height) {
        List<int[]> nals = new ArrayList<>(); // start of the start code, start of the NAL header
        for (int i = 0; i + 3 < stream.length; i++) {
            if (stream[i] == 0 && stream[i + 1] == 0 && stream[i + 2] == 1) {
                int from = i > 0 && stream[i - 1] == 0 ? i - 1 : i;
                nals.add(new int[] {from, i + 3});
                i += 2;
            }
        }
        List<byte[]> units = new ArrayList<>();
        List<Boolean> keys = new ArrayList<>();
        ByteArrayOutputStream unit = null;
        ByteArrayOutputStream parameterSets = new ByteArrayOutputStream();
        byte[] sps = null;
        boolean key = false;
        for (int n = 0; n < nals.size(); n++) {
            int from = nals.get(n)[0];
            int header = nals.get(n)[1];
            int to = n + 1 < nals.size() ? nals.get(n + 1)[0] : stream.length;
            int type = stream[header] & 0x1f;
            if (type == 9) { // access unit delimiter: a new frame
                if (unit != null) {
                    units.add(unit.toByteArray());
                    keys.add(key);
                }
                unit = new ByteArrayOutputStream();
                key = false;
            }
            if (type == 5) {
                key = true;
            }
            if ((type == 7 || type == 8) && units.isEmpty()) {
                parameterSets.write(stream, from, to - from);
                if (type == 7) {
                    sps = java.util.Arrays.copyOfRange(stream, header, to);
                }
            }
            unit.write(stream, from, to - from);
        }
        units.add(unit.toByteArray());
        keys.add(key);
        String codecString = String.format("avc1.%02X%02X%02X", sps[1] & 0xff, sps[2] & 0xff, sps[3] & 0xff);
        CodecConfig config = new CodecConfig(Codec.H264, "libx264", width, height, 8, codecString,
                parameterSets.toByteArray());
        return new H264Clip(config, units, keys);
    }

    /** The access unit without its SPS and PPS, as an encoder with global headers makes them. */
    byte[] withoutParameterSets(int index) {
        byte[] au = accessUnits.get(index);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        List<Integer> starts = new ArrayList<>();
        for (int i = 0; i + 3 < au.length; i++) {
            if (au[i] == 0 && au[i + 1] == 0 && au[i + 2] == 1) {
                starts.add(i > 0 && au[i - 1] == 0 ? i - 1 : i);
                i += 2;
            }
        }
        for (int s = 0; s < starts.size(); s++) {
            int from = starts.get(s);
            int to = s + 1 < starts.size() ? starts.get(s + 1) : au.length;
            int header = au[from + 2] == 1 ? from + 3 : from + 4;
            int type = au[header] & 0x1f;
            if (type != 7 && type != 8) {
                out.write(au, from, to - from);
            }
        }
        return out.toByteArray();
    }

    /**
     * A hub for stream "desk" fed this clip in a loop at 30 fps, each packet's capture time now, its
     * access units as {@code accessUnit} gives them by index. The caller disposes the hub.
     */
    StreamHub loop(IntFunction<byte[]> accessUnit) {
        StreamHub hub = new StreamHub("desk", ViewerLimits.defaults(), () -> { }, StreamMeters.noop());
        int n = accessUnits.size();
        hub.connect(Flux.interval(Duration.ofMillis(33)).onBackpressureDrop()
                .map(i -> new EncodedPacket(config, accessUnit.apply((int) (i % n)), i * 33_333,
                        keyframes.get((int) (i % n)), i, System.nanoTime())));
        return hub;
    }

    /** Stream "desk" over {@code hub}, described as a {@code width}×{@code height} H.264 clip. */
    static StreamEndpoint endpoint(StreamHub hub, int width, int height) {
        StreamInfo info = new StreamInfo("desk", "test:clip", width, height, "XR24", "h264", "libx264", 0, 30, "running");
        return new StreamEndpoint() {
            @Override
            public StreamHub hub() {
                return hub;
            }

            @Override
            public StreamInfo info() {
                return info;
            }
        };
    }
}
