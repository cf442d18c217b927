package io.scanout.capture.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One {@link QemuGuest} for a whole test class: booted before the first test, in a directory of
 * its own, once its VNC server takes connections; shut down and its directory deleted after the
 * last. A class where QEMU, a kernel or a static busybox is missing is skipped (see
 * {@link QemuGuest#bootOrSkip}). Register it on a static field:
 *
 * <pre>{@code @RegisterExtension
 * static final QemuGuestExtension qemu = new QemuGuestExtension();}</pre>
 *
 * <p>Boots (waiting up to {@value #BOOT_MINUTES} minutes: TCG, on a machine other tests share)
 * and shuts down on JUnit's thread, blocking.
 */
public final class QemuGuestExtension implements BeforeAllCallback, AfterAllCallback {
    private static final int BOOT_MINUTES = 4;

    private Path dir;
    private QemuGuest guest;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        dir = Files.createTempDirectory("scanout-qemu-");
        guest = QemuGuest.bootOrSkip(dir, Duration.ofMinutes(BOOT_MINUTES));
        CaptureTesting.awaitPort(guest.vncPort(), Duration.ofSeconds(60));
    }

    /** The booted guest; only between the class's first and last test. */
    public QemuGuest guest() {
        if (guest == null) {
            throw new IllegalStateException("the guest is not booted (register the extension on a static field)");
        }
        return guest;
    }

    /** The port of 127.0.0.1 the guest's VNC server listens on. */
    public int vncPort() {
        return guest().vncPort();
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        if (guest != null) {
            guest.close();
            guest = null;
        }
        if (dir != null) {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(QemuGuestExtension::delete);
            }
            dir = null;
        }
    }

    private static void delete(Path file) {
        try {
            Files.delete(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
