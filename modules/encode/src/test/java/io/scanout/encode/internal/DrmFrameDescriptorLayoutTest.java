package io.scanout.encode.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.scanout.core.DmaBuf;
import io.scanout.core.DrmFormat;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link DrmFrameDescriptor}'s offsets against FFmpeg's own {@code libavutil/hwcontext_drm.h}: a C
 * program compiled here with gcc prints every {@code sizeof} and {@code offsetof}, and reads back a
 * descriptor Java wrote. Needs gcc and the header (Debian: {@code apt-get install libavutil-dev});
 * skipped, saying so, where they are missing.
 */
class DrmFrameDescriptorLayoutTest {
    private static final List<Path> HEADERS = List.of(Path.of("/usr/include/libavutil/hwcontext_drm.h"),
            Path.of("/usr/include/x86_64-linux-gnu/libavutil/hwcontext_drm.h"),
            Path.of("/usr/include/aarch64-linux-gnu/libavutil/hwcontext_drm.h"));

    private static final String PROGRAM = """
            #include <stdio.h>
            #include <stddef.h>
            #include <stdint.h>
            #include <libavutil/hwcontext_drm.h>

            #define SIZE(t) printf("sizeof %s %zu\\n", #t, sizeof(t))
            #define OFFSET(t, f) printf("offsetof %s.%s %zu\\n", #t, #f, offsetof(t, f))

            int main(int argc, char **argv) {
                printf("AV_DRM_MAX_PLANES %d\\n", AV_DRM_MAX_PLANES);
                SIZE(AVDRMObjectDescriptor);
                OFFSET(AVDRMObjectDescriptor, fd);
                OFFSET(AVDRMObjectDescriptor, size);
                OFFSET(AVDRMObjectDescriptor, format_modifier);
                SIZE(AVDRMPlaneDescriptor);
                OFFSET(AVDRMPlaneDescriptor, object_index);
                OFFSET(AVDRMPlaneDescriptor, offset);
                OFFSET(AVDRMPlaneDescriptor, pitch);
                SIZE(AVDRMLayerDescriptor);
                OFFSET(AVDRMLayerDescriptor, format);
                OFFSET(AVDRMLayerDescriptor, nb_planes);
                OFFSET(AVDRMLayerDescriptor, planes);
                SIZE(AVDRMFrameDescriptor);
                OFFSET(AVDRMFrameDescriptor, nb_objects);
                OFFSET(AVDRMFrameDescriptor, objects);
                OFFSET(AVDRMFrameDescriptor, nb_layers);
                OFFSET(AVDRMFrameDescriptor, layers);
                if (argc > 1) {
                    AVDRMFrameDescriptor d;
                    FILE *f = fopen(argv[1], "rb");
                    if (!f || fread(&d, sizeof d, 1, f) != 1) return 2;
                    fclose(f);
                    printf("objects %d layers %d\\n", d.nb_objects, d.nb_layers);
                    for (int i = 0; i < d.nb_objects; i++)
                        printf("object %d fd %d size %zu modifier %llu\\n", i, d.objects[i].fd, d.objects[i].size,
                               (unsigned long long) d.objects[i].format_modifier);
                    for (int l = 0; l < d.nb_layers; l++) {
                        printf("layer %d format %.4s planes %d\\n", l, (const char *) &d.layers[l].format,
                               d.layers[l].nb_planes);
                        for (int p = 0; p < d.layers[l].nb_planes; p++)
                            printf("plane %d.%d object %d offset %td pitch %td\\n", l, p,
                                   d.layers[l].planes[p].object_index, d.layers[l].planes[p].offset,
                                   d.layers[l].planes[p].pitch);
                    }
                }
                return 0;
            }
            """;

    @TempDir
    static Path dir;
    private static Path program;

