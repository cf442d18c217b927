package io.scanout.capture.testing;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.scanout.core.FramePool;
import io.scanout.core.testing.Waiting;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.LoggerFactory;

/**
 * What the sources' tests share: waiting for a condition or a listening port, counting this
 * process's fds, catching logs. Called from the test thread; {@link #await}, {@link #awaitPort}
 * and {@link #sleepMillis} block.
 */
public final class CaptureTesting {
    private CaptureTesting() {
    }

    /** Waits until {@code condition} holds, failing with {@code failure} after {@code timeout} ({@link Waiting}). */
    public static void await(Duration timeout, BooleanSupplier condition, Supplier<String> failure) {
        Waiting.await(timeout, condition, failure);
    }

    /**
     * The check after each test of a source: waits until every frame is back in {@code pool} and
     * no thread whose name starts with {@code threadPrefix} ({@code "scanout-x11-"}) runs, failing
     * after {@code timeout} for each, then closes the pool.
     */
    public static void noLeaksThenClose(FramePool pool, String threadPrefix, Duration timeout) {
        await(timeout, () -> pool.stats().outstanding() == 0, () -> "frames still out: " + pool.stats());
        awaitThreadsGone(threadPrefix, timeout);
        pool.close();
    }

    /** Waits until no thread whose name starts with {@code prefix} runs. */
    public static void awaitThreadsGone(String prefix, Duration timeout) {
        await(timeout, () -> Thread.getAllStackTraces().keySet().stream()
                        .noneMatch(t -> t.getName().startsWith(prefix) && t.isAlive()),
                () -> "a " + prefix + " thread is still running");
    }

    /** Waits until something (a VNC server another process starts) accepts connections on {@code port} of 127.0.0.1. */
    public static void awaitPort(int port, Duration timeout) {
        await(timeout, () -> {
            try {
                new Socket(InetAddress.getLoopbackAddress(), port).close();
                return true;
            } catch (IOException e) {
                return false;
            }
        }, () -> "nothing listens on port " + port);
    }

    /** A port of 127.0.0.1 nobody listens on now, for a server the test starts. */
    public static int freePort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
        }
    }

    public static void sleepMillis(long millis) {
        Waiting.sleepMillis(millis);
    }

    /**
     * Open fds of this process, but for sockets and jars: the JVM and the test runner open those
     * on their own (a socket appeared once mid-test), and no code under test opens either.
     */
    public static long openFds() {
        // Not counted: what the JVM itself opens and closes at any time — sockets, jars the class
        // loader opens, JNA's closure trampoline file, /proc listings (this one included).
        return fdTargets().stream().filter(t -> !t.contains(" -> socket:") && !t.endsWith(".jar")
                && !t.contains(" -> /tmp/ffi") && !t.contains(" -> /proc/")).count();
    }

    /** Every open fd as {@code /proc/self/fd/N -> target}, for counting and for failure messages. */
    public static Set<String> fdTargets() {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.map(CaptureTesting::describeFd).collect(Collectors.toCollection(TreeSet::new));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String describeFd(Path fd) {
        try {
            return fd + " -> " + Files.readSymbolicLink(fd);
        } catch (IOException e) {
            // The listing's own directory fd is closed by the time it is read: it counts as gone.
            return fd + " -> (closed: " + e.getMessage() + ")";
        }
    }

    /** Catches what one logger writes, from DEBUG up, until {@link #close()}. */
    public static final class LogCapture implements AutoCloseable {
        private final Logger logger;
        private final Level before;
        private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

        public LogCapture(Class<?> type) {
            logger = (Logger) LoggerFactory.getLogger(type);
            before = logger.getLevel();
            logger.setLevel(Level.DEBUG);
            appender.start();
            logger.addAppender(appender);
        }

        /** Formatted messages at exactly this level. */
        public List<String> messages(Level level) {
            synchronized (appender) {   // AppenderBase.doAppend holds this lock
                return appender.list.stream().filter(e -> e.getLevel() == level)
                        .map(ILoggingEvent::getFormattedMessage).collect(Collectors.toList());
            }
        }

        @Override
        public void close() {
            logger.detachAppender(appender);
            logger.setLevel(before);
        }
    }
}
