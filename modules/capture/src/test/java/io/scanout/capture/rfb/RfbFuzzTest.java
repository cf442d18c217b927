package io.scanout.capture.rfb;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.scanout.core.FramePool;
import io.scanout.core.metrics.StreamMeters;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;

/**
 * Random and mutated server messages, from a fixed seed, for a bounded number of connections: the
 * parser may only fail with an {@link IOException} (a protocol error, or the server hanging up),
 * never with a runtime exception, an error or a hang, and allocates no more heap per message than
 * a small framebuffer's worth.
 */
class RfbFuzzTest {
    private static final Logger log = LoggerFactory.getLogger(RfbFuzzTest.class);
    private static final long SEED = 0x5ca1ab1eL;
    private static final int CONNECTIONS = 300;
    private static final Duration BUDGET = Duration.ofSeconds(30);
    /** Heap one message may cost: small records and, at most, a 64x48 cursor's pixels. */
    private static final long MAX_ALLOCATION_PER_MESSAGE = 1 << 20;

    private final FramePool pool = new FramePool();

    @AfterEach
    void noLeaks() {
        Await.noOutstandingFrames(pool);
        Await.threadsGone("scanout-rfb-");
        pool.close();
    }

    /** The bytes one connection's server sends: a handshake and then messages, some of them broken. */
    private static byte[] script(SplittableRandom random, boolean breakHandshake, long[] validMessages) {
        int width = 1 + random.nextInt(64);
        int height = 1 + random.nextInt(48);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] name = "fuzz".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        Wire handshake = new Wire().bytes("RFB 003.008\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1))
                .u8(1).u8(1).u32(0).u16(width).u16(height)
                .u8(32).u8(24).u8(0).u8(1).u16(255).u16(255).u16(255).u8(16).u8(8).u8(0).u8(0).u8(0).u8(0)
                .u32(name.length).bytes(name);
        MessageGenerator generator = new MessageGenerator(random, width, height);
        try {
            out.writeBytes(breakHandshake ? generator.mutate(handshake.toByteArray()) : handshake.toByteArray());
            int valid = random.nextInt(6);
            for (int i = 0; i < valid; i++) {
                out.writeBytes(generator.next());
            }
            validMessages[0] += valid;
            if (random.nextInt(5) != 0) {
                out.writeBytes(generator.mutate(generator.next()));
            }
            for (int i = random.nextInt(3); i > 0; i--) {
                out.writeBytes(generator.next());
            }
        } finally {
            generator.end();
        }
        return out.toByteArray();
    }

    @Test
    void theParserFailsOnlyWithProtocolErrorsAndBoundedMemory() throws Exception {
        SplittableRandom random = new SplittableRandom(SEED);
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        Map<String, Integer> endings = new TreeMap<>();
        long[] validMessages = new long[1];
        long updates = 0;
        long maxAllocation = 0;
        long deadline = System.nanoTime() + BUDGET.toNanos();
        int connections = 0;
        try (ServerSocket server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            RfbSettings settings = RfbSettings.of("127.0.0.1", server.getLocalPort()).withTimeoutMillis(1000);
            for (; connections < CONNECTIONS && System.nanoTime() < deadline; connections++) {
                byte[] bytes = script(random, random.nextInt(5) == 0, validMessages);
                // Now and then the server stays silent after its bytes instead of hanging up: the timeout's case.
                boolean holdOpen = random.nextInt(40) == 0;
                Thread serving = serve(server, bytes, holdOpen);
                long start = System.nanoTime();
                long before = threads.getThreadAllocatedBytes(Thread.currentThread().getId());
                String ending;
                try (RfbConnection c = RfbConnection.open(settings, pool, false, cursor -> { })) {
                    maxAllocation = Math.max(maxAllocation,
                            threads.getThreadAllocatedBytes(Thread.currentThread().getId()) - before);
                    while (true) {
                        before = threads.getThreadAllocatedBytes(Thread.currentThread().getId());
                        if (c.readMessage(50) != null) {
                            updates++;
                        }
                        maxAllocation = Math.max(maxAllocation,
                                threads.getThreadAllocatedBytes(Thread.currentThread().getId()) - before);
                        assertThat(System.nanoTime() - start).as("connection " + connections + " still reading")
                                .isLessThan(Duration.ofSeconds(15).toNanos());
                    }
                } catch (RfbProtocolException e) {
                    ending = e.getClass().getSimpleName() + ": " + e.getMessage().replaceAll("\\d+", "N");
                } catch (IOException e) {
                    ending = e.getClass().getSimpleName();
                }
                endings.merge(ending.length() > 90 ? ending.substring(0, 90) : ending, 1, Integer::sum);
                serving.join(20_000);
            }
        }
        endings.forEach((k, v) -> log.info("{} x {}", v, k));
        log.info("{} connections, {} well-formed messages sent, {} updates decoded, most heap for one message {} B",
                connections, validMessages[0], updates, maxAllocation);
        assertThat(connections).isGreaterThan(50);
        assertThat(updates).as("well-formed updates decode").isGreaterThan(50);
        assertThat(endings.keySet()).as("broken messages are named").anyMatch(k -> k.startsWith("RfbProtocolException"));
        assertThat(maxAllocation).isLessThan(MAX_ALLOCATION_PER_MESSAGE);
    }

