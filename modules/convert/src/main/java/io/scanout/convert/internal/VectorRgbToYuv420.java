package io.scanout.convert.internal;

import static io.scanout.convert.internal.FixedPointCoefficients.CHROMA_SHIFT;
import static io.scanout.convert.internal.FixedPointCoefficients.SHIFT;
import static io.scanout.convert.internal.FixedPointCoefficients.clip;

import io.scanout.core.Frame;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The direct path's arithmetic with the Vector API (the incubator module {@code
 * jdk.incubator.vector}, which the JVM loads only with {@code --add-modules jdk.incubator.vector}):
 * the codes of {@link RgbToYuv420}, computed a whole SIMD register of pixels at a time (16 with
 * AVX-512, 8 with AVX2). Only {@link RowPairKernels} names this class, and only after checking that
 * the module is there, so a JVM without it never loads it. Reads 8-bit or 10-bit RGB words and
 * writes 8-bit codes or P010's 16-bit words alike: the component width, the mask and the top code
 * are loop-invariant scalars of {@link FixedPointCoefficients}, and each register of codes is
 * narrowed to bytes or to words where it is made, so every loop stays one level deep and no vector
 * is handed to a method C2 might not inline (it would be boxed).
 *
 * <p>Two passes per row pair. The first reads both rows' pixels, writes their luma, and keeps per
 * column the two rows' chroma sums before the column filter ({@code cb0·c0 + cb1·c1 + cb2·c2} of
 * the top pixel plus the bottom one, and likewise for Cr). The second makes the chroma row as NV12
 * lays it out, one output byte per lane: an even lane {@code x} is Cb, filtered {@code [1 2 1]}
 * over columns {@code x−1, x, x+1}; an odd lane is the Cr of the pair it ends, filtered over
 * {@code x−2, x−1, x}. Both are three loads of the column sums at neighbouring offsets blended by
 * lane parity, so no lane shuffles: a Vector API without {@code compress} (Java 17) has no cheap
 * way to pick even lanes. I420 writes that interleaved row to scratch and splits it.
 *
 * <p>Frames are read and written through direct {@link ByteBuffer} views (Java 17's vectors load
 * from arrays and buffers, not addresses), every access bounds-checked against the frame's memory.
 * The columns past the last whole register take scalar code with the same formulas. Measured at
 * 1080p on one thread: about 1 ms, against 2.7 ms for {@link RgbToYuv420} (benchmarks/README.md).
 *
 * <p>Threads share it after {@link #bind}, each with the scratch of its worker index.
 */
final class VectorRgbToYuv420 implements RowPairKernel {
    private static final VectorSpecies<Integer> INTS = IntVector.SPECIES_PREFERRED;
    /** As many bytes as {@link #INTS} has lanes: what narrowing a register of codes gives. */
    private static final VectorSpecies<Byte> CODES =
            VectorSpecies.of(byte.class, VectorShape.forBitSize(INTS.vectorBitSize() / Integer.BYTES));
    /** As many shorts as {@link #INTS} has lanes: P010's words. */
    private static final VectorSpecies<Short> WORDS =
            VectorSpecies.of(short.class, VectorShape.forBitSize(INTS.vectorBitSize() / 2));
    private static final VectorMask<Integer> EVEN_LANES = VectorMask.fromLong(INTS, 0x5555_5555_5555_5555L);
    private static final ByteOrder LITTLE = ByteOrder.LITTLE_ENDIAN;
    /** Column sums are kept at index {@code x + 2}, so that column −1 (a copy of 0) has a slot. */
    private static final int COLUMN_BASE = 2;

    private final FixedPointCoefficients k;
    /** P010: 10-bit codes in the high bits of 16-bit words, rather than bytes. */
    private final boolean words;
    private final Scratch[] scratch;
    // Set by bind() on the converting thread before the bands start (published by BandWorkers).
    private ByteBuffer source;
    private long sourceAddress;
    private ByteBuffer output;
    private long outputAddress;
    private final ByteViews sourceViews = new ByteViews();
    private final ByteViews outputViews = new ByteViews();

    /** One worker's column sums and, for I420, its interleaved chroma row. */
    private static final class Scratch {
        final int[] blue;
        final int[] red;
        final byte[] chroma;

        Scratch(int width) {
            // Past the last column, room for a whole register's loads at the neighbouring offsets.
            blue = new int[width + COLUMN_BASE + 2];
            red = new int[width + COLUMN_BASE + 2];
            chroma = new byte[width];
        }
    }

    /** Whether this JVM's SIMD registers hold at least eight ints: with fewer, the plain kernel is as fast. */
    static boolean worthwhile() {
        return INTS.length() >= 8;
    }

    VectorRgbToYuv420(FixedPointCoefficients coefficients, int width, int workers) {
        this.k = coefficients;
        this.words = coefficients.maxCode > 255;
        this.scratch = new Scratch[workers];
        for (int i = 0; i < workers; i++) {
            scratch[i] = new Scratch(width);
        }
    }

    @Override
    public void bind(Frame source, Frame output) {
        this.source = sourceViews.of(source).order(LITTLE);
        this.sourceAddress = source.memory().address();
        this.output = outputViews.of(output).order(LITTLE);
        this.outputAddress = output.memory().address();
    }

    @Override
    public String describe() {
        return "Vector API, " + INTS.length() + " pixels a step";
    }

    @Override
    public void rowPair(long top, long bottom, long lumaTop, long lumaBottom, long cb, long cr, boolean interleaved,
                        int width, int worker) {
        Scratch s = scratch[worker];
        int whole = width - width % INTS.length();
        int topAt = (int) (top - sourceAddress);
        int bottomAt = (int) (bottom - sourceAddress);
        int lumaTopAt = (int) (lumaTop - outputAddress);
        int lumaBottomAt = (int) (lumaBottom - outputAddress);
        lumaAndColumnSums(topAt, bottomAt, lumaTopAt, lumaBottomAt, whole, s);
        for (int x = whole; x < width; x++) {
            lumaAndColumnSum(topAt, bottomAt, lumaTopAt, lumaBottomAt, x, s);
        }
        s.blue[COLUMN_BASE - 1] = s.blue[COLUMN_BASE];
        s.red[COLUMN_BASE - 1] = s.red[COLUMN_BASE];
        if (interleaved) {
            chromaRow(s, whole, width, (int) (cb - outputAddress), null);
        } else {
            chromaRow(s, whole, width, -1, s.chroma);
            split(s.chroma, (int) (cb - outputAddress), (int) (cr - outputAddress), width);
        }
    }

    /** Pass one over the whole registers: both rows' luma out, the column sums kept. */
    private void lumaAndColumnSums(int topAt, int bottomAt, int lumaTopAt, int lumaBottomAt, int whole, Scratch s) {
        ByteBuffer in = source;
        ByteBuffer out = output;
        int[] blue = s.blue;
        int[] red = s.red;
        int shift1 = k.bits;
        int shift2 = 2 * k.bits;
        int mask = k.mask;
        for (int x = 0; x < whole; x += INTS.length()) {
            IntVector top = IntVector.fromByteBuffer(INTS, in, topAt + 4 * x, LITTLE);
            IntVector bottom = IntVector.fromByteBuffer(INTS, in, bottomAt + 4 * x, LITTLE);
            IntVector top0 = top.and(mask);
            IntVector top1 = top.lanewise(VectorOperators.LSHR, shift1).and(mask);
            IntVector top2 = top.lanewise(VectorOperators.LSHR, shift2).and(mask);
            IntVector bottom0 = bottom.and(mask);
            IntVector bottom1 = bottom.lanewise(VectorOperators.LSHR, shift1).and(mask);
            IntVector bottom2 = bottom.lanewise(VectorOperators.LSHR, shift2).and(mask);
            // Computed and stored here, not by helpers taking vectors: once such a helper is compiled
            // on its own it may be too big to inline, and every vector passed to it is boxed
            // (measured: 64 B allocated per register, in some runs and not others).
            IntVector lumaTop = top0.mul(k.y0).add(top1.mul(k.y1)).add(top2.mul(k.y2)).add(k.yOffset)
                    .lanewise(VectorOperators.ASHR, SHIFT);
            IntVector lumaBottom = bottom0.mul(k.y0).add(bottom1.mul(k.y1)).add(bottom2.mul(k.y2)).add(k.yOffset)
                    .lanewise(VectorOperators.ASHR, SHIFT);
            if (words) {
                lumaTop.lanewise(VectorOperators.LSHL, 6).convertShape(VectorOperators.I2S, WORDS, 0)
                        .intoByteBuffer(out, lumaTopAt + 2 * x, LITTLE);
                lumaBottom.lanewise(VectorOperators.LSHL, 6).convertShape(VectorOperators.I2S, WORDS, 0)
                        .intoByteBuffer(out, lumaBottomAt + 2 * x, LITTLE);
            } else {
                lumaTop.convertShape(VectorOperators.I2B, CODES, 0).intoByteBuffer(out, lumaTopAt + x, LITTLE);
                lumaBottom.convertShape(VectorOperators.I2B, CODES, 0).intoByteBuffer(out, lumaBottomAt + x, LITTLE);
            }
            IntVector sum0 = top0.add(bottom0);
            IntVector sum1 = top1.add(bottom1);
            IntVector sum2 = top2.add(bottom2);
            sum0.mul(k.cb0).add(sum1.mul(k.cb1)).add(sum2.mul(k.cb2)).intoArray(blue, x + COLUMN_BASE);
            sum0.mul(k.cr0).add(sum1.mul(k.cr1)).add(sum2.mul(k.cr2)).intoArray(red, x + COLUMN_BASE);
        }
    }

    /**
     * Stores the code for column {@code x} of the row at {@code at}: a byte, or for P010 a word
     * holding the code in its high ten bits. (Registers of codes are stored in the loops themselves.)
     */
    private void store(int code, ByteBuffer to, int at, int x) {
        if (words) {
            to.putShort(at + 2 * x, (short) (code << 6));
        } else {
            to.put(at + x, (byte) code);
        }
    }

    /** Pass one for a column past the whole registers. */
    private void lumaAndColumnSum(int topAt, int bottomAt, int lumaTopAt, int lumaBottomAt, int x, Scratch s) {
        int top = source.getInt(topAt + 4 * x);
        int bottom = source.getInt(bottomAt + 4 * x);
        int top0 = top & k.mask;
        int top1 = top >>> k.bits & k.mask;
        int top2 = top >>> 2 * k.bits & k.mask;
        int bottom0 = bottom & k.mask;
        int bottom1 = bottom >>> k.bits & k.mask;
        int bottom2 = bottom >>> 2 * k.bits & k.mask;
        store(top0 * k.y0 + top1 * k.y1 + top2 * k.y2 + k.yOffset >> SHIFT, output, lumaTopAt, x);
        store(bottom0 * k.y0 + bottom1 * k.y1 + bottom2 * k.y2 + k.yOffset >> SHIFT, output, lumaBottomAt, x);
        int sum0 = top0 + bottom0;
        int sum1 = top1 + bottom1;
        int sum2 = top2 + bottom2;
        s.blue[x + COLUMN_BASE] = sum0 * k.cb0 + sum1 * k.cb1 + sum2 * k.cb2;
        s.red[x + COLUMN_BASE] = sum0 * k.cr0 + sum1 * k.cr1 + sum2 * k.cr2;
    }

    /**
     * Pass two: the interleaved CbCr row, into {@link #output} at {@code at} (NV12 bytes or P010
     * words) or, when {@code into} is given (I420), into that array.
     */
    private void chromaRow(Scratch s, int whole, int width, int at, byte[] into) {
        int[] blue = s.blue;
        int[] red = s.red;
        int offset = k.chromaOffset;
        int max = k.maxCode;
        for (int x = 0; x < whole; x += INTS.length()) {
            // Lane x reads column sums at x−1 + {0, 1, 2} (Cb, even x) or x−2 + {0, 1, 2} (Cr, odd x).
            IntVector left = IntVector.fromArray(INTS, red, x).blend(IntVector.fromArray(INTS, blue, x + 1), EVEN_LANES);
            IntVector middle = IntVector.fromArray(INTS, red, x + 1)
                    .blend(IntVector.fromArray(INTS, blue, x + 2), EVEN_LANES);
            IntVector right = IntVector.fromArray(INTS, red, x + 2)
                    .blend(IntVector.fromArray(INTS, blue, x + 3), EVEN_LANES);
            IntVector codes = left.add(middle).add(middle).add(right).add(offset)
                    .lanewise(VectorOperators.ASHR, CHROMA_SHIFT)
                    .max(0).min(max);
            if (words) {
                codes.lanewise(VectorOperators.LSHL, 6).convertShape(VectorOperators.I2S, WORDS, 0)
                        .intoByteBuffer(output, at + 2 * x, LITTLE);
            } else if (into == null) {
                codes.convertShape(VectorOperators.I2B, CODES, 0).intoByteBuffer(output, at + x, LITTLE);
            } else {
                codes.convertShape(VectorOperators.I2B, CODES, 0).reinterpretAsBytes().intoArray(into, x);
            }
        }
        for (int x = whole; x < width; x++) {
            int[] sums = (x & 1) == 0 ? blue : red;
            int first = (x & 1) == 0 ? x - 1 : x - 2;
            int i = first + COLUMN_BASE;
            int code = clip(sums[i] + 2 * sums[i + 1] + sums[i + 2] + offset >> CHROMA_SHIFT, max);
            if (into == null) {
                store(code, output, at, x);
            } else {
                into[x] = (byte) code;
            }
        }
    }

    /** I420: the interleaved row's Cb bytes to one plane, its Cr bytes to the other. */
    private void split(byte[] interleaved, int cbAt, int crAt, int width) {
        ByteBuffer out = output;
        for (int i = 0; i < width / 2; i++) {
            out.put(cbAt + i, interleaved[2 * i]);
            out.put(crAt + i, interleaved[2 * i + 1]);
        }
    }
}
