package io.ringtrace.bench.load;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * Runs one {@link RunSpec} in this JVM: starts the system, drives P producer threads through a
 * warm-up and a measured window, closes the system, and returns what it measured. The same for
 * every {@link LoadSystem}: each call emits one item, a span or a log record (the text below says
 * span for either). Also the main
 * class of the forked run JVMs the {@link LoadTool} starts (one per system and scenario, so GC,
 * allocation and CPU belong to one system only).
 *
 * <p>Timeline, all producers sharing one schedule: {@code t0} (start) .. warm-up ..
 * {@code measureStart} .. window .. {@code measureEnd}. Only calls that start inside the window are
 * recorded. Paced scenarios give every span an intended start time and measure from it; a producer
 * that falls behind does not skip spans, so a stall shows up in the latency of every span it delayed
 * (no coordinated omission).
 */
public final class LoadRun {

    /** Line a run prints when the measured window starts (the LoadTool snapshots the receiver). */
    static final String MEASURE_START = "@@measure-start";
    /** Line a run prints when the measured window ends. */
    static final String MEASURE_END = "@@measure-end";
    /** Prefix of progress lines. */
    static final String PROGRESS = "@@progress ";

    private static final long MAX_LATENCY_NANOS = Duration.ofSeconds(60).toNanos();
    private static final long BURST_PERIOD_NANOS = 1_000_000_000L;
    /**
     * How long before an intended start time a paced producer stops parking and spins. A 50 us
     * {@code parkNanos} on these VMs wakes ~110 us late on average (the kernel's 50 us timer slack
     * plus the wake-up; measured with 2000 parks, worst 2.7 ms under load), so a park must end this
     * early to wake before the deadline; the rest of the way is a spin.
     */
    static final long SPIN_NANOS = 200_000;
    /** Parks only when at least this far away (a shorter park would overshoot its own wait). */
    static final long PARK_THRESHOLD_NANOS = SPIN_NANOS + 50_000;
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    /** Receives the run's timeline events. */
    interface Events {
        /** The measured window begins now. */
        void measureStarted();

        /** The measured window ended now. */
        void measureEnded();

        /** @param line a progress line */
        void progress(String line);
    }

    private LoadRun() {
    }

    /**
     * Forked-run entry point: {@code LoadRun out=<file> key=value...} ({@link RunSpec#toArgs()}).
     * Prints the timeline events on stdout and writes the result to {@code out}.
     *
     * @param args arguments
     * @throws Exception if the run fails
     */
    public static void main(String[] args) throws Exception {
        List<String> specArgs = new ArrayList<>(Arrays.asList(args));
        Path out = null;
        for (String arg : args) {
            if (arg.startsWith("out=")) {
                out = Path.of(arg.substring(4));
            }
        }
        RunSpec spec = RunSpec.fromArgs(specArgs);
        RunResult result = run(spec, new Events() {
            @Override
            public void measureStarted() {
                System.out.println(MEASURE_START);
                System.out.flush();
            }

            @Override
            public void measureEnded() {
                System.out.println(MEASURE_END);
                System.out.flush();
            }

            @Override
            public void progress(String line) {
                System.out.println(PROGRESS + line);
                System.out.flush();
            }
        });
        try (OutputStream stream = Files.newOutputStream(out)) {
            result.toProperties().store(stream, "ringtrace load run");
        }
        System.exit(0); // the SDK's OkHttp threads are daemon-less for a while after shutdown
    }

