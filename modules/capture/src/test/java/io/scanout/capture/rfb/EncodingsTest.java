package io.scanout.capture.rfb;

import io.scanout.core.input.CursorImage;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.scanout.core.Damage;
import io.scanout.core.Rect;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.zip.Deflater;
import org.junit.jupiter.api.Test;

/** Hand-made FramebufferUpdates, one encoding at a time, against pictures painted by hand. */
class EncodingsTest {
    private static final int RED = 0xff0000;
    private static final int GREEN = 0x00ff00;
    private static final int BLUE = 0x0000ff;
    private static final int WHITE = 0xffffff;
    private static final int GREY = 0x808080;

    @Test
    void rawRowsLandWhereTheRectangleSays() throws IOException {
        try (DecoderFixture f = new DecoderFixture(5, 4)) {
            Wire m = new Wire().update(1).rect(1, 1, 3, 2, Encodings.RAW);
            int[] colours = {RED, GREEN, BLUE, 0x123456, 0xabcdef, WHITE};
            for (int c : colours) {
                m.pixel(c);
            }
            UpdateDecoder.Update update = f.decode(m);
            for (int i = 0; i < 6; i++) {
                f.paintPixel(1 + i % 3, 1 + i / 3, colours[i]);
            }
            f.assertPicture();
            assertThat(update.damage().rectangles()).containsExactly(new Rect(1, 1, 3, 2));
            assertThat(update.resized()).isFalse();
        }
    }

    @Test
    void copyRectMovesOverlappingPixelsAsIfThroughACopy() throws IOException {
        try (DecoderFixture f = new DecoderFixture(6, 6)) {
            Wire raw = new Wire().update(1).rect(0, 0, 6, 6, Encodings.RAW);
            for (int i = 0; i < 36; i++) {
                raw.pixel(i * 0x010203);
                f.expected[i] = i * 0x010203;
            }
            f.decode(raw);
            // Down-right by one, overlapping itself: the reference copies through a second array.
            int[] before = f.expected.clone();
            for (int y = 0; y < 4; y++) {
                for (int x = 0; x < 4; x++) {
                    f.expected[(y + 2) * 6 + x + 1] = before[(y + 1) * 6 + x];
                }
            }
            UpdateDecoder.Update update = f.decode(new Wire().update(1).rect(1, 2, 4, 4, Encodings.COPY_RECT)
                    .u16(0).u16(1));
            f.assertPicture();
            assertThat(update.damage().rectangles()).containsExactly(new Rect(1, 2, 4, 4));

            before = f.expected.clone();
            for (int y = 0; y < 3; y++) {
                for (int x = 0; x < 3; x++) {
                    f.expected[y * 6 + x] = before[(y + 1) * 6 + x + 2];
                }
            }
            f.decode(new Wire().update(1).rect(0, 0, 3, 3, Encodings.COPY_RECT).u16(2).u16(1));
            f.assertPicture();
        }
    }

    @Test
    void copyRectFromOutsideTheFramebufferIsRefused() {
        try (DecoderFixture f = new DecoderFixture(6, 6)) {
            assertThatThrownBy(() -> f.decode(new Wire().update(1).rect(0, 0, 4, 4, Encodings.COPY_RECT).u16(3).u16(0)))
                    .isInstanceOf(RfbProtocolException.class)
                    .hasMessage("the source of rectangle 1 of 1 (CopyRect 0,0 4x4) at 3,0 4x4 lies outside the 6x6"
                            + " framebuffer");
        }
    }

    @Test
    void rreFillsTheBackgroundThenItsSubrectangles() throws IOException {
        try (DecoderFixture f = new DecoderFixture(8, 8)) {
            f.decode(new Wire().update(1).rect(1, 2, 6, 5, Encodings.RRE).u32(2).pixel(GREY)
                    .pixel(RED).u16(0).u16(0).u16(2).u16(2)
                    .pixel(BLUE).u16(3).u16(1).u16(3).u16(4));
            f.paint(1, 2, 6, 5, GREY);
            f.paint(1, 2, 2, 2, RED);
            f.paint(4, 3, 3, 4, BLUE);
            f.assertPicture();
        }
    }

