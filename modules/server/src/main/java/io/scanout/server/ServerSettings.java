package io.scanout.server;

import io.scanout.server.cli.BindAddress;
import io.scanout.transport.security.SecuritySettings;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Everything a {@link ScanoutServer} starts from; {@code vnc} is the RFB server's ({@link VncSettings}),
 * {@code security} the HTTP server's auth, TLS and limits (docs/security.md).
 */
public record ServerSettings(BindAddress bind, List<StreamSettings> streams, VncSettings vnc,
                             SecuritySettings security) {
    /** Without a VNC server over TCP. */
    public ServerSettings(BindAddress bind, List<StreamSettings> streams) {
        this(bind, streams, VncSettings.none());
    }

    /** Without auth ({@link SecuritySettings#open()}: loopback addresses only). */
    public ServerSettings(BindAddress bind, List<StreamSettings> streams, VncSettings vnc) {
        this(bind, streams, vnc, SecuritySettings.open());
    }

    /** These settings with other security settings. */
    public ServerSettings withSecurity(SecuritySettings security) {
        return new ServerSettings(bind, streams, vnc, security);
    }

    public ServerSettings {
        vnc = vnc == null ? VncSettings.none() : vnc;
        security = security == null ? SecuritySettings.open() : security;
        streams = List.copyOf(streams);
        if (streams.isEmpty()) {
            throw new IllegalArgumentException("at least one stream is needed");
        }
        Set<String> ids = new HashSet<>();
        for (StreamSettings s : streams) {
            if (!ids.add(s.id())) {
                throw new IllegalArgumentException("stream id '" + s.id() + "' is used twice");
            }
        }
        if (vnc.stream().isPresent() && !ids.contains(vnc.stream().get())) {
            throw new IllegalArgumentException("the VNC server's stream '" + vnc.stream().get()
                    + "' is not one of the streams " + ids);
        }
    }
}
