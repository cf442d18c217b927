package io.scanout.capture.testing;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes a Linux initramfs: a cpio archive in the "newc" format the kernel unpacks
 * (Documentation/driver-api/early-userspace/buffer-format.rst), uncompressed. Built in memory by
 * one thread.
 */
public final class Initramfs {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private int inode = 1;

    public Initramfs directory(String path) {
        return entry(path, 0040755, new byte[0], 0, 0);
    }

    public Initramfs file(String path, int permissions, byte[] data) {
        return entry(path, 0100000 | permissions, data, 0, 0);
    }

    public Initramfs characterDevice(String path, int major, int minor) {
        return entry(path, 0020600, new byte[0], major, minor);
    }

    private Initramfs entry(String path, int mode, byte[] data, int major, int minor) {
        byte[] name = (path + "\0").getBytes(StandardCharsets.US_ASCII);
        StringBuilder header = new StringBuilder("070701");
        int[] fields = {inode++, mode, 0, 0, 1, 0, data.length, 0, 0, major, minor, name.length, 0};
        for (int f : fields) {
            header.append(String.format("%08X", f));
        }
        out.writeBytes(header.toString().getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(name);
        pad(4);
        out.writeBytes(data);
        pad(4);
        return this;
    }

    private void pad(int alignment) {
        while (out.size() % alignment != 0) {
            out.write(0);
        }
    }

    public byte[] finish() {
        entry("TRAILER!!!", 0, new byte[0], 0, 0);
        pad(512);
        return out.toByteArray();
    }
}
