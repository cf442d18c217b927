package io.scanout.encode.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.scanout.core.Rect;
import java.util.List;

/**
 * The stream of the damage-as-regions-of-interest tests: a picture that changes everywhere every
 * frame, sent with damage saying only its left half did. An encoder that spends its bits where the
 * damage is decodes the left half clearly closer to the original than the right. (Noise everywhere
 * makes the halves compete for the same bits, so an offset between them shows.)
 */
public final class HalfDamagedNoise {
    public static final int WIDTH = 320;
    public static final int HEIGHT = 240;
    public static final int FRAMES = 24;
    /** The half the damage names. */
    public static final Rect LEFT = new Rect(0, 0, WIDTH / 2, HEIGHT);
    /** The half that changes just as much, undamaged. */
    public static final Rect RIGHT = new Rect(WIDTH / 2, 0, WIDTH / 2, HEIGHT);
    /** Frames before this are left out of the measure: the keyframe and the rate control settling. */
    private static final int MEASURED_FROM = 6;

    private HalfDamagedNoise() {
    }

    /** Frame {@code index}: mid-grey noise of a few dozen levels, new every frame, the same statistics on both halves. */
    public static Noise picture(int index) {
        return new Noise(WIDTH, HEIGHT, 1000 + index, 48);
    }

    /**
     * Mean PSNR in dB of the {@link #LEFT} and {@link #RIGHT} halves of the decoded stream (all
     * {@link #FRAMES} of it, frame {@code i} compared with {@link #picture picture(i)}) over the
     * measured frames.
     */
    public static double[] leftAndRightPsnr(List<DecodedPicture> decoded) {
        assertThat(decoded).hasSize(FRAMES);
        double left = 0;
        double right = 0;
        for (int i = MEASURED_FROM; i < FRAMES; i++) {
            left += Psnr.of(picture(i), decoded.get(i), LEFT);
            right += Psnr.of(picture(i), decoded.get(i), RIGHT);
        }
        int measured = FRAMES - MEASURED_FROM;
        return new double[] {left / measured, right / measured};
    }
}
