package io.scanout.encode;

import io.scanout.core.Codec;

/**
 * What Scanout found out about one encoder on this host: whether the FFmpeg build has it, whether it
 * opens (its device, then the encoder at the size asked), and if not, why — e.g. {@code no
 * /dev/dri/renderD128}, or {@code cannot open vaapi device /dev/dri/renderD128
 * (av_hwdevice_ctx_create returned -5: Input/output error)}. Immutable.
 *
 * @param name      FFmpeg's name of the encoder, e.g. {@code h264_vaapi}
 * @param kind      hardware or software
 * @param codec     the codec it makes
 * @param available whether the FFmpeg build on the class path has it (compiled in)
 * @param opens     whether it opened; false also when it was not tried (the reason says so)
 * @param reason    why it did not open or was not tried; empty when it opened
 */
public record ProbeResult(String name, EncoderKind kind, Codec codec, boolean available, boolean opens,
                          String reason) {
    public ProbeResult {
        if (name == null || kind == null || codec == null || reason == null) {
            throw new IllegalArgumentException("name, kind, codec and reason are required");
        }
    }

    @Override
    public String toString() {
        return name + " (" + kind + " " + codec + "): " + (opens ? "opens" : reason);
    }
}
