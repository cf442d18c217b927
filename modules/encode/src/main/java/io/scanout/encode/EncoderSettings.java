package io.scanout.encode;

import io.scanout.core.Codec;
import java.math.BigDecimal;
import java.util.Locale;
import java.util.Optional;

/**
 * How to encode: which encoder, the codec, the target bitrate, the keyframe interval, the
 * nominal frame rate, the render node for hardware encoders and whether to refresh by intra
 * stripes. Immutable and validated when made: start from {@link #defaults()} and change what you
 * need with the {@code with…} methods, or set fields on a {@link #builder()}.
 *
 * <p>Rate control is CBR-like: the average bitrate is {@code bitrate}, its peak is capped at the same
 * rate and the VBV buffer holds half a second, so a keyframe can be larger than the frames around it
 * without a burst longer than half a second on a link of exactly {@code bitrate}. Bitrate and frame
 * rate can change while a stream runs ({@link EncodeVideo#setBitrate(long)}).
 *
 * <p>Intra refresh ({@code intraRefresh}): instead of a periodic IDR frame — one large frame every
 * {@code keyframeIntervalFrames} that a link of exactly {@code bitrate} delivers late — every frame
 * carries a column of intra blocks that sweeps the picture once per {@code keyframeIntervalFrames},
 * so frame sizes stay even and no frame stalls the link. Only the first frame and requested ones
 * ({@link EncodeVideo#requestKeyframe()}) are IDR frames, so a viewer that joins asks for one as
 * usual. libx264 ({@code intra-refresh=1}) and NVENC ({@code intra-refresh}) honour it; the other
 * encoders keep periodic keyframes and say so in the log when the stream opens.
 *
 * @param encoder                which encoder; {@link EncoderChoice#AUTO} takes the best available
 * @param codec                  the codec; one the encoder makes ({@link EncoderChoice#makes(Codec)})
 * @param bitrate                target bits per second, {@value #MIN_BITRATE}..{@value #MAX_BITRATE}
 * @param keyframeIntervalFrames frames from one keyframe to the next at most (the GOP),
 *                               1..{@value #MAX_KEYFRAME_INTERVAL}
 * @param frameRate              nominal frames per second, 1..{@value #MAX_FRAME_RATE}; timestamps come
 *                               from capture times, so the real rate may vary
 * @param devicePath             the DRM render node hardware encoders open (VAAPI, QSV, Vulkan), e.g.
 *                               {@code /dev/dri/renderD128}; {@code null} takes the first render node
 *                               found (see {@link #device()})
 * @param intraRefresh           refresh by intra stripes instead of periodic IDR frames (see above)
 * @param colour                 the matrix and range the frames' YUV is in, signalled in the stream
 *                               ({@code --colour}); the convert stage must write the same
 * @param bitDepth               8 or 10 bits per sample, or {@link BitDepth#AUTO}: 10 for 10-bit
 *                               sources where the codec and encoder allow ({@code --bit-depth})
 * @param damageRoi              hand each frame's damage to the encoders that read regions of interest
 *                               (x264, x265, libvpx; VAAPI where the driver can), so changed areas get
 *                               a finer quantizer than the rest ({@code --damage-roi}); on by default
 */
