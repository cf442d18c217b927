package io.scanout.capture.testing;

import io.scanout.capture.x11.XwdImage;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * A QEMU guest for a test: {@code qemu-system-x86_64} with TCG, Debian's kernel and a busybox
 * initramfs whose init ({@code init} beside this class, a classpath resource so that other
 * modules' tests boot the same guest from this module's test-jar) draws {@link #BARS} into the
 * framebuffer (vesafb, {@value #WIDTH}x{@value #HEIGHT}, 24 bits per pixel). Its serial console
 * is this object's {@link #shell(String, Duration)}; QMP gives {@link #screendump()}; its VNC
 * server listens on {@link #vncPort()} on 127.0.0.1.
 *
 * <p>The test owns it and closes it; {@link #boot} and {@link #shell} block. One test thread at a
 * time.
 */
public final class QemuGuest implements AutoCloseable {
    public static final Path QEMU = Path.of("/usr/bin/qemu-system-x86_64");
    public static final Path BUSYBOX = Path.of("/bin/busybox");
    public static final int WIDTH = 1024;
    public static final int HEIGHT = 768;
    /**
     * The picture init draws, 0xRRGGBB: eight vertical bars of 128 pixels over the top 512 rows and
     * four blocks of 256 below. Flat areas an H.264 encoder reproduces closely (random pixels it
     * cannot), all edges on multiples of 128 pixels, so on macroblock and 4:2:0 chroma boundaries.
     */
    public static final int[] BARS = {0xc0c0c0, 0xc0c000, 0x00c0c0, 0x00c000, 0xc000c0, 0xc00000, 0x0000c0,
        0x101010};
    public static final int[] BLOCKS = {0x2040a0, 0xf0f0f0, 0x803060, 0x406020};

    private final Process qemu;
    private final Path dir;
    private final int vncPort;
    private final BlockingQueue<String> serial = new LinkedBlockingQueue<>();
    private final OutputStream console;
    private int commands;

    private QemuGuest(Process qemu, Path dir, int vncPort) {
        this.qemu = qemu;
        this.dir = dir;
        this.vncPort = vncPort;
        this.console = qemu.getOutputStream();
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(qemu.getInputStream(),
                    StandardCharsets.ISO_8859_1))) {
                String line;
                while ((line = lines.readLine()) != null) {
                    serial.add(line.replace("\r", ""));
                }
            } catch (IOException e) {
                serial.add("(serial console closed: " + e + ")");
            }
        }, "qemu-serial");
        reader.setDaemon(true);
        reader.start();
    }

    /** Debian's kernel, newest first; none when linux-image-amd64 is not installed. */
    public static Path kernel() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("/boot"))) {
            return files.filter(p -> p.getFileName().toString().startsWith("vmlinuz-")).sorted()
                    .reduce((a, b) -> b).orElse(null);
        }
    }

    /**
     * Boots the guest with Debian's kernel, or skips the calling test (a JUnit assumption) naming the
     * package that is missing: qemu-system-x86, linux-image-amd64 or busybox-static.
     */
    public static QemuGuest bootOrSkip(Path dir, Duration limit) throws IOException, InterruptedException {
        Assumptions.assumeTrue(Files.isExecutable(QEMU),
                "qemu-system-x86_64 is not installed (apt-get install qemu-system-x86)");
        Path kernel = kernel();
        Assumptions.assumeTrue(kernel != null, "no /boot/vmlinuz-* (apt-get install linux-image-amd64)");
        Assumptions.assumeTrue(Files.isExecutable(BUSYBOX), "no static busybox (apt-get install busybox-static)");
        return boot(kernel, dir, limit);
    }

    /** Boots the guest; returns once its init said READY (or fails with the console's last lines). */
    public static QemuGuest boot(Path kernel, Path dir, Duration limit) throws IOException, InterruptedException {
        byte[] init;
        try (InputStream in = QemuGuest.class.getResourceAsStream("init")) {
            if (in == null) {
                throw new IOException("the guest's init is not on the classpath beside " + QemuGuest.class.getName());
            }
            init = in.readAllBytes();
        }
        byte[] initramfs = new Initramfs().directory("bin").directory("dev").directory("proc").directory("sys")
                .characterDevice("dev/console", 5, 1)
                .file("bin/busybox", 0755, Files.readAllBytes(BUSYBOX))
                .file("init", 0755, init)
                .file("picture.raw", 0644, picture())
                .finish();
        Path cpio = dir.resolve("initramfs.cpio");
        Files.write(cpio, initramfs);
        int display = freeVncDisplay();
        ProcessBuilder pb = new ProcessBuilder(QEMU.toString(), "-machine", "pc", "-accel", "tcg", "-m", "256",
                "-nodefaults", "-vga", "std", "-display", "none", "-serial", "stdio",
                "-vnc", "127.0.0.1:" + display,
                "-qmp", "unix:" + dir.resolve("qmp.sock") + ",server=on,wait=off",
                "-kernel", kernel.toString(), "-initrd", cpio.toString(),
                "-append", "console=ttyS0 quiet vga=0x318 vt.global_cursor_default=0 consoleblank=0 panic=-1",
                "-no-reboot")
                .redirectError(dir.resolve("qemu.log").toFile());
        QemuGuest guest = new QemuGuest(pb.start(), dir, 5900 + display);
        try {
            guest.await("READY", limit);
        } catch (AssertionError | RuntimeException e) {
            guest.close();
            throw e;
        }
        return guest;
    }

    /** {@link #rgb(int, int)} of every pixel as vesafb's 24-bit framebuffer holds it: B, G, R, rows unpadded. */
    static byte[] picture() {
        byte[] raw = new byte[WIDTH * HEIGHT * 3];
        for (int y = 0; y < HEIGHT; y++) {
            for (int x = 0; x < WIDTH; x++) {
                int rgb = rgb(x, y);
                int at = (y * WIDTH + x) * 3;
                raw[at] = (byte) rgb;
                raw[at + 1] = (byte) (rgb >> 8);
                raw[at + 2] = (byte) (rgb >> 16);
            }
        }
        return raw;
    }

    /** The colour init draws at {@code (x, y)}, 0xRRGGBB. */
    public static int rgb(int x, int y) {
        return y < 512 ? BARS[x / 128] : BLOCKS[x / 256];
    }

    private static int freeVncDisplay() throws IOException {
        for (int display = 40; display < 100; display++) {
            try {
                new ServerSocket(5900 + display, 1, InetAddress.getLoopbackAddress()).close();
                return display;
            } catch (IOException e) {
                // Taken: try the next display.
            }
        }
        throw new IOException("no free VNC port in 5940..5999");
    }

    public int vncPort() {
        return vncPort;
    }

    /** Waits for a line of the serial console that contains {@code marker}; returns it. */
    public String await(String marker, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        StringBuilder seen = new StringBuilder();
        while (System.nanoTime() < deadline) {
            String line = serial.poll(100, TimeUnit.MILLISECONDS);
            if (line != null) {
                seen.append(line).append('\n');
                if (line.contains(marker) && !line.contains("echo")) {
                    return line;
                }
            } else if (!qemu.isAlive()) {
                throw new AssertionError("QEMU exited with " + qemu.exitValue() + "; console:\n" + seen);
            }
        }
        throw new AssertionError("the guest did not say " + marker + " within " + limit + "; console:\n" + seen);
    }

    /** Runs a command in the guest's shell and waits until it finished. */
    public void shell(String command, Duration limit) throws IOException, InterruptedException {
        String marker = "DONE" + (++commands);
        console.write((command + "; echo " + marker.substring(0, 2) + "''" + marker.substring(2) + "\n")
                .getBytes(StandardCharsets.ISO_8859_1));
        console.flush();
        await(marker, limit);
    }

    /** The guest's screen now, by QMP's {@code screendump} (a PPM). */
    public XwdImage screendump() throws IOException {
        Path file = dir.resolve("screen-" + System.nanoTime() + ".ppm");
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(dir.resolve("qmp.sock")));
            BufferedReader in = new BufferedReader(Channels.newReader(channel, StandardCharsets.UTF_8));
            Writer out = Channels.newWriter(channel, StandardCharsets.UTF_8);
            in.readLine();
            for (String command : List.of("{\"execute\":\"qmp_capabilities\"}",
                    "{\"execute\":\"screendump\",\"arguments\":{\"filename\":\"" + file + "\"}}")) {
                out.write(command + "\n");
                out.flush();
                String reply;
                do {
                    reply = in.readLine();
                } while (reply != null && !reply.contains("\"return\"") && !reply.contains("\"error\""));
                if (reply == null || !reply.startsWith("{\"return\"")) {
                    throw new IOException("QMP answered " + command + " with " + reply);
                }
            }
        }
        byte[] ppm = Files.readAllBytes(file);
        Files.delete(file);
        return parsePpm(ppm);
    }

    /** A binary PPM (P6, maxval 255) as an image. */
    public static XwdImage parsePpm(byte[] ppm) {
        int[] header = new int[3];
        int position = 2;
        for (int i = 0; i < 3; i++) {
            while (Character.isWhitespace(ppm[position])) {
                position++;
            }
            int value = 0;
            while (Character.isDigit(ppm[position])) {
                value = value * 10 + ppm[position++] - '0';
            }
            header[i] = value;
        }
        position++;
        if (ppm[0] != 'P' || ppm[1] != '6' || header[2] != 255) {
            throw new IllegalArgumentException("not a P6 PPM of maxval 255");
        }
        int[] rgb = new int[header[0] * header[1]];
        for (int i = 0; i < rgb.length; i++) {
            int at = position + 3 * i;
            rgb[i] = (ppm[at] & 0xff) << 16 | (ppm[at + 1] & 0xff) << 8 | ppm[at + 2] & 0xff;
        }
        return new XwdImage(header[0], header[1], rgb);
    }

    @Override
    public void close() {
        qemu.destroy();
        try {
            if (!qemu.waitFor(10, TimeUnit.SECONDS)) {
                qemu.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            qemu.destroyForcibly();
        }
    }
}
