package io.ringtrace.bench.load;

import java.util.List;

/**
 * What a load run's producers emit, one item per call: spans or log records. Names the items in the
 * report, says which systems exist for it, which two the ratio column compares, and which count the
 * receiver keeps for it.
 */
public enum LoadSignal {

    /** Spans: ringtrace (with or without the spool) against the OpenTelemetry SDK. */
    SPANS("spans", "span", "spans", RunSpec.RINGTRACE, RunSpec.SDK,
            List.of(RunSpec.RINGTRACE, RunSpec.RINGTRACE_SPOOL, RunSpec.SDK), List.of(RunSpec.RINGTRACE, RunSpec.SDK)),
    /** Log records: ringtrace's logger API against the logs SDK, and Log4j2 into ringtrace or a file. */
    LOGS("logs", "record", "records", LogSystems.RINGTRACE_LOGGER, LogSystems.OTEL_LOGS_SDK,
            LogSystems.ALL, LogSystems.DEFAULTS);

    private final String label;
    private final String item;
    private final String items;
    private final String ours;
    private final String theirs;
    private final List<String> systems;
    private final List<String> defaultSystems;

    LoadSignal(String label, String item, String items, String ours, String theirs, List<String> systems,
               List<String> defaultSystems) {
        this.label = label;
        this.item = item;
        this.items = items;
        this.ours = ours;
        this.theirs = theirs;
        this.systems = systems;
        this.defaultSystems = defaultSystems;
    }

    /**
     * @param label {@code spans} or {@code logs}
     * @return the signal
     * @throws IllegalArgumentException for any other label
     */
    public static LoadSignal of(String label) {
        for (LoadSignal signal : values()) {
            if (signal.label.equals(label)) {
                return signal;
            }
        }
        throw new IllegalArgumentException("--signal must be spans or logs, got '" + label + "'");
    }

    /** @return {@code spans} or {@code logs} (the option's value) */
    public String label() {
        return label;
    }

    /** @return one item, in report texts ({@code span}, {@code record}) */
    public String item() {
        return item;
    }

    /** @return items, in report texts ({@code spans}, {@code records}) */
    public String items() {
        return items;
    }

    /** @return the ringtrace system of the ratio column */
    public String ours() {
        return ours;
    }

    /** @return the OpenTelemetry SDK system of the ratio column */
    public String theirs() {
        return theirs;
    }

    /** @return every system that emits this signal */
    public List<String> systems() {
        return systems;
    }

    /** @return the systems a run compares when {@code --systems} is not given */
    public List<String> defaultSystems() {
        return defaultSystems;
    }

    /**
     * @param receiver the run's receiver
     * @return what it decoded so far of this signal (spans or log records)
     */
    long received(Receiver receiver) {
        return this == LOGS ? receiver.logRecordCount() : receiver.spanCount();
    }

    /**
     * @param system a system name
     * @throws IllegalArgumentException naming the valid ones, if the system does not emit this signal
     */
    void checkSystem(String system) {
        if (!systems.contains(system)) {
            throw new IllegalArgumentException("unknown system '" + system + "' for --signal=" + label + ": expected one of "
                    + String.join(", ", systems));
        }
    }
}
