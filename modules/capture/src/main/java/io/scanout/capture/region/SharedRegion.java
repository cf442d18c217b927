package io.scanout.capture.region;

import java.nio.ByteBuffer;

/**
 * The memory both sides of the region protocol see, mapped read-write and shared: a file
 * ({@link MappedFile}) or a VFIO device region ({@link VfioDeviceRegion}). Owned by the poller's
 * thread, which closes it.
 */
interface SharedRegion extends AutoCloseable {
    /** For messages: the file's path, or the device and region index. */
    String name();

    /** Bytes mapped; a multiple of 4, at least the metadata's 28. */
    long size();

    /** The size now: differs from {@link #size()} when a file was resized under the mapping. */
    long sizeNow();

    /** The whole mapping, little-endian; valid until {@link #close()}. */
    ByteBuffer buffer();

    @Override
    void close();

    /** Checks a region's size before it is mapped. */
    static void checkSize(String name, long size) {
        if (size < RegionProtocol.METADATA_BYTES) {
            throw new RegionException("region " + name + " is " + size + " B, smaller than its "
                    + RegionProtocol.METADATA_BYTES + " B of metadata");
        }
        if (size > MappedFile.MAX_BYTES) {
            throw new RegionException("region " + name + " is " + size + " B, past the " + MappedFile.MAX_BYTES
                    + " B Scanout maps");
        }
        if (size % 4 != 0) {
            // The u32 fields are read with atomic loads, which need 4-byte alignment.
            throw new RegionException("region " + name + " is " + size
                    + " B, not a multiple of 4: its metadata at size - 28 would not be aligned");
        }
    }
}
