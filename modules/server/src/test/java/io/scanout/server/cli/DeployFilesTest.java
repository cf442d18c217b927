package io.scanout.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.scanout.server.ServerSettings;
import io.scanout.transport.security.Scope;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;
import picocli.CommandLine;

/**
 * The command lines the deploy files run — the Dockerfile's default command, compose.yaml's
 * service, the Kubernetes DaemonSet with its ConfigMap — are ones {@code scanout serve} accepts,
 * with the files they name (config, token files) in place, and without starting a server. The
 * container's paths are laid out under a temporary directory: what a volume or secret mounts
 * there is written there, so a path the deploy file names but never mounts is missing and fails.
 */
class DeployFilesTest {
    private static final Path DEPLOY = Path.of("../../deploy");
    private static final String TOKEN = "0123456789abcdef0123456789abcdef";
    private static final Pattern ABSOLUTE_FILE = Pattern.compile("(file:\\s*)(/\\S+?)(\\s*[,}\\n])");

    @TempDir
    Path root;

    @Test
    void theDockerfilesDefaultCommandStartsWithATokenSecret() throws IOException {
        String dockerfile = Files.readString(DEPLOY.resolve("Dockerfile"));
        List<String> cmd = jsonArray(dockerfile, "CMD");
        // The token comes as a secret mounted at the documented place.
        place("/run/secrets/scanout-token", TOKEN);

        ServerSettings settings = accepted(cmd);

        assertThat(settings.security().authEnabled()).isTrue();
        assertThat(String.join(" ", jsonArray(dockerfile, "ENTRYPOINT"))).contains("--add-modules jdk.incubator.vector");
    }

    @Test
    @SuppressWarnings("unchecked")
    void composeRunsScanoutWithItsConfigAndPrometheusScrapesWithAMetricsToken() throws IOException {
        Map<String, Object> compose = yaml(DEPLOY.resolve("compose.yaml"));
        Map<String, Object> services = (Map<String, Object>) compose.get("services");
        Map<String, Object> scanout = (Map<String, Object>) services.get("scanout");
        Map<String, Object> secrets = (Map<String, Object>) compose.get("secrets");
        // What compose mounts: volumes (host:container[:ro]) and secrets at /run/secrets/NAME.
        for (Object volume : (List<Object>) scanout.get("volumes")) {
            String[] parts = volume.toString().split(":");
            mount(DEPLOY.resolve(parts[0]), parts[1]);
        }
        for (Object secret : (List<Object>) scanout.get("secrets")) {
            assertThat(secrets).as("compose secrets").containsKey(secret.toString());
            place("/run/secrets/" + secret, TOKEN + secret.hashCode());
        }

        ServerSettings settings = accepted((List<String>) scanout.get("command"));

        // Prometheus presents the prometheus-token secret; Scanout knows it as a metrics token.
        Map<String, Object> prometheus = (Map<String, Object>) services.get("prometheus");
        Map<String, Object> prometheusYml = yaml(DEPLOY.resolve("prometheus/prometheus.yml"));
        Map<String, Object> job = ((List<Map<String, Object>>) prometheusYml.get("scrape_configs")).get(0);
        String credentials = ((Map<String, Object>) job.get("authorization")).get("credentials_file").toString();
        assertThat(credentials).startsWith("/run/secrets/");
        String secret = credentials.substring("/run/secrets/".length());
        assertThat((List<Object>) prometheus.get("secrets")).contains(secret);
        assertThat(metricsToken(settings, "/run/secrets/" + secret)).isTrue();
    }

