package io.scanout.encode.internal;

import io.scanout.core.DmaBuf;
import io.scanout.core.DrmFormat;
import io.scanout.core.PlaneLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * FFmpeg's {@code AVDRMFrameDescriptor} ({@code libavutil/hwcontext_drm.h}), which the JavaCPP presets
 * do not map: the dma-buf objects of a frame and the layers of planes in them, what a frame of
 * {@code AV_PIX_FMT_DRM_PRIME} points at from {@code data[0]}. Built from a {@link DmaBuf} and written
 * into native memory field by field at the offsets of the C struct on LP64 Linux (x86-64, arm64):
 *
 * <pre>
 * AVDRMObjectDescriptor { int fd; size_t size; uint64_t format_modifier; }            24 B: 0, 8, 16
 * AVDRMPlaneDescriptor  { int object_index; ptrdiff_t offset; ptrdiff_t pitch; }       24 B: 0, 8, 16
 * AVDRMLayerDescriptor  { uint32_t format; int nb_planes; AVDRMPlaneDescriptor planes[4]; }  104 B: 0, 4, 8
 * AVDRMFrameDescriptor  { int nb_objects; AVDRMObjectDescriptor objects[4];
 *                         int nb_layers; AVDRMLayerDescriptor layers[4]; }             528 B: 0, 8, 104, 112
 * </pre>
 *
 * A test compiles a C program against FFmpeg's own header and checks every size and offset here.
 *
 * <p>Layers follow what FFmpeg's VAAPI import ({@code vaapi_map_from_drm}) looks up: one object (all
 * planes in the one fd), and one layer whose format is the frame's DRM fourcc with all its planes —
 * RGB one plane, NV12 and P010 two (Y, then interleaved CbCr), YU12 three. Immutable.
 *
 * @param objects the dma-buf objects, 1..{@value #MAX_PLANES}
 * @param layers  the layers, 1..{@value #MAX_PLANES}
 */
public record DrmFrameDescriptor(List<DrmObject> objects, List<DrmLayer> layers) {
    /** {@code AV_DRM_MAX_PLANES}. */
    public static final int MAX_PLANES = 4;

    public static final int OBJECT_FD = 0;
    public static final int OBJECT_SIZE_FIELD = 8;
    public static final int OBJECT_MODIFIER = 16;
    /** {@code sizeof(AVDRMObjectDescriptor)}. */
    public static final int OBJECT_BYTES = 24;

    public static final int PLANE_OBJECT_INDEX = 0;
    public static final int PLANE_OFFSET = 8;
    public static final int PLANE_PITCH = 16;
    /** {@code sizeof(AVDRMPlaneDescriptor)}. */
    public static final int PLANE_BYTES = 24;

    public static final int LAYER_FORMAT = 0;
    public static final int LAYER_NB_PLANES = 4;
    public static final int LAYER_PLANES = 8;
    /** {@code sizeof(AVDRMLayerDescriptor)}. */
    public static final int LAYER_BYTES = LAYER_PLANES + MAX_PLANES * PLANE_BYTES;

    public static final int FRAME_NB_OBJECTS = 0;
    public static final int FRAME_OBJECTS = 8;
    public static final int FRAME_NB_LAYERS = FRAME_OBJECTS + MAX_PLANES * OBJECT_BYTES;
    public static final int FRAME_LAYERS = FRAME_NB_LAYERS + 8;
    /** {@code sizeof(AVDRMFrameDescriptor)}. */
    public static final int FRAME_BYTES = FRAME_LAYERS + MAX_PLANES * LAYER_BYTES;

    /** One dma-buf: {@code AVDRMObjectDescriptor}. */
    public record DrmObject(int fd, long size, long modifier) {
    }

    /** Where a plane lies in an object: {@code AVDRMPlaneDescriptor}. */
    public record DrmPlane(int objectIndex, long offset, long pitch) {
    }

    /** Planes that together make one DRM format: {@code AVDRMLayerDescriptor}. */
    public record DrmLayer(int format, List<DrmPlane> planes) {
        public DrmLayer {
            planes = List.copyOf(planes);
            if (planes.isEmpty() || planes.size() > MAX_PLANES) {
                throw new IllegalArgumentException("a layer has 1.." + MAX_PLANES + " planes, not " + planes.size());
            }
        }

        @Override
        public String toString() {
            return DrmFormat.describeFourcc(format) + " " + planes;
        }
    }

    public DrmFrameDescriptor {
        objects = List.copyOf(objects);
        layers = List.copyOf(layers);
        if (objects.isEmpty() || objects.size() > MAX_PLANES || layers.isEmpty() || layers.size() > MAX_PLANES) {
            throw new IllegalArgumentException("a DRM frame has 1.." + MAX_PLANES + " objects and layers, not "
                    + objects.size() + " and " + layers.size());
        }
        for (DrmLayer layer : layers) {
            for (DrmPlane plane : layer.planes()) {
                if (plane.objectIndex() < 0 || plane.objectIndex() >= objects.size()) {
                    throw new IllegalArgumentException("plane " + plane + " names object " + plane.objectIndex()
                            + " of " + objects.size());
                }
            }
        }
    }

    /** The descriptor of a dma-buf: its fd as the one object, one layer of its format with every plane. */
    public static DrmFrameDescriptor of(DmaBuf dmaBuf) {
        PlaneLayout layout = dmaBuf.layout();
        List<DrmPlane> planes = new ArrayList<>(layout.planeCount());
        for (int p = 0; p < layout.planeCount(); p++) {
            planes.add(new DrmPlane(0, layout.offset(p), layout.stride(p)));
        }
        return new DrmFrameDescriptor(List.of(new DrmObject(dmaBuf.fd(), dmaBuf.size(), dmaBuf.modifier())),
                List.of(new DrmLayer(dmaBuf.format().fourcc(), planes)));
    }

    /**
     * Writes the C struct into {@code target} from its position 0: {@value #FRAME_BYTES} bytes, unused
     * array entries zeroed, in the platform's byte order.
     */
    public void write(ByteBuffer target) {
        if (target.capacity() < FRAME_BYTES) {
            throw new IllegalArgumentException("an AVDRMFrameDescriptor takes " + FRAME_BYTES + " B, the buffer has "
                    + target.capacity());
        }
        ByteBuffer b = target.duplicate().order(ByteOrder.nativeOrder());
        for (int i = 0; i < FRAME_BYTES; i++) {
            b.put(i, (byte) 0);
        }
        b.putInt(FRAME_NB_OBJECTS, objects.size());
        for (int i = 0; i < objects.size(); i++) {
            DrmObject object = objects.get(i);
            int at = FRAME_OBJECTS + i * OBJECT_BYTES;
            b.putInt(at + OBJECT_FD, object.fd());
            b.putLong(at + OBJECT_SIZE_FIELD, object.size());
            b.putLong(at + OBJECT_MODIFIER, object.modifier());
        }
        b.putInt(FRAME_NB_LAYERS, layers.size());
        for (int l = 0; l < layers.size(); l++) {
            DrmLayer layer = layers.get(l);
            int at = FRAME_LAYERS + l * LAYER_BYTES;
            b.putInt(at + LAYER_FORMAT, layer.format());
            b.putInt(at + LAYER_NB_PLANES, layer.planes().size());
            for (int p = 0; p < layer.planes().size(); p++) {
                DrmPlane plane = layer.planes().get(p);
                int planeAt = at + LAYER_PLANES + p * PLANE_BYTES;
                b.putInt(planeAt + PLANE_OBJECT_INDEX, plane.objectIndex());
                b.putLong(planeAt + PLANE_OFFSET, plane.offset());
                b.putLong(planeAt + PLANE_PITCH, plane.pitch());
            }
        }
    }

    /**
     * Reads a C struct back (what {@link #write} wrote, or what FFmpeg filled in).
     *
     * @throws IllegalArgumentException when a count is out of range
     */
    public static DrmFrameDescriptor read(ByteBuffer source) {
        ByteBuffer b = source.duplicate().order(ByteOrder.nativeOrder());
        int objectCount = checkCount("nb_objects", b.getInt(FRAME_NB_OBJECTS));
        List<DrmObject> objects = new ArrayList<>(objectCount);
        for (int i = 0; i < objectCount; i++) {
            int at = FRAME_OBJECTS + i * OBJECT_BYTES;
            objects.add(new DrmObject(b.getInt(at + OBJECT_FD), b.getLong(at + OBJECT_SIZE_FIELD),
                    b.getLong(at + OBJECT_MODIFIER)));
        }
        int layerCount = checkCount("nb_layers", b.getInt(FRAME_NB_LAYERS));
        List<DrmLayer> layers = new ArrayList<>(layerCount);
        for (int l = 0; l < layerCount; l++) {
            int at = FRAME_LAYERS + l * LAYER_BYTES;
            int planeCount = checkCount("nb_planes", b.getInt(at + LAYER_NB_PLANES));
            List<DrmPlane> planes = new ArrayList<>(planeCount);
            for (int p = 0; p < planeCount; p++) {
                int planeAt = at + LAYER_PLANES + p * PLANE_BYTES;
                planes.add(new DrmPlane(b.getInt(planeAt + PLANE_OBJECT_INDEX), b.getLong(planeAt + PLANE_OFFSET),
                        b.getLong(planeAt + PLANE_PITCH)));
            }
            layers.add(new DrmLayer(b.getInt(at + LAYER_FORMAT), planes));
        }
        return new DrmFrameDescriptor(objects, layers);
    }

    private static int checkCount(String field, int count) {
        if (count < 1 || count > MAX_PLANES) {
            throw new IllegalArgumentException(field + " " + count + " is outside 1.." + MAX_PLANES);
        }
        return count;
    }
}