    @Test
    void rreRejectsMoreSubrectanglesThanPixelsAndOnesOutside() {
        try (DecoderFixture f = new DecoderFixture(8, 8)) {
            assertThatThrownBy(() -> f.decode(new Wire().update(1).rect(0, 0, 2, 2, Encodings.RRE).u32(0x7fffffff)))
                    .isInstanceOf(RfbProtocolException.class)
                    .hasMessage("RRE rectangle 2x2 claims 2147483647 sub-rectangles, more than its 4 pixels");
        }
        try (DecoderFixture f = new DecoderFixture(8, 8)) {
            assertThatThrownBy(() -> f.decode(new Wire().update(1).rect(0, 0, 4, 4, Encodings.RRE).u32(1).pixel(0)
                    .pixel(RED).u16(3).u16(0).u16(2).u16(1)))
                    .isInstanceOf(RfbProtocolException.class)
                    .hasMessage("RRE sub-rectangle 0 at 3,0 2x1 lies outside its 4x4 rectangle");
        }
    }

    @Test
    void hextileTilesRawBackgroundForegroundAndColouredSubrects() throws IOException {
        // 20x18: tiles 16x16, 4x16, 16x2, 4x2.
        try (DecoderFixture f = new DecoderFixture(24, 20)) {
            Wire m = new Wire().update(1).rect(2, 1, 20, 18, Encodings.HEXTILE);
            // Tile 1: background grey, foreground red, two plain subrects.
            m.u8(2 | 4 | 8).pixel(GREY).pixel(RED).u8(2)
                    .u8(0x12).u8(0x21)      // x1 y2, 3x2
                    .u8(0xf0).u8(0x0f);     // x15 y0, 1x16
            f.paint(2, 1, 16, 16, GREY);
            f.paint(3, 3, 3, 2, RED);
            f.paint(17, 1, 1, 16, RED);
            // Tile 2 (4x16): raw.
            m.u8(1);
            for (int i = 0; i < 64; i++) {
                m.pixel(0x10101 * i);
                f.paintPixel(18 + i % 4, 1 + i / 4, 0x10101 * i);
            }
            // Tile 3 (16x2): nothing specified: the last background (grey), subrects in the last foreground (red).
            m.u8(8).u8(1).u8(0x51).u8(0x20);
            f.paint(2, 17, 16, 2, GREY);
            f.paint(7, 18, 3, 1, RED);
            // Tile 4 (4x2): new background, coloured subrects.
            m.u8(2 | 8 | 16).pixel(WHITE).u8(2).pixel(GREEN).u8(0x00).u8(0x00).pixel(BLUE).u8(0x31).u8(0x00);
            f.paint(18, 17, 4, 2, WHITE);
            f.paintPixel(18, 17, GREEN);
            f.paintPixel(21, 18, BLUE);
            UpdateDecoder.Update update = f.decode(m);
            f.assertPicture();
            assertThat(update.damage().rectangles()).containsExactly(new Rect(2, 1, 20, 18));
        }
    }

    @Test
    void hextileSubrectOutsideItsTileIsRefused() {
        try (DecoderFixture f = new DecoderFixture(24, 20)) {
            assertThatThrownBy(() -> f.decode(new Wire().update(1).rect(0, 0, 4, 4, Encodings.HEXTILE)
                    .u8(2 | 4 | 8).pixel(0).pixel(RED).u8(1).u8(0x22).u8(0x22)))
                    .isInstanceOf(RfbProtocolException.class)
                    .hasMessage("Hextile sub-rectangle 0 at 2,2 3x3 lies outside its 4x4 tile at 0,0");
        }
    }