    @Test
    @SuppressWarnings("unchecked")
    void theDaemonSetServesItsConfigMapWithTheSecretsTokensAndTheServiceMonitorHasOne() throws IOException {
        Map<String, Object> daemonSet = yaml(DEPLOY.resolve("kubernetes/daemonset.yaml"));
        Map<String, Object> pod = (Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>) daemonSet
                .get("spec")).get("template")).get("spec");
        Map<String, Object> container = ((List<Map<String, Object>>) pod.get("containers")).get(0);
        Map<String, Object> configMap = yaml(DEPLOY.resolve("kubernetes/configmap.yaml"));
        String configMapName = ((Map<String, Object>) configMap.get("metadata")).get("name").toString();
        Map<String, Object> monitor = yaml(DEPLOY.resolve("kubernetes/servicemonitor.yaml"));
        Map<String, Object> bearer = (Map<String, Object>) ((List<Map<String, Object>>) ((Map<String, Object>) monitor
                .get("spec")).get("endpoints")).get(0).get("bearerTokenSecret");

        String secretMount = null;
        for (Map<String, Object> volume : (List<Map<String, Object>>) pod.get("volumes")) {
            String path = mountPath(container, volume.get("name").toString());
            if (volume.containsKey("configMap")) {
                assertThat(((Map<String, Object>) volume.get("configMap")).get("name")).isEqualTo(configMapName);
                for (Map.Entry<String, Object> file : ((Map<String, Object>) configMap.get("data")).entrySet()) {
                    place(path + "/" + file.getKey(), file.getValue().toString());
                }
            } else if (volume.containsKey("secret")) {
                // The Secret holds the keys the config's token files name (made by kubectl; see the header).
                assertThat(((Map<String, Object>) volume.get("secret")).get("secretName")).isEqualTo(bearer.get("name"));
                secretMount = path;
            }
        }
        assertThat(secretMount).as("a Secret volume with the tokens").isNotNull();
        String config = Files.readString(root.resolve(mountPath(container, "config").substring(1))
                .resolve("scanout.yaml"));
        Matcher files = ABSOLUTE_FILE.matcher(config);
        while (files.find()) {
            assertThat(files.group(2)).as("token files come from the Secret").startsWith(secretMount + "/");
            place(files.group(2), TOKEN + files.group(2).hashCode());
        }

        ServerSettings settings = accepted((List<String>) container.get("args"));

        assertThat(settings.streams()).as("streams in the ConfigMap").hasSizeGreaterThan(1);
        assertThat(metricsToken(settings, secretMount + "/" + bearer.get("key"))).isTrue();
    }

    @Test
    void systemdUnitsRunJavaWithTheVectorModuleAndReloadOnlyWithAConfigFile() throws IOException {
        for (String unit : List.of("scanout.service", "scanout@.service")) {
            String text = Files.readString(DEPLOY.resolve(unit));
            String exec = text.lines().filter(l -> l.startsWith("ExecStart=")).findFirst().orElseThrow();
            assertThat(exec).as(unit).contains("java --add-modules jdk.incubator.vector ");
            assertThat(text.lines().anyMatch(l -> l.startsWith("ExecReload="))).as(unit + " reloads")
                    .isEqualTo(exec.contains("--config"));
        }
    }

    /** Whether the config's token read from {@code containerFile} has the metrics scope in the settings. */
    private boolean metricsToken(ServerSettings settings, String containerFile) {
        String name = names.get(containerFile);
        return name != null && settings.security().tokens().stream()
                .anyMatch(t -> t.name().equals(name) && t.scopes().contains(Scope.METRICS));
    }

    /** The config's token names by the (container) file each is read from, noted by {@link #rootFiles}. */
    private final Map<String, String> names = new HashMap<>();

    /**
     * Parses {@code args} as {@code scanout} does and checks them as {@code serve} would before
     * starting; paths in them and in a config file they name are the container's, under {@link #root}.
     */
    private ServerSettings accepted(List<String> args) throws IOException {
        List<String> rooted = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (i > 0 && args.get(i - 1).equals("--config")) {
                Path config = root.resolve(arg.substring(1));
                assertThat(config).as("the config file %s is mounted", arg).exists();
                Files.writeString(config, rootFiles(Files.readString(config)));
            }
            rooted.add(arg.startsWith("/") ? root.resolve(arg.substring(1)).toString() : arg);
        }
        CommandLine cli = ScanoutCommand.commandLine();
        CommandLine.ParseResult parsed = cli.parseArgs(rooted.toArray(String[]::new));
        assertThat(parsed.subcommand().commandSpec().name()).isEqualTo("serve");
        return ((ServeCommand) parsed.subcommand().commandSpec().userObject()).checkedSettings();
    }

    /** The config text with absolute {@code file:} paths moved under {@link #root}; notes each token's name. */
    private String rootFiles(String config) {
        Matcher tokens = Pattern.compile("(?m)^\\s*([\\w-]+):\\s*\\{[^}]*file:\\s*(/\\S+?)\\s*[,}]").matcher(config);
        while (tokens.find()) {
            names.put(tokens.group(2), tokens.group(1));
        }
        Matcher m = ABSOLUTE_FILE.matcher(config);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(m.group(1) + root.resolve(m.group(2).substring(1))
                    + m.group(3)));
        }
        return m.appendTail(out).toString();
    }

    private void place(String containerPath, String content) throws IOException {
        Path file = root.resolve(containerPath.substring(1));
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
    }

    private void mount(Path hostFile, String containerPath) throws IOException {
        place(containerPath, Files.readString(hostFile));
    }

    @SuppressWarnings("unchecked")
    private static String mountPath(Map<String, Object> container, String volume) {
        for (Map<String, Object> mount : (List<Map<String, Object>>) container.get("volumeMounts")) {
            if (mount.get("name").equals(volume)) {
                return mount.get("mountPath").toString();
            }
        }
        throw new AssertionError("volume " + volume + " is not mounted");
    }

    private static List<String> jsonArray(String dockerfile, String instruction) throws IOException {
        String line = dockerfile.lines().filter(l -> l.startsWith(instruction + " ")).reduce((a, b) -> b)
                .orElseThrow(() -> new AssertionError("no " + instruction + " in the Dockerfile"));
        return List.of(new ObjectMapper().readValue(line.substring(instruction.length() + 1), String[].class));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> yaml(Path file) throws IOException {
        return (Map<String, Object>) new Yaml().load(Files.readString(file));
    }
}
