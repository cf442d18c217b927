package io.scanout.capture.vfio.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.SoftAssertions;

/**
 * A Java mirror of a kernel struct, named by its C struct and fields, and the check of a set of
 * mirrors and constants against what gcc makes of the kernel headers (through {@link HeaderProbe}).
 *
 * @param struct the C struct name
 * @param java   the Java mirror
 * @param fields C field (e.g. {@code header.id}) → Java field
 */
public record StructMirror(String struct, KernelStruct java, Map<String, String> fields) {
    public StructMirror {
        fields = Map.copyOf(fields);
    }

    /** A mirror whose Java fields carry the C fields' names. */
    public static StructMirror sameNames(String struct, KernelStruct java, String... fields) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String f : fields) {
            m.put(f, f);
        }
        return new StructMirror(struct, java, m);
    }

    /** This mirror with one more C field, held by the Java field {@code javaField}. */
    public StructMirror with(String cField, String javaField) {
        Map<String, String> more = new LinkedHashMap<>(fields);
        more.put(cField, javaField);
        return new StructMirror(struct, java, more);
    }

    /**
     * Compiles one probe of {@code headers} in {@code workDir} and asserts, all at once, every size and
     * offset of {@code mirrors} and every value of {@code constants} (C expression → Java value).
     *
     * @return what gcc read, for further checks
     */
    public static Map<String, Long> assertMatch(Path workDir, List<String> headers, List<StructMirror> mirrors,
                                                Map<String, Long> constants) throws IOException, InterruptedException {
        HeaderProbe probe = HeaderProbe.requiring(headers.toArray(String[]::new));
        for (StructMirror m : mirrors) {
            probe.sizeOf(m.struct);
            m.fields.keySet().forEach(f -> probe.offsetOf(m.struct, f));
        }
        constants.keySet().forEach(probe::value);
        Map<String, Long> c = probe.run(workDir);

        SoftAssertions soft = new SoftAssertions();
        for (StructMirror m : mirrors) {
            soft.assertThat((long) m.java.size()).as("sizeof %s", m.struct).isEqualTo(c.get("sizeof " + m.struct));
            m.fields.forEach((cField, javaField) -> soft.assertThat((long) m.java.offsetOf(javaField))
                    .as("offsetof %s.%s", m.struct, cField).isEqualTo(c.get("offsetof " + m.struct + "." + cField)));
        }
        constants.forEach((name, java) -> soft.assertThat(java).as(name).isEqualTo(c.get(name)));
        soft.assertAll();
        return c;
    }
}