    @Test
    void zrleDecodesEverySubencodingAcrossTwoRectanglesOfOneStream() throws IOException {
        Deflater deflater = new Deflater();
        try (DecoderFixture f = new DecoderFixture(140, 70)) {
            // 70x66 at 0,0: tiles 64x64 (plain RLE), 6x64 (packed 2 colours), 64x2 (packed 5), 6x2 (raw).
            ByteArrayOutputStream data = new ByteArrayOutputStream();
            Wire t = new Wire();
            // Plain RLE: a 300-pixel red run (255 + 44 as run bytes) crossing rows, then a green run to the end.
            t.u8(128).cpixel(RED);
            runLength(t, 300);
            t.cpixel(GREEN);
            runLength(t, 64 * 64 - 300);
            for (int i = 0; i < 64 * 64; i++) {
                f.paintPixel(i % 64, i / 64, i < 300 ? RED : GREEN);
            }
            // Packed palette of 2 (1 bit per pixel), 6 pixels a row in one byte: alternating columns.
            t.u8(2).cpixel(BLUE).cpixel(WHITE);
            for (int r = 0; r < 64; r++) {
                t.u8(r % 2 == 0 ? 0b01010100 : 0b10101000);
                for (int c = 0; c < 6; c++) {
                    f.paintPixel(64 + c, r, ((c + r) % 2 == 1) ? WHITE : BLUE);
                }
            }
            // Packed palette of 5 (4 bits per pixel): index = column % 5, two pixels a byte.
            t.u8(5);
            int[] five = {RED, GREEN, BLUE, WHITE, GREY};
            for (int c : five) {
                t.cpixel(c);
            }
            for (int r = 0; r < 2; r++) {
                for (int c = 0; c < 64; c += 2) {
                    t.u8((c % 5) << 4 | ((c + 1) % 5));
                    f.paintPixel(c, 64 + r, five[c % 5]);
                    f.paintPixel(c + 1, 64 + r, five[(c + 1) % 5]);
                }
            }
            // Raw CPIXELs.
            t.u8(0);
            for (int i = 0; i < 12; i++) {
                t.cpixel(0x030201 * i);
                f.paintPixel(64 + i % 6, 64 + i / 6, 0x030201 * i);
            }
            data.writeBytes(t.toByteArray());
            Wire first = new Wire().update(2).rect(0, 0, 70, 66, Encodings.ZRLE).zlib(deflater, data.toByteArray());

            // A second rectangle, 64x4 at 70,0, continuing the same zlib stream: solid tile, then a
            // 3-colour palette RLE tile drawn in the 64x4 below it.
            Wire u = new Wire().u8(1).cpixel(GREY);
            f.paint(70, 0, 64, 4, GREY);
            first.rect(70, 0, 64, 4, Encodings.ZRLE).zlib(deflater, u.toByteArray());
            UpdateDecoder.Update update = f.decode(first);
            f.assertPicture();
            assertThat(update.damage().rectangles()).containsExactly(new Rect(0, 0, 70, 66), new Rect(70, 0, 64, 4));

            // Palette RLE (3 colours): index 2 run of 100, single index 0, index 1 for the rest.
            Wire v = new Wire().u8(128 + 3).cpixel(RED).cpixel(GREEN).cpixel(BLUE)
                    .u8(128 | 2).u8(99).u8(0).u8(128 | 1).u8(64 * 4 - 101 - 1);
            for (int i = 0; i < 64 * 4; i++) {
                f.paintPixel(70 + i % 64, 4 + i / 64, i < 100 ? BLUE : i == 100 ? RED : GREEN);
            }
            f.decode(new Wire().update(1).rect(70, 4, 64, 4, Encodings.ZRLE).zlib(deflater, v.toByteArray()));
            f.assertPicture();
            assertThat(f.unread()).isZero();
        } finally {
            deflater.end();
        }
    }

    @Test
    void zrleRefusesBadTilesAndHostileLengths() {
        assertZrleError(new Wire().u8(17), "ZRLE tile at 0,0 uses subencoding 17, which RFC 6143 leaves unused");
        assertZrleError(new Wire().u8(129), "ZRLE tile at 0,0 uses subencoding 129, which RFC 6143 leaves unused");
        assertZrleError(new Wire().u8(3).cpixel(RED).cpixel(GREEN).cpixel(BLUE).u8(0b11000000),
                "ZRLE packed-palette tile at 0,0 uses index 3 of a 3-colour palette");
        assertZrleError(new Wire().u8(128).cpixel(RED).u8(16),
                "ZRLE run of 17+ pixels in the tile at 0,0 is longer than the 16 pixels left in it");
        assertZrleError(new Wire().u8(130).cpixel(RED).cpixel(GREEN).u8(2),
                "ZRLE palette run-length tile at 0,0 uses index 2 of a 2-colour palette");
        assertZrleError(new Wire().u8(1), "a ZRLE rectangle's 9 compressed bytes decompress to less data than its"
                + " tiles need");
        assertZrleError(new Wire().u8(1).cpixel(RED).u8(99), "a ZRLE rectangle's 13 compressed bytes hold more"
                + " data than its tiles (1+ bytes left over)");
        try (DecoderFixture f = new DecoderFixture(4, 4)) {
            assertThatThrownBy(() -> f.decode(new Wire().update(1).rect(0, 0, 4, 4, Encodings.ZRLE)
                    .u32(0x80000000L)))
                    .isInstanceOf(RfbProtocolException.class)
                    .hasMessage("ZRLE rectangle 4x4 claims 2147483648 compressed bytes, more than the 1916 it could need");
        }
        try (DecoderFixture f = new DecoderFixture(4, 4)) {
            assertThatThrownBy(() -> f.decode(new Wire().update(1).rect(0, 0, 4, 4, Encodings.ZRLE)
                    .u32(6).bytes(new byte[] {0x78, (byte) 0x9c, (byte) 0xff, (byte) 0xff, 1, 2})))
                    .isInstanceOf(RfbProtocolException.class)
                    .hasMessageStartingWith("the ZRLE zlib stream is corrupt: ");
        }
    }

