package io.ringtrace.bench.load;

import io.ringtrace.engine.EngineStats;
import io.ringtrace.engine.PipelineEngine;
import io.ringtrace.engine.export.DropReason;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What a run reads from a ringtrace engine of either signal (span or log engine), through its
 * allocation-free {@link EngineStats} snapshot: counted drops, export latency, the spool, and the
 * report's counters. Run thread only.
 */
final class EngineReadings {

    private final PipelineEngine<?> engine;
    private final EngineStats stats = new EngineStats();
    private final String prefix;
    private final String items;

    /**
     * @param engine the engine
     * @param prefix the counters' prefix in the report ({@code ringtrace}, {@code ringtrace logs})
     * @param items what the engine carries, plural ({@code spans}, {@code records})
     */
    EngineReadings(PipelineEngine<?> engine, String prefix, String items) {
        this.engine = engine;
        this.prefix = prefix;
        this.items = items;
    }

    /** @return the drops counted so far, all reasons (live while running, final after close) */
    long countedDrops() {
        engine.stats(stats);
        return stats.droppedTotal();
    }

    /** @return the engine's own histogram: hand-off of a request to the exporter until completion */
    ExportLatency exportLatency() {
        engine.stats(stats);
        return ExportLatency.of(stats.exportLatency());
    }

    /** @return items in the on-disk spool */
    long spooled() {
        engine.stats(stats);
        return stats.spooled();
    }

    /**
     * @param withSpool whether to report what the spool held at close
     * @return the report's counters, read after close
     */
    Map<String, Long> counters(boolean withSpool) {
        engine.stats(stats);
        Map<String, Long> counters = new LinkedHashMap<>();
        counters.put(prefix + " published", stats.published());
        counters.put(prefix + " exported", stats.exported());
        for (DropReason reason : DropReason.values()) {
            counters.put(prefix + " dropped " + reason.name().toLowerCase(Locale.ROOT), stats.dropped(reason));
        }
        counters.put(prefix + " requests sent", stats.requestsSent());
        counters.put(prefix + " " + items + " per request (mean, exported / requests sent)",
                stats.requestsSent() == 0 ? 0 : Math.round((double) stats.exported() / stats.requestsSent()));
        counters.put(prefix + " retries", stats.retries());
        if (withSpool) {
            counters.put(prefix + " spooled at close (" + items + ")", stats.spooled());
        }
        return counters;
    }
}
