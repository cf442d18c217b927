package io.scanout.convert;

import io.scanout.convert.internal.Conversion;
import io.scanout.convert.internal.ConversionPlan;
import io.scanout.convert.internal.DamageMapping;
import io.scanout.convert.internal.DepthReduction;
import io.scanout.convert.internal.DirectConversion;
import io.scanout.convert.internal.ExclusiveUse;
import io.scanout.convert.internal.RowPairKernels;
import io.scanout.core.Damage;
import io.scanout.core.DrmFormat;
import io.scanout.core.Frame;
import io.scanout.core.FramePool;
import io.scanout.core.PlaneLayout;
import io.scanout.core.VideoFormat;
import io.scanout.core.nativeio.DmaBufCpuCopy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link FrameConverter}: a {@link Conversion} per input format and size, kept while frames
 * keep that format and size, so the per-frame path compares three fields and runs it — no object
 * is made but the output frame's reference. 32-bit RGB (8- or 10-bit) to NV12 or YU12, and 10-bit
 * RGB to P010, without scaling ({@link DirectConversion#supports}) takes {@link DirectConversion}
 * where this JVM has the Vector API ({@code --add-modules jdk.incubator.vector}, as the launcher
 * runs it): 2–4 times faster than libswscale for 8-bit RGB, about 8–10 times for 10-bit RGB, which
 * it also rounds once where libswscale dithers (benchmarks/README.md). On a JVM without the module
 * 10-bit RGB still goes direct, with the plain-Java kernel (2.5 times faster than libswscale, and
 * within one code where libswscale is 2 off), while 8-bit RGB goes to libswscale, as fast as that
 * kernel. P010 into an 8-bit target of the same colours is rounded in plain Java
 * ({@link DepthReduction}), where libswscale dithers. Everything else is a libswscale
 * {@link ConversionPlan}. The system property
 * {@value #DIRECT_PROPERTY} overrides the choice ({@code true}: direct, with whichever kernel the
 * JVM has; {@code false}: libswscale for everything).
 *
 * <p>Native state and threads: the conversion's libswscale contexts or helper threads, made with
 * the first frame and again on each change of input format or size, freed by {@link #close()}
 * (after a conversion in progress, when the close comes from another thread).
 */
final class PlannedFrameConverter implements FrameConverter {
    private static final Logger log = LoggerFactory.getLogger(PlannedFrameConverter.class);
    static final String DIRECT_PROPERTY = "scanout.convert.direct";

    private final ConvertSettings settings;
    private final FramePool pool;
    private final ExclusiveUse use;
    /** The direct path's override: null for the default choice (see above). */
    private final Boolean direct;
    private DrmFormat preparedFormat;
    private int preparedWidth;
    private int preparedHeight;
    private Conversion plan;

    PlannedFrameConverter(ConvertSettings settings, FramePool pool) {
        this(settings, pool, System.getProperty(DIRECT_PROPERTY) == null ? null
                : Boolean.parseBoolean(System.getProperty(DIRECT_PROPERTY)));
    }

    /**
     * With the direct path for what it supports ({@code direct} true), libswscale for everything
     * (false), or the default choice (null).
     */
    PlannedFrameConverter(ConvertSettings settings, FramePool pool, Boolean direct) {
        if (settings == null || pool == null) {
            throw new IllegalArgumentException("settings and pool are required");
        }
        this.settings = settings;
        this.pool = pool;
        this.direct = direct;
        this.use = new ExclusiveUse("the converter to " + settings.target(), this::freePlan);
    }

    @Override
    public ConvertSettings settings() {
        return settings;
    }

    @Override
    public VideoFormat outputFormat(VideoFormat input) {
        return ConversionPlan.outputFormat(input, settings);
    }

    @Override
    public boolean passesThrough(VideoFormat input) {
        return ConversionPlan.passesThrough(input, settings);
    }

    @Override
    public Damage outputDamage(Damage damage, VideoFormat input) {
        if (damage.isWhole() || damage.isEmpty() || passesThrough(input)) {
            return damage;
        }
        VideoFormat out = ConversionPlan.outputFormat(input, settings);
        return DamageMapping.map(damage, ConversionPlan.region(input, settings.crop()), out.width(), out.height(),
                settings.scaling().filter().reach());
    }

    @Override
    public Frame convert(Frame input) {
        use.enter();
        try {
            if (input.isDmaBuf()) {
                // This stage is the CPU path: an encoder that imports dma-bufs never sends them here.
                Frame mapped = copyToCpu(input);
                try {
                    return convertCpu(mapped);
                } finally {
                    mapped.release();
                }
            }
            return convertCpu(input);
        } finally {
            use.exit();
        }
    }

    private Frame copyToCpu(Frame dmaBuf) {
        try {
            return DmaBufCpuCopy.copy(dmaBuf, pool);
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new ConvertException("cannot read a dma-buf frame on the CPU: " + e.getMessage());
        }
    }

    private Frame convertCpu(Frame input) {
        PlaneLayout layout = input.layout();
        if (layout.format() != preparedFormat || layout.width() != preparedWidth || layout.height() != preparedHeight) {
            prepare(layout.videoFormat());
        }
        return plan.run(input, pool);
    }

    private boolean goesDirect(VideoFormat input) {
        if (!DirectConversion.supports(input, settings)) {
            return false;
        }
        if (direct != null) {
            return direct;
        }
        return RowPairKernels.vectorised() || input.format().bitsPerComponent() > 8;
    }

    /** (Re)makes the plan for a new input format or size. */
    private void prepare(VideoFormat input) {
        freePlan();
        plan = goesDirect(input) ? DirectConversion.create(input, settings)
                : direct != Boolean.FALSE && DepthReduction.supports(input, settings) ? DepthReduction.create(input, settings)
                : ConversionPlan.create(input, settings);
        preparedFormat = input.format();
        preparedWidth = input.width();
        preparedHeight = input.height();
        log.info("converting {} ({}{})", plan.describe(), settings.colorimetry(),
                input.format().isRgb() || settings.yuvInput().equals(settings.colorimetry()) ? ""
                        : ", from " + settings.yuvInput());
    }

    /** Runs on whichever thread ends the last use, or on a format change. */
    private void freePlan() {
        preparedFormat = null;
        if (plan != null) {
            plan.close();
            plan = null;
        }
    }

    @Override
    public boolean isClosed() {
        return use.isClosed();
    }

    @Override
    public void close() {
        use.close();
    }

    @Override
    public String toString() {
        return "FrameConverter[" + settings + "]";
    }
}
