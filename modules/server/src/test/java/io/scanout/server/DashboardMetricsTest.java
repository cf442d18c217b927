package io.scanout.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.scanout.encode.EncoderSettings;
import io.scanout.server.cli.BindAddress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import reactor.netty.http.client.HttpClient;

/** Every metric the shipped Grafana dashboard queries is one Scanout exports. */
class DashboardMetricsTest {
    private static final Path DASHBOARD = Path.of("../../deploy/grafana/scanout.json");
    private static final Pattern METRIC = Pattern.compile("\\b((?:scanout|jvm|process)_[a-z0-9_]+)");

    @Test
    void theDashboardQueriesOnlyExportedMetrics() throws IOException {
        Set<String> queried = new TreeSet<>();
        Matcher m = METRIC.matcher(Files.readString(DASHBOARD));
        while (m.find()) {
            queried.add(m.group(1));
        }
        assertThat(queried).as("metrics in " + DASHBOARD).hasSizeGreaterThan(10);

        try (ScanoutServer server = ScanoutServer.start(new ServerSettings(new BindAddress("127.0.0.1", 0), List.of(
                new StreamSettings("vm1", "synthetic:96x96@10", EncoderSettings.builder().build()))))) {
            ViewerClient.watch(server.port(), "vm1", 3, Duration.ofSeconds(30));
            String metrics = HttpClient.create().get().uri("http://127.0.0.1:" + server.port() + "/metrics")
                    .responseContent().aggregate().asString().block(Duration.ofSeconds(10));
            Set<String> exported = new TreeSet<>();
            for (String line : metrics.lines().toList()) {
                if (!line.startsWith("#") && !line.isBlank()) {
                    exported.add(line.split("[{ ]", 2)[0]);
                }
            }
            assertThat(exported).containsAll(queried);
        }
    }
}
