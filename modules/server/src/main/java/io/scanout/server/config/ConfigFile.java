package io.scanout.server.config;

import io.scanout.capture.FrameSources;
import io.scanout.convert.DetectChanges;
import io.scanout.convert.Scaling;
import io.scanout.core.FramePool;
import io.scanout.core.Rect;
import io.scanout.core.metrics.StreamMeters;
import io.scanout.core.Codec;
import io.scanout.encode.EncoderChoice;
import io.scanout.encode.EncoderSettings;
import io.scanout.encode.BitDepth;
import io.scanout.encode.YuvColour;
import io.scanout.server.ServerSettings;
import io.scanout.server.StreamSettings;
import io.scanout.server.VncSettings;
import io.scanout.server.cli.BindAddress;
import io.scanout.transport.ViewerLimits;
import io.scanout.transport.security.SecuritySettings;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import io.scanout.transport.push.PushTarget;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Reads {@code scanout.yaml}: where to listen and one entry per stream.
 *
 * <pre>
 * bind: 127.0.0.1:8080
 * vnc:                         # optional: VNC (RFB) over TCP; WS /streams/ID/rfb is always served
 *   bind: 127.0.0.1:5900
 *   password: …                # VNC Authentication; without it loopback clients only
 *   stream: vm1                # default: the first stream
 * streams:
 *   vm1:
 *     source: synthetic:1280x720@30
 *     encoder: auto            # auto | x264 | openh264
 *     bitrate: 4M
 *     keyframe-interval: 120
 *     viewer-queue-packets: 60   # a viewer this far behind skips to the next keyframe
 *     viewer-queue-bytes: 8M
 *     max-size: 1920x1080        # or size: WxH for exactly that size
 *     crop: 1280x720+0+0         # keep only this part of the source (WxH+X+Y, source pixels)
 *     colour: bt709-limited      # bt709-limited | bt709-full | bt601-limited | bt601-full
 *     bit-depth: auto            # auto (10 bits for 10-bit sources on HEVC/VP9/AV1) | 8 | 10
 *     damage-roi: on             # changed areas get a finer quantizer (x264, x265, libvpx, VAAPI); off
 *     keep-alive: 1s             # resend an unchanged screen this often; 0 turns it off
 *     input: false               # true: viewers' keyboard and mouse go to the source (VNC)
 *     push:                      # publish to media servers (srt://, rtsp://, rtmp://); reconnects
 *       - rtmp://127.0.0.1/live/vm1
 * </pre>
 *
 * and a server-level {@code security:} section ({@link SecuritySection}, docs/security.md).
 * Every value is checked while reading; an error names the file, the line and the key. Unknown
 * keys are errors too: a misspelt {@code bitrat:} must not silently fall back to a default.
 */
public final class ConfigFile {
    private static final Set<String> TOP_KEYS = Set.of("bind", "streams", "security", "vnc");
    private static final Set<String> VNC_KEYS = Set.of("bind", "password", "stream");
    private static final Set<String> STREAM_KEYS = Set.of("source", "encoder", "codec", "device", "intra-refresh",
            "bitrate", "keyframe-interval",
            "viewer-queue-packets", "viewer-queue-bytes", "max-size", "size", "input", "push", "colour", "keep-alive",
            "crop", "bit-depth", "damage-roi");
    /** A config file is a few kilobytes; anything far larger is not one. */
    private static final int MAX_BYTES = 1 << 20;

    private final String name;
    /** Where relative paths (secret and certificate files) start; null: the working directory. */
    private final Path base;

    private ConfigFile(String name, Path base) {
        this.name = name;
        this.base = base;
    }

    /** Reads and checks a configuration file. */
    public static ServerSettings read(Path path) {
        String name = path.toString();
        try {
            if (Files.size(path) > MAX_BYTES) {
                throw new ConfigException(name, "is larger than " + MAX_BYTES + " B; is it the right file?", null);
            }
            try (Reader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
                return new ConfigFile(name, path.toAbsolutePath().getParent()).parse(reader);
            }
        } catch (IOException e) {
            throw new ConfigException(name, "cannot be read: " + e.getMessage(), e);
        }
    }

    /** Reads configuration text; {@code name} is what errors call it. */
    public static ServerSettings parse(String name, Reader reader) {
        return new ConfigFile(name, null).parse(reader);
    }