    /** ZRLE's run length: length - 1 as bytes of 255 and a last byte below 255. */
    private static void runLength(Wire w, int length) {
        int left = length - 1;
        while (left >= 255) {
            w.u8(255);
            left -= 255;
        }
        w.u8(left);
    }

    private static void assertZrleError(Wire tile, String message) {
        Deflater deflater = new Deflater();
        try (DecoderFixture f = new DecoderFixture(4, 4)) {
            Wire m = new Wire().update(1).rect(0, 0, 4, 4, Encodings.ZRLE).zlib(deflater, tile.toByteArray());
            assertThatThrownBy(() -> f.decode(m)).isInstanceOf(RfbProtocolException.class).hasMessage(message);
        } finally {
            deflater.end();
        }
    }

    @Test
    void desktopSizeResizesAndMakesTheDamageWhole() throws IOException {
        try (DecoderFixture f = new DecoderFixture(8, 8)) {
            UpdateDecoder.Update update = f.decode(new Wire().update(2)
                    .rect(0, 0, 12, 6, Encodings.DESKTOP_SIZE)
                    .rect(10, 5, 2, 1, Encodings.RAW).pixel(RED).pixel(BLUE));
            assertThat(update.resized()).isTrue();
            assertThat(update.damage().isWhole()).isTrue();
            assertThat(f.fb.width()).isEqualTo(12);
            assertThat(f.fb.height()).isEqualTo(6);
            f.paintPixel(10, 5, RED);
            f.paintPixel(11, 5, BLUE);
            f.assertPicture();
            assertThat(f.pool.stats().outstanding()).isEqualTo(1);
        }
    }

    @Test
    void extendedDesktopSizeSkipsItsScreensAndIsNoChangeAtTheSameSize() throws IOException {
        try (DecoderFixture f = new DecoderFixture(8, 8)) {
            Wire screens = new Wire().u8(2).u8(0).u16(0)
                    .u32(1).u16(0).u16(0).u16(8).u16(8).u32(0)
                    .u32(2).u16(8).u16(0).u16(8).u16(8).u32(0);
            UpdateDecoder.Update same = f.decode(new Wire().update(1).rect(0, 0, 8, 8, Encodings.EXTENDED_DESKTOP_SIZE)
                    .bytes(screens));
            assertThat(same.resized()).isFalse();
            assertThat(same.damage().isEmpty()).isTrue();
            UpdateDecoder.Update bigger = f.decode(new Wire().update(1)
                    .rect(0, 0, 16, 8, Encodings.EXTENDED_DESKTOP_SIZE).bytes(screens));
            assertThat(bigger.resized()).isTrue();
            assertThat(f.fb.width()).isEqualTo(16);
            assertThat(f.unread()).isZero();
        }
    }

    @Test
    void desktopSizeOutOfRangeIsRefused() {
        try (DecoderFixture f = new DecoderFixture(8, 8)) {
            assertThatThrownBy(() -> f.decode(new Wire().update(1).rect(0, 0, 0, 600, Encodings.DESKTOP_SIZE)))
                    .isInstanceOf(RfbProtocolException.class)
                    .hasMessage("rectangle 1 of 1 (DesktopSize 0,0 0x600): a desktop of 0x600 is outside"
                            + " 1x1..16384x16384");
        }
    }

