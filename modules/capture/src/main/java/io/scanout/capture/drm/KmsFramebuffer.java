package io.scanout.capture.drm;

/**
 * A framebuffer as {@code DRM_IOCTL_MODE_GETFB2} reports it ({@code struct drm_mode_fb_cmd2}),
 * raw: nothing validated yet. Its GEM {@link #handles} are new references the caller must close
 * ({@link KmsDevice#closeHandle}); a handle of 0 means the caller may not see the buffer.
 *
 * @param pixelFormat the DRM fourcc
 * @param flags       {@code DRM_MODE_FB_*}; {@code DRM_MODE_FB_MODIFIERS} says {@link #modifier} is valid
 */
public record KmsFramebuffer(int fbId, int width, int height, int pixelFormat, int flags, int[] handles,
                             int[] pitches, int[] offsets, long modifier) {
    public KmsFramebuffer {
        handles = handles.clone();
        pitches = pitches.clone();
        offsets = offsets.clone();
    }

    @Override
    public int[] handles() {
        return handles.clone();
    }

    @Override
    public int[] pitches() {
        return pitches.clone();
    }

    @Override
    public int[] offsets() {
        return offsets.clone();
    }
}