    /**
     * Runs one spec in this JVM.
     *
     * @param spec what to run
     * @param events timeline listener
     * @return the measurements
     * @throws InterruptedException if interrupted
     */
    public static RunResult run(RunSpec spec, Events events) throws InterruptedException {
        LoadSystem system = SystemFactory.create(spec);
        Producer[] producers = new Producer[spec.producers()];
        long t0 = System.nanoTime() + 50_000_000L; // let every producer thread start first
        long measureStart = t0 + spec.warmupMillis() * 1_000_000L;
        long measureEnd = measureStart + spec.measureMillis() * 1_000_000L;
        OutagePhases phases = OutagePhases.of(spec, measureStart);
        for (int i = 0; i < producers.length; i++) {
            producers[i] = new Producer(system, spec, i, t0, measureStart, measureEnd, phases);
            producers[i].thread.start();
        }

        Snapshot before = null;
        ExportLatency exportLatencyAtWindowStart = null;
        long exportedAtWindowStart = -1; // transport none: the discarding exporter's count (the file reference: its lines)
        long dropsAtWindowStart = -1; // ringtrace: its engine's counted drops
        long lastProgress = t0;
        long lastPublished = 0;
        boolean started = false;
        while (true) {
            long now = System.nanoTime();
            if (!started && now >= measureStart) {
                exportLatencyAtWindowStart = system.exportLatency(); // before the snapshot: its garbage is not the window's
                before = Snapshot.take(producers);
                exportedAtWindowStart = system.exported();
                dropsAtWindowStart = system.countedDrops();
                events.measureStarted();
                started = true;
            }
            if (now >= measureEnd) {
                break;
            }
            if (now - lastProgress >= 1_000_000_000L) {
                long published = 0;
                long refused = 0;
                for (Producer producer : producers) {
                    published += producer.progressPublished.get();
                    refused += producer.progressRefused.get();
                }
                long dropped = system.countedDrops(); // where in a run the drops fall (outage, drain, warm-up)
                events.progress(String.format(Locale.ROOT, "%s %s t=%.0fs published=%,d (%,.0f/s) refused=%,d%s%s",
                        system.name(), spec.scenario().label(), (now - t0) / 1e9, published,
                        (published - lastPublished) * 1e9 / (now - lastProgress), refused,
                        dropped < 0 ? "" : String.format(Locale.ROOT, " dropped=%,d", dropped),
                        now < measureStart ? " [warm-up]" : ""));
                lastProgress = now;
                lastPublished = published;
            }
            phases.poll(system, now);
            long next = Math.min(started ? measureEnd : measureStart, lastProgress + 1_000_000_000L);
            if (phases.active()) {
                next = Math.min(next, now + OutagePhases.POLL_NANOS);
            }
            LockSupport.parkNanos(Math.max(1_000_000L, next - System.nanoTime()));
        }
        if (before == null) { // zero-length warm-up and window
            exportLatencyAtWindowStart = system.exportLatency();
            before = Snapshot.take(producers);
            exportedAtWindowStart = system.exported();
            dropsAtWindowStart = system.countedDrops();
            events.measureStarted();
        }
        Snapshot after = Snapshot.take(producers);
        ExportLatency exportLatencyAtWindowEnd = system.exportLatency();
        long exportedAtWindowEnd = system.exported();
        long dropsAtWindowEnd = system.countedDrops();
        events.measureEnded();
        for (Producer producer : producers) {
            producer.thread.join();
        }
        phases.awaitDrain(system);
        system.close(Duration.ofSeconds(30));

        RunResult result = new RunResult();
        result.spec = spec;
        result.latency = new Histogram(MAX_LATENCY_NANOS, 3);
        result.serviceTime = new Histogram(MAX_LATENCY_NANOS, 3);
        for (Producer producer : producers) {
            if (producer.windowEntered) {
                result.producerAllocatedBytes += producer.allocatedAtWindowEnd - producer.allocatedAtWindowStart;
                result.producerCpuNanos += producer.cpuAtWindowEnd - producer.cpuAtWindowStart;
            }
            result.published += producer.published;
            result.refused += producer.refused;
            result.windowPublished += producer.windowPublished;
            result.windowRefused += producer.windowRefused;
            result.latency.add(producer.latency);
            result.serviceTime.add(producer.serviceTime);
        }
        if (phases.active()) {
            result.beforeServiceTime = new Histogram(MAX_LATENCY_NANOS, 3);
            result.outageServiceTime = new Histogram(MAX_LATENCY_NANOS, 3);
            result.drainServiceTime = new Histogram(MAX_LATENCY_NANOS, 3);
            for (Producer producer : producers) {
                result.beforeServiceTime.add(producer.beforeServiceTime);
                result.outageServiceTime.add(producer.outageServiceTime);
                result.drainServiceTime.add(producer.drainServiceTime);
            }
            result.spooledAtOutageEnd = phases.spooledAtOutageEnd();
            result.drainNanos = phases.drainNanos();
        }
        // the nominal window: spans are attributed to it by their scheduled start time, not by when the snapshots ran
        result.windowNanos = spec.measureMillis() * 1_000_000L;
        result.gcCount = after.gcCount - before.gcCount;
        result.gcMillis = after.gcMillis - before.gcMillis;
        result.allocatedBytes = after.allocatedSince(before) + result.producerAllocatedBytes;
        result.cpuNanos = after.processCpu - before.processCpu;
        result.counters.putAll(system.counters());
        result.countedDrops = system.countedDrops();
        result.exportLatency = exportLatencyAtWindowEnd.since(exportLatencyAtWindowStart);
        result.windowCountedDrops = dropsAtWindowStart < 0 ? -1 : dropsAtWindowEnd - dropsAtWindowStart;
        long exportedAfterClose = system.exported();
        if (exportedAfterClose >= 0) { // the system counts its own deliveries; otherwise the LoadTool asks the receiver
            result.windowDelivered = exportedAtWindowEnd - exportedAtWindowStart;
            result.delivered = exportedAfterClose;
        }
        return result;
    }

