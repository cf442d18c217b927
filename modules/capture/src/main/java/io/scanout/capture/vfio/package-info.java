/**
 * VFIO display capture ({@code vfio:} URIs), as QEMU's {@code display=on} reads a vGPU: the
 * device's primary plane as dma-buf frames (cached by {@code dmabuf_id}) or copied from a
 * region, the cursor plane as {@link io.scanout.capture.vfio.CursorEvent}s, and a viewer's size
 * sent to the guest through the EDID region. The device sits behind
 * {@link io.scanout.capture.vfio.GfxDevice}; the JNA structs and ioctl numbers live in
 * {@code internal} and are checked against the kernel headers by a test.
 */
package io.scanout.capture.vfio;
