/**
 * The encode stage: {@link io.scanout.encode.EncodeVideo} turns frame events into H.264, HEVC, VP8,
 * VP9 or AV1 packets through FFmpeg — hardware (VAAPI, NVENC, QSV, Vulkan) first, software otherwise —
 * configured by {@link io.scanout.encode.EncoderSettings} ({@link io.scanout.encode.EncoderChoice}
 * and codec). {@link io.scanout.encode.EncoderProbe} reports which encoders work on this host and why
 * the others do not. Failures are {@link io.scanout.encode.EncodeException}s.
 */
package io.scanout.encode;
