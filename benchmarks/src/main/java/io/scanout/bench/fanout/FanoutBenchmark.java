package io.scanout.bench.fanout;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The fan-out benchmark: one stream to many WebSocket viewers on loopback. For each viewer count it
 * starts a fresh {@code scanout serve} process, connects that many cheap viewers ({@link LoadViewer}:
 * they parse and timestamp messages, they decode no video), measures a window and prints the
 * server's CPU, delivered fps per viewer, fan-out latency and drops; a Markdown table of all runs
 * comes last.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.scanout.bench.fanout.FanoutBenchmark \
 *     --viewers 10,100,500 [--source synthetic:1920x1080@30] [--seconds 20] [--warmup 5] \
 *     [--server-jar modules/server/target/scanout.jar] [--server-jvm-arg ARG]… [--serve-arg ARG]… \
 *     [--log-dir /tmp]
 * </pre>
 *
 * Without {@code --server-jar} the server runs {@code io.scanout.server.Main} from this jar's own
 * class path (the same code). {@code --serve-arg} passes one more word to {@code scanout serve},
 * e.g. {@code --serve-arg --bitrate --serve-arg 8M}.
 */
public final class FanoutBenchmark {
    private FanoutBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        List<Integer> counts = new ArrayList<>();
        String source = "synthetic:1920x1080@30";
        int seconds = 20;
        int warmup = 5;
        Path serverJar = null;
        Path logDir = Path.of(System.getProperty("java.io.tmpdir"));
        List<String> jvmArgs = new ArrayList<>();
        List<String> serveArgs = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            if (value == null) {
                usage("option " + args[i] + " needs a value");
            }
            switch (args[i++]) {
                case "--viewers" -> {
                    for (String n : value.split(",")) {
                        counts.add(positive("--viewers", n));
                    }
                }
                case "--source" -> source = value;
                case "--seconds" -> seconds = positive("--seconds", value);
                case "--warmup" -> warmup = positive("--warmup", value);
                case "--server-jar" -> serverJar = Path.of(value);
                case "--server-jvm-arg" -> jvmArgs.add(value);
                case "--serve-arg" -> serveArgs.add(value);
                case "--log-dir" -> logDir = Path.of(value);
                default -> usage("unknown option " + args[i - 1]);
            }
        }
        if (counts.isEmpty()) {
            counts.add(10);
        }
        List<FanoutResult> results = new ArrayList<>();
        for (int viewers : counts) {
            System.out.printf("--- %s to %d viewers ---%n", source, viewers);
            FanoutResult result = new FanoutRun(source, viewers, Duration.ofSeconds(warmup), Duration.ofSeconds(seconds),
                    serverJar, jvmArgs, serveArgs, logDir).run();
            result.print(System.out);
            results.add(result);
        }
        System.out.println();
        System.out.println(FanoutResult.markdownHeader());
        results.forEach(r -> System.out.println(r.markdownRow()));
        System.exit(0); // Reactor Netty's event loops are not daemon threads
    }

    private static int positive(String option, String value) {
        try {
            int n = Integer.parseInt(value.trim());
            if (n > 0 && n <= 100_000) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below with the option's name
        }
        usage(option + " takes a whole number 1..100000, not '" + value + "'");
        return 0;
    }

    private static void usage(String problem) {
        System.err.println(problem);
        System.err.println("usage: FanoutBenchmark [--viewers N[,N…]] [--source URI] [--seconds N] [--warmup N]"
                + " [--server-jar JAR] [--server-jvm-arg ARG]… [--serve-arg ARG]… [--log-dir DIR]");
        System.exit(2);
    }
}
