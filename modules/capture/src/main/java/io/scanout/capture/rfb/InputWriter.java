package io.scanout.capture.rfb;

import io.scanout.core.input.InputSink;
import java.io.IOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The source's {@link InputSink}: events go into a bounded queue and a daemon thread,
 * {@code scanout-rfb-input-N}, started on the first event, writes them to whichever connection is
 * open, and ends when none is. Callers never block on the socket, which a server that stops
 * reading would fill.
 */
final class InputWriter implements InputSink {
    private static final Logger log = LoggerFactory.getLogger(InputWriter.class);
    private static final AtomicInteger THREADS = new AtomicInteger();
    static final int QUEUE = 256;

    private final AtomicReference<RfbConnection> connection = new AtomicReference<>();
    private final BlockingQueue<byte[]> queue = new ArrayBlockingQueue<>(QUEUE);
    private final String uri;
    private Thread thread;

    InputWriter(String uri) {
        this.uri = uri;
    }

    /** The connection input goes to now; null when none is open. */
    void connected(RfbConnection open) {
        connection.set(open);
    }

    /** Stops sending to this connection, if it is still the current one. */
    void disconnected(RfbConnection gone) {
        connection.compareAndSet(gone, null);
    }

    @Override
    public boolean pointer(int x, int y, int buttons) {
        if (x < 0 || y < 0 || x > 0xffff || y > 0xffff || buttons < 0 || buttons > 0xff) {
            throw new IllegalArgumentException("pointer event at " + x + "," + y + " buttons " + buttons
                    + " is outside 0..65535 / 0..255");
        }
        return offer(new byte[] {5, (byte) buttons, (byte) (x >>> 8), (byte) x, (byte) (y >>> 8), (byte) y});
    }

    @Override
    public boolean key(int keysym, boolean down) {
        return offer(new byte[] {4, (byte) (down ? 1 : 0), 0, 0,
            (byte) (keysym >>> 24), (byte) (keysym >>> 16), (byte) (keysym >>> 8), (byte) keysym});
    }

    private boolean offer(byte[] message) {
        if (connection.get() == null || !queue.offer(message)) {
            return false;
        }
        startThread();
        return true;
    }

    private synchronized void startThread() {
        if (thread == null) {
            thread = new Thread(this::run, "scanout-rfb-input-" + THREADS.incrementAndGet());
            thread.setDaemon(true);
            thread.start();
        }
    }

    /** Writes queued events while a connection is open; ends (dropping the queue) once none is. */
    private void run() {
        try {
            while (true) {
                byte[] message = queue.poll(250, TimeUnit.MILLISECONDS);
                RfbConnection target = connection.get();
                if (target == null && stopIfDisconnected()) {
                    return;
                }
                if (message == null || target == null) {
                    continue;
                }
                try {
                    target.send(message);
                } catch (IOException e) {
                    // The capture thread sees the same broken socket and reconnects; this event is lost.
                    log.debug("{}: input event not sent: {}", uri, e.toString());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            synchronized (this) {
                thread = null;
            }
        }
    }

    private synchronized boolean stopIfDisconnected() {
        if (connection.get() != null) {
            return false;
        }
        queue.clear();
        thread = null;
        return true;
    }

    /** Whether the input thread is running (tests). */
    synchronized boolean running() {
        return thread != null;
    }
}