    /** One producer thread and what it counted; fields are read by the run thread after join(). */
    private static final class Producer implements Runnable {
        final Thread thread;
        final LoadSystem system;
        final RunSpec spec;
        final int index;
        final long t0;
        final long measureStart;
        final long measureEnd;
        /** Response time: from the intended start (paced) or the call's start (otherwise) to its return. */
        final Histogram latency = new Histogram(MAX_LATENCY_NANOS, 3);
        /** Service time: each call's own duration, nanoTime right before and after publish(). */
        final Histogram serviceTime = new Histogram(MAX_LATENCY_NANOS, 3);
        /** Service time of the window's spans scheduled before the receiver went down (outage scenarios). */
        final Histogram beforeServiceTime = new Histogram(MAX_LATENCY_NANOS, 3);
        /** Service time of the spans scheduled while the receiver was down (outage scenarios). */
        final Histogram outageServiceTime = new Histogram(MAX_LATENCY_NANOS, 3);
        /** Service time of the spans scheduled during the drain (see {@link OutagePhases}). */
        final Histogram drainServiceTime = new Histogram(MAX_LATENCY_NANOS, 3);
        final OutagePhases phases;
        /** Progress counters: written with lazySet (a plain store on x86), read by the run thread. */
        final AtomicLong progressPublished = new AtomicLong();
        final AtomicLong progressRefused = new AtomicLong();
        long published;
        long refused;
        long windowPublished;
        long windowRefused;
        /** This thread's own allocation and CPU at the first and after the last span of the window. */
        boolean windowEntered;
        long allocatedAtWindowStart;
        long allocatedAtWindowEnd;
        long cpuAtWindowStart;
        long cpuAtWindowEnd;

        Producer(LoadSystem system, RunSpec spec, int index, long t0, long measureStart, long measureEnd,
                 OutagePhases phases) {
            this.phases = phases;
            this.system = system;
            this.spec = spec;
            this.index = index;
            this.t0 = t0;
            this.measureStart = measureStart;
            this.measureEnd = measureEnd;
            this.thread = new Thread(this, "load-producer-" + index);
        }

        @Override
        public void run() {
            waitUntil(t0);
            switch (spec.scenario().kind()) {
                case MAX:
                    runFlatOut();
                    break;
                case BURST:
                    runBursts();
                    break;
                default:
                    runPaced();
                    break;
            }
            if (windowEntered) {
                allocatedAtWindowEnd = THREADS.getCurrentThreadAllocatedBytes();
                cpuAtWindowEnd = THREADS.getCurrentThreadCpuTime();
            }
            progressPublished.lazySet(published);
            progressRefused.lazySet(refused);
        }

        /** Takes this thread's window-start readings before its first span scheduled in the window. */
        private void enterWindowIfDue(long scheduledAt) {
            if (!windowEntered && scheduledAt >= measureStart) {
                windowEntered = true;
                allocatedAtWindowStart = THREADS.getCurrentThreadAllocatedBytes();
                cpuAtWindowStart = THREADS.getCurrentThreadCpuTime();
            }
        }

        /** Each span has an intended start time; response time counts from it, service time from the call. */
        private void runPaced() {
            double intervalNanos = 1e9 * spec.producers() / spec.scenario().amount();
            long offset = (long) (intervalNanos * index / spec.producers());
            for (long k = 0; ; k++) {
                long intended = t0 + offset + (long) (k * intervalNanos);
                if (intended >= measureEnd) {
                    return;
                }
                waitUntil(intended);
                enterWindowIfDue(intended);
                long start = System.nanoTime();
                boolean accepted = system.publish();
                long done = System.nanoTime();
                count(intended, done - intended, done - start, accepted);
            }
        }

        /** As fast as possible; response time and service time are both the call's own duration. */
        private void runFlatOut() {
            while (true) {
                long start = System.nanoTime();
                if (start >= measureEnd) {
                    return;
                }
                enterWindowIfDue(start);
                boolean accepted = system.publish();
                long took = System.nanoTime() - start;
                count(start, took, took, accepted);
            }
        }

