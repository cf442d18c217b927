package io.scanout.transport.rfb;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.scanout.core.Codec;
import io.scanout.core.CodecConfig;
import io.scanout.core.Damage;
import io.scanout.core.EncodedPacket;
import io.scanout.core.Frame;
import io.scanout.core.FrameEvent;
import io.scanout.core.Rect;
import io.scanout.core.input.CursorImage;
import io.scanout.core.input.InputSink;
import io.scanout.core.metrics.Stage;
import io.scanout.core.metrics.StreamMeters;
import io.scanout.transport.HubPacket;
import io.scanout.transport.StreamEndpoint;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.reactivestreams.Subscription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.scheduler.Scheduler;

/**
 * What one RFB client is sent after ServerInit: FramebufferUpdates in one of two modes.
 * <ul>
 *   <li><b>video</b> — when the client lists Open H.264 (50) and the stream is H.264: the client
 *       joins the stream's hub like a WebSocket viewer and every packet goes out as one rectangle
 *       covering the frame (starting at a keyframe, parameter sets in front of keyframes, the
 *       reset-context flag on a new encoder configuration). Packets are sent as they come, one
 *       write at a time; a client that reads too slowly falls behind in the hub's bounded queue and
 *       is skipped to the next keyframe, never slowing the others.</li>
 *   <li><b>pictures</b> — otherwise: the classic VNC model on {@link StreamEndpoint#pictures()}.
 *       The newest picture is kept (one frame reference), damage is gathered since the client's
 *       last update, and an update — the damaged 64×64 tiles, in Raw or ZRLE, in the client's pixel
 *       format — goes out only when the client has asked for one and the previous one was written.</li>
 * </ul>
 * DesktopSize (-223) announces a new size before any pixels of it; Cursor (-239) carries the
 * stream's pointer shape and PointerPos (-232) where the source put the pointer, when the client
 * asks for them. Pictures that are dma-bufs are read through one CPU copy per picture, shared by
 * the stream's clients ({@link DmaBufPictures}).
 *
 * <p>Threads: every method runs on the session's serial worker; pictures, packets and cursors
 * arrive on their sources' threads and are handed over through single slots, so this class holds
 * at most one frame reference (and, for a dma-buf picture, one reference to its CPU copy) and one
 * packet, and releases them when it closes.
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

    private PictureSubscriber pictures;
    private final AtomicReference<FrameEvent> arrivedPicture = new AtomicReference<>();
    private FrameEvent current;
    private Damage pending = Damage.whole();
    private ZrleEncoder zrle;

    private VideoSubscriber video;
    private final AtomicReference<HubPacket> arrivedPacket = new AtomicReference<>();
    private CodecConfig sentConfig;

    private Disposable cursors;
    private final AtomicReference<CursorImage> arrivedCursor = new AtomicReference<>();
    private final PointerPositions pointer = new PointerPositions();

    /** The stream's shared dma-buf copies; joined on the first dma-buf picture this client sends. */
    private DmaBufPictures dmaBufPictures;
    /** This client's reference to the CPU copy of {@link #current}'s dma-buf; made when first sent. */
    private Frame currentCopy;

    RfbUpdates(StreamEndpoint stream, RfbWire wire, Scheduler.Worker worker, String client, Consumer<String> fail) {
        this.stream = stream;
        this.meters = stream.hub().meters();
        this.wire = wire;
        this.worker = worker;
        this.client = client;
        this.fail = fail;
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

    void encodings(List<Integer> list) {
        encodings = List.copyOf(list);
        log.debug("RFB client {}: encodings {}", client, list);
        if (cursors == null && encodings.contains(Encodings.CURSOR)) {
            cursors = stream.cursor().subscribe(c -> {
                arrivedCursor.set(c);
                later(this::pseudoArrived);
            }, e -> log.debug("RFB client {}: cursor updates ended: {}", client, e.toString()));
        } else if (cursors != null && !encodings.contains(Encodings.CURSOR)) {
            cursors.dispose();
            cursors = null;
            arrivedCursor.set(null);
        }
        if (encodings.contains(Encodings.POINTER_POS)) {
            pointer.start(stream.cursorPositions(), () -> later(this::pseudoArrived),
                    e -> log.debug("RFB client {}: pointer positions ended: {}", client, e.toString()));
        } else {
            pointer.stop();
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
        Codec codec = stream.hub().config().map(CodecConfig::codec).orElseGet(() -> codecOf(stream.info().codec()));
        if (encodings.contains(Encodings.OPEN_H264) && codec == Codec.H264) {
            log.info("RFB client {}: Open H.264 from the stream's encoder", client);
            video = new VideoSubscriber();
            stream.hub().joinTimed().subscribe(video);
        } else {
            log.info("RFB client {}: {} pictures{}", client, zrle() ? "ZRLE" : "Raw",
                    encodings.contains(Encodings.OPEN_H264) ? " (the stream is " + codec + ", not H.264)" : "");
            pictures = new PictureSubscriber();
            stream.pictures().subscribe(pictures);
        }
    }

    private static Codec codecOf(String id) {
        try {
            return Codec.parse(id);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** Whether the client prefers ZRLE to Raw (its list is in order of preference). */
    private boolean zrle() {
        for (int e : encodings) {
            if (e == Encodings.ZRLE) {
                return true;
            }
            if (e == Encodings.RAW) {
                return false;
            }
        }
        return false;
    }

    // ---- pictures ----

    private void pictureArrived() {
        FrameEvent event = arrivedPicture.getAndSet(null);
        if (event == null) {
            return;
        }
        if (closed) {
            event.release();
            return;
        }
        if (current != null) {
            current.release();
        }
        releaseCopy();
        current = event;
        pending = pending.union(event.damage());
        pictures.request(1);
        sendPicture();
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
            CursorImage cursor = arrivedCursor.getAndSet(null);
            int[] position = pointer.take(frame.width(), frame.height());
            ByteBuf update = header(1 + (cursor != null ? 1 : 0) + (position != null ? 1 : 0));
            if (!desktopSize(update, frame.width(), frame.height())) {
                update.release();
                return;
            }
            cursorRect(update, cursor);
            PointerPositions.write(update, position);
            requested = null;
            pending = Damage.whole();
            write(update, null, 0);
            return;
        }
        List<Rect> rects = TileGrid.rectangles(pending, requested, width, height);
        if (rects.isEmpty() && arrivedCursor.get() == null && !pointer.waiting()) {
            return; // nothing new: the request waits for the next change
        }
        Frame pixels = rects.isEmpty() || !frame.isDmaBuf() ? frame : cpuCopy();
        if (pixels == null) {
            return; // the session is failing
        }
        CursorImage cursor = arrivedCursor.getAndSet(null);
        int[] position = pointer.take(width, height);
        if (rects.isEmpty() && cursor == null && position == null) {
            return; // the pointer is where it was: the request waits for the next change
        }
        boolean useZrle = zrle();
        ByteBuf update = header(rects.size() + (cursor != null ? 1 : 0) + (position != null ? 1 : 0));
        cursorRect(update, cursor);
        PointerPositions.write(update, position);
        for (Rect r : rects) {
            update.writeShort(r.x()).writeShort(r.y()).writeShort(r.width()).writeShort(r.height())
                    .writeInt(useZrle ? Encodings.ZRLE : Encodings.RAW);
            if (useZrle) {
                if (zrle == null) {
                    zrle = new ZrleEncoder();
                }
                zrle.encode(pixels, r, format, update);
            } else {
                RawEncoder.encode(pixels, r, format, update);
            }
        }
        requested = null;
        pending = Damage.none();
        write(update, null, 0);
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
        if (currentCopy == null) {
            if (dmaBufPictures == null) {
                dmaBufPictures = DmaBufPictures.join(stream);
            }
            try {
                currentCopy = dmaBufPictures.cpuCopy(current);
            } catch (IllegalArgumentException | IllegalStateException e) {
                fail.accept("cannot read the stream's " + current.frame().format() + " dma-buf pictures on the CPU: "
                        + e.getMessage());
                return null;
            }
        }
        return currentCopy;
    }

    private void releaseCopy() {
        if (currentCopy != null) {
            currentCopy.release();
            currentCopy = null;
        }
    }

    // ---- video ----

    private void sendVideo() {
        HubPacket hubPacket = arrivedPacket.getAndSet(null);
        if (hubPacket == null || closed) {
            return;
        }
        EncodedPacket packet = hubPacket.packet();
        CodecConfig config = packet.config();
        boolean resize = config.width() != width || config.height() != height;
        CursorImage cursor = arrivedCursor.getAndSet(null);
        int[] position = pointer.take(config.width(), config.height());
        ByteBuf update = header(1 + (resize ? 1 : 0) + (cursor != null ? 1 : 0) + (position != null ? 1 : 0));
        if (resize && !desktopSize(update, config.width(), config.height())) {
            update.release();
            return;
        }
        cursorRect(update, cursor);
        PointerPositions.write(update, position);
        boolean newConfig = config != sentConfig && !config.equals(sentConfig);
        byte[] au = packet.bytes();
        byte[] parameterSets = packet.keyframe() && !hasParameterSets(au) ? config.parameterSets() : new byte[0];
        // Parameter sets go after an access unit delimiter, which must stay the first NAL unit.
        int split = parameterSets.length == 0 ? 0 : afterDelimiter(au);
        update.writeShort(0).writeShort(0).writeShort(width).writeShort(height).writeInt(Encodings.OPEN_H264)
                .writeInt(parameterSets.length + au.length)
                .writeInt(newConfig ? Encodings.H264_RESET_CONTEXT : 0);
        sentConfig = config;
        ByteBuf whole = Unpooled.wrappedBuffer(update, Unpooled.wrappedBuffer(au, 0, split),
                Unpooled.wrappedBuffer(parameterSets), Unpooled.wrappedBuffer(au, split, au.length - split));
        write(whole, packet, hubPacket.receivedNanos());
    }

    /**
     * Beside video, a pointer that moves while the picture stands still (no packets) must still
     * move: its shape and position go out in an update of their own when no write is under way.
     */
    private void sendPseudoOnly() {
        if (closed || writing || video == null) {
            return;
        }
        CursorImage cursor = arrivedCursor.getAndSet(null);
        int[] position = pointer.take(width, height);
        if (cursor == null && position == null) {
            return;
        }
        ByteBuf update = header((cursor != null ? 1 : 0) + (position != null ? 1 : 0));
        cursorRect(update, cursor);
        PointerPositions.write(update, position);
        write(update, null, 0);
    }

    /** Whether an Annex B access unit carries an SPS (NAL type 7) before its first slice. */
    private static boolean hasParameterSets(byte[] au) {
        for (int at = nextNal(au, 0); at >= 0; at = nextNal(au, at)) {
            int type = au[at] & 0x1f;
            if (type == 7) {
                return true;
            }
            if (type == 1 || type == 5) {
                return false;
            }
        }
        return false;
    }

    /** Where the NAL unit after a leading access unit delimiter (type 9) starts, its start code included; else 0. */
    private static int afterDelimiter(byte[] au) {
        int first = nextNal(au, 0);
        if (first < 0 || (au[first] & 0x1f) != 9) {
            return 0;
        }
        int second = nextNal(au, first);
        if (second < 0) {
            return au.length;
        }
        int start = second - 3;
        return start > 0 && au[start - 1] == 0 ? start - 1 : start;
    }

    /** The index of the header byte of the first NAL unit whose start code begins at or after {@code from}; -1 if none. */
    private static int nextNal(byte[] au, int from) {
        for (int i = from; i + 3 < au.length; i++) {
            if (au[i] == 0 && au[i + 1] == 0 && au[i + 2] == 1) {
                return i + 3;
            }
        }
        return -1;
    }

    // ---- framing ----

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

    private void cursorRect(ByteBuf update, CursorImage cursor) {
        if (cursor != null) {
            CursorEncoder.encode(cursor, format, update);
        }
    }

    /** One update at a time: the next waits until this one reached the socket. */
    private void write(ByteBuf update, EncodedPacket packet, long hubNanos) {
        writing = true;
        int bytes = update.readableBytes();
        wire.write(update).addListener(f -> later(() -> {
            writing = false;
            if (!f.isSuccess() || closed) {
                return; // the connection is going; its close ends the session
            }
            meters.bytesSent(bytes);
            if (packet != null) {
                meters.packetOnWire(packet.captureNanos());
                meters.stageTook(Stage.SEND, System.nanoTime() - hubNanos);
                video.request(1);
            }
            if (video == null) {
                sendPicture();
            } else {
                sendPseudoOnly();
            }
        }));
    }

    /** Runs on the session's worker; once the session is over, nothing more runs. */
    private boolean later(Runnable task) {
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
            pictures.dispose();
        }
        if (video != null) {
            video.dispose();
        }
        if (cursors != null) {
            cursors.dispose();
        }
        pointer.stop();
        release(arrivedPicture.getAndSet(null));
        release(current);
        current = null;
        releaseCopy();
        if (dmaBufPictures != null) {
            dmaBufPictures.leave();
            dmaBufPictures = null;
        }
        arrivedPacket.set(null);
        if (zrle != null) {
            zrle.close();
        }
    }

    private static void release(FrameEvent event) {
        if (event != null) {
            event.release();
        }
    }

    private final class PictureSubscriber extends BaseSubscriber<FrameEvent> {
        @Override
        protected void hookOnSubscribe(Subscription s) {
            s.request(1);
        }

        @Override
        protected void hookOnNext(FrameEvent event) {
            release(arrivedPicture.getAndSet(event));
            if (closed || !later(RfbUpdates.this::pictureArrived)) {
                release(arrivedPicture.getAndSet(null));
            }
        }

        @Override
        protected void hookOnError(Throwable e) {
            later(() -> fail.accept("the stream's pictures failed: " + e));
        }

        @Override
        protected void hookOnComplete() {
            later(() -> fail.accept("the stream ended"));
        }
    }

    private final class VideoSubscriber extends BaseSubscriber<HubPacket> {
        @Override
        protected void hookOnSubscribe(Subscription s) {
            s.request(1);
        }

        @Override
        protected void hookOnNext(HubPacket packet) {
            arrivedPacket.set(packet);
            later(RfbUpdates.this::sendVideo);
        }

        @Override
        protected void hookOnError(Throwable e) {
            later(() -> fail.accept("the stream failed: " + e));
        }

        @Override
        protected void hookOnComplete() {
            later(() -> fail.accept("the stream ended"));
        }
    }
}
