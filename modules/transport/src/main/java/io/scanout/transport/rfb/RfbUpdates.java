package io.scanout.transport.rfb;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.scanout.core.Codec;
import io.scanout.core.CodecConfig;
import io.scanout.core.Damage;
import io.scanout.core.Rect;
import io.scanout.core.input.InputSink;
import io.scanout.core.metrics.StreamMeters;
import io.scanout.transport.StreamEndpoint;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.scheduler.Scheduler;

/**
 * What one RFB client is sent after ServerInit: FramebufferUpdates in one of two modes, chosen at
 * the client's first request and again whenever its SetEncodings calls for the other one (RFC 6143
 * §7.5.2 lets a client send SetEncodings at any time: TigerVNC does when its user changes quality
 * settings, a client that cannot decode H.264 drops it).
 * <ul>
 *   <li><b>video</b> — when the client lists Open H.264 (50) and the stream is H.264: the stream's
 *       packets, one rectangle each, as they come ({@link RfbVideoUpdates}).</li>
 *   <li><b>pictures</b> — otherwise: the damaged tiles of the newest picture, in Raw or ZRLE, in
 *       the client's pixel format, when the client asks ({@link RfbPictureUpdates}).</li>
 * </ul>
 * This class keeps what both share: the client's pixel format, encodings, size and pending
 * request; the update's framing — DesktopSize (-223) before any pixels of a new size, Cursor (-239)
 * and PointerPos (-232) when the client asks for them ({@link PointerRectangles}) — and the write,
 * one update at a time; and the connection's ZRLE stream ({@link PixelRectangles}).
 *
 * <p>A switch stops the running mode on the session's worker — its subscription cancelled, the
 * picture (and its CPU copy) or packet it held let go — and starts the other at once when the client
 * waits for an update, else at its next request. Pictures after video begin with the whole
 * framebuffer, since the client has none of it in pixel form; video after pictures begins at a
 * keyframe, parameter sets in front and the client's decoder reset ({@link RfbVideoUpdates}).
 *
 * <p>Threads: every method runs on the session's serial worker; pictures, packets and cursors
 * arrive on their sources' threads and are handed over through single slots (the modes' own). The
 * mode running holds what it holds and lets go of it when it is closed.
 */
final class RfbUpdates {
    private static final Logger log = LoggerFactory.getLogger(RfbUpdates.class);
    private static final int FRAMEBUFFER_UPDATE = 0;

    private final StreamEndpoint stream;
    private final StreamMeters meters;
    private final RfbWire wire;
    private final Scheduler.Worker worker;
    private final String client;
    private final Consumer<String> fail;
    private PixelFormat format = PixelFormat.SERVER;
    private List<Integer> encodings = List.of(Encodings.RAW);
    private int width;
    private int height;
    private Rect requested;
    private boolean writing;
    private volatile boolean closed;

    /** The picture mode, when the client is in it. */
    private RfbPictureUpdates pictures;
    /** The connection's Raw and ZRLE encoders: one zlib stream a connection, whatever the mode. */
    private final PixelRectangles pixelRectangles = new PixelRectangles();
    private final RfbDmaBufCopies copies;

    /** The video mode, when the client is in it. */
    private RfbVideoUpdates video;

    private final PointerRectangles pointer;

    RfbUpdates(StreamEndpoint stream, RfbDmaBufCopies copies, RfbWire wire, Scheduler.Worker worker, String client,
               Consumer<String> fail) {
        this.stream = stream;
        this.meters = stream.hub().meters();
        this.wire = wire;
        this.worker = worker;
        this.client = client;
        this.fail = fail;
        this.pointer = new PointerRectangles(stream, client, () -> later(this::pseudoArrived));
        this.copies = copies;
        int w = stream.info().width();
        int h = stream.info().height();
        if ((w < 1 || h < 1) && stream.hub().config().isPresent()) {
            w = stream.hub().config().get().width();
            h = stream.hub().config().get().height();
        }
        // Before the first frame the size is unknown: a placeholder, corrected by DesktopSize.
        this.width = w > 0 ? Math.min(w, 0xffff) : 640;
        this.height = h > 0 ? Math.min(h, 0xffff) : 480;
    }