        /**
         * Once per period, this producer's share of a burst back to back; response time and service
         * time are both each call's own duration.
         */
        private void runBursts() {
            long share = spec.scenario().amount() / spec.producers()
                    + (index < spec.scenario().amount() % spec.producers() ? 1 : 0);
            for (long burstStart = t0; burstStart < measureEnd; burstStart += BURST_PERIOD_NANOS) {
                waitUntil(burstStart);
                enterWindowIfDue(burstStart);
                for (long i = 0; i < share; i++) {
                    long start = System.nanoTime();
                    boolean accepted = system.publish();
                    long took = System.nanoTime() - start;
                    count(burstStart, took, took, accepted);
                }
            }
        }

        private void count(long scheduledAt, long latencyNanos, long serviceNanos, boolean accepted) {
            published++;
            if (!accepted) {
                refused++;
            }
            if (scheduledAt >= measureStart && scheduledAt < measureEnd) {
                windowPublished++;
                if (!accepted) {
                    windowRefused++;
                }
                latency.recordValue(Math.min(latencyNanos, MAX_LATENCY_NANOS));
                serviceTime.recordValue(Math.min(serviceNanos, MAX_LATENCY_NANOS));
                int phase = phases.phaseOf(scheduledAt);
                if (phase == OutagePhases.BEFORE) {
                    beforeServiceTime.recordValue(Math.min(serviceNanos, MAX_LATENCY_NANOS));
                } else if (phase == OutagePhases.OUTAGE) {
                    outageServiceTime.recordValue(Math.min(serviceNanos, MAX_LATENCY_NANOS));
                } else if (phase == OutagePhases.DRAIN) {
                    drainServiceTime.recordValue(Math.min(serviceNanos, MAX_LATENCY_NANOS));
                }
            }
            if ((published & 1023) == 0) {
                progressPublished.lazySet(published);
                progressRefused.lazySet(refused);
            }
        }

        /**
         * Waits for a point in time: parks while it is far away (leaving the CPU to the pipeline's
         * own threads, which share these 2 cores), then spins with {@link Thread#onSpinWait()} for
         * the last {@link #SPIN_NANOS}. No {@code Thread.yield()}: under CFS a yield can give away a
         * whole time slice (milliseconds) when the pipeline's threads are runnable, which would be
         * charged to the response time of the spans behind it. The same for both systems. With
         * {@code --pacing=park} it only parks (see {@link RunSpec#pacing()}).
         */
        private void waitUntil(long deadline) {
            long remaining;
            boolean parkOnly = RunSpec.PACING_PARK.equals(spec.pacing());
            while ((remaining = deadline - System.nanoTime()) > 0) {
                if (parkOnly) {
                    LockSupport.parkNanos(remaining); // --pacing=park: give the CPU away, catch up after
                } else if (remaining > PARK_THRESHOLD_NANOS) {
                    LockSupport.parkNanos(remaining - SPIN_NANOS);
                } else {
                    Thread.onSpinWait();
                }
            }
        }
    }

    /** JVM-wide counters at one instant. */
    private static final class Snapshot {
        long nanoTime;
        long gcCount;
        long gcMillis;
        long processCpu;
        long[] producerIds;
        long[] threadIds;
        long[] threadAllocated;

        static Snapshot take(Producer[] producers) {
            com.sun.management.ThreadMXBean threads =
                    (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            Snapshot s = new Snapshot();
            for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
                s.gcCount += Math.max(0, gc.getCollectionCount());
                s.gcMillis += Math.max(0, gc.getCollectionTime());
            }
            s.processCpu = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                    .getProcessCpuTime();
            s.producerIds = new long[producers.length];
            for (int i = 0; i < producers.length; i++) {
                s.producerIds[i] = producers[i].thread.getId();
            }
            s.threadIds = threads.getAllThreadIds();
            s.threadAllocated = threads.getThreadAllocatedBytes(s.threadIds);
            s.nanoTime = System.nanoTime();
            return s;
        }

        /**
         * Bytes allocated between {@code before} and this snapshot by all threads except the
         * producers (which measure themselves): threads born in between count from zero; threads
         * that died in between are lost (a JDK 17 limit).
         */
        long allocatedSince(Snapshot before) {
            long total = 0;
            for (int i = 0; i < threadIds.length; i++) {
                if (threadAllocated[i] < 0 || isProducer(threadIds[i])) {
                    continue;
                }
                long base = 0;
                for (int j = 0; j < before.threadIds.length; j++) {
                    if (before.threadIds[j] == threadIds[i]) {
                        base = Math.max(0, before.threadAllocated[j]);
                        break;
                    }
                }
                total += threadAllocated[i] - base;
            }
            return total;
        }

        private boolean isProducer(long threadId) {
            for (long id : producerIds) {
                if (id == threadId) {
                    return true;
                }
            }
            return false;
        }
    }
}
