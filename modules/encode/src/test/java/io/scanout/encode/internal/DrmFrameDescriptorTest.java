package io.scanout.encode.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_DRM_PRIME;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_unref;

import io.scanout.core.DmaBuf;
import io.scanout.core.DrmFormat;
import io.scanout.core.Frame;
import io.scanout.core.PlaneLayout;
import io.scanout.core.nativeio.LibC;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.javacpp.BytePointer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/** The AVDRMFrameDescriptor Scanout lays out itself, on memfd-backed buffers standing in for dma-bufs. */
class DrmFrameDescriptorTest {
    /** A memfd of the layout's size with its planes packed, 64-byte rows: a stand-in dma-buf (same fd semantics). */
    static DmaBuf memfdBuffer(DrmFormat format, int width, int height) {
        PlaneLayout layout = PlaneLayout.packed(format, width, height, 64);
        int fd = LibC.memfd_create("scanout-test-" + format, LibC.MFD_CLOEXEC);
        LibC.ftruncate(fd, layout.requiredBytes());
        return new DmaBuf(fd, layout.requiredBytes(), DmaBuf.MODIFIER_LINEAR, layout);
    }

    private static boolean fdIsOpen(int fd) {
        return Files.exists(Path.of("/proc/self/fd/" + fd));
    }

    /** The 32-bit RGB dma-bufs VAAPI imports and converts to NV12 on the GPU. */
    @ParameterizedTest
    @EnumSource(value = DrmFormat.class, names = {"XR24", "AR24", "XB24", "AB24"})
    void rgbIsOneObjectAndOneLayerOfOnePlaneWithItsOwnFourcc(DrmFormat format) {
        try (DmaBuf buffer = memfdBuffer(format, 100, 50)) {
            DrmFrameDescriptor d = DrmFrameDescriptor.of(buffer);

            // 100 pixels of 4 bytes, rows padded to 448 (a multiple of 64).
            assertThat(d.objects()).containsExactly(new DrmFrameDescriptor.DrmObject(buffer.fd(), 448 * 50, 0));
            assertThat(d.layers()).singleElement().satisfies(layer -> {
                assertThat(DrmFormat.describeFourcc(layer.format())).isEqualTo(format.name());
                assertThat(layer.format()).isEqualTo(DrmFormat.fourcc(format.name()));
                assertThat(layer.planes()).containsExactly(new DrmFrameDescriptor.DrmPlane(0, 0, 448));
            });
        }
    }

    @Test
    void nv12IsOneLayerOfTwoPlanesLumaThenInterleavedChromaAsVaapiMapsIt() {
        try (DmaBuf buffer = memfdBuffer(DrmFormat.NV12, 100, 50)) {
            DrmFrameDescriptor d = DrmFrameDescriptor.of(buffer);

            // Y: 128-byte rows × 50; CbCr: 128-byte rows × 25, right after.
            assertThat(d.objects()).containsExactly(new DrmFrameDescriptor.DrmObject(buffer.fd(), 128 * 75, 0));
            assertThat(d.layers()).singleElement().satisfies(layer -> {
                assertThat(DrmFormat.describeFourcc(layer.format())).isEqualTo("NV12");
                assertThat(layer.planes()).containsExactly(new DrmFrameDescriptor.DrmPlane(0, 0, 128),
                        new DrmFrameDescriptor.DrmPlane(0, 128 * 50, 128));
            });
        }
    }

    @Test
    void p010IsOneLayerOfTwoPlanesOfSixteenBitSamples() {
        try (DmaBuf buffer = memfdBuffer(DrmFormat.P010, 100, 50)) {
            DrmFrameDescriptor d = DrmFrameDescriptor.of(buffer);

            assertThat(d.layers()).singleElement().satisfies(layer -> {
                assertThat(DrmFormat.describeFourcc(layer.format())).isEqualTo("P010");
                assertThat(layer.planes()).containsExactly(new DrmFrameDescriptor.DrmPlane(0, 0, 256),
                        new DrmFrameDescriptor.DrmPlane(0, 256 * 50, 256));
            });
            assertThat(d.objects().get(0).size()).isEqualTo(256 * 75);
        }
    }

