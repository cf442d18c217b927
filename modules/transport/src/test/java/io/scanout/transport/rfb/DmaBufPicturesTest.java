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

/** The shared CPU copies of a stream's dma-buf pictures, without a server (memfds as dma-bufs). */
class DmaBufPicturesTest {
    private static final PlaneLayout LAYOUT = PlaneLayout.packed(DrmFormat.XR24, 32, 16);

    private final SyntheticEndpoint synthetic = new SyntheticEndpoint("copies", 32, 16, 1, DrmFormat.XR24);
    private final MemfdDmaBufEndpoint stream = MemfdDmaBufEndpoint.manual(synthetic);

    @AfterEach
    void stop() {
        synthetic.close();
        assertThat(stream.allClosed()).as("every dma-buf closed").isTrue();
        assertThat(DmaBufPictures.streamsHeld()).isZero();
    }

    /** A dma-buf event whose every byte is {@code fill}, captured at {@code nanos}. */
    private FrameEvent picture(int fill, long sequence, long nanos) {
        ByteBuffer bytes = ByteBuffer.allocateDirect(Math.toIntExact(LAYOUT.requiredBytes()));
        while (bytes.hasRemaining()) {
            bytes.put((byte) fill);
        }
        return new FrameEvent(stream.toDmaBuf(LAYOUT, bytes.flip()), Damage.whole(), sequence, nanos, Optional.empty());
    }

    @Test
    void theNewestPictureIsCopiedOnceAndAnOlderOneDoesNotEvictIt() {
        DmaBufPictures copies = DmaBufPictures.join(stream);
        DmaBufPictures again = DmaBufPictures.join(stream);
        int heldAfterOneLeft;
        try {
            copiesAreShared(copies, again);
        } finally {
            copies.leave();
            heldAfterOneLeft = DmaBufPictures.streamsHeld();
            again.leave();
        }
        assertThat(heldAfterOneLeft).as("streams held while one session stays").isOne();
        assertThat(copies.poolStats().outstanding()).isZero();
        assertThat(copies.poolStats().freed()).isEqualTo(copies.poolStats().allocated());
    }

    private void copiesAreShared(DmaBufPictures copies, DmaBufPictures again) {
        assertThat(again).isSameAs(copies);
        FrameEvent older = picture(0x11, 1, 1_000);
        FrameEvent newer = picture(0x22, 2, 2_000);
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
    void aTiledDmaBufIsRefusedAndNothingIsHeld() {
        DmaBufPictures copies = DmaBufPictures.join(stream);
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