    private ServerSettings parse(Reader reader) {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        options.setMaxAliasesForCollections(10);
        Node root;
        try {
            root = new Yaml(options).compose(reader);
        } catch (MarkedYAMLException e) {
            int line = e.getProblemMark() == null ? 0 : e.getProblemMark().getLine() + 1;
            throw new ConfigException(name, line, "", "not valid YAML: " + e.getProblem());
        }
        if (root == null) {
            throw new ConfigException(name, 1, "", "is empty; it needs at least a 'streams:' entry");
        }
        Map<String, NodeTuple> top = mapping(root, "", TOP_KEYS);
        BindAddress bind = top.containsKey("bind")
                ? value(top.get("bind"), "bind", BindAddress::parse)
                : new BindAddress("127.0.0.1", 8080);
        NodeTuple streamsEntry = top.get("streams");
        if (streamsEntry == null) {
            throw new ConfigException(name, line(root), "streams", "is missing; list at least one stream");
        }
        Map<String, NodeTuple> streamNodes = mapping(streamsEntry.getValueNode(), "streams", null);
        if (streamNodes.isEmpty()) {
            throw new ConfigException(name, line(streamsEntry.getValueNode()), "streams", "has no stream");
        }
        List<StreamSettings> streams = new ArrayList<>();
        for (Map.Entry<String, NodeTuple> entry : streamNodes.entrySet()) {
            streams.add(stream(entry.getKey(), entry.getValue()));
        }
        Set<String> streamIds = new java.util.LinkedHashSet<>();
        streams.forEach(stream -> streamIds.add(stream.id()));
        SecuritySettings security = new SecuritySection(this, base, System.getenv(), streamIds)
                .read(top.get("security"));
        VncSettings vnc = top.containsKey("vnc") ? vnc(top.get("vnc")) : VncSettings.none();
        try {
            return new ServerSettings(bind, streams, vnc).withSecurity(security);
        } catch (IllegalArgumentException e) {
            // The one check across sections: vnc.stream must name a stream of the file.
            NodeTuple at = top.containsKey("vnc") ? top.get("vnc") : streamsEntry;
            throw new ConfigException(name, line(at.getKeyNode()), top.containsKey("vnc") ? "vnc.stream" : "streams",
                    e.getMessage());
        }
    }

    /** {@code vnc: {bind: HOST:PORT, password: …, stream: ID}}: the RFB server, each key optional. */
    private VncSettings vnc(NodeTuple entry) {
        Map<String, NodeTuple> fields = mapping(entry.getValueNode(), "vnc", VNC_KEYS);
        Optional<BindAddress> vncBind = fields.containsKey("bind")
                ? Optional.of(value(fields.get("bind"), "vnc.bind", VncSettings::parseBind)) : Optional.empty();
        Optional<String> password = fields.containsKey("password")
                ? Optional.of(value(fields.get("password"), "vnc.password", ConfigFile::vncPassword)) : Optional.empty();
        Optional<String> stream = fields.containsKey("stream")
                ? Optional.of(value(fields.get("stream"), "vnc.stream", StreamSettings::checkId)) : Optional.empty();
        return new VncSettings(vncBind, password, stream);
    }

    private static String vncPassword(String text) {
        if (text.isEmpty()) {
            throw new IllegalArgumentException("is empty; leave it out for loopback-only VNC");
        }
        return text;
    }

