package io.ringtrace.exporter;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import jdk.jfr.Recording;

/**
 * Where an allocation test's bytes go: when {@code -Dringtrace.allocation.jfr=<dir>} is set, a JFR
 * recording of {@code jdk.ObjectAllocationSample} events (throttled to 100,000 a second, with stack
 * traces) over the measured part of the test, written to {@code <dir>/<name>.jfr} on close. Read it
 * with {@code jfr print --events jdk.ObjectAllocationSample --stack-depth 20 <file>} and sum the
 * {@code weight} field by stack. Without the property, nothing is recorded.
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
