package io.scanout.convert.internal;

import io.scanout.convert.Colorimetry;
import io.scanout.core.DrmFormat;

/**
 * Picks the {@link RowPairKernel} for this JVM: {@link VectorRgbToYuv420} where the module
 * {@code jdk.incubator.vector} is loaded (the {@code scanout} launcher, the Docker image, the
 * systemd unit and the tests pass {@code --add-modules jdk.incubator.vector}) and the CPU's
 * registers hold at least eight ints; {@link RgbToYuv420} otherwise, e.g. in an application that
 * embeds the convert stage without the flag.
 */
public final class RowPairKernels {
    private static final String VECTOR_MODULE = "jdk.incubator.vector";
    /** Why this JVM runs without the Vector API kernel, or null when it has it. */
    private static final String WITHOUT_VECTOR = ModuleLayer.boot().findModule(VECTOR_MODULE).isEmpty()
            ? "the JVM runs without --add-modules " + VECTOR_MODULE
            : vectorWorthwhile() ? null : "this CPU's SIMD registers hold fewer than eight ints";
    private static final boolean VECTOR = WITHOUT_VECTOR == null;

    private RowPairKernels() {
    }

    /** Whether conversions here take the Vector API kernel. */
    public static boolean vectorised() {
        return VECTOR;
    }

    /** Why conversions here take the plain-Java kernel; empty when they take the Vector API one. */
    public static java.util.Optional<String> whyNotVectorised() {
        return java.util.Optional.ofNullable(WITHOUT_VECTOR);
    }

    /**
     * The Vector API kernel if {@code vector} (the caller checked {@link #vectorised()}), else the
     * plain one, writing P010's 10-bit codes for {@code target} P010 and 8-bit codes otherwise.
     */
    static RowPairKernel create(DrmFormat input, DrmFormat target, Colorimetry colorimetry, int width, int workers,
                                boolean vector) {
        FixedPointCoefficients coefficients = new FixedPointCoefficients(input, colorimetry, target == DrmFormat.P010);
        return vector ? vector(coefficients, width, workers) : new RgbToYuv420(coefficients, width, workers);
    }

    private static boolean vectorWorthwhile() {
        return VectorApiClasses.test("VectorRgbToYuv420", "worthwhile");
    }

    private static RowPairKernel vector(FixedPointCoefficients coefficients, int width, int workers) {
        return VectorApiClasses.newInstance(RowPairKernel.class, "VectorRgbToYuv420",
                new Class<?>[] {FixedPointCoefficients.class, int.class, int.class}, coefficients, width, workers);
    }
}