public record EncoderSettings(EncoderChoice encoder, Codec codec, long bitrate, int keyframeIntervalFrames,
                              int frameRate, String devicePath, boolean intraRefresh, YuvColour colour,
                              BitDepth bitDepth, boolean damageRoi) {
    public static final long DEFAULT_BITRATE = 4_000_000;
    public static final long MIN_BITRATE = 50_000;
    public static final long MAX_BITRATE = 200_000_000;
    public static final int DEFAULT_KEYFRAME_INTERVAL = 120;
    public static final int MAX_KEYFRAME_INTERVAL = 10_000;
    public static final int DEFAULT_FRAME_RATE = 30;
    public static final int MAX_FRAME_RATE = 240;
    /** The longest device path taken; anything longer is not a device node. */
    public static final int MAX_DEVICE_PATH = 255;

    public EncoderSettings {
        if (encoder == null || codec == null || colour == null || bitDepth == null) {
            throw new IllegalArgumentException("encoder, codec, colour and bitDepth are required");
        }
        encoder.checkMakes(codec);
        if (bitrate < MIN_BITRATE || bitrate > MAX_BITRATE) {
            throw new IllegalArgumentException("bitrate " + bitrate + " bit/s is outside " + MIN_BITRATE + ".."
                    + MAX_BITRATE + " bit/s (50k..200M)");
        }
        if (keyframeIntervalFrames < 1 || keyframeIntervalFrames > MAX_KEYFRAME_INTERVAL) {
            throw new IllegalArgumentException("keyframe interval " + keyframeIntervalFrames
                    + " frames is outside 1.." + MAX_KEYFRAME_INTERVAL);
        }
        if (frameRate < 1 || frameRate > MAX_FRAME_RATE) {
            throw new IllegalArgumentException("frame rate " + frameRate + " fps is outside 1.." + MAX_FRAME_RATE);
        }
        if (devicePath != null) {
            checkDevicePath(devicePath);
        }
    }

    /**
     * Settings with the defaults for the rest: the first render node, periodic keyframes, BT.709
     * limited range, {@link BitDepth#AUTO}, damage regions of interest on.
     */
    public EncoderSettings(EncoderChoice encoder, Codec codec, long bitrate, int keyframeIntervalFrames, int frameRate) {
        this(encoder, codec, bitrate, keyframeIntervalFrames, frameRate, null, false, YuvColour.BT709_LIMITED,
                BitDepth.AUTO, true);
    }

    private static void checkDevicePath(String path) {
        if (path.isEmpty() || path.charAt(0) != '/' || path.length() > MAX_DEVICE_PATH || path.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("a device is an absolute path of at most " + MAX_DEVICE_PATH
                    + " characters, e.g. /dev/dri/renderD128, not '" + path + "'");
        }
    }

    /** Auto encoder, H.264, 4 Mbit/s, a keyframe every 120 frames, 30 fps, first render node, periodic keyframes. */
    public static EncoderSettings defaults() {
        return new EncoderSettings(EncoderChoice.AUTO, Codec.H264, DEFAULT_BITRATE, DEFAULT_KEYFRAME_INTERVAL,
                DEFAULT_FRAME_RATE);
    }

    /** The render node asked for; empty means the first one found. */
    public Optional<String> device() {
        return Optional.ofNullable(devicePath);
    }

    /**
     * Another encoder, same codec.
     *
     * @throws IllegalArgumentException when the encoder does not make this codec
     */
    public EncoderSettings withEncoder(EncoderChoice newEncoder) {
        return toBuilder().encoder(newEncoder).build();
    }

    public EncoderSettings withCodec(Codec newCodec) {
        return toBuilder().codec(newCodec).build();
    }

    /** Another encoder and codec at once, e.g. {@code (VP9, Codec.VP9)}. */
    public EncoderSettings withEncoder(EncoderChoice newEncoder, Codec newCodec) {
        return toBuilder().encoder(newEncoder).codec(newCodec).build();
    }

    public EncoderSettings withBitrate(long newBitrate) {
        return toBuilder().bitrate(newBitrate).build();
    }

    public EncoderSettings withKeyframeIntervalFrames(int frames) {
        return toBuilder().keyframeIntervalFrames(frames).build();
    }

    public EncoderSettings withFrameRate(int newFrameRate) {
        return toBuilder().frameRate(newFrameRate).build();
    }

    /** @param path a render node, or {@code null} for the first one found */
    public EncoderSettings withDevicePath(String path) {
        return toBuilder().devicePath(path).build();
    }

    public EncoderSettings withIntraRefresh(boolean refresh) {
        return toBuilder().intraRefresh(refresh).build();
    }

    /** The same settings with frames in {@code newColour} ({@code --colour}). */
    public EncoderSettings withColour(YuvColour newColour) {
        return toBuilder().colour(newColour).build();
    }

    /** The same settings at {@code depth} bits per sample ({@code --bit-depth}). */
    public EncoderSettings withBitDepth(BitDepth depth) {
        return toBuilder().bitDepth(depth).build();
    }

    /** The same settings with damage regions of interest on or off ({@code --damage-roi}). */
    public EncoderSettings withDamageRoi(boolean on) {
        return toBuilder().damageRoi(on).build();
    }

    /** A builder starting from {@link #defaults()}. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from these settings: what the {@code with…} methods change one field of. */
    public Builder toBuilder() {
        return new Builder().encoder(encoder).codec(codec).bitrate(bitrate)
                .keyframeIntervalFrames(keyframeIntervalFrames).frameRate(frameRate).devicePath(devicePath)
                .intraRefresh(intraRefresh).colour(colour).bitDepth(bitDepth).damageRoi(damageRoi);
    }

    /**
     * Parses a bitrate in bits per second: a plain number ({@code 800000}) or one with a decimal
     * suffix {@code k} (×1000) or {@code M} (×1000000), case-insensitive, e.g. {@code 4M},
     * {@code 2500k}, {@code 1.5M}.
     *
     * @throws IllegalArgumentException naming the value when it is not a bitrate or lies outside 50k..200M
     */
    public static long parseBitrate(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("a bitrate is bits per second, e.g. 4M, 2500k or 800000, not '"
                    + text + "'");
        }
        String s = text.trim();
        long unit = 1;
        char last = Character.toLowerCase(s.charAt(s.length() - 1));
        if (last == 'k') {
            unit = 1_000;
        } else if (last == 'm') {
            unit = 1_000_000;
        }
        String number = unit == 1 ? s : s.substring(0, s.length() - 1).trim();
        // Digits and one optional decimal point only: no signs, exponents or hex.
        if (!number.matches("[0-9]{1,12}(\\.[0-9]{1,6})?")) {
            throw new IllegalArgumentException("a bitrate is bits per second, e.g. 4M, 2500k or 800000, not '"
                    + text + "'");
        }
        BigDecimal bits = new BigDecimal(number).multiply(BigDecimal.valueOf(unit));
        if (bits.compareTo(BigDecimal.valueOf(MIN_BITRATE)) < 0 || bits.compareTo(BigDecimal.valueOf(MAX_BITRATE)) > 0) {
            throw new IllegalArgumentException("bitrate " + text + " (" + bits.stripTrailingZeros().toPlainString()
                    + " bit/s) is outside 50k..200M");
        }
        if (bits.stripTrailingZeros().scale() > 0) {
            throw new IllegalArgumentException("bitrate " + text + " is not a whole number of bits per second");
        }
        return bits.longValueExact();
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%s %s %.3f Mbit/s, %s every %d frames, %d fps%s", encoder, codec,
                bitrate / 1e6, intraRefresh ? "intra refresh" : "keyframe", keyframeIntervalFrames, frameRate,
                devicePath == null ? "" : ", device " + devicePath)
                + (colour == YuvColour.BT709_LIMITED ? "" : ", " + colour)
                + (bitDepth == BitDepth.AUTO ? "" : ", " + bitDepth + "-bit")
                + (damageRoi ? "" : ", damage ROI off");
    }

    /**
     * Collects settings field by field (e.g. from a config file); {@link #build()} validates them.
     * Not thread-safe: one builder per caller.
     */
    public static final class Builder {
        private EncoderChoice encoder = EncoderChoice.AUTO;
        private Codec codec;
        private long bitrate = DEFAULT_BITRATE;
        private int keyframeIntervalFrames = DEFAULT_KEYFRAME_INTERVAL;
        private int frameRate = DEFAULT_FRAME_RATE;
        private String devicePath;
        private boolean intraRefresh;
        private YuvColour colour = YuvColour.BT709_LIMITED;
        private BitDepth bitDepth = BitDepth.AUTO;
        private boolean damageRoi = true;

        private Builder() {
        }

        public Builder encoder(EncoderChoice value) {
            encoder = value;
            return this;
        }

        /** The codec; left unset, it is the encoder's {@link EncoderChoice#defaultCodec()} (vp9 → VP9, else H.264). */
        public Builder codec(Codec value) {
            codec = value;
            return this;
        }

        /** The render node for VAAPI and QSV ({@code --device}); {@code null} (the default) takes the first found. */
        public Builder devicePath(String value) {
            devicePath = value;
            return this;
        }

        public Builder intraRefresh(boolean value) {
            intraRefresh = value;
            return this;
        }

        /** Bits per second; {@link EncoderSettings#parseBitrate(String)} reads {@code 4M} and the like. */
        public Builder bitrate(long value) {
            bitrate = value;
            return this;
        }

        public Builder keyframeIntervalFrames(int value) {
            keyframeIntervalFrames = value;
            return this;
        }

        public Builder frameRate(int value) {
            frameRate = value;
            return this;
        }

        /** The frames' YUV matrix and range ({@code --colour}); BT.709 limited unless set. */
        public Builder colour(YuvColour value) {
            colour = value;
            return this;
        }

        /** Bits per sample ({@code --bit-depth}); {@link BitDepth#AUTO} unless set. */
        public Builder bitDepth(BitDepth value) {
            bitDepth = value;
            return this;
        }

        /** Damage regions of interest for the encoders that read them ({@code --damage-roi}); on unless set. */
        public Builder damageRoi(boolean value) {
            damageRoi = value;
            return this;
        }

        /**
         * @throws IllegalArgumentException naming the first field out of bounds, or an encoder and codec
         *                                  that do not go together
         */
        public EncoderSettings build() {
            if (encoder == null) {
                throw new IllegalArgumentException("encoder and codec are required");
            }
            return new EncoderSettings(encoder, codec == null ? encoder.defaultCodec() : codec, bitrate,
                    keyframeIntervalFrames, frameRate, devicePath, intraRefresh, colour, bitDepth, damageRoi);
        }
    }
}
