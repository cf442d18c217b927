package io.scanout.bench.fanout;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time from Linux's {@code /proc}: of one process ({@code /proc/PID/stat}) and of the whole
 * machine ({@code /proc/stat}), so a run can say how much of the two cores the server, the load
 * client and everything else on the machine took.
 */
final class ProcStat {
    /** USER_HZ: the unit of {@code /proc}'s times. 100 on every Linux architecture Java runs on. */
    private static final long TICK_NANOS = 10_000_000L;

    private ProcStat() {
    }

    /** utime + stime of process {@code pid}, in nanoseconds. */
    static long processCpuNanos(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        // The command name (field 2) is in parentheses and may hold spaces: count fields after its ')'.
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        // Fields 14 and 15 of the file (utime, stime) are 11 and 12 after the name, from 0.
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * TICK_NANOS;
    }

    /** Busy time of all CPUs together (everything but idle and iowait), in nanoseconds. */
    static long machineBusyNanos() throws IOException {
        String cpu = Files.readAllLines(Path.of("/proc/stat")).get(0); // "cpu  user nice system idle iowait irq softirq steal …"
        String[] f = cpu.trim().split("\\s+");
        long busy = 0;
        for (int i = 1; i <= 8 && i < f.length; i++) {
            if (i != 4 && i != 5) {
                busy += Long.parseLong(f[i]);
            }
        }
        return busy * TICK_NANOS;
    }

    /** The 1-minute load average. */
    static double loadAverage() throws IOException {
        return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
    }
}
