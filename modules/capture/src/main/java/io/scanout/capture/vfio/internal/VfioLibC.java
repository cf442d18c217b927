package io.scanout.capture.vfio.internal;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;

/**
 * The libc calls VFIO needs beyond core's {@link io.scanout.core.nativeio.LibC}: {@code ioctl}
 * with a by-value integer or a string argument, and {@code pread}/{@code pwrite} at an offset of
 * a device fd (how VFIO regions without mmap, such as the EDID region, are read and written).
 * Each throws {@link LastErrorException} with {@code errno} on failure.
 */
public final class VfioLibC {
    static {
        Native.register(VfioLibC.class, "c");
    }

    private VfioLibC() {
    }

    /** {@code ioctl} whose argument is a value, not a pointer ({@code VFIO_SET_IOMMU}, {@code VFIO_CHECK_EXTENSION}). */
    public static native int ioctl(int fd, NativeLong request, long value) throws LastErrorException;

    /** {@code ioctl} with a pointer argument. */
    public static native int ioctl(int fd, NativeLong request, Pointer argument) throws LastErrorException;

    /** {@code ioctl} with a NUL-terminated string argument ({@code VFIO_GROUP_GET_DEVICE_FD}). */
    public static native int ioctl(int fd, NativeLong request, String argument) throws LastErrorException;

    public static native long pread(int fd, Pointer buffer, long count, long offset) throws LastErrorException;

    public static native long pwrite(int fd, Pointer buffer, long count, long offset) throws LastErrorException;
}
