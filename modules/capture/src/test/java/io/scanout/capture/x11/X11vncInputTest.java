package io.scanout.capture.x11;

import io.scanout.core.input.InputSink;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.LongByReference;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.scanout.capture.rfb.RfbSettings;
import io.scanout.capture.rfb.RfbSource;
import io.scanout.core.FrameEvent;
import io.scanout.core.FramePool;
import io.scanout.core.metrics.StreamMeters;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.Disposable;

/**
 * Pointer and key events sent through {@link RfbSource#input()} to x11vnc, seen by the X server
 * itself: the pointer's position and buttons ({@code XQueryPointer}) and the keyboard's state
 * ({@code XQueryKeymap}).
 */
class X11vncInputTest {
    private static final Duration LIMIT = Duration.ofSeconds(60);

    /** The Xlib calls that read the input state back. */
    interface X extends Library {
        X LIB = Native.load("X11", X.class);

        Pointer XOpenDisplay(String name);

        int XCloseDisplay(Pointer display);

        long XDefaultRootWindow(Pointer display);

        boolean XQueryPointer(Pointer display, long window, LongByReference root, LongByReference child,
                              IntByReference rootX, IntByReference rootY, IntByReference winX, IntByReference winY,
                              IntByReference mask);

        int XQueryKeymap(Pointer display, byte[] keys);

        byte XKeysymToKeycode(Pointer display, long keysym);
    }

    @Test
    void pointerAndKeysReachTheXServer(@TempDir Path dir) throws Exception {
        XvfbDisplay.assumeInstalled("Xvfb", "x11vnc");
        FramePool pool = new FramePool();
        try (XvfbDisplay display = XvfbDisplay.start(320, 240, dir)) {
            int port = display.startX11vnc(LIMIT, "-nopw", "-forever", "-shared", "-noncache", "-noxrecord");
            Pointer x = X.LIB.XOpenDisplay(display.name());
            assertThat(x).isNotNull();
            RfbSource source = RfbSource.open(RfbSettings.of("127.0.0.1", port).withTimeoutMillis(30_000), pool,
                    new StreamMeters(new SimpleMeterRegistry(), "input"));
            Disposable capture = source.frames().subscribe(FrameEvent::release);
            try {
                InputSink input = source.input().orElseThrow();
                await(() -> input.pointer(123, 45, 0), "the source never connected");
                await(() -> pointer(x)[0] == 123 && pointer(x)[1] == 45, () -> "pointer at " + pointer(x)[0] + ","
                        + pointer(x)[1] + ", not 123,45");
                assertThat(input.pointer(200, 100, InputSink.BUTTON_LEFT)).isTrue();
                // Button1Mask is 1 << 8 in the X pointer's state.
                await(() -> pointer(x)[0] == 200 && (pointer(x)[2] & 0x100) != 0, "button 1 is not down at 200,100");
                assertThat(input.pointer(200, 100, 0)).isTrue();
                await(() -> (pointer(x)[2] & 0x100) == 0, "button 1 is still down");

                int keycode = X.LIB.XKeysymToKeycode(x, 0x61) & 0xff;
                assertThat(input.key(0x61, true)).isTrue();
                await(() -> keyDown(x, keycode), "'a' is not down");
                assertThat(input.key(0x61, false)).isTrue();
                await(() -> !keyDown(x, keycode), "'a' is still down");
            } finally {
                capture.dispose();
                X.LIB.XCloseDisplay(x);
            }
        } finally {
            await(() -> pool.stats().outstanding() == 0, "frames still out");
            pool.close();
        }
    }

    private static int[] pointer(Pointer x) {
        IntByReference rootX = new IntByReference();
        IntByReference rootY = new IntByReference();
        IntByReference mask = new IntByReference();
        X.LIB.XQueryPointer(x, X.LIB.XDefaultRootWindow(x), new LongByReference(), new LongByReference(), rootX, rootY,
                new IntByReference(), new IntByReference(), mask);
        return new int[] {rootX.getValue(), rootY.getValue(), mask.getValue()};
    }

    private static boolean keyDown(Pointer x, int keycode) {
        byte[] keys = new byte[32];
        X.LIB.XQueryKeymap(x, keys);
        return (keys[keycode / 8] >> (keycode % 8) & 1) != 0;
    }

    private static void await(BooleanSupplier condition, String failure) {
        await(condition, () -> failure);
    }

    private static void await(BooleanSupplier condition, java.util.function.Supplier<String> failure) {
        long deadline = System.nanoTime() + LIMIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(failure.get());
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
