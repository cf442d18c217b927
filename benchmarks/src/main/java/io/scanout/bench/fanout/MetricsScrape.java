package io.scanout.bench.fanout;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One scrape of the server's {@code /metrics} (Prometheus text format), enough to read counters and
 * histograms back, and to take the difference of two scrapes so a figure covers only the measured
 * window. Immutable.
 */
final class MetricsScrape {
    /** One line: {@code name{labels} value}. */
    record Sample(String name, Map<String, String> labels, double value) {
        boolean matches(String name, String... labelPairs) {
            if (!this.name.equals(name)) {
                return false;
            }
            for (int i = 0; i + 1 < labelPairs.length; i += 2) {
                if (!labelPairs[i + 1].equals(labels.get(labelPairs[i]))) {
                    return false;
                }
            }
            return true;
        }
    }

    private final List<Sample> samples;

    private MetricsScrape(List<Sample> samples) {
        this.samples = samples;
    }

    /**
     * Parses the text format. Label values here are plain words, so escapes inside them are not
     * handled; a line that does not parse is skipped rather than failing the run.
     */
    static MetricsScrape parse(String text) {
        List<Sample> samples = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int brace = line.indexOf('{');
            int space = line.lastIndexOf(' ');
            if (space < 0) {
                continue;
            }
            String name;
            Map<String, String> labels = new HashMap<>();
            if (brace >= 0 && brace < space) {
                name = line.substring(0, brace);
                for (String pair : line.substring(brace + 1, line.lastIndexOf('}')).split(",")) {
                    int eq = pair.indexOf('=');
                    if (eq > 0) {
                        labels.put(pair.substring(0, eq), pair.substring(eq + 2, pair.length() - 1));
                    }
                }
            } else {
                name = line.substring(0, space);
            }
            try {
                samples.add(new Sample(name, labels, Double.parseDouble(line.substring(space + 1))));
            } catch (NumberFormatException e) {
                // Not a sample line (a format we do not read): skip it, as said above.
            }
        }
        return new MetricsScrape(samples);
    }

    /** The sum of every series of {@code name} whose labels include the given name/value pairs. */
    double sum(String name, String... labelPairs) {
        return samples.stream().filter(s -> s.matches(name, labelPairs)).mapToDouble(Sample::value).sum();
    }

    /** A histogram's cumulative bucket counts by upper bound ({@code le}), "+Inf" as infinity. */
    TreeMap<Double, Double> buckets(String histogram, String... labelPairs) {
        TreeMap<Double, Double> buckets = new TreeMap<>();
        for (Sample s : samples) {
            if (s.matches(histogram + "_bucket", labelPairs)) {
                String le = s.labels().get("le");
                buckets.merge(le.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le), s.value(),
                        Double::sum);
            }
        }
        return buckets;
    }

    /**
     * The {@code q} quantile of what a histogram recorded between two scrapes, interpolated linearly
     * within its bucket as Prometheus's {@code histogram_quantile} does. NaN if nothing was recorded.
     */
    static double quantile(TreeMap<Double, Double> before, TreeMap<Double, Double> after, double q) {
        double total = after.lastEntry() == null ? 0 : after.lastEntry().getValue()
                - before.getOrDefault(after.lastKey(), 0.0);
        if (total <= 0) {
            return Double.NaN;
        }
        double rank = q * total;
        double lowerBound = 0;
        double lowerCount = 0;
        for (Map.Entry<Double, Double> e : after.entrySet()) {
            double count = e.getValue() - before.getOrDefault(e.getKey(), 0.0);
            if (count >= rank) {
                if (e.getKey().isInfinite()) {
                    return lowerBound; // above the last finite bound: the most we can say
                }
                double inBucket = count - lowerCount;
                return inBucket <= 0 ? e.getKey()
                        : lowerBound + (e.getKey() - lowerBound) * (rank - lowerCount) / inBucket;
            }
            lowerBound = e.getKey();
            lowerCount = count;
        }
        return lowerBound;
    }
}
