package io.scanout.core.nativeio;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;

/**
 * The few libc calls more than one module needs, bound through JNA direct mapping. Each throws
 * {@link LastErrorException} (with {@code errno}) on failure; callers turn that into an error
 * that names what they were doing. Call sites own the fds and mappings they get back.
 */
public final class LibC {
    public static final int PROT_READ = 0x1;
    public static final int PROT_WRITE = 0x2;
    public static final int MAP_SHARED = 0x01;
    public static final int O_RDONLY = 0;
    public static final int O_RDWR = 02;
    public static final int O_CLOEXEC = 02000000;
    public static final int MFD_CLOEXEC = 0x1;
    public static final int SEEK_END = 2;
    /** What {@code mmap} returns on failure. */
    public static final Pointer MAP_FAILED = new Pointer(-1);

    static {
        Native.register(LibC.class, "c");
    }

    private LibC() {
    }

    public static native int open(String path, int flags) throws LastErrorException;

    public static native int close(int fd) throws LastErrorException;

    public static native int ioctl(int fd, NativeLong request, Pointer argument) throws LastErrorException;

    public static native Pointer mmap(Pointer address, long length, int protection, int flags, int fd, long offset)
            throws LastErrorException;

    public static native int munmap(Pointer address, long length) throws LastErrorException;

    public static native int memfd_create(String name, int flags) throws LastErrorException;

    public static native int ftruncate(int fd, long length) throws LastErrorException;

    public static native long lseek(int fd, long offset, int whence) throws LastErrorException;

    public static native int dup(int fd) throws LastErrorException;

    /** {@code strerror} text for an errno, for messages. */
    public static native String strerror(int errno);

    /** "what failed: errno N (text)" for a failed call. */
    public static String describe(String what, LastErrorException e) {
        return what + ": errno " + e.getErrorCode() + " (" + strerror(e.getErrorCode()) + ")";
    }
}
