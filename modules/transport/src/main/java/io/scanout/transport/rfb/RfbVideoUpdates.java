package io.scanout.transport.rfb;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.scanout.core.CodecConfig;
import io.scanout.core.EncodedPacket;
import io.scanout.core.metrics.Stage;
import io.scanout.core.metrics.StreamMeters;
import io.scanout.transport.HubPacket;
import io.scanout.transport.StreamHub;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.reactivestreams.Subscription;
import reactor.core.publisher.BaseSubscriber;

/**
 * The video mode of one RFB client, which listed Open H.264 (50) on an H.264 stream: the client
 * joins the stream's hub like a WebSocket viewer and every packet goes out as one Open H.264
 * rectangle covering the frame — starting at a keyframe, parameter sets in front of keyframes that
 * lack them, the reset-context flag on a new encoder configuration. Packets are sent as they come,
 * one write at a time (the next is requested when this one reached the socket); a client that reads
 * too slowly falls behind in the hub's bounded queue and is skipped to the next keyframe, never
 * slowing the others.
 *
 * <p>The update around each rectangle — DesktopSize, the pointer's shape and position — and the
 * write are {@link RfbUpdates}'s, shared with the picture mode.
 *
 * <p>Threads: packets arrive on the hub's thread into one slot and are sent from the session's
 * serial worker, where every method here runs; this holds at most one packet (heap bytes, nothing
 * to release). Once {@linkplain #close closed} — the session ended, or the client's encodings
 * switched it to pictures — nothing more is sent, not even a packet that was on its way to the
 * slot or a send already scheduled.
 */
final class RfbVideoUpdates {
    private final RfbUpdates updates;
    private final StreamHub hub;
    private final StreamMeters meters;
    private final Consumer<String> fail;
    private final VideoSubscriber subscriber = new VideoSubscriber();
    private final AtomicReference<HubPacket> arrivedPacket = new AtomicReference<>();
    /** The configuration of the last packet sent: a different one resets the client's decoder. */
    private CodecConfig sentConfig;
    /** Set by {@link #close}; read on the hub's thread too, to drop what arrives after. */
    private volatile boolean closed;

    RfbVideoUpdates(RfbUpdates updates, StreamHub hub, Consumer<String> fail) {
        this.updates = updates;
        this.hub = hub;
        this.meters = hub.meters();
        this.fail = fail;
    }

    /** Joins the stream's hub; packets come from its current GOP's keyframe on. */
    void start() {
        hub.joinTimed().subscribe(subscriber);
    }

    /**
     * Sends the waiting packet, if there is one and no update is being written (else the write's
     * completion calls this again).
     */
    void sendWaiting() {
        if (closed || updates.isClosed() || updates.isWriting()) {
            return;
        }
        HubPacket hubPacket = arrivedPacket.getAndSet(null);
        if (hubPacket == null) {
            return;
        }
        EncodedPacket packet = hubPacket.packet();
        CodecConfig config = packet.config();
        ByteBuf update = updates.beginUpdate(1, config.width(), config.height());
        if (update == null) {
            return; // the client cannot take the new size: the session is failing
        }
        boolean newConfig = config != sentConfig && !config.equals(sentConfig);
        sentConfig = config;
        ByteBuf whole = rectangle(update, packet, newConfig);
        updates.write(whole, () -> {
            meters.packetOnWire(packet.captureNanos());
            meters.stageTook(Stage.SEND, System.nanoTime() - hubPacket.receivedNanos());
            subscriber.request(1);
        });
    }

    /**
     * The update with the packet's rectangle added: its header and the access unit, with the
     * configuration's parameter sets put in when it is a keyframe without them. The packet's bytes
     * are wrapped, not copied.
     */
    private static ByteBuf rectangle(ByteBuf update, EncodedPacket packet, boolean resetContext) {
        CodecConfig config = packet.config();
        byte[] au = packet.bytes();
        byte[] parameterSets = packet.keyframe() && !H264AnnexB.hasParameterSets(au)
                ? config.parameterSets() : new byte[0];
        // Parameter sets go after an access unit delimiter, which must stay the first NAL unit.
        int split = parameterSets.length == 0 ? 0 : H264AnnexB.afterDelimiter(au);
        update.writeShort(0).writeShort(0).writeShort(config.width()).writeShort(config.height())
                .writeInt(Encodings.OPEN_H264)
                .writeInt(parameterSets.length + au.length)
                .writeInt(resetContext ? Encodings.H264_RESET_CONTEXT : 0);
        return Unpooled.wrappedBuffer(update, Unpooled.wrappedBuffer(au, 0, split),
                Unpooled.wrappedBuffer(parameterSets), Unpooled.wrappedBuffer(au, split, au.length - split));
    }

    /** Leaves the hub and drops the waiting packet; nothing more is sent. Session worker; idempotent. */
    void close() {
        closed = true;
        subscriber.dispose();
        arrivedPacket.set(null);
    }

    /** An end that reaches a video mode already left is not this client's. */
    private void failUnlessClosed(String reason) {
        if (!closed) {
            fail.accept(reason);
        }
    }

    private final class VideoSubscriber extends BaseSubscriber<HubPacket> {
        @Override
        protected void hookOnSubscribe(Subscription s) {
            s.request(1);
        }

        @Override
        protected void hookOnNext(HubPacket packet) {
            if (closed) {
                return; // cancelled while this packet was on its way
            }
            arrivedPacket.set(packet);
            updates.later(RfbVideoUpdates.this::sendWaiting);
        }

        @Override
        protected void hookOnError(Throwable e) {
            updates.later(() -> failUnlessClosed("the stream failed: " + e));
        }

        @Override
        protected void hookOnComplete() {
            updates.later(() -> failUnlessClosed("the stream ended"));
        }
    }
}
