package io.scanout.capture.vfio.internal;

/**
 * The kernel's ioctl request encoding ({@code include/uapi/asm-generic/ioctl.h}, which x86-64 and
 * arm64 use): {@code dir << 30 | size << 16 | type << 8 | nr}. Values are returned as
 * non-negative longs (the request is an unsigned 32-bit number).
 */
public final class Ioc {
    public static final int NONE = 0;
    public static final int WRITE = 1;
    public static final int READ = 2;
    private static final int NR_BITS = 8;
    private static final int TYPE_BITS = 8;
    private static final int SIZE_BITS = 14;
    private static final int TYPE_SHIFT = NR_BITS;
    private static final int SIZE_SHIFT = TYPE_SHIFT + TYPE_BITS;
    private static final int DIR_SHIFT = SIZE_SHIFT + SIZE_BITS;

    private Ioc() {
    }

    public static long ioc(int dir, char type, int nr, int size) {
        if (nr < 0 || nr >= 1 << NR_BITS || type >= 1 << TYPE_BITS || size < 0 || size >= 1 << SIZE_BITS) {
            throw new IllegalArgumentException("ioctl fields out of range: type " + (int) type + ", nr " + nr
                    + ", size " + size);
        }
        return ((long) dir << DIR_SHIFT | (long) size << SIZE_SHIFT | (long) type << TYPE_SHIFT | nr) & 0xffffffffL;
    }

    /** {@code _IO(type, nr)}: no argument struct encoded (VFIO encodes none, whatever it passes). */
    public static long io(char type, int nr) {
        return ioc(NONE, type, nr, 0);
    }

    /** {@code _IOW(type, nr, size)}: userspace writes a struct of {@code size} bytes. */
    public static long iow(char type, int nr, int size) {
        return ioc(WRITE, type, nr, size);
    }

    /** {@code _IOR(type, nr, size)}: the kernel fills a struct of {@code size} bytes. */
    public static long ior(char type, int nr, int size) {
        return ioc(READ, type, nr, size);
    }

    /** {@code _IOWR(type, nr, size)}. */
    public static long iowr(char type, int nr, int size) {
        return ioc(READ | WRITE, type, nr, size);
    }
}