    @ParameterizedTest
    @EnumSource(value = DrmFormat.class, names = {"XR24", "AR24", "XB24", "AB24", "NV12", "P010", "YU12"})
    void whatIsWrittenReadsBackFieldForField(DrmFormat format) {
        try (DmaBuf buffer = memfdBuffer(format, 64, 48)) {
            DrmFrameDescriptor d = DrmFrameDescriptor.of(buffer);
            ByteBuffer bytes = ByteBuffer.allocateDirect(DrmFrameDescriptor.FRAME_BYTES).order(ByteOrder.nativeOrder());
            for (int i = 0; i < bytes.capacity(); i++) {
                bytes.put(i, (byte) 0x5a);
            }

            d.write(bytes);

            assertThat(DrmFrameDescriptor.read(bytes)).isEqualTo(d);
            assertThat(bytes.getInt(DrmFrameDescriptor.FRAME_NB_OBJECTS)).isEqualTo(1);
            assertThat(bytes.getInt(DrmFrameDescriptor.FRAME_OBJECTS + DrmFrameDescriptor.OBJECT_FD)).isEqualTo(buffer.fd());
            assertThat(bytes.getInt(DrmFrameDescriptor.FRAME_NB_LAYERS)).isEqualTo(1);
            assertThat(bytes.getInt(DrmFrameDescriptor.FRAME_LAYERS + DrmFrameDescriptor.LAYER_NB_PLANES))
                    .isEqualTo(format.planeCount());
            // Unused entries are zero, not left over.
            assertThat(bytes.getInt(DrmFrameDescriptor.FRAME_OBJECTS + DrmFrameDescriptor.OBJECT_BYTES)).isZero();
            assertThat(bytes.get(DrmFrameDescriptor.FRAME_BYTES - 1)).isZero();
        }
    }

    @Test
    void countsOutOfRangeAreRefused() {
        DrmFrameDescriptor.DrmPlane plane = new DrmFrameDescriptor.DrmPlane(0, 0, 64);
        assertThatThrownBy(() -> new DrmFrameDescriptor.DrmLayer(1, List.of(plane, plane, plane, plane, plane)))
                .hasMessageContaining("1..4 planes, not 5");
        assertThatThrownBy(() -> new DrmFrameDescriptor(List.of(new DrmFrameDescriptor.DrmObject(3, 64, 0)),
                List.of(new DrmFrameDescriptor.DrmLayer(1, List.of(new DrmFrameDescriptor.DrmPlane(1, 0, 64))))))
                .hasMessageContaining("names object 1 of 1");
        ByteBuffer zeros = ByteBuffer.allocate(DrmFrameDescriptor.FRAME_BYTES);
        assertThatThrownBy(() -> DrmFrameDescriptor.read(zeros)).hasMessageContaining("nb_objects 0 is outside 1..4");
    }

    @Test
    void aDrmPrimeFramePointsAtTheDescriptorAndKeepsTheDmaBufOpenUntilFfmpegLetsGo() {
        DmaBuf buffer = memfdBuffer(DrmFormat.NV12, 64, 48);
        int fd = buffer.fd();
        Frame frame = Frame.wrap(buffer);
        AVFrame drm = av_frame_alloc();
        try {
            DrmPrimeFrames.describe(frame, drm);

            assertThat(drm.format()).isEqualTo(AV_PIX_FMT_DRM_PRIME);
            assertThat(drm.width()).isEqualTo(64);
            assertThat(drm.height()).isEqualTo(48);
            assertThat(drm.buf(0).data().address()).isEqualTo(drm.data(0).address());
            ByteBuffer described = new BytePointer(drm.data(0)).capacity(DrmFrameDescriptor.FRAME_BYTES).asByteBuffer();
            assertThat(DrmFrameDescriptor.read(described)).isEqualTo(DrmFrameDescriptor.of(buffer));
            assertThat(FfmpegEncoder.framesHeldByFfmpeg()).isEqualTo(1);

            // Our reference goes; FFmpeg's keeps the fd open.
            frame.release();
            assertThat(fdIsOpen(fd)).isTrue();
            assertThat(buffer.isClosed()).isFalse();

            av_frame_unref(drm);
            assertThat(FfmpegEncoder.framesHeldByFfmpeg()).isZero();
            assertThat(buffer.isClosed()).isTrue();
            assertThat(fdIsOpen(fd)).isFalse();
        } finally {
            frame.release();
            av_frame_free(drm);
        }
    }
}
