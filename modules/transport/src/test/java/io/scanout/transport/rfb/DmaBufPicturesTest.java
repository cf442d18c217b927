package io.scanout.transport.rfb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.scanout.core.Damage;
import io.scanout.core.DmaBuf;
import io.scanout.core.DrmFormat;
import io.scanout.core.Frame;
import io.scanout.core.FrameEvent;
import io.scanout.core.PlaneLayout;
import java.nio.ByteBuffer;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The CPU copies of a stream's dma-buf pictures that its RFB sessions share through their
 * endpoints' {@link RfbDmaBufCopies}, without a server (memfds as dma-bufs).
 */
class DmaBufPicturesTest {
    private static final PlaneLayout LAYOUT = PlaneLayout.packed(DrmFormat.XR24, 32, 16);

    private final SyntheticEndpoint synthetic = new SyntheticEndpoint("copies", 32, 16, 1, DrmFormat.XR24);
    private final MemfdDmaBufEndpoint stream = MemfdDmaBufEndpoint.manual(synthetic);
    private final RfbDmaBufCopies owner = new RfbDmaBufCopies();

    @AfterEach
    void stop() {
        assertThat(owner.streamsHeld()).as("streams whose copies are held after the test").isZero();
        owner.close();
        synthetic.close();
        assertThat(stream.allClosed()).as("every dma-buf closed").isTrue();
    }

    /** A dma-buf event whose every byte is {@code fill}, captured at {@code nanos}. */
    private FrameEvent picture(MemfdDmaBufEndpoint of, int fill, long sequence, long nanos) {
        ByteBuffer bytes = ByteBuffer.allocateDirect(Math.toIntExact(LAYOUT.requiredBytes()));
        while (bytes.hasRemaining()) {
            bytes.put((byte) fill);
        }
        return new FrameEvent(of.toDmaBuf(LAYOUT, bytes.flip()), Damage.whole(), sequence, nanos, Optional.empty());
    }

    @Test
    void theNewestPictureIsCopiedOnceAndAnOlderOneDoesNotEvictIt() {
        DmaBufPictures copies = owner.join(stream);
        DmaBufPictures again = owner.join(stream);
        int heldAfterOneLeft;
        try {
            copiesAreShared(copies, again);
        } finally {
            copies.leave();
            heldAfterOneLeft = owner.streamsHeld();
            again.leave();
        }
        assertThat(heldAfterOneLeft).as("streams held while one session stays").isOne();
        assertThat(owner.streamsHeld()).as("streams held once the last session left").isZero();
        assertThat(copies.poolStats().outstanding()).isZero();
        assertThat(copies.poolStats().freed()).isEqualTo(copies.poolStats().allocated());
    }

    private void copiesAreShared(DmaBufPictures copies, DmaBufPictures again) {
        assertThat(again).isSameAs(copies);
        FrameEvent older = picture(stream, 0x11, 1, 1_000);
        FrameEvent newer = picture(stream, 0x22, 2, 2_000);
        FrameEvent newerToAnother = newer.withFrame(newer.frame().retain());

        Frame first = copies.cpuCopy(newer);
        Frame second = again.cpuCopy(newerToAnother);
        assertThat(copies.poolStats().acquired()).isEqualTo(1);
        assertThat(second.buffer().get(0)).isEqualTo((byte) 0x22);

        Frame old = copies.cpuCopy(older); // a client behind the others: its own copy
        assertThat(old.buffer().get(0)).isEqualTo((byte) 0x11);
        Frame third = copies.cpuCopy(newer); // the newest is still kept
        assertThat(copies.poolStats().acquired()).isEqualTo(2);
        assertThat(third.buffer().get(0)).isEqualTo((byte) 0x22);

        for (Frame f : new Frame[] {first, second, old, third}) {
            f.release();
        }
        older.release();
        newer.release();
        newerToAnother.release();
    }

