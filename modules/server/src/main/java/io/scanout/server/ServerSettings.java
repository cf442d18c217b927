package io.scanout.server;

import io.scanout.server.cli.BindAddress;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Everything a {@link ScanoutServer} starts from. */
public record ServerSettings(BindAddress bind, List<StreamSettings> streams) {
    public ServerSettings {
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
    }
}