    /**
     * Accepts one connection and answers with {@code bytes} while reading what the client says;
     * then half-closes and waits for the client to hang up, so no unread byte turns the close into
     * a reset that would discard what was sent; or, with {@code holdOpen}, falls silent for 2 s.
     */
    private static Thread serve(ServerSocket server, byte[] bytes, boolean holdOpen) {
        Thread t = new Thread(() -> {
            try (Socket s = server.accept()) {
                Thread reader = new Thread(() -> drain(s), "fuzz-read");
                reader.setDaemon(true);
                reader.start();
                OutputStream out = s.getOutputStream();
                out.write(bytes);
                out.flush();
                if (holdOpen) {
                    // Silence between two messages is an idle screen, not an error: it lasts until we hang up.
                    reader.join(2_000);
                } else {
                    s.shutdownOutput();
                    reader.join(20_000);
                }
            } catch (IOException e) {
                // The client rejected the bytes and hung up before it read them all.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "fuzz-serve");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static void drain(Socket s) {
        try {
            DataInputStream in = new DataInputStream(s.getInputStream());
            byte[] b = new byte[4096];
            while (in.read(b) >= 0) {
                // What the client sends does not steer this server.
            }
        } catch (IOException e) {
            // Closed under us: the connection is over.
        }
    }

    @Test
    void theSourceStaysUpThroughBrokenConnections() throws Exception {
        SplittableRandom seeds = new SplittableRandom(SEED + 1);
        AtomicLong served = new AtomicLong();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (FakeRfbServer server = new FakeRfbServer(c -> {
            SplittableRandom random;
            synchronized (seeds) {
                random = seeds.split();
            }
            c.handshake(64, 48);
            c.setup();
            MessageGenerator generator = new MessageGenerator(random, 64, 48);
            // Messages go out on the server's own clock, as a busy screen's would: waiting for each
            // request would deadlock once a broken message reads as something other than an update.
            Thread reader = new Thread(() -> {
                try {
                    c.drain();
                } catch (IOException e) {
                    // The client hung up.
                }
            });
            reader.setDaemon(true);
            reader.start();
            try {
                while (reader.isAlive()) {
                    byte[] m = generator.next();
                    c.send(random.nextInt(8) == 0 ? generator.mutate(m) : m);
                    served.incrementAndGet();
                    Thread.sleep(5);
                }
            } finally {
                generator.end();
            }
        })) {
            RfbSource source = RfbSource.open(server.settings().withTimeoutMillis(1000).withFps(240), pool,
                    new StreamMeters(registry, "fuzz"));
            AtomicLong events = new AtomicLong();
            AtomicLong errors = new AtomicLong();
            Disposable running = source.frames()
                    .subscribe(e -> {
                        events.incrementAndGet();
                        e.release();
                    }, e -> errors.incrementAndGet());
            try {
                Await.until(() -> server.connections() >= 10 && events.get() >= 50, Duration.ofSeconds(60),
                        () -> server.connections() + " connections, " + events.get() + " events");
            } finally {
                running.dispose();
            }
            assertThat(errors.get()).as("the flux never errors").isZero();
            assertThat(registry.get("scanout.source.reconnects").counter().count()).isGreaterThanOrEqualTo(9);
            assertThat(server.failures).isEmpty();
        }
    }
}