    @Test
    void aStreamThatEveryoneLeftStartsAgainWithCopiesOfItsOwn() {
        DmaBufPictures first = owner.join(stream);
        first.leave();
        first.leave(); // a second leave of the same session changes nothing
        DmaBufPictures second = owner.join(stream);
        try {
            assertThat(second).isNotSameAs(first);
            FrameEvent event = picture(stream, 0x33, 1, 1_000);
            try {
                assertThatThrownBy(() -> first.cpuCopy(event)).isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("closed");
                Frame copy = second.cpuCopy(event);
                assertThat(copy.buffer().get(0)).isEqualTo((byte) 0x33);
                copy.release();
            } finally {
                event.release();
            }
        } finally {
            second.leave();
        }
    }

    @Test
    void differentStreamsAndDifferentOwnersDoNotShare() {
        SyntheticEndpoint otherSynthetic = new SyntheticEndpoint("other", 32, 16, 1, DrmFormat.XR24);
        MemfdDmaBufEndpoint otherStream = MemfdDmaBufEndpoint.manual(otherSynthetic);
        RfbDmaBufCopies otherOwner = new RfbDmaBufCopies();
        DmaBufPictures mine = owner.join(stream);
        DmaBufPictures theirs = owner.join(otherStream);
        DmaBufPictures elsewhere = otherOwner.join(stream);
        try {
            assertThat(theirs).isNotSameAs(mine);
            assertThat(elsewhere).isNotSameAs(mine).isNotSameAs(theirs);
            assertThat(owner.streamsHeld()).isEqualTo(2);
            assertThat(otherOwner.streamsHeld()).isOne();

            FrameEvent event = picture(stream, 0x44, 1, 1_000);
            try {
                mine.cpuCopy(event).release();
                elsewhere.cpuCopy(event).release();
            } finally {
                event.release();
            }
            assertThat(mine.poolStats().acquired()).as("copies made by this owner").isOne();
            assertThat(elsewhere.poolStats().acquired()).as("copies made by the other owner").isOne();
            assertThat(theirs.poolStats().acquired()).as("copies made for the other stream").isZero();
        } finally {
            mine.leave();
            theirs.leave();
            elsewhere.leave();
            otherOwner.close();
            otherSynthetic.close();
        }
        assertThat(otherOwner.streamsHeld()).isZero();
        assertThat(elsewhere.poolStats().freed()).isEqualTo(elsewhere.poolStats().allocated());
        assertThat(otherStream.allClosed()).as("every dma-buf of the other stream closed").isTrue();
    }

    /** Closing the owner frees copies sessions still hold, and lets no session join after. */
    @Test
    void closingTheOwnerFreesWhatSessionsStillHold() {
        RfbDmaBufCopies closing = new RfbDmaBufCopies();
        DmaBufPictures copies = closing.join(stream);
        FrameEvent event = picture(stream, 0x55, 1, 1_000);
        Frame held;
        try {
            held = copies.cpuCopy(event);
            closing.close();
            assertThat(closing.streamsHeld()).isZero();
            assertThat(held.buffer().get(0)).as("a copy the session holds stays readable").isEqualTo((byte) 0x55);
            assertThatThrownBy(() -> copies.cpuCopy(event)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("closed");
            assertThatThrownBy(() -> closing.join(stream)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("stopping");
        } finally {
            event.release();
        }
        assertThat(copies.poolStats().outstanding()).as("the session's copy").isOne();
        held.release();
        copies.leave(); // the session ends after the close: nothing left to free
        assertThat(copies.poolStats().outstanding()).isZero();
        assertThat(copies.poolStats().freed()).isEqualTo(copies.poolStats().allocated());
    }

    @Test
    void aTiledDmaBufIsRefusedAndNothingIsHeld() {
        DmaBufPictures copies = owner.join(stream);
        FrameEvent tiled = new FrameEvent(stream.toDmaBuf(LAYOUT,
                ByteBuffer.allocateDirect(Math.toIntExact(LAYOUT.requiredBytes())), 0x0100000000000002L),
                Damage.whole(), 1, 1, Optional.empty());
        try {
            assertThatThrownBy(() -> copies.cpuCopy(tiled)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("not linear");
        } finally {
            tiled.release();
            copies.leave();
        }
        assertThat(copies.poolStats().outstanding()).isZero();
        assertThat(stream.made).allMatch(DmaBuf::isClosed);
    }
}
