/**
 * The framebuffer-region protocol: a shared mapping (a file in {@code /dev/shm}, or a VFIO
 * device region) holding a framebuffer and, in its last 28 bytes, a {@code struct
 * vfio_framebuffer} through which a consumer asks for frames and a producer answers.
 * {@link io.scanout.capture.region.RegionSource} is the consumer ({@code region:} URIs);
 * {@link io.scanout.capture.region.RegionProducer} emulates a producer for demos and tests.
 * A region has one consumer at a time: two would answer each other's requests.
 */
package io.scanout.capture.region;