    int clientWidth() {
        return width;
    }

    int clientHeight() {
        return height;
    }

    void pixelFormat(PixelFormat newFormat) {
        if (!newFormat.equals(format)) {
            format = newFormat;
            // Pixels already sent are in the old format: the next update repaints everything.
            if (pictures != null) {
                pictures.damage(Damage.whole());
            }
        }
        log.debug("RFB client {}: pixel format {}", client, newFormat);
    }

    /**
     * The client's encodings, in its order of preference. Raw or ZRLE follows the latest list at
     * every update; a list that calls for the other mode switches to it (see the class comment).
     */
    void encodings(List<Integer> list) {
        encodings = List.copyOf(list);
        log.debug("RFB client {}: encodings {}", client, list);
        pointer.follow(encodings);
        boolean started = video != null || pictures != null;
        if (started && !closed && wantsVideo() != (video != null)) {
            switchMode();
        }
    }

    private void switchMode() {
        log.info("RFB client {}: its encodings now ask for {}; leaving {}", client,
                video == null ? "Open H.264" : "pictures", video == null ? "pictures" : "video");
        if (video != null) {
            video.close();
            video = null;
        } else {
            pictures.close();
            pictures = null;
        }
        if (requested != null) {
            start(); // the client waits for an update: it must not wait for one more request
        }
    }

    /**
     * Where this client's keyboard and mouse go: its pointer is in the video's pixels when it
     * watches video, in the captured picture's otherwise.
     */
    Optional<InputSink> input() {
        return video != null ? stream.input() : stream.inputInPicturePixels();
    }

    void request(boolean incremental, Rect area) {
        requested = requested == null ? area : requested.union(area);
        if (video == null && pictures == null) {
            start();
        }
        if (pictures != null) {
            if (!incremental) {
                pictures.damage(Damage.of(area));
            }
            pictures.sendWaiting();
        }
    }

    private void start() {
        if (wantsVideo()) {
            log.info("RFB client {}: Open H.264 from the stream's encoder", client);
            video = new RfbVideoUpdates(this, stream.hub(), fail);
            video.start();
        } else {
            log.info("RFB client {}: {} pictures{}", client, prefersZrle() ? "ZRLE" : "Raw",
                    encodings.contains(Encodings.OPEN_H264) ? " (the stream is " + streamCodec() + ", not H.264)" : "");
            // Starts with all of the picture: the client has none of it in pixel form yet (or only
            // what it had before video).
            pictures = new RfbPictureUpdates(this, stream, copies, pixelRectangles, fail);
            pictures.start();
        }
    }

    /** Whether the client's encodings and the stream's codec call for the video mode. */
    private boolean wantsVideo() {
        return encodings.contains(Encodings.OPEN_H264) && streamCodec() == Codec.H264;
    }

    private Codec streamCodec() {
        return stream.hub().config().map(CodecConfig::codec).orElseGet(() -> codecOf(stream.info().codec()));
    }

