package io.scanout.convert.internal;

import java.lang.reflect.Field;
import sun.misc.Unsafe;

/**
 * Plain loads and stores at native addresses, for code that walks a frame's memory itself
 * ({@link RgbToYuv420}). {@code sun.misc.Unsafe} from the {@code jdk.unsupported} module: on
 * Java 17 it needs no flag, and its {@code getLong}/{@code putLong} compile to single unaligned
 * moves, without the bounds and position checks of a direct {@code ByteBuffer}'s accessors.
 *
 * <p>Nothing here checks an address: callers derive every address from a frame's validated
 * {@code PlaneLayout} and hold the frame's reference while they read or write it.
 */
final class NativeAccess {
    static final Unsafe UNSAFE = find();

    private NativeAccess() {
    }

    private static Unsafe find() {
        try {
            Field field = Unsafe.class.getDeclaredField("theUnsafe");
            field.setAccessible(true);
            return (Unsafe) field.get(null);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
