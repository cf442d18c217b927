package io.scanout.encode.internal;

import org.bytedeco.javacpp.BytePointer;

/**
 * A JavaCPP pointer at a native address we already own (a frame's plane), so FFmpeg reads the
 * frame's memory in place. It allocates and frees nothing; reusable, set with {@link #at(long)}.
 */
final class AddressPointer extends BytePointer {
    AddressPointer at(long nativeAddress) {
        // Pointer keeps these fields protected for subclasses: it has no public way to point at an address.
        address = nativeAddress;
        position = 0;
        limit = 0;
        capacity = 0;
        return this;
    }
}
