package io.scanout.server.cli;

import io.scanout.core.Codec;
import io.scanout.encode.BitDepth;
import io.scanout.encode.EncodeException;
import io.scanout.encode.EncoderChoice;
import io.scanout.encode.EncoderSettings;
import io.scanout.encode.YuvColour;
import io.scanout.server.ScanoutServer;
import io.scanout.server.ServerSettings;
import io.scanout.server.StreamSettings;
import io.scanout.server.VncSettings;
import io.scanout.server.config.ConfigFile;
import io.scanout.transport.ViewerLimits;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code scanout serve}: runs the server until interrupted. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Captures a display, encodes it once and serves it to viewers over HTTP and WebSocket.")
public final class ServeCommand implements Callable<Integer> {
    /** The built-in test source, so a plain {@code scanout serve} shows something. */
    public static final String DEFAULT_SOURCE = "synthetic:1280x720@30";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--source", paramLabel = "URI", defaultValue = DEFAULT_SOURCE,
            description = "What to capture: synthetic:WIDTHxHEIGHT@FPS[?format=XR24] (default: ${DEFAULT-VALUE}).")
    String source;

    @Option(names = "--encoder", paramLabel = "NAME", defaultValue = "auto", converter = EncoderChoiceConverter.class,
            description = "auto, x264, openh264, x265, vp8, vp9, av1, vaapi, nvenc, qsv or vulkan (default: ${DEFAULT-VALUE}:"
                    + " the best that opens here, hardware first).")
    EncoderChoice encoder;

    @Option(names = "--codec", paramLabel = "CODEC", converter = CodecConverter.class,
            description = "h264, hevc, vp8, vp9 or av1 (default: the encoder's own; h264 for auto).")
    Codec codec;

    @Option(names = "--device", paramLabel = "PATH",
            description = "The render node for VAAPI, e.g. /dev/dri/renderD128 (default: the first one).")
    String device;

    @Option(names = "--intra-refresh", description = "Refresh the picture in a rolling band instead of periodic"
            + " keyframes: smoother bitrate (x264, NVENC).")
    boolean intraRefresh;

    @Option(names = "--bitrate", paramLabel = "BITS", defaultValue = "4M", converter = BitrateConverter.class,
            description = "Target bitrate in bits/s, with k or M: 800k, 4M (default: ${DEFAULT-VALUE}).")
    long bitrate;

    @Option(names = "--keyframe-interval", paramLabel = "FRAMES", defaultValue = "120",
            description = "Frames between periodic keyframes (default: ${DEFAULT-VALUE}); viewers joining get one at once.")
    int keyframeInterval;

    @Option(names = "--bind", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:8080",
            converter = BindAddressConverter.class,
            description = "Address to listen on (default: ${DEFAULT-VALUE}).")
    BindAddress bind;

    @Option(names = "--stream", paramLabel = "ID", defaultValue = "main",
            description = "Stream id, as in /streams/ID (default: ${DEFAULT-VALUE}).")
    String streamId;

    @Option(names = "--max-size", paramLabel = "WxH",
            description = "Scale down to fit inside this size, keeping the aspect, e.g. 1920x1080.")
    String maxSize;

    @Option(names = "--size", paramLabel = "WxH", description = "Scale to exactly this size.")
    String size;

    @Option(names = "--colour", paramLabel = "COLOUR", defaultValue = "bt709-limited", converter = ColourConverter.class,
            description = "The YUV matrix and range: bt709-limited, bt709-full, bt601-limited or bt601-full"
                    + " (default: ${DEFAULT-VALUE}); written by the convert stage and signalled in the stream.")
    YuvColour colour;

    @Option(names = "--bit-depth", paramLabel = "BITS", defaultValue = "auto", converter = BitDepthConverter.class,
            description = "Bits per sample: auto (10 for 10-bit sources, XR30/AR30/P010, with HEVC, VP9 or AV1"
                    + " on an encoder that takes 10 bits; H.264 stays 8), 8, or 10 (every frame; refused when the"
                    + " encoder cannot) (default: ${DEFAULT-VALUE}).")
    BitDepth bitDepth;

    @Option(names = "--damage-roi", paramLabel = "on|off", defaultValue = "on",
            description = "Give changed areas of the screen a finer quantizer, for encoders that take regions of"
                    + " interest: x264, x265 (both with adaptive quantization on), libvpx, VAAPI where the driver"
                    + " can (default: ${DEFAULT-VALUE}).")
    String damageRoi;

    @Option(names = "--keep-alive", paramLabel = "DURATION", defaultValue = "1s",
            description = "Send an unchanged screen again this often so players and timeouts stay happy: 500ms,"
                    + " 1s, 2m; 0 turns it off (default: ${DEFAULT-VALUE}).")
    String keepAlive;

    @Option(names = "--crop", paramLabel = "WxH+X+Y",
            description = "Keep only this part of the source's picture, in source pixels before scaling, e.g."
                    + " 1280x720+0+0. Frames it does not fit are dropped with a logged error.")
    String crop;

    @Option(names = "--input", description = "Let viewers' keyboard and mouse control the source, for sources that"
            + " take input (vnc://). Off by default: anyone who can open the page could then use the machine.")
    boolean input;

    @Option(names = "--push", paramLabel = "URL",
            description = "Publish the stream to a media server: srt://HOST:PORT, rtsp://HOST:PORT/PATH (RTSP"
                    + " ANNOUNCE/RECORD) or rtmp://HOST/APP/KEY. Repeat for several; reconnects on failure.")
    List<String> push = new ArrayList<>();

    @Option(names = "--vnc-bind", paramLabel = "HOST:PORT", arity = "0..1", fallbackValue = VncSettings.DEFAULT_BIND,
            description = "Serve VNC (RFB 3.8) over TCP here; alone or with a port only, on 127.0.0.1"
                    + " (default: off; noVNC can always use WS /streams/ID/rfb).")
    String vncBind;

    @Option(names = "--vnc-password", paramLabel = "PASSWORD",
            description = "VNC Authentication password (or env SCANOUT_VNC_PASSWORD); without one, only"
                    + " loopback clients may connect.")
    String vncPassword;

    @Option(names = "--vnc-stream", paramLabel = "ID",
            description = "The stream VNC clients over TCP watch (default: the first).")
    String vncStream;

    @Option(names = "--config", paramLabel = "FILE",
            description = "A scanout.yaml with many streams, instead of the single-stream options above."
                    + " SIGHUP or POST /admin/reload re-reads it.")
    Path config;

    @Option(names = "--log-format", paramLabel = "FORMAT", defaultValue = "text",
            description = "text (default) or json, one object per line.")
    LogFormat logFormat;

    @CommandLine.Mixin
    SecurityOptions security;

    @Override
    public Integer call() throws InterruptedException {
        ServerSettings settings = checkedSettings();
        ScanoutServer server;
        try {
            server = ScanoutServer.start(settings);
        } catch (IllegalArgumentException | EncodeException e) {
            // A source URI or encoder the server could not use (no encoder for --codec, --bit-depth 10
            // with one that encodes 8 bits only): still the command line's fault.
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        if (config != null) {
            server.onReloadRequest(() -> ConfigFile.read(config));
        }
        // Always: without a handler the JVM would take SIGHUP (systemctl reload) as a request to stop.
        ReloadSignal.install(server);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "scanout-shutdown"));
        stopped.await();
        return 0;
    }

    /**
     * The settings this command line (and its config file, token files, environment) gives, checked
     * as far as they can be without starting anything: values, files, sources' URIs and the bind
     * address against auth. Blocks briefly (reads files, resolves the bind host).
     *
     * @throws CommandLine.ParameterException saying what is wrong, as {@code serve} would exit 2
     */
    ServerSettings checkedSettings() {
        ServerSettings settings = withSecurity(settings());
        try {
            ScanoutServer.checkAuth(settings);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        return settings;
    }

    private ServerSettings settings() {
        if (config != null) {
            for (String single : List.of("--source", "--encoder", "--codec", "--device", "--intra-refresh", "--bitrate",
                    "--keyframe-interval", "--bind", "--stream", "--max-size", "--size", "--input", "--push",
                    "--colour", "--keep-alive", "--crop", "--bit-depth", "--damage-roi")) {
                if (spec.commandLine().getParseResult().hasMatchedOption(single)) {
                    throw new CommandLine.ParameterException(spec.commandLine(),
                            single + " goes in the config file when --config is given");
                }
            }
            try {
                return withVnc(ConfigFile.read(config));
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
            }
        }
        try {
            if (keyframeInterval < 1 || keyframeInterval > 10_000) {
                throw new IllegalArgumentException("--keyframe-interval must be 1..10000, not " + keyframeInterval);
            }
            EncoderSettings encoderSettings = EncoderSettings.builder()
                    .encoder(encoder).codec(codec).devicePath(device).intraRefresh(intraRefresh)
                    .bitrate(bitrate).keyframeIntervalFrames(keyframeInterval).colour(colour)
                    .bitDepth(bitDepth).damageRoi(onOff("--damage-roi", damageRoi))
                    .build();
            StreamSettings stream = new StreamSettings(StreamSettings.checkId(streamId), source,
                    StreamSettings.scaling(maxSize, size), encoderSettings, ViewerLimits.defaults(), input, push)
                    .withKeepAlive(StreamSettings.parseKeepAlive(keepAlive))
                    .withCrop(Optional.ofNullable(crop).map(StreamSettings::parseCrop));
            return withVnc(new ServerSettings(bind, List.of(stream)));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
        }
    }

    /**
     * The VNC options over what the settings (from a config file) say: each option given wins;
     * the password falls back to env {@code SCANOUT_VNC_PASSWORD}. The password is never logged.
     */
    private ServerSettings withVnc(ServerSettings settings) {
        VncSettings file = settings.vnc();
        String envPassword = System.getenv("SCANOUT_VNC_PASSWORD");
        Optional<String> password = Optional.ofNullable(vncPassword).or(file::password)
                .or(() -> Optional.ofNullable(envPassword).filter(p -> !p.isEmpty()));
        VncSettings vnc = new VncSettings(
                vncBind == null ? file.bind() : Optional.of(VncSettings.parseBind(vncBind)),
                password,
                vncStream == null ? file.stream() : Optional.of(vncStream));
        return new ServerSettings(settings.bind(), settings.streams(), vnc, settings.security());
    }

    /** The security options (with --config, the file's {@code security:} section has them instead). */
    private ServerSettings withSecurity(ServerSettings settings) {
        for (String option : SecurityOptions.NAMES) {
            if (config != null && spec.commandLine().getParseResult().hasMatchedOption(option)) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        option + " goes in the config file's security: section when --config is given");
            }
        }
        if (config != null) {
            return settings;
        }
        try {
            return settings.withSecurity(security.settings(System.getenv()));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
        }
    }

    /** How log lines look; picked before logging starts, in {@link io.scanout.server.Main}. */
    public enum LogFormat { text, json }

    static final class BindAddressConverter implements CommandLine.ITypeConverter<BindAddress> {
        @Override
        public BindAddress convert(String value) {
            return Converters.clearly(() -> BindAddress.parse(value));
        }
    }

    static final class BitrateConverter implements CommandLine.ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            return Converters.clearly(() -> EncoderSettings.parseBitrate(value));
        }
    }

    static final class CodecConverter implements CommandLine.ITypeConverter<Codec> {
        @Override
        public Codec convert(String value) {
            return Converters.clearly(() -> Codec.parse(value));
        }
    }

    static final class BitDepthConverter implements CommandLine.ITypeConverter<BitDepth> {
        @Override
        public BitDepth convert(String value) {
            return Converters.clearly(() -> BitDepth.parse(value));
        }
    }

    /** {@code on} or {@code off}; a picocli boolean would be a flag that takes no value. */
    private static boolean onOff(String option, String value) {
        return switch (value) {
            case "on" -> true;
            case "off" -> false;
            default -> throw new IllegalArgumentException(option + " should be on or off, not '" + value + "'");
        };
    }

    static final class ColourConverter implements CommandLine.ITypeConverter<YuvColour> {
        @Override
        public YuvColour convert(String value) {
            return Converters.clearly(() -> YuvColour.parse(value));
        }
    }

    static final class EncoderChoiceConverter implements CommandLine.ITypeConverter<EncoderChoice> {
        @Override
        public EncoderChoice convert(String value) {
            return Converters.clearly(() -> EncoderChoice.parse(value));
        }
    }
}
