package io.ringtrace.bench.load;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.HdrHistogram.Histogram;

/**
 * What the results file says about the machine: cores, CPU model, JVM, OS, clock source, load
 * average, and the floor under every service time the tool reports (two back-to-back clock reads).
 */
final class MachineInfo {

    private MachineInfo() {
    }

    /** @return a Markdown bullet list describing this machine and JVM */
    static String describe() {
        Runtime runtime = Runtime.getRuntime();
        return "- cores: " + runtime.availableProcessors() + " (" + cpuModel() + ")\n"
                + "- memory: " + String.format(Locale.ROOT, "%.1f GiB", totalMemoryBytes() / (1024.0 * 1024 * 1024)) + "\n"
                + "- JVM: " + System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version")
                + " (" + System.getProperty("java.vendor") + ")\n"
                + "- OS: " + System.getProperty("os.name") + " " + System.getProperty("os.version")
                + " " + System.getProperty("os.arch") + "\n"
                + "- clock source: " + clockSource() + "\n";
    }

    /**
     * The service time of an empty call as the run JVMs measure a real one: {@code System.nanoTime()}
     * right before and right after, here with nothing between them, 2,000,000 times after 200,000
     * warm-up pairs (in this JVM, not a run JVM). A service time's percentile cannot be lower than
     * this one's; on a VM whose clock read costs tens of nanoseconds it is a visible part of a p50.
     *
     * @return a Markdown bullet with the floor's p50, p99 and p99.9
     */
    static String measurementFloor() {
        Histogram floor = new Histogram(1_000_000_000L, 3);
        for (int i = 0; i < 2_200_000; i++) {
            long start = System.nanoTime();
            long took = System.nanoTime() - start;
            if (i >= 200_000) {
                floor.recordValue(Math.min(took, 1_000_000_000L));
            }
        }
        return String.format(Locale.ROOT, "- measurement floor (two back-to-back `System.nanoTime()`, the pair "
                        + "around every measured call): p50 %d ns, p99 %d ns, p99.9 %d ns%n",
                floor.getValueAtPercentile(50), floor.getValueAtPercentile(99), floor.getValueAtPercentile(99.9));
    }

    /** @return the 1/5/15-minute load averages from {@code /proc/loadavg}, or "unknown" */
    static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg"), StandardCharsets.US_ASCII).trim().split("\\s+");
            return parts[0] + " " + parts[1] + " " + parts[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    /** @return the kernel's clock source (Linux), which sets what a clock read costs, or "unknown" */
    private static String clockSource() {
        try {
            return Files.readString(Path.of("/sys/devices/system/clocksource/clocksource0/current_clocksource"),
                    StandardCharsets.US_ASCII).trim();
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    private static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"), StandardCharsets.US_ASCII)) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return System.getProperty("os.arch");
    }

    private static long totalMemoryBytes() {
        java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean) {
            return ((com.sun.management.OperatingSystemMXBean) os).getTotalMemorySize();
        }
        return 0;
    }
}
