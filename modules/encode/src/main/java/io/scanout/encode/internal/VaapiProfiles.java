package io.scanout.encode.internal;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.Loader;

/**
 * What a VAAPI device can do: the profiles and entrypoints its driver reports
 * ({@code vaQueryConfigProfiles}, {@code vaQueryConfigEntrypoints}) and its vendor string, asked of
 * the {@code VADisplay} inside FFmpeg's {@code AVVAAPIDeviceContext} (its first field) through libva
 * itself, the {@code libva.so.2} the FFmpeg natives bring along, bound with JNA (the JavaCPP presets
 * do not map {@code hwcontext_vaapi.h} or libva).
 *
 * <p>Blocks while the driver answers. Thread-safe: each call uses its own device.
 */
public final class VaapiProfiles {
    /** {@code VAProfile} values of {@code va/va.h}, by value from 0. */
    private static final String[] PROFILES = {
        "MPEG2Simple", "MPEG2Main", "MPEG4Simple", "MPEG4AdvancedSimple", "MPEG4Main", "H264Baseline", "H264Main",
        "H264High", "VC1Simple", "VC1Main", "VC1Advanced", "H263Baseline", "JPEGBaseline", "H264ConstrainedBaseline",
        "VP8Version0_3", "H264MultiviewHigh", "H264StereoHigh", "HEVCMain", "HEVCMain10", "VP9Profile0",
        "VP9Profile1", "VP9Profile2", "VP9Profile3", "HEVCMain12", "HEVCMain422_10", "HEVCMain422_12",
        "HEVCMain444", "HEVCMain444_10", "HEVCMain444_12", "HEVCSccMain", "HEVCSccMain10", "HEVCSccMain444",
        "AV1Profile0", "AV1Profile1", "HEVCSccMain444_10", "Protected", "H264High10", "VVCMain10",
        "VVCMultilayerMain10",
    };
    /** {@code VAEntrypoint} values of {@code va/va.h}, by value from 1. */
    private static final String[] ENTRYPOINTS = {
        "VLD", "IZZ", "IDCT", "MoComp", "Deblocking", "EncSlice", "EncPicture", "EncSliceLP", "9", "VideoProc",
        "FEI", "Stats", "ProtectedTEEComm", "ProtectedContent",
    };
    /** {@code VAEntrypointEncSlice} and {@code VAEntrypointEncSliceLP}: the encoders. */
    private static final int ENC_SLICE = 6;
    private static final int ENC_SLICE_LP = 8;

    private VaapiProfiles() {
    }

    /** The part of libva used here. */
    interface LibVa extends Library {
        int vaMaxNumProfiles(Pointer display);

        int vaQueryConfigProfiles(Pointer display, int[] profiles, IntByReference count);

        int vaMaxNumEntrypoints(Pointer display);

        int vaQueryConfigEntrypoints(Pointer display, int profile, int[] entrypoints, IntByReference count);

        String vaQueryVendorString(Pointer display);

        String vaErrorStr(int status);
    }

    /** What a device reported. */
    public record Report(String vendor, List<Profile> profiles) {
    }

    /** One profile and its entrypoints, e.g. {@code H264High: VLD, EncSlice}. */
    public record Profile(String name, List<String> entrypoints, boolean encodes) {
        @Override
        public String toString() {
            return name + ": " + String.join(", ", entrypoints);
        }
    }

    /**
     * libva as loaded with the FFmpeg natives.
     *
     * @throws UnsatisfiedLinkError when it cannot be found
     */
    static LibVa libva() {
        // libva.so.2 comes in with libavutil; loading that first lets dlopen find it by its soname.
        Loader.load(org.bytedeco.ffmpeg.global.avutil.class);
        return Native.load("libva.so.2", LibVa.class);
    }

    /** libva's text for a {@code VAStatus}, e.g. {@code success (no error)} for 0. */
    public static String errorText(int status) {
        return libva().vaErrorStr(status);
    }

    /**
     * Opens a VAAPI device on {@code devicePath} and asks it for its profiles.
     *
     * @throws EncoderUnavailableException when the device does not open (why, as {@link HardwareDevice#open})
     * @throws IllegalStateException       when libva refuses the query, naming the call and its status
     */
    public static Report query(String devicePath) {
        try (HardwareDevice device = HardwareDevice.open(HardwareType.VAAPI, devicePath)) {
            // AVVAAPIDeviceContext starts with VADisplay display.
            Pointer display = new Pointer(device.hardwareContext().address()).getPointer(0);
            LibVa va = libva();
            int max = va.vaMaxNumProfiles(display);
            int[] values = new int[Math.max(max, 1)];
            IntByReference count = new IntByReference();
            check(va, va.vaQueryConfigProfiles(display, values, count), "vaQueryConfigProfiles");
            List<Profile> profiles = new ArrayList<>(count.getValue());
            int maxEntrypoints = Math.max(va.vaMaxNumEntrypoints(display), 1);
            for (int i = 0; i < count.getValue(); i++) {
                int[] entrypoints = new int[maxEntrypoints];
                IntByReference n = new IntByReference();
                check(va, va.vaQueryConfigEntrypoints(display, values[i], entrypoints, n), "vaQueryConfigEntrypoints");
                List<String> names = new ArrayList<>(n.getValue());
                boolean encodes = false;
                for (int e = 0; e < n.getValue(); e++) {
                    names.add(entrypointName(entrypoints[e]));
                    encodes |= entrypoints[e] == ENC_SLICE || entrypoints[e] == ENC_SLICE_LP;
                }
                profiles.add(new Profile(profileName(values[i]), List.copyOf(names), encodes));
            }
            return new Report(va.vaQueryVendorString(display), List.copyOf(profiles));
        }
    }

    private static void check(LibVa va, int status, String call) {
        if (status != 0) {
            throw new IllegalStateException(call + " returned " + status + ": " + va.vaErrorStr(status));
        }
    }

    static String profileName(int value) {
        return value >= 0 && value < PROFILES.length ? PROFILES[value] : value == -1 ? "None" : "VAProfile " + value;
    }

    static String entrypointName(int value) {
        return value >= 1 && value <= ENTRYPOINTS.length ? ENTRYPOINTS[value - 1] : "VAEntrypoint " + value;
    }
}
