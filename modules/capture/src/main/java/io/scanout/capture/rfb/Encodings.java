package io.scanout.capture.rfb;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** RFB encoding numbers (RFC 6143 §7.7, §7.8) this client speaks, and their names in URIs and messages. */
final class Encodings {
    static final int RAW = 0;
    static final int COPY_RECT = 1;
    static final int RRE = 2;
    static final int HEXTILE = 5;
    static final int TIGHT = 7;
    static final int ZRLE = 16;
    static final int DESKTOP_SIZE = -223;
    static final int LAST_RECT = -224;
    static final int CURSOR = -239;
    static final int EXTENDED_DESKTOP_SIZE = -308;
    /**
     * Tight's JPEG quality level 0 (-32) .. 9 (-23). Asking for one is what lets a Tight server send
     * JPEG at all: without it, libvncserver, QEMU and TigerVNC send Tight losslessly.
     */
    static final int JPEG_QUALITY_0 = -32;
    static final int MAX_JPEG_QUALITY = 9;

    /**
     * What {@code encodings=} may name, in the default order of preference. Tight after ZRLE: both
     * are lossless as asked for here, and ZRLE's decoder has served longest; Tight serves servers
     * without ZRLE, and comes first when JPEG is asked for ({@link RfbSettings}).
     */
    static final List<String> NAMES = List.of("copyrect", "zrle", "tight", "hextile", "rre", "raw");

    private Encodings() {
    }

    /** The numbers of a comma-separated list of names, e.g. {@code zrle,raw}, in the order given. */
    static List<Integer> parse(String list) {
        List<Integer> numbers = new ArrayList<>();
        for (String name : list.split(",", -1)) {
            int number = number(name.strip().toLowerCase(Locale.ROOT));
            if (numbers.contains(number)) {
                throw new IllegalArgumentException("encoding '" + name.strip() + "' is listed twice");
            }
            numbers.add(number);
        }
        return List.copyOf(numbers);
    }

    private static int number(String name) {
        switch (name) {
            case "raw": return RAW;
            case "copyrect": return COPY_RECT;
            case "rre": return RRE;
            case "hextile": return HEXTILE;
            case "zrle": return ZRLE;
            case "tight": return TIGHT;
            default:
                throw new IllegalArgumentException("unknown encoding '" + name + "' (known: "
                        + String.join(", ", NAMES) + ")");
        }
    }

    /** A readable name for an encoding number, known or not, for error messages. */
    static String name(int encoding) {
        switch (encoding) {
            case RAW: return "Raw";
            case COPY_RECT: return "CopyRect";
            case RRE: return "RRE";
            case HEXTILE: return "Hextile";
            case 6: return "Zlib";
            case TIGHT: return "Tight";
            case ZRLE: return "ZRLE";
            case DESKTOP_SIZE: return "DesktopSize";
            case LAST_RECT: return "LastRect";
            case CURSOR: return "Cursor";
            case EXTENDED_DESKTOP_SIZE: return "ExtendedDesktopSize";
            default:
                if (encoding >= JPEG_QUALITY_0 && encoding <= JPEG_QUALITY_0 + MAX_JPEG_QUALITY) {
                    return "JPEG quality " + (encoding - JPEG_QUALITY_0);
                }
                return "encoding " + encoding;
        }
    }
}
