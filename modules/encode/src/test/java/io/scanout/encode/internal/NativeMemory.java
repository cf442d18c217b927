package io.scanout.encode.internal;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Structure;
import org.bytedeco.javacpp.Pointer;

/**
 * How much native memory the process holds, three ways: glibc's own count of bytes in use
 * ({@code mallinfo2}: {@code uordblks + hblkhd}, over every arena — what FFmpeg's {@code av_malloc}
 * and the codec libraries take), JavaCPP's count of what its pointers allocated
 * ({@link Pointer#totalBytes()}), and the resident set ({@link Pointer#physicalBytes()}). Test code.
 */
final class NativeMemory {
    /** glibc's {@code struct mallinfo2}: ten {@code size_t}. */
    @Structure.FieldOrder({"arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks",
        "fordblks", "keepcost"})
    public static class MallInfo2 extends Structure implements Structure.ByValue {
        public long arena;
        public long ordblks;
        public long smblks;
        public long hblks;
        public long hblkhd;
        public long usmblks;
        public long fsmblks;
        public long uordblks;
        public long fordblks;
        public long keepcost;
    }

    interface GlibC extends Library {
        MallInfo2 mallinfo2();
    }

    private static final GlibC C = Native.load("c", GlibC.class);

    /** One reading. */
    record Reading(long mallocInUse, long javacppBytes, long residentBytes) {
        Reading minus(Reading before) {
            return new Reading(mallocInUse - before.mallocInUse, javacppBytes - before.javacppBytes,
                    residentBytes - before.residentBytes);
        }
    }

    private NativeMemory() {
    }

    static Reading read() {
        MallInfo2 info = C.mallinfo2();
        return new Reading(info.uordblks + info.hblkhd, Pointer.totalBytes(), Pointer.physicalBytes());
    }
}
