package io.ringtrace.bench.load;

import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.zip.DataFormatException;
import org.HdrHistogram.Histogram;

/**
 * What one run measured inside the producing JVM. With the OTLP transport the delivered counts are
 * the receiver's (spans received and decoded), added by the {@link LoadTool}, which owns the
 * receiver; with transport {@code none} they are the in-process discarding exporter's, taken by
 * {@link LoadRun}.
 */
public final class RunResult {

    /** The run's specification. */
    public RunSpec spec;
    /** Producer calls over the whole run (warm-up included). */
    public long published;
    /** Calls the system refused at the call (ringtrace ring full) over the whole run. */
    public long refused;
    /** Producer calls whose start fell in the measured window. */
    public long windowPublished;
    /** Refused calls in the measured window. */
    public long windowRefused;
    /** Length of the measured window, ns. */
    public long windowNanos;
    /** GC cycles in the window (all collectors). */
    public long gcCount;
    /** GC time in the window, ms (all collectors, as the MXBeans report it). */
    public long gcMillis;
    /** Bytes allocated in the window by all threads of the run JVM. */
    public long allocatedBytes;
    /** Bytes allocated in the window by the producer threads. */
    public long producerAllocatedBytes;
    /** CPU time of the whole run JVM in the window, ns. */
    public long cpuNanos;
    /** CPU time of the producer threads in the window, ns (includes their pacing waits). */
    public long producerCpuNanos;
    /**
     * Response time of the producer call, ns: from the span's intended start time in paced
     * scenarios, from the call's start otherwise (see {@link Scenario.Kind}).
     */
    public Histogram latency;
    /** Service time of the producer call, ns: the call itself, in every scenario. */
    public Histogram serviceTime;
    /**
     * Outage scenarios: service time of the window's spans scheduled before the receiver went down
     * (the run's own baseline); else null.
     */
    public Histogram beforeServiceTime;
    /** Outage scenarios: service time of the spans scheduled while the receiver was down; else null. */
    public Histogram outageServiceTime;
    /**
     * Outage scenarios: service time of the spans scheduled from the receiver's return until the
     * spool was empty (to the window's end without a spool); else null. See {@link OutagePhases}.
     */
    public Histogram drainServiceTime;
    /** Outage scenarios: spans in the spool when the receiver came back; -1 without a spool. */
    public long spooledAtOutageEnd = -1;
    /**
     * Outage scenarios: ns from the receiver's return until the spool was empty; -1 without a
     * spool, -2 when it did not empty within the window plus {@link OutagePhases#DRAIN_BOUND}.
     */
    public long drainNanos = -1;
    /**
     * Spans the system itself counted as dropped, summed over its reasons (ringtrace's engine
     * stats after close); -1 when the system does not count its drops (the SDK drops silently).
     */
    public long countedDrops = -1;
    /**
     * Spans the system counted as dropped between the window's start and end snapshots (so warm-up
     * losses, e.g. while the JIT compiles, are left out); -1 when the system does not count drops.
     */
    public long windowCountedDrops = -1;
    /**
     * Export latencies of the requests (ringtrace) or batches (SDK) completed in the window: hand-off
     * to the exporter until completion, retries included.
     */
    public ExportLatency exportLatency;
    /** System-specific counters (e.g. ringtrace drops by reason). */
    public Map<String, Long> counters = new LinkedHashMap<>();

    /**
     * Spans delivered during the measured window: decoded by the receiver (OTLP transport), or
     * completed by the discarding exporter (transport {@code none}).
     */
    public long windowDelivered = -1;
    /** Spans delivered over the whole run, counted after the system closed (same source). */
    public long delivered = -1;

    /** @return the result as properties, histogram included */
    public Properties toProperties() {
        Properties p = new Properties();
        spec.toArgs().forEach(arg -> {
            int eq = arg.indexOf('=');
            p.setProperty("spec." + arg.substring(0, eq), arg.substring(eq + 1));
        });
        p.setProperty("published", Long.toString(published));
        p.setProperty("refused", Long.toString(refused));
        p.setProperty("windowPublished", Long.toString(windowPublished));
        p.setProperty("windowRefused", Long.toString(windowRefused));
        p.setProperty("windowNanos", Long.toString(windowNanos));
        p.setProperty("gcCount", Long.toString(gcCount));
        p.setProperty("gcMillis", Long.toString(gcMillis));
        p.setProperty("allocatedBytes", Long.toString(allocatedBytes));
        p.setProperty("producerAllocatedBytes", Long.toString(producerAllocatedBytes));
        p.setProperty("cpuNanos", Long.toString(cpuNanos));
        p.setProperty("producerCpuNanos", Long.toString(producerCpuNanos));
        p.setProperty("latency", encode(latency));
        p.setProperty("serviceTime", encode(serviceTime));
        if (outageServiceTime != null) {
            p.setProperty("beforeServiceTime", encode(beforeServiceTime));
            p.setProperty("outageServiceTime", encode(outageServiceTime));
            p.setProperty("drainServiceTime", encode(drainServiceTime));
        }
        p.setProperty("spooledAtOutageEnd", Long.toString(spooledAtOutageEnd));
        p.setProperty("drainNanos", Long.toString(drainNanos));
        p.setProperty("countedDrops", Long.toString(countedDrops));
        p.setProperty("windowCountedDrops", Long.toString(windowCountedDrops));
        p.setProperty("windowDelivered", Long.toString(windowDelivered));
        p.setProperty("delivered", Long.toString(delivered));
        p.setProperty("exportLatency", exportLatency.encode());
        counters.forEach((key, value) -> p.setProperty("counter." + key, Long.toString(value)));
        return p;
    }

