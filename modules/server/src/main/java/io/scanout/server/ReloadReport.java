package io.scanout.server;

import java.util.List;

/** What a reload did, stream by stream: the ids started, stopped, restarted with new settings, and left alone. */
public record ReloadReport(List<String> added, List<String> removed, List<String> restarted, List<String> unchanged) {
    public ReloadReport {
        added = List.copyOf(added);
        removed = List.copyOf(removed);
        restarted = List.copyOf(restarted);
        unchanged = List.copyOf(unchanged);
    }

    @Override
    public String toString() {
        return "added " + added + ", removed " + removed + ", restarted " + restarted + ", unchanged " + unchanged;
    }
}
