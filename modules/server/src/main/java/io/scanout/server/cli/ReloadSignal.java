package io.scanout.server.cli;

import io.scanout.server.ScanoutServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * {@code kill -HUP}: re-read the configuration file and apply it, as daemons do. A reload that
 * fails is logged and changes nothing; the server keeps running.
 */
final class ReloadSignal {
    private static final Logger log = LoggerFactory.getLogger(ReloadSignal.class);

    private ReloadSignal() {
    }

    static void install(ScanoutServer server) {
        Signal.handle(new Signal("HUP"), signal -> {
            try {
                server.reloadFromSource();
            } catch (RuntimeException e) {
                log.error("reload on SIGHUP failed, nothing changed: {}", e.getMessage());
            }
        });
    }
}
