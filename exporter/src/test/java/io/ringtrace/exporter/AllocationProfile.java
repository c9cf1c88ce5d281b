package io.ringtrace.exporter;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import jdk.jfr.Recording;

/**
 * Where an allocation test's bytes go: when {@code -Dringtrace.allocation.jfr=<dir>} is set, a JFR
 * recording of {@code jdk.ObjectAllocationSample} events (throttled to 100,000 a second, with stack
 * traces) and of TLAB refills ({@code jdk.ObjectAllocationInNewTLAB}, {@code ...OutsideTLAB}) over
 * the measured part of the test, written to {@code <dir>/<name>.jfr} on close. Read it with
 * {@code jfr print --events jdk.ObjectAllocationInNewTLAB --stack-depth 20 <file>} and sum the
 * {@code tlabSize} field by stack for the transport's threads (the {@code weight} of the throttled
 * samples is skewed towards whichever thread allocates most). Without the property, nothing is
 * recorded.
 */
final class AllocationProfile implements AutoCloseable {

    private final Recording recording;
    private final Path file;

    private AllocationProfile(Recording recording, Path file) {
        this.recording = recording;
        this.file = file;
    }

    static AllocationProfile startIfAsked(String name) throws IOException {
        String directory = System.getProperty("ringtrace.allocation.jfr");
        if (directory == null || directory.isBlank()) {
            return new AllocationProfile(null, null);
        }
        Path file = Files.createDirectories(Path.of(directory)).resolve(name + ".jfr");
        Recording recording = new Recording();
        recording.enable("jdk.ObjectAllocationSample").withStackTrace().with("throttle", "100000/s");
        // Not throttled, so a receiver in the same JVM does not crowd out the transport's threads:
        // with small fixed TLABs (-XX:TLABSize=2k -XX:-ResizeTLAB) each event stands for ~2 KiB.
        recording.enable("jdk.ObjectAllocationInNewTLAB").withStackTrace();
        recording.enable("jdk.ObjectAllocationOutsideTLAB").withStackTrace();
        recording.start();
        return new AllocationProfile(recording, file);
    }

    @Override
    public void close() throws IOException {
        if (recording != null) {
            recording.stop();
            recording.dump(file);
            recording.close();
            System.out.println("allocation samples written to " + file);
        }
    }
}
