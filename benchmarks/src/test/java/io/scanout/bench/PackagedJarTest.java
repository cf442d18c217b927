package io.scanout.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;

/**
 * The server's runnable jar ({@code modules/server/target/scanout.jar}) carries natives for
 * linux-x86_64 only and stays a sane size: a new dependency with natives for every platform (JavaCPP
 * presets without a classifier, JNA, Netty's) would otherwise triple it unnoticed. It runs here
 * because the benchmarks module builds after the server has packaged its jar.
 */
class PackagedJarTest {
    private static final long MAX_BYTES = 120L << 20;
    /**
     * A directory named for a platform and architecture: JavaCPP's {@code windows-x86_64}, JNA's
     * {@code darwin-aarch64}, … (JNA's Java package {@code com/sun/jna/win32} has no architecture).
     */
    private static final Pattern PLATFORM_DIR = Pattern.compile(
            "(linux|windows|win32|macosx|darwin|android|ios|freebsd|openbsd|dragonflybsd|sunos|aix)-.+");
    private static final Pattern OUR_PLATFORM_DIR = Pattern.compile("linux-x86[_-]64(-.*)?");
    private static final Pattern NATIVE_FILE = Pattern.compile(".*\\.(so(\\.\\d+)*|dll|dylib|jnilib)");
    /** Netty keeps its natives flat, the platform in the name. */
    private static final Pattern NETTY_NATIVE = Pattern.compile("META-INF/native/lib[a-z_]+_x86_64\\.so");

    private static Path jar() {
        String path = System.getProperty("scanout.serverJar");
        assertThat(path).as("scanout.serverJar, set by benchmarks/pom.xml").isNotNull();
        Path jar = Path.of(path);
        assertThat(jar).as("the server's jar: the reactor packages modules/server before the benchmarks")
                .isRegularFile();
        return jar;
    }

    @Test
    void carriesNativesForLinuxX8664Only() throws IOException {
        List<String> foreign = new ArrayList<>();
        int natives = 0;
        try (ZipFile zip = new ZipFile(jar().toFile())) {
            for (ZipEntry entry : Collections.list(zip.entries())) {
                String name = entry.getName();
                String problem = problem(name);
                if (problem != null) {
                    foreign.add(name + " (" + problem + ")");
                } else if (NATIVE_FILE.matcher(name).matches()) {
                    natives++;
                }
            }
        }
        assertThat(foreign).as("entries for platforms other than linux-x86_64").isEmpty();
        assertThat(natives).as("FFmpeg's, JavaCPP's, JNA's and Netty's linux-x86_64 natives").isGreaterThan(10);
    }

    @Test
    void staysASaneSize() throws IOException {
        assertThat(Files.size(jar())).as("bytes of scanout.jar").isLessThan(MAX_BYTES);
    }

    @Test
    void theRulesCatchOtherPlatforms() {
        assertThat(problem("org/bytedeco/ffmpeg/windows-x86_64/avcodec-61.dll")).isNotNull();
        assertThat(problem("org/bytedeco/ffmpeg/linux-arm64/libavcodec.so.61")).isNotNull();
        assertThat(problem("com/sun/jna/darwin-aarch64/libjnidispatch.jnilib")).isNotNull();
        assertThat(problem("META-INF/native/libnetty_transport_native_epoll_aarch_64.so")).isNotNull();
        assertThat(problem("org/bytedeco/ffmpeg/linux-x86_64-gpl/libavcodec.so.61")).isNull();
        assertThat(problem("com/sun/jna/linux-x86-64/libjnidispatch.so")).isNull();
        assertThat(problem("META-INF/native/libnetty_transport_native_epoll_x86_64.so")).isNull();
        assertThat(problem("org/bytedeco/ffmpeg/macosx-arm64/avcodec.h")).isNotNull();
        assertThat(problem("com/sun/jna/win32/StdCallLibrary.class")).isNull();
        // JavaCPP's build properties per platform are text, not natives.
        assertThat(problem("org/bytedeco/javacpp/properties/windows-x86_64.properties")).isNull();
    }

    /** Why an entry does not belong in a linux-x86_64 jar, or null if it does. */
    private static String problem(String name) {
        String[] parts = name.split("/");
        boolean ours = false;
        for (int i = 0; i < parts.length - 1; i++) { // directories only
            if (OUR_PLATFORM_DIR.matcher(parts[i]).matches()) {
                ours = true;
            } else if (PLATFORM_DIR.matcher(parts[i]).matches()) {
                return "another platform's directory";
            }
        }
        if (NATIVE_FILE.matcher(name).matches() && !ours && !NETTY_NATIVE.matcher(name).matches()) {
            return "a native library outside a linux-x86_64 directory";
        }
        return null;
    }
}
