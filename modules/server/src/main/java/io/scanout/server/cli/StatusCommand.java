package io.scanout.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.scanout.server.SecretFiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code scanout status}: the streams of a running server, one line each — the first thing to look at. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Shows each stream of a running Scanout: state, source, size, encoder, fps and viewers.")
public final class StatusCommand implements Callable<Integer> {
    private static final String ROW = "%-16s %-10s %-11s %-6s %-10s %6s %7s  %-12s %s%n";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--server", paramLabel = "URL", defaultValue = "http://127.0.0.1:8080",
            description = "The server to ask (default: ${DEFAULT-VALUE}).")
    URI server;

    @Option(names = "--token-file", paramLabel = "FILE",
            description = "A file holding a bearer token with the view scope, for a server with auth on; the"
                    + " environment variable " + SecurityOptions.TOKEN_ENV + " works too.")
    Path tokenFile;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Optional<String> token;
        try {
            token = token();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        JsonNode streams;
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(server.resolve("/streams")).timeout(Duration.ofSeconds(10));
            token.ifPresent(secret -> request.header("Authorization", "Bearer " + secret));
            HttpResponse<String> response = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()
                    .send(request.build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                err.println("scanout: " + server + " answered " + response.statusCode() + " to GET /streams"
                        + (response.statusCode() == 401 ? "; give a token with the view scope: --token-file FILE"
                                + " or " + SecurityOptions.TOKEN_ENV : ""));
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
        out.printf(Locale.ROOT, ROW, "STREAM", "STATE", "SIZE", "FORMAT", "ENCODER", "FPS", "VIEWERS", "SOURCE-STATE",
                "SOURCE");
        for (JsonNode s : streams) {
            out.printf(Locale.ROOT, ROW, s.path("id").asText(), s.path("state").asText(),
                    s.path("width").asInt() + "x" + s.path("height").asInt(), s.path("format").asText(),
                    s.path("encoder").asText(), String.format(Locale.ROOT, "%.1f", s.path("fps").asDouble()),
                    s.path("viewers").asInt(), s.path("sourceState").asText(), s.path("source").asText());
            if (s.hasNonNull("sourceError")) {
                // The source's last error, on its own line: it is often longer than a row.
                out.printf(Locale.ROOT, "%-16s last source error at %s: %s%n", "", s.path("sourceErrorAt").asText(),
                        s.path("sourceError").asText());
            }
        }
        out.flush();
        return 0;
    }

    /**
     * The token from --token-file, else {@value SecurityOptions#TOKEN_ENV}; none for a server without auth.
     *
     * @throws IllegalArgumentException naming a token file that cannot be read
     */
    private Optional<String> token() {
        if (tokenFile != null) {
            return Optional.of(SecretFiles.read(tokenFile));
        }
        return Optional.ofNullable(System.getenv(SecurityOptions.TOKEN_ENV)).map(String::strip).filter(t -> !t.isEmpty());
    }
}
