package io.scanout.transport.rfb;

import static org.assertj.core.api.Assertions.assertThat;

import io.scanout.core.DrmFormat;
import io.scanout.core.input.CursorPosition;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * PointerPos (-232): a client that lists it gets the source's pointer position — at most one
 * rectangle an update, the newest, only when it moved, in the client's pixels — and a client that
 * does not list it never sees one.
 */
class RfbPointerPosTest {
    private static final int WIDTH = 160;
    private static final int HEIGHT = 100;

    private final SyntheticEndpoint stream = new SyntheticEndpoint("vm", WIDTH, HEIGHT, 10, DrmFormat.XR24);
    private RfbServer server;

    @AfterEach
    void stop() {
        stream.closeAndAwaitFramesBack();
    }

    private RawRfbClient connect(int... encodings) throws Exception {
        if (server == null) {
            server = stream.serve("127.0.0.1", RfbSecurity.loopbackOnly());
        }
        RawRfbClient c = new RawRfbClient("127.0.0.1", server.port());
        c.connectWithNone();
        c.setEncodings(encodings);
        return c;
    }

    private void moveTo(int x, int y, int displayWidth, int displayHeight) {
        stream.positions.tryEmitNext(new CursorPosition(x, y, displayWidth, displayHeight)).orThrow();
    }

    private static List<RawRfbClient.Rectangle> positions(List<RawRfbClient.Rectangle> update) {
        return update.stream().filter(r -> r.encoding() == Encodings.POINTER_POS).toList();
    }

    @Test
    void aClientThatAsksGetsTheNewestPositionOncePerMove() throws Exception {
        moveTo(10, 20, WIDTH, HEIGHT);
        try (RawRfbClient c = connect(0, Encodings.POINTER_POS)) {
            c.request(false, 0, 0, WIDTH, HEIGHT);
            List<RawRfbClient.Rectangle> first = c.readUpdate(4);
            // The position it joined at, beside the picture.
            assertThat(positions(first)).singleElement().satisfies(r -> {
                assertThat(new int[] {r.x(), r.y(), r.width(), r.height()}).containsExactly(10, 20, 0, 0);
            });
            assertThat(first).anyMatch(r -> r.encoding() == Encodings.RAW);

            // Three moves while no request is open: the next update carries only the newest.
            moveTo(1, 1, WIDTH, HEIGHT);
            moveTo(2, 2, WIDTH, HEIGHT);
            moveTo(150, 90, WIDTH, HEIGHT);
            c.request(true, 0, 0, WIDTH, HEIGHT);
            assertThat(positions(c.readUpdate(4))).singleElement()
                    .satisfies(r -> assertThat(new int[] {r.x(), r.y()}).containsExactly(150, 90));

            // Reported again where it already is: no rectangle (the pictures keep the updates coming).
            moveTo(150, 90, WIDTH, HEIGHT);
            c.request(true, 0, 0, WIDTH, HEIGHT);
            assertThat(positions(c.readUpdate(4))).isEmpty();

            // A position on a display twice the picture's size lands on the picture's pixel.
            moveTo(100, 60, 2 * WIDTH, 2 * HEIGHT);
            c.request(true, 0, 0, WIDTH, HEIGHT);
            assertThat(positions(c.readUpdate(4))).singleElement()
                    .satisfies(r -> assertThat(new int[] {r.x(), r.y()}).containsExactly(50, 30));
        }
    }

    /**
     * Beside Open H.264 video (the stream's codec is H.264; this hub has no packets, as when the
     * picture stands still), a moving pointer still moves: each position goes out in an update of
     * its own, without waiting for a request.
     */
    @Test
    void besideVideoPositionsGoOutOnTheirOwn() throws Exception {
        moveTo(10, 20, WIDTH, HEIGHT);
        try (RawRfbClient c = connect(Encodings.OPEN_H264, Encodings.POINTER_POS)) {
            c.request(false, 0, 0, WIDTH, HEIGHT);
            assertThat(c.readUpdate(4)).singleElement().satisfies(r -> assertThat(
                    new int[] {r.x(), r.y(), r.width(), r.height(), r.encoding()})
                    .containsExactly(10, 20, 0, 0, Encodings.POINTER_POS));
            moveTo(70, 80, WIDTH, HEIGHT);
            assertThat(c.readUpdate(4)).singleElement().satisfies(r -> assertThat(
                    new int[] {r.x(), r.y(), r.encoding()}).containsExactly(70, 80, Encodings.POINTER_POS));
        }
    }

    @Test
    void aClientThatDidNotAskNeverGetsOne() throws Exception {
        moveTo(10, 20, WIDTH, HEIGHT);
        try (RawRfbClient asked = connect(0, Encodings.POINTER_POS);
             RawRfbClient other = connect(0)) {
            asked.request(false, 0, 0, WIDTH, HEIGHT);
            other.request(false, 0, 0, WIDTH, HEIGHT);
            assertThat(positions(asked.readUpdate(4))).hasSize(1);
            assertThat(positions(other.readUpdate(4))).isEmpty();
            for (int i = 0; i < 3; i++) {
                moveTo(30 + i, 40 + i, WIDTH, HEIGHT);
                asked.request(true, 0, 0, WIDTH, HEIGHT);
                other.request(true, 0, 0, WIDTH, HEIGHT);
                int at = i;
                assertThat(positions(asked.readUpdate(4))).singleElement()
                        .satisfies(r -> assertThat(new int[] {r.x(), r.y()}).containsExactly(30 + at, 40 + at));
                assertThat(positions(other.readUpdate(4))).isEmpty();
            }
        }
    }
}
