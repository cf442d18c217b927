package io.scanout.transport.rfb;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.scanout.core.Codec;
import io.scanout.core.CodecConfig;
import io.scanout.core.Damage;
import io.scanout.core.Frame;
import io.scanout.core.FrameEvent;
import io.scanout.core.Rect;
import io.scanout.core.input.InputSink;
import io.scanout.core.metrics.StreamMeters;
import io.scanout.transport.StreamEndpoint;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.reactivestreams.Subscription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.scheduler.Scheduler;

/**
 * What one RFB client is sent after ServerInit: FramebufferUpdates in one of two modes, chosen at
 * the client's first request and again whenever its SetEncodings calls for the other one (RFC 6143
 * §7.5.2 lets a client send SetEncodings at any time: TigerVNC does when its user changes quality
 * settings, a client that cannot decode H.264 drops it).
 * <ul>
 *   <li><b>video</b> — when the client lists Open H.264 (50) and the stream is H.264: the stream's
 *       packets, one rectangle each, as they come ({@link RfbVideoUpdates}).</li>
 *   <li><b>pictures</b> — otherwise: the classic VNC model on {@link StreamEndpoint#pictures()}.
 *       The newest picture is kept (one frame reference), damage is gathered since the client's
 *       last update, and an update — the damaged 64×64 tiles, in Raw or ZRLE, in the client's pixel
 *       format — goes out only when the client has asked for one and the previous one was written.</li>
 * </ul>
 * DesktopSize (-223) announces a new size before any pixels of it; Cursor (-239) carries the
 * stream's pointer shape and PointerPos (-232) where the source put the pointer, when the client
 * asks for them, in either mode ({@link PointerRectangles}). Pictures that are dma-bufs are read
 * through one CPU copy per picture, shared by the stream's clients ({@link DmaBufPictureCopy}).
 *
 * <p>A switch stops the running mode on the session's worker — its subscription cancelled, the
 * picture (and its CPU copy) or packet it held let go — and starts the other at once when the client
 * waits for an update, else at its next request. Pictures after video begin with the whole
 * framebuffer, since the client has none of it in pixel form; video after pictures begins at a
 * keyframe, parameter sets in front and the client's decoder reset ({@link RfbVideoUpdates}).
 *
 * <p>Threads: every method runs on the session's serial worker; pictures and cursors arrive on
 * their sources' threads and are handed over through single slots, so this class holds at most one
 * frame reference (and, for a dma-buf picture, one reference to its CPU copy), and releases them
 * when it closes or leaves the picture mode. Each picture subscription has its slot of its own, so a
 * picture that reaches a subscription already cancelled is released, never shown.
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
    private PictureSubscriber pictures;
    private FrameEvent current;
    private Damage pending = Damage.whole();
    private final PixelRectangles pixelRectangles = new PixelRectangles();

    /** The video mode, when the client is in it. */
    private RfbVideoUpdates video;

    private final PointerRectangles pointer;
    /** The CPU copy of {@link #current} when it is a dma-buf; made when first sent. */
    private final DmaBufPictureCopy currentCopy;

    RfbUpdates(StreamEndpoint stream, RfbDmaBufCopies copies, RfbWire wire, Scheduler.Worker worker, String client,
               Consumer<String> fail) {
        this.stream = stream;
        this.meters = stream.hub().meters();
        this.wire = wire;
        this.worker = worker;
        this.client = client;
        this.fail = fail;
        this.pointer = new PointerRectangles(stream, client, () -> later(this::pseudoArrived));
        this.currentCopy = new DmaBufPictureCopy(copies, stream);
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
            pending = Damage.whole();
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
            stopPictures();
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
        if (!incremental) {
            pending = pending.union(Damage.of(area));
        }
        if (video == null && pictures == null) {
            start();
        }
        sendPicture();
    }

    private void start() {
        if (wantsVideo()) {
            log.info("RFB client {}: Open H.264 from the stream's encoder", client);
            video = new RfbVideoUpdates(this, stream.hub(), fail);
            video.start();
        } else {
            log.info("RFB client {}: {} pictures{}", client, PixelRectangles.prefersZrle(encodings) ? "ZRLE" : "Raw",
                    encodings.contains(Encodings.OPEN_H264) ? " (the stream is " + streamCodec() + ", not H.264)" : "");
            // The client has nothing in pixel form yet (or only what it had before video): all of it.
            pending = Damage.whole();
            pictures = new PictureSubscriber();
            stream.pictures().subscribe(pictures);
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

    // ---- pictures ----

    private void pictureArrived(PictureSubscriber from) {
        FrameEvent event = from.arrived.getAndSet(null);
        if (event == null) {
            return;
        }
        if (closed || from != pictures) {
            event.release(); // the session ended, or the client left this picture mode
            return;
        }
        if (current != null) {
            current.release();
        }
        currentCopy.forget();
        current = event;
        pending = pending.union(event.damage());
        from.request(1);
        sendPicture();
    }

    /**
     * Leaves the picture mode: cancels the subscription, releases the picture waiting in its slot,
     * the current one and its CPU copy (leaving the stream's shared copies, joined again if the
     * client comes back). Session worker; idempotent.
     */
    private void stopPictures() {
        PictureSubscriber stopping = pictures;
        pictures = null;
        if (stopping != null) {
            stopping.dispose();
            release(stopping.arrived.getAndSet(null));
        }
        release(current);
        current = null;
        currentCopy.close();
    }

    /** A new pointer shape or position: with the next picture, or on its own beside video. */
    private void pseudoArrived() {
        if (video == null) {
            sendPicture();
        } else {
            sendPseudoOnly();
        }
    }

    /** Answers the client's request if there is something to send and nothing is being written. */
    private void sendPicture() {
        if (closed || writing || requested == null || video != null || current == null) {
            return;
        }
        Frame frame = current.frame();
        if (!SourcePixels.supports(frame.format())) {
            fail.accept("the stream's pictures are " + frame.format() + (frame.isDmaBuf() ? " dma-bufs" : "")
                    + ", which the RFB server cannot read (it takes RGB formats)");
            return;
        }
        if (frame.width() != width || frame.height() != height) {
            ByteBuf update = beginUpdate(0, frame.width(), frame.height());
            if (update == null) {
                return; // the session is failing
            }
            requested = null;
            pending = Damage.whole();
            write(update, null);
            return;
        }
        List<Rect> rects = TileGrid.rectangles(pending, requested, width, height);
        if (rects.isEmpty() && !pointer.waiting()) {
            return; // nothing new: the request waits for the next change
        }
        Frame pixels = rects.isEmpty() || !frame.isDmaBuf() ? frame : cpuCopy();
        if (pixels == null) {
            return; // the session is failing
        }
        PointerRectangles.Taken taken = pointer.take(width, height);
        if (rects.isEmpty() && taken.isEmpty()) {
            return; // the pointer is where it was: the request waits for the next change
        }
        ByteBuf update = header(rects.size() + taken.rectangles());
        taken.write(update, format);
        pixelRectangles.write(update, pixels, rects, format, PixelRectangles.prefersZrle(encodings));
        requested = null;
        pending = Damage.none();
        write(update, null);
    }

    /**
     * The CPU copy of the current dma-buf picture, made (or taken from another client of the stream)
     * the first time this client sends it; null after failing the session when it cannot be read.
     * Blocks for the copy, which is why it runs here, on the session's worker (a bounded-elastic
     * thread), never on the Netty event loop that serves other connections nor on the capture
     * thread that offered the picture; and only for a picture about to be sent, so pictures a slow
     * client skips are never copied.
     */
    private Frame cpuCopy() {
        try {
            return currentCopy.of(current);
        } catch (IllegalArgumentException | IllegalStateException e) {
            fail.accept("cannot read the stream's " + current.frame().format() + " dma-buf pictures on the CPU: "
                    + e.getMessage());
            return null;
        }
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

    private static ByteBuf header(int rectangles) {
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
            if (video == null) {
                sendPicture();
            } else {
                video.sendWaiting();
                sendPseudoOnly();
            }
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
        stopPictures();
        if (video != null) {
            video.close();
        }
        pointer.stop();
        pixelRectangles.close();
    }

    private static void release(FrameEvent event) {
        if (event != null) {
            event.release();
        }
    }

    /**
     * One subscription to the stream's pictures, with its own slot: a picture that arrives after
     * the subscription was cancelled (cancel racing the source's {@code onNext}) is released by
     * whichever of the two sides takes it from the slot second, never shown.
     */
    private final class PictureSubscriber extends BaseSubscriber<FrameEvent> {
        /** The newest picture not yet taken by the session's worker; source thread in, worker out. */
        final AtomicReference<FrameEvent> arrived = new AtomicReference<>();

        @Override
        protected void hookOnSubscribe(Subscription s) {
            s.request(1);
        }

        @Override
        protected void hookOnNext(FrameEvent event) {
            release(arrived.getAndSet(event));
            if (closed || isDisposed() || !later(() -> pictureArrived(this))) {
                release(arrived.getAndSet(null));
            }
        }

        @Override
        protected void hookOnError(Throwable e) {
            later(() -> failIfCurrent("the stream's pictures failed: " + e));
        }

        @Override
        protected void hookOnComplete() {
            later(() -> failIfCurrent("the stream ended"));
        }

        /** An end that reaches a picture mode already left is not this client's. */
        private void failIfCurrent(String reason) {
            if (this == pictures) {
                fail.accept(reason);
            }
        }
    }
}
