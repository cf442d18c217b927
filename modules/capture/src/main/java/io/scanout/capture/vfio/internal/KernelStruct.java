package io.scanout.capture.vfio.internal;

import com.sun.jna.Structure;

/**
 * A JNA mirror of a kernel uapi struct, laid out by JNA's native alignment (the C compiler's on
 * Linux). Exposes field offsets so a test can hold each one against {@code offsetof} from the
 * kernel's own header.
 */
public abstract class KernelStruct extends Structure {
    /** Where a field starts, in bytes: must equal C's {@code offsetof}. */
    public int offsetOf(String field) {
        return fieldOffset(field);
    }
}