    private static Codec codecOf(String id) {
        try {
            return Codec.parse(id);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** A new pointer shape or position: with the next picture, or on its own beside video. */
    private void pseudoArrived() {
        sendWaiting();
    }

    /** Whatever the mode running has waiting, if nothing is being written. */
    private void sendWaiting() {
        if (pictures != null) {
            pictures.sendWaiting();
        } else if (video != null) {
            video.sendWaiting();
            sendPseudoOnly();
        }
    }

    // ---- what the modes share ----

    /** The area the client asked to be updated since its last update, or null when it waits for nothing. */
    Rect requested() {
        return requested;
    }

    /** The client's request is answered by the update about to be written. */
    void answered() {
        requested = null;
    }

    PixelFormat pixelFormat() {
        return format;
    }

    /** Whether ZRLE, rather than Raw, goes out in the client's next update. */
    boolean prefersZrle() {
        return PixelRectangles.prefersZrle(encodings);
    }

    PointerRectangles pointer() {
        return pointer;
    }

    // ---- pointer beside video ----

    /**
     * Beside video, a pointer that moves while the picture stands still (no packets) must still
     * move: its shape and position go out in an update of their own when no write is under way.
     */
    private void sendPseudoOnly() {
        if (closed || writing || video == null) {
            return;
        }
        PointerRectangles.Taken taken = pointer.take(width, height);
        if (taken.isEmpty()) {
            return;
        }
        ByteBuf update = header(taken.rectangles());
        taken.write(update, format);
        write(update, null);
    }

    // ---- framing ----

    /**
     * Starts an update that will have {@code rectangles} rectangles of content at
     * {@code newWidth}×{@code newHeight}: a DesktopSize first when that is a new size, then the
     * pointer's shape and position when they changed. Null when the client cannot take the new size
     * (the session is then failing).
     */
    ByteBuf beginUpdate(int rectangles, int newWidth, int newHeight) {
        boolean resize = newWidth != width || newHeight != height;
        PointerRectangles.Taken taken = pointer.take(newWidth, newHeight);
        ByteBuf update = header(rectangles + (resize ? 1 : 0) + taken.rectangles());
        if (resize && !desktopSize(update, newWidth, newHeight)) {
            update.release();
            return null;
        }
        taken.write(update, format);
        return update;
    }

    /** The header of a FramebufferUpdate of {@code rectangles} rectangles, to which they are written. */
    static ByteBuf header(int rectangles) {
        ByteBuf b = Unpooled.buffer(4 + 16 * rectangles);
        return b.writeByte(FRAMEBUFFER_UPDATE).writeByte(0).writeShort(rectangles);
    }

    /** Adds a DesktopSize rectangle, or ends the session when the client cannot take a new size. */
    private boolean desktopSize(ByteBuf update, int newWidth, int newHeight) {
        if (!encodings.contains(Encodings.DESKTOP_SIZE)) {
            fail.accept("the stream is now " + newWidth + "x" + newHeight + " (the client has " + width + "x" + height
                    + ") and the client does not take DesktopSize");
            return false;
        }
        update.writeShort(0).writeShort(0).writeShort(newWidth).writeShort(newHeight).writeInt(Encodings.DESKTOP_SIZE);
        log.debug("RFB client {}: desktop size {}x{}", client, newWidth, newHeight);
        width = newWidth;
        height = newHeight;
        pointer.resized();
        return true;
    }

    /**
     * One update at a time: the next waits until this one reached the socket. {@code written}, when
     * given, runs once it has (on the session's worker), before the next update is looked for.
     */
    void write(ByteBuf update, Runnable written) {
        writing = true;
        int bytes = update.readableBytes();
        wire.write(update).addListener(f -> later(() -> {
            writing = false;
            if (!f.isSuccess() || closed) {
                return; // the connection is going; its close ends the session
            }
            meters.bytesSent(bytes);
            if (written != null) {
                written.run();
            }
            sendWaiting();
        }));
    }

    /** Whether an update is being written: the next waits for it. */
    boolean isWriting() {
        return writing;
    }

    /** Whether the session is over: nothing more is sent. */
    boolean isClosed() {
        return closed;
    }

    /** Runs on the session's worker; once the session is over, nothing more runs. */
    boolean later(Runnable task) {
        try {
            worker.schedule(task);
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }

    /** Cancels what this client receives and releases the frame it held. Session worker; idempotent. */
    void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (pictures != null) {
            pictures.close();
        }
        if (video != null) {
            video.close();
        }
        pointer.stop();
        pixelRectangles.close();
    }
}