    private StreamSettings stream(String id, NodeTuple entry) {
        String key = "streams." + id;
        int line = line(entry.getKeyNode());
        try {
            StreamSettings.checkId(id);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(name, line, key, e.getMessage());
        }
        Map<String, NodeTuple> fields = mapping(entry.getValueNode(), key, STREAM_KEYS);
        NodeTuple source = fields.get("source");
        if (source == null) {
            throw new ConfigException(name, line, key, "has no 'source'");
        }
        String uri = value(source, key + ".source", ConfigFile::checkSource);
        EncoderSettings.Builder encoder = EncoderSettings.builder();
        if (fields.containsKey("encoder")) {
            encoder.encoder(value(fields.get("encoder"), key + ".encoder", EncoderChoice::parse));
        }
        if (fields.containsKey("codec")) {
            encoder.codec(value(fields.get("codec"), key + ".codec", Codec::parse));
        }
        if (fields.containsKey("device")) {
            encoder.devicePath(value(fields.get("device"), key + ".device", text -> text));
        }
        if (fields.containsKey("intra-refresh")) {
            encoder.intraRefresh(value(fields.get("intra-refresh"), key + ".intra-refresh", ConfigFile::yesNo));
        }
        if (fields.containsKey("bitrate")) {
            encoder.bitrate(value(fields.get("bitrate"), key + ".bitrate", EncoderSettings::parseBitrate));
        }
        if (fields.containsKey("colour")) {
            encoder.colour(value(fields.get("colour"), key + ".colour", YuvColour::parse));
        }
        if (fields.containsKey("bit-depth")) {
            encoder.bitDepth(value(fields.get("bit-depth"), key + ".bit-depth", BitDepth::parse));
        }
        if (fields.containsKey("damage-roi")) {
            encoder.damageRoi(value(fields.get("damage-roi"), key + ".damage-roi", ConfigFile::yesNo));
        }
        if (fields.containsKey("keyframe-interval")) {
            encoder.keyframeIntervalFrames(value(fields.get("keyframe-interval"), key + ".keyframe-interval",
                    ConfigFile::keyframeInterval));
        }
        ViewerLimits defaults = ViewerLimits.defaults();
        int queuePackets = fields.containsKey("viewer-queue-packets")
                ? value(fields.get("viewer-queue-packets"), key + ".viewer-queue-packets", ConfigFile::queuePackets)
                : defaults.maxQueuedPackets();
        long queueBytes = fields.containsKey("viewer-queue-bytes")
                ? value(fields.get("viewer-queue-bytes"), key + ".viewer-queue-bytes", ConfigFile::queueBytes)
                : defaults.maxQueuedBytes();
        Scaling scaling = Scaling.none();
        if (fields.containsKey("max-size") || fields.containsKey("size")) {
            boolean fit = fields.containsKey("max-size");
            if (fit && fields.containsKey("size")) {
                throw new ConfigException(name, line(fields.get("size").getKeyNode()), key + ".size",
                        "give max-size or size, not both");
            }
            String which = fit ? "max-size" : "size";
            scaling = value(fields.get(which), key + "." + which,
                    text -> fit ? StreamSettings.scaling(text, null) : StreamSettings.scaling(null, text));
        }
        EncoderSettings encoderSettings;
        try {
            encoderSettings = encoder.build();
        } catch (IllegalArgumentException e) {
            // An encoder and codec that do not go together: both keys are at fault, name the stream.
            throw new ConfigException(name, line, key, e.getMessage());
        }
        boolean input = fields.containsKey("input") && value(fields.get("input"), key + ".input", ConfigFile::yesNo);
        List<String> push = fields.containsKey("push") ? pushUrls(fields.get("push"), key + ".push") : List.of();
        Duration keepAlive = fields.containsKey("keep-alive")
                ? value(fields.get("keep-alive"), key + ".keep-alive", StreamSettings::parseKeepAlive)
                : DetectChanges.DEFAULT_KEEP_ALIVE;
        Optional<Rect> crop = fields.containsKey("crop")
                ? Optional.of(value(fields.get("crop"), key + ".crop", StreamSettings::parseCrop)) : Optional.empty();
        return new StreamSettings(id, uri, scaling, encoderSettings,
                new ViewerLimits(queuePackets, queueBytes, defaults.minKeyframeInterval()), input, push)
                .withKeepAlive(keepAlive).withCrop(crop);
    }

    /** {@code push:} — one URL or a list of them, each checked ({@link PushTarget#parse}) at its line. */
    private List<String> pushUrls(NodeTuple tuple, String key) {
        Node node = tuple.getValueNode();
        if (node instanceof ScalarNode) {
            return List.of(value(tuple, key, ConfigFile::pushUrl));
        }
        if (!(node instanceof SequenceNode)) {
            throw new ConfigException(name, line(node), key, "should be a URL or a list of URLs");
        }
        List<String> urls = new ArrayList<>();
        for (Node item : ((SequenceNode) node).getValue()) {
            if (!(item instanceof ScalarNode)) {
                throw new ConfigException(name, line(item), key, "should list URLs, one per item");
            }
            try {
                urls.add(pushUrl(((ScalarNode) item).getValue()));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(name, line(item), key, e.getMessage());
            }
        }
        return urls;
    }

