/**
 * DRM/KMS scanout capture ({@code drm:} URIs), as ffmpeg's kmsgrab does it: the framebuffer a
 * plane shows, exported as a dma-buf. The card sits behind {@link io.scanout.capture.drm.KmsDevice};
 * the JNA structs and ioctl numbers live in {@code internal} and are checked against the DRM
 * uapi headers by a test.
 */
package io.scanout.capture.drm;
