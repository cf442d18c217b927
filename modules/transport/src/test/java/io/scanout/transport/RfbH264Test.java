package io.scanout.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.scanout.transport.rfb.RfbSecurity;
import io.scanout.transport.rfb.RfbServer;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Open H.264 over RFB, checked with an independent decoder: a bare client asks for encoding 50,
 * reads the rectangles' Annex B payloads, and Debian's ffmpeg decodes them to the clip's two
 * known colours. Also checks the framing: one rectangle per packet covering the frame, the
 * reset-context flag on the first.
 */
class RfbH264Test {
    private static final int WIDTH = 320;
    private static final int HEIGHT = 240;

    @TempDir
    Path dir;
    private StreamHub hub;
    private RfbServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        if (hub != null) {
            hub.dispose();
        }
    }

    @Test
    void rectanglesCarryAStreamFfmpegDecodes() throws Exception {
        H264Clip clip = H264Clip.make(dir, WIDTH, HEIGHT, 60, 30);
        hub = clip.loop(clip::withoutParameterSets);
        StreamEndpoint endpoint = H264Clip.endpoint(hub, WIDTH, HEIGHT);
        server = RfbServer.start("127.0.0.1", 0, () -> Optional.of(endpoint), RfbSecurity.loopbackOnly());
        ByteArrayOutputStream annexB = new ByteArrayOutputStream();
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(20_000);
            DataInputStream in = new DataInputStream(socket.getInputStream());
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            in.readFully(new byte[12]);
            out.write("RFB 003.008\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(in.readUnsignedByte()).isEqualTo(1);
            assertThat(in.readUnsignedByte()).isEqualTo(1);
            out.writeByte(1);
            assertThat(in.readInt()).isZero();
            out.writeByte(1);
            assertThat(in.readUnsignedShort()).isEqualTo(WIDTH);
            assertThat(in.readUnsignedShort()).isEqualTo(HEIGHT);
            in.readFully(new byte[16]);
            in.readFully(new byte[in.readInt()]);
            out.write(new byte[] {2, 0, 0, 3, 0, 0, 0, 50, -1, -1, -1, 33, 0, 0, 0, 0}); // 50, DesktopSize, Raw
            out.write(new byte[] {3, 0, 0, 0, 0, 0, (byte) (WIDTH >> 8), (byte) WIDTH, 0, (byte) HEIGHT});
            out.flush();
            for (int update = 0; update < 40; update++) {
                assertThat(in.readUnsignedByte()).as("FramebufferUpdate").isZero();
                in.readUnsignedByte();
                assertThat(in.readUnsignedShort()).as("one rectangle per packet").isEqualTo(1);
                assertThat(new int[] {in.readUnsignedShort(), in.readUnsignedShort(), in.readUnsignedShort(),
                        in.readUnsignedShort(), in.readInt()}).containsExactly(0, 0, WIDTH, HEIGHT, 50);
                int length = in.readInt();
                int flags = in.readInt();
                assertThat(flags).as("flags of update %d", update).isEqualTo(update == 0 ? 1 : 0);
                assertThat(length).isBetween(1, 1 << 20);
                byte[] payload = new byte[length];
                in.readFully(payload);
                annexB.write(payload);
            }
        }
        Path stream = dir.resolve("rfb.h264");
        Files.write(stream, annexB.toByteArray());
        Process ffmpeg = new ProcessBuilder(H264Clip.FFMPEG.toString(), "-hide_banner", "-loglevel", "error",
                "-f", "h264", "-i", stream.toString(), "-f", "rawvideo", "-pix_fmt", "rgb24", "-")
                .redirectError(dir.resolve("ffmpeg.log").toFile()).start();
        byte[] rgb = ffmpeg.getInputStream().readAllBytes();
        assertThat(ffmpeg.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(ffmpeg.exitValue()).as(Files.readString(dir.resolve("ffmpeg.log"))).isZero();
        int frames = rgb.length / (WIDTH * HEIGHT * 3);
        assertThat(frames).as("decoded frames").isEqualTo(40);
        int last = (frames - 1) * WIDTH * HEIGHT * 3;
        assertNear(rgb, last, WIDTH / 4, HEIGHT / 2, H264Clip.LEFT_RGB);
        assertNear(rgb, last, 3 * WIDTH / 4, HEIGHT / 2, H264Clip.RIGHT_RGB);
    }

    private static void assertNear(byte[] rgb, int frameOffset, int x, int y, int want) {
        int at = frameOffset + (y * WIDTH + x) * 3;
        int[] got = {rgb[at] & 0xff, rgb[at + 1] & 0xff, rgb[at + 2] & 0xff};
        int[] expected = {want >> 16 & 0xff, want >> 8 & 0xff, want & 0xff};
        for (int c = 0; c < 3; c++) {
            assertThat(got[c]).as("channel %d at %d,%d", c, x, y).isCloseTo(expected[c],
                    org.assertj.core.data.Offset.offset(12));
        }
    }
}