    private static String pushUrl(String url) {
        PushTarget.parse(url);
        return url;
    }

    static boolean yesNo(String text) {
        switch (text) {
            case "true": case "yes": case "on": return true;
            case "false": case "no": case "off": return false;
            default: throw new IllegalArgumentException("should be true or false, not '" + text + "'");
        }
    }

    static int queuePackets(String text) {
        int packets;
        try {
            packets = Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("a viewer queue is a number of packets, not '" + text + "'", e);
        }
        if (packets < 2 || packets > 10_000) {
            throw new IllegalArgumentException("a viewer queue must hold 2..10000 packets, not " + packets);
        }
        return packets;
    }

    /** Bytes with an optional k, M or G suffix (powers of 1024), 64k..1G. */
    static long queueBytes(String text) {
        long unit = 1;
        String digits = text;
        switch (text.isEmpty() ? ' ' : text.charAt(text.length() - 1)) {
            case 'k': case 'K': unit = 1L << 10; break;
            case 'M': unit = 1L << 20; break;
            case 'G': unit = 1L << 30; break;
            default: break;
        }
        if (unit != 1) {
            digits = text.substring(0, text.length() - 1);
        }
        long bytes;
        try {
            bytes = Math.multiplyExact(Long.parseLong(digits), unit);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("a size is bytes with k, M or G, e.g. 8M, not '" + text + "'", e);
        }
        if (bytes < (64L << 10) || bytes > (1L << 30)) {
            throw new IllegalArgumentException("a viewer queue must hold 64k..1G bytes, not " + text);
        }
        return bytes;
    }

    /**
     * Checks a source URI as the server will use it. Sources are cold — opening one only reads its
     * URI; nothing connects until a subscription — so this is how the file is validated up front.
     */
    private static String checkSource(String uri) {
        try (FramePool unused = new FramePool(0)) {
            FrameSources.open(uri, unused, StreamMeters.noop());
        }
        return uri;
    }

    static int keyframeInterval(String text) {
        int frames;
        try {
            frames = Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("a keyframe interval is a number of frames, not '" + text + "'", e);
        }
        if (frames < 1 || frames > 10_000) {
            throw new IllegalArgumentException("a keyframe interval must be 1..10000 frames, not " + frames);
        }
        return frames;
    }

    /** The entries of a mapping node, by key, checked against the allowed keys (null: any key). */
    Map<String, NodeTuple> mapping(Node node, String key, Set<String> allowed) {
        if (!(node instanceof MappingNode)) {
            throw new ConfigException(name, line(node), key, "should be a mapping of 'key: value' entries");
        }
        Map<String, NodeTuple> entries = new LinkedHashMap<>();
        for (NodeTuple tuple : ((MappingNode) node).getValue()) {
            if (!(tuple.getKeyNode() instanceof ScalarNode)) {
                throw new ConfigException(name, line(tuple.getKeyNode()), key, "has a key that is not plain text");
            }
            String k = ((ScalarNode) tuple.getKeyNode()).getValue();
            if (allowed != null && !allowed.contains(k)) {
                throw new ConfigException(name, line(tuple.getKeyNode()), key.isEmpty() ? k : key + "." + k,
                        "unknown key (known: " + String.join(", ", new java.util.TreeSet<>(allowed)) + ")");
            }
            NodeTuple first = entries.put(k, tuple);
            if (first != null) {
                // The composed node graph keeps both; the last would silently win.
                throw new ConfigException(name, line(tuple.getKeyNode()), key.isEmpty() ? k : key + "." + k,
                        "is given twice (first at line " + line(first.getKeyNode()) + ")");
            }
        }
        return entries;
    }

    /** A scalar value, converted; a conversion's complaint becomes an error at the value's line. */
    <T> T value(NodeTuple tuple, String key, Function<String, T> convert) {
        Node node = tuple.getValueNode();
        if (!(node instanceof ScalarNode)) {
            throw new ConfigException(name, line(node), key, "should be a single value");
        }
        try {
            return convert.apply(((ScalarNode) node).getValue());
        } catch (IllegalArgumentException e) {
            throw new ConfigException(name, line(node), key, e.getMessage());
        }
    }

    /** What errors call this file. */
    String name() {
        return name;
    }

    static int line(Node node) {
        return node.getStartMark() == null ? 0 : node.getStartMark().getLine() + 1;
    }
}
