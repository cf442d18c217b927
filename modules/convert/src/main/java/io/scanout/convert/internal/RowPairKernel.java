package io.scanout.convert.internal;

import io.scanout.core.Frame;

/**
 * The arithmetic of {@link DirectConversion}: two rows of 32-bit RGB pixels to two rows of luma
 * and one row of 4:2:0 chroma (8-bit codes, or P010's 10-bit codes in the high bits of 16-bit
 * little-endian words), within one code of {@link io.scanout.convert.Colorimetry}'s
 * formulas and with the chroma siting of {@link RgbToYuv420}. {@link RowPairKernels#create} picks
 * the Vector API kernel where the JVM has the module, the plain-Java one otherwise.
 *
 * <p>A kernel belongs to one conversion: the converting thread calls {@link #bind} once per frame,
 * then its workers call {@link #rowPair} for disjoint row pairs, each with its own worker index
 * (its scratch).
 */
interface RowPairKernel {
    /**
     * The frames of the conversion about to run: every address given to {@link #rowPair} until the
     * next call lies in one of them. Both are held by the caller for the whole run.
     */
    void bind(Frame source, Frame output);

    /**
     * Converts two rows of {@code width} pixels (even, at least 2, at most the kernel's width).
     *
     * @param top         the first pixel of the upper row
     * @param bottom      the first pixel of the lower row
     * @param lumaTop     where the upper row's luma goes
     * @param lumaBottom  where the lower row's luma goes
     * @param cb          where the row's Cb goes (NV12, P010: the interleaved CbCr row)
     * @param cr          where the row's Cr goes (ignored for NV12 and P010)
     * @param interleaved NV12's or P010's CbCr pairs rather than I420's separate planes
     * @param worker      the calling worker, 0 to the kernel's workers − 1
     */
    void rowPair(long top, long bottom, long lumaTop, long lumaBottom, long cb, long cr, boolean interleaved,
                 int width, int worker);

    /** Which arithmetic this is, for the converter's log line. */
    String describe();
}
