/**
 * How the encode stage talks to FFmpeg: {@link io.scanout.encode.internal.FfmpegEncoder} (one open
 * codec context, software or hardware), the encoders it can open and their options
 * ({@link io.scanout.encode.internal.EncoderCandidate}), hardware devices and surfaces
 * ({@link io.scanout.encode.internal.HardwareDevice}, {@link io.scanout.encode.internal.HardwareFrames}),
 * dma-buf import ({@link io.scanout.encode.internal.DrmFrameDescriptor}), VAAPI's own report
 * ({@link io.scanout.encode.internal.VaapiProfiles}), and bitstream reading per codec
 * ({@link io.scanout.encode.internal.CodecConfigs}: {@link io.scanout.encode.internal.AnnexB},
 * {@link io.scanout.encode.internal.H264ParameterSets}, {@link io.scanout.encode.internal.HevcParameterSets},
 * {@link io.scanout.encode.internal.Vp9Config}, {@link io.scanout.encode.internal.Av1SequenceHeader}).
 * Public for benchmarks and tests; may change without notice.
 */
package io.scanout.encode.internal;