    @BeforeAll
    static void compile() throws IOException, InterruptedException {
        Assumptions.assumeTrue(HEADERS.stream().anyMatch(Files::exists),
                "FFmpeg's libavutil/hwcontext_drm.h is not installed (apt-get install libavutil-dev): layout not checked");
        Path source = dir.resolve("drm_layout.c");
        Files.writeString(source, PROGRAM);
        program = dir.resolve("drm_layout");
        Process gcc;
        try {
            gcc = new ProcessBuilder("gcc", "-o", program.toString(), source.toString()).redirectErrorStream(true)
                    .start();
        } catch (IOException e) {
            Assumptions.abort("gcc is not installed (apt-get install gcc): layout not checked (" + e.getMessage() + ")");
            return;
        }
        String output = new String(gcc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(gcc.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(gcc.exitValue()).as("gcc: %s", output).isZero();
    }

    private static String run(String... args) throws IOException, InterruptedException {
        String[] command = new String[args.length + 1];
        command[0] = program.toString();
        System.arraycopy(args, 0, command, 1, args.length);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(output).isZero();
        return output;
    }

    private static Map<String, Long> numbers(String output) {
        Map<String, Long> values = new HashMap<>();
        for (String line : output.split("\n")) {
            String[] words = line.trim().split(" ");
            if (words[0].equals("sizeof") || words[0].equals("offsetof")) {
                values.put(words[0] + " " + words[1], Long.parseLong(words[2]));
            } else if (words[0].equals("AV_DRM_MAX_PLANES")) {
                values.put(words[0], Long.parseLong(words[1]));
            }
        }
        return values;
    }

    @Test
    void everySizeAndOffsetIsFfmpegs() throws IOException, InterruptedException {
        Map<String, Long> c = numbers(run());

        assertThat(c).containsEntry("AV_DRM_MAX_PLANES", (long) DrmFrameDescriptor.MAX_PLANES)
                .containsEntry("sizeof AVDRMObjectDescriptor", (long) DrmFrameDescriptor.OBJECT_BYTES)
                .containsEntry("offsetof AVDRMObjectDescriptor.fd", (long) DrmFrameDescriptor.OBJECT_FD)
                .containsEntry("offsetof AVDRMObjectDescriptor.size", (long) DrmFrameDescriptor.OBJECT_SIZE_FIELD)
                .containsEntry("offsetof AVDRMObjectDescriptor.format_modifier", (long) DrmFrameDescriptor.OBJECT_MODIFIER)
                .containsEntry("sizeof AVDRMPlaneDescriptor", (long) DrmFrameDescriptor.PLANE_BYTES)
                .containsEntry("offsetof AVDRMPlaneDescriptor.object_index", (long) DrmFrameDescriptor.PLANE_OBJECT_INDEX)
                .containsEntry("offsetof AVDRMPlaneDescriptor.offset", (long) DrmFrameDescriptor.PLANE_OFFSET)
                .containsEntry("offsetof AVDRMPlaneDescriptor.pitch", (long) DrmFrameDescriptor.PLANE_PITCH)
                .containsEntry("sizeof AVDRMLayerDescriptor", (long) DrmFrameDescriptor.LAYER_BYTES)
                .containsEntry("offsetof AVDRMLayerDescriptor.format", (long) DrmFrameDescriptor.LAYER_FORMAT)
                .containsEntry("offsetof AVDRMLayerDescriptor.nb_planes", (long) DrmFrameDescriptor.LAYER_NB_PLANES)
                .containsEntry("offsetof AVDRMLayerDescriptor.planes", (long) DrmFrameDescriptor.LAYER_PLANES)
                .containsEntry("sizeof AVDRMFrameDescriptor", (long) DrmFrameDescriptor.FRAME_BYTES)
                .containsEntry("offsetof AVDRMFrameDescriptor.nb_objects", (long) DrmFrameDescriptor.FRAME_NB_OBJECTS)
                .containsEntry("offsetof AVDRMFrameDescriptor.objects", (long) DrmFrameDescriptor.FRAME_OBJECTS)
                .containsEntry("offsetof AVDRMFrameDescriptor.nb_layers", (long) DrmFrameDescriptor.FRAME_NB_LAYERS)
                .containsEntry("offsetof AVDRMFrameDescriptor.layers", (long) DrmFrameDescriptor.FRAME_LAYERS);
    }

    @Test
    void cReadsWhatJavaWroteAsTheSameDescriptor() throws IOException, InterruptedException {
        try (DmaBuf buffer = DrmFrameDescriptorTest.memfdBuffer(DrmFormat.NV12, 100, 50)) {
            ByteBuffer bytes = ByteBuffer.allocate(DrmFrameDescriptor.FRAME_BYTES).order(ByteOrder.nativeOrder());
            DrmFrameDescriptor.of(buffer).write(bytes);
            Path file = dir.resolve("nv12.bin");
            Files.write(file, bytes.array());

            String output = run(file.toString());

            assertThat(output).contains("objects 1 layers 1\n",
                    "object 0 fd " + buffer.fd() + " size " + 128 * 75 + " modifier 0\n",
                    "layer 0 format NV12 planes 2\n",
                    "plane 0.0 object 0 offset 0 pitch 128\n",
                    "plane 0.1 object 0 offset " + 128 * 50 + " pitch 128\n");
        }
    }
}