    /**
     * @param p properties written by {@link #toProperties()}
     * @return the result
     */
    public static RunResult fromProperties(Properties p) {
        RunResult r = new RunResult();
        java.util.List<String> specArgs = new java.util.ArrayList<>();
        for (String name : p.stringPropertyNames()) {
            if (name.startsWith("spec.")) {
                specArgs.add(name.substring(5) + "=" + p.getProperty(name));
            } else if (name.startsWith("counter.")) {
                r.counters.put(name.substring(8), Long.parseLong(p.getProperty(name)));
            }
        }
        r.spec = RunSpec.fromArgs(specArgs);
        r.published = Long.parseLong(p.getProperty("published"));
        r.refused = Long.parseLong(p.getProperty("refused"));
        r.windowPublished = Long.parseLong(p.getProperty("windowPublished"));
        r.windowRefused = Long.parseLong(p.getProperty("windowRefused"));
        r.windowNanos = Long.parseLong(p.getProperty("windowNanos"));
        r.gcCount = Long.parseLong(p.getProperty("gcCount"));
        r.gcMillis = Long.parseLong(p.getProperty("gcMillis"));
        r.allocatedBytes = Long.parseLong(p.getProperty("allocatedBytes"));
        r.producerAllocatedBytes = Long.parseLong(p.getProperty("producerAllocatedBytes"));
        r.cpuNanos = Long.parseLong(p.getProperty("cpuNanos"));
        r.producerCpuNanos = Long.parseLong(p.getProperty("producerCpuNanos"));
        r.latency = decode(p, "latency");
        r.serviceTime = decode(p, "serviceTime");
        if (p.getProperty("outageServiceTime") != null) {
            r.beforeServiceTime = decode(p, "beforeServiceTime");
            r.outageServiceTime = decode(p, "outageServiceTime");
            r.drainServiceTime = decode(p, "drainServiceTime");
        }
        r.spooledAtOutageEnd = Long.parseLong(p.getProperty("spooledAtOutageEnd", "-1"));
        r.drainNanos = Long.parseLong(p.getProperty("drainNanos", "-1"));
        r.countedDrops = Long.parseLong(p.getProperty("countedDrops"));
        r.windowCountedDrops = Long.parseLong(p.getProperty("windowCountedDrops", "-1"));
        r.windowDelivered = Long.parseLong(p.getProperty("windowDelivered"));
        r.delivered = Long.parseLong(p.getProperty("delivered"));
        r.exportLatency = ExportLatency.parse(p.getProperty("exportLatency"));
        return r;
    }

    private static String encode(Histogram histogram) {
        ByteBuffer buffer = ByteBuffer.allocate(histogram.getNeededByteBufferCapacity());
        int length = histogram.encodeIntoCompressedByteBuffer(buffer);
        return Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(buffer.array(), length));
    }

    private static Histogram decode(Properties p, String name) {
        try {
            return Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(Base64.getDecoder().decode(p.getProperty(name))), 0);
        } catch (DataFormatException e) {
            throw new IllegalArgumentException("corrupt " + name + " histogram in run result", e);
        }
    }

    /** @return offered (attempted) spans per second in the window */
    public double offeredPerSecond() {
        return windowPublished * 1e9 / windowNanos;
    }

    /** @return spans per second delivered during the window (see {@link #windowDelivered}) */
    public double deliveredPerSecond() {
        return windowDelivered * 1e9 / windowNanos;
    }

    /** @return spans published but never delivered, over the whole run */
    public long lost() {
        return Math.max(0, published - delivered);
    }

    /**
     * @return published - delivered - counted drops over the whole run: 0 when every lost span has
     *     a counted reason; {@code Long.MIN_VALUE} when the system counts no drops (the SDK)
     */
    public long unaccounted() {
        return countedDrops < 0 ? Long.MIN_VALUE : published - delivered - countedDrops;
    }
}
