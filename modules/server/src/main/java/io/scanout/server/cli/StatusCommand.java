package io.scanout.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code scanout status}: the streams of a running server, one line each — the first thing to look at. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Shows each stream of a running Scanout: state, source, size, encoder, fps and viewers.")
public final class StatusCommand implements Callable<Integer> {
    private static final String ROW = "%-16s %-10s %-11s %-6s %-10s %6s %7s  %s%n";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--server", paramLabel = "URL", defaultValue = "http://127.0.0.1:8080",
            description = "The server to ask (default: ${DEFAULT-VALUE}).")
    URI server;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        JsonNode streams;
        try {
            HttpResponse<String> response = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()
                    .send(HttpRequest.newBuilder(server.resolve("/streams")).timeout(Duration.ofSeconds(10)).build(),
                            HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                err.println("scanout: " + server + " answered " + response.statusCode() + " to GET /streams");
                return 1;
            }
            streams = new ObjectMapper().readTree(response.body());
        } catch (IOException e) {
            err.println("scanout: cannot reach Scanout at " + server + ": " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
        out.printf(Locale.ROOT, ROW, "STREAM", "STATE", "SIZE", "FORMAT", "ENCODER", "FPS", "VIEWERS", "SOURCE");
        for (JsonNode s : streams) {
            out.printf(Locale.ROOT, ROW, s.path("id").asText(), s.path("state").asText(),
                    s.path("width").asInt() + "x" + s.path("height").asInt(), s.path("format").asText(),
                    s.path("encoder").asText(), String.format(Locale.ROOT, "%.1f", s.path("fps").asDouble()),
                    s.path("viewers").asInt(), s.path("source").asText());
        }
        out.flush();
        return 0;
    }
}