    @Test
    void cursorBecomesItsOwnEventWithTheMaskAsAlpha() throws IOException {
        try (DecoderFixture f = new DecoderFixture(8, 8)) {
            Wire m = new Wire().update(1).rect(1, 0, 3, 2, Encodings.CURSOR)
                    .pixel(RED).pixel(GREEN).pixel(BLUE).pixel(WHITE).pixel(GREY).pixel(0x010203)
                    .u8(0b10100000).u8(0b01100000);
            UpdateDecoder.Update update = f.decode(m);
            assertThat(update.damage().isEmpty()).isTrue();
            assertThat(f.cursors).hasSize(1);
            CursorImage c = f.cursors.get(0);
            assertThat(c.hotspotX()).isEqualTo(1);
            assertThat(c.hotspotY()).isZero();
            assertThat(c.argb()).containsExactly(0xffff0000, 0x0000ff00, 0xff0000ff, 0x00ffffff, 0xff808080, 0xff010203);
            f.assertPicture();
        }
    }

    @Test
    void cursorLargerThanTheScreenIsRefused() {
        try (DecoderFixture f = new DecoderFixture(8, 8)) {
            assertThatThrownBy(() -> f.decode(new Wire().update(1).rect(0, 0, 9000, 9000, Encodings.CURSOR)))
                    .isInstanceOf(RfbProtocolException.class)
                    .hasMessage("Cursor of 9000x9000 is larger than the 8x8 framebuffer");
        }
    }

    @Test
    void lastRectEndsAnUpdateOfUnknownLength() throws IOException {
        try (DecoderFixture f = new DecoderFixture(8, 8)) {
            Wire m = new Wire().update(0xffff)
                    .rect(0, 0, 1, 1, Encodings.RAW).pixel(RED)
                    .rect(7, 7, 1, 1, Encodings.RAW).pixel(BLUE)
                    .rect(0, 0, 0, 0, Encodings.LAST_RECT)
                    .u8(2);     // the next message, a Bell, stays unread
            UpdateDecoder.Update update = f.decode(m);
            assertThat(update.damage().rectangles()).containsExactly(new Rect(0, 0, 1, 1), new Rect(7, 7, 1, 1));
            assertThat(f.unread()).isEqualTo(1);
            f.paintPixel(0, 0, RED);
            f.paintPixel(7, 7, BLUE);
            f.assertPicture();
        }
    }

    @Test
    void rectangleOutsideTheFramebufferAndUnknownEncodingsAreRefused() {
        try (DecoderFixture f = new DecoderFixture(8, 8)) {
            assertThatThrownBy(() -> f.decode(new Wire().update(1).rect(6, 0, 3, 1, Encodings.RAW)))
                    .isInstanceOf(RfbProtocolException.class)
                    .hasMessage("rectangle 1 of 1 (Raw 6,0 3x1) at 6,0 3x1 lies outside the 8x8 framebuffer");
            assertThatThrownBy(() -> f.decode(new Wire().update(2).rect(0, 0, 1, 1, Encodings.RAW).pixel(0)
                    .rect(0, 0, 4, 4, 6)))
                    .isInstanceOf(RfbProtocolException.class)
                    .hasMessage("rectangle 2 of 2 (Zlib 0,0 4x4) uses encoding 6, which this client did not ask"
                            + " for and cannot decode");
            assertThatThrownBy(() -> f.decode(new Wire().update(1).rect(65535, 65535, 65535, 65535, Encodings.RRE)))
                    .isInstanceOf(RfbProtocolException.class)
                    .hasMessageEndingWith("lies outside the 8x8 framebuffer");
        }
    }

    @Test
    void damageOfManyRectanglesBecomesTheirBoundingBox() throws IOException {
        try (DecoderFixture f = new DecoderFixture(300, 2)) {
            Wire m = new Wire().update(300);
            for (int i = 0; i < 300; i++) {
                m.rect(i, i % 2, 1, 1, Encodings.RAW).pixel(i);
            }
            Damage damage = f.decode(m).damage();
            assertThat(damage.rectangles()).containsExactly(new Rect(0, 0, 300, 2));
        }
    }
}
