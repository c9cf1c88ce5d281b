package io.ringtrace.metrics;

import io.ringtrace.codec.InstrumentationScope;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

/**
 * The instruments of one instrumentation scope (a library or component), from {@link
 * MeterProvider#meter(InstrumentationScope)}. Create instruments at setup; record through them, or
 * through their bound handles, on any thread.
 */
public final class Meter {

    private final MeterProvider provider;
    final InstrumentationScope scope;
    /** The {@code InstrumentationScope} message, encoded once. */
    final byte[] scopeBody;
    final byte[] schemaUrlUtf8;
    /** Copy-on-write: collection reads the array it finds, without a lock. */
    private volatile Instrument[] instruments = new Instrument[0];

    Meter(MeterProvider provider, InstrumentationScope scope) {
        this.provider = provider;
        this.scope = scope;
        this.scopeBody = scope.toProtobuf();
        this.schemaUrlUtf8 = scope.schemaUrl().getBytes(StandardCharsets.UTF_8);
    }

    /** @return this meter's instrumentation scope */
    public InstrumentationScope scope() {
        return scope;
    }

    /** @param name the instrument name @return a builder of a monotonic long counter */
    public InstrumentBuilder<LongCounter> longCounter(String name) {
        return builder(InstrumentKind.LONG_COUNTER, name);
    }

    /** @param name the instrument name @return a builder of a monotonic double counter */
    public InstrumentBuilder<DoubleCounter> doubleCounter(String name) {
        return builder(InstrumentKind.DOUBLE_COUNTER, name);
    }

    /** @param name the instrument name @return a builder of a long up-down counter */
    public InstrumentBuilder<LongUpDownCounter> longUpDownCounter(String name) {
        return builder(InstrumentKind.LONG_UP_DOWN_COUNTER, name);
    }

    /** @param name the instrument name @return a builder of a synchronous long gauge */
    public InstrumentBuilder<LongGauge> longGauge(String name) {
        return builder(InstrumentKind.LONG_GAUGE, name);
    }

    /** @param name the instrument name @return a builder of a synchronous double gauge */
    public InstrumentBuilder<DoubleGauge> doubleGauge(String name) {
        return builder(InstrumentKind.DOUBLE_GAUGE, name);
    }

    /**
     * @param name the instrument name
     * @return a builder of a histogram: explicit buckets, or base-2 exponential buckets with {@link
     *     InstrumentBuilder#exponential()}
     */
    public InstrumentBuilder<Histogram> histogram(String name) {
        return builder(InstrumentKind.HISTOGRAM, name);
    }

    /**
     * @param name the instrument name
     * @return a builder of an asynchronous monotonic long counter: give it a {@link
     *     InstrumentBuilder#callback(ObservableCallback) callback} that reports each series' total
     */
    public InstrumentBuilder<ObservableInstrument> observableLongCounter(String name) {
        return builder(InstrumentKind.OBSERVABLE_LONG_COUNTER, name);
    }

    /** @param name the instrument name @return a builder of an asynchronous monotonic double counter */
    public InstrumentBuilder<ObservableInstrument> observableDoubleCounter(String name) {
        return builder(InstrumentKind.OBSERVABLE_DOUBLE_COUNTER, name);
    }

    /** @param name the instrument name @return a builder of an asynchronous long up-down counter */
    public InstrumentBuilder<ObservableInstrument> observableLongUpDownCounter(String name) {
        return builder(InstrumentKind.OBSERVABLE_LONG_UP_DOWN_COUNTER, name);
    }

    /** @param name the instrument name @return a builder of an asynchronous long gauge */
    public InstrumentBuilder<ObservableInstrument> observableLongGauge(String name) {
        return builder(InstrumentKind.OBSERVABLE_LONG_GAUGE, name);
    }

    /** @param name the instrument name @return a builder of an asynchronous double gauge */
    public InstrumentBuilder<ObservableInstrument> observableDoubleGauge(String name) {
        return builder(InstrumentKind.OBSERVABLE_DOUBLE_GAUGE, name);
    }

    private <T> InstrumentBuilder<T> builder(InstrumentKind kind, String name) {
        return new InstrumentBuilder<>(this, kind, name, provider.cardinalityLimit);
    }

    synchronized Instrument register(InstrumentKind kind, InstrumentBuilder<?> asked) {
        View view = provider.viewFor(scope.name(), asked.name);
        InstrumentBuilder<?> b = view == null ? asked : view.applyTo(asked, kind);
        if (kind == InstrumentKind.HISTOGRAM && b.maxBuckets > 0) {
            kind = InstrumentKind.EXPONENTIAL_HISTOGRAM; // the aggregation decides the data type
        }
        Instrument[] current = instruments;
        String key = b.name == null ? null : b.name.toLowerCase(Locale.ROOT);
        String exported = b.exportedName != null ? b.exportedName : b.name;
        for (Instrument existing : current) {
            if (existing.registeredName.toLowerCase(Locale.ROOT).equals(key)) {
                if (existing.sameDescriptor(kind, b)) {
                    return existing;
                }
                throw new IllegalArgumentException("instrument " + b.name + " is already registered in " + scope
                        + " as " + existing + " with other settings");
            }
            if (exported != null && existing.name.equalsIgnoreCase(exported)) {
                throw new IllegalArgumentException("instrument " + b.name + " would export as " + exported + ", the name of "
                        + existing + " in " + scope + (view == null ? "" : " (" + view + ")"));
            }
        }
        boolean delta = kind.delta(provider.temporality);
        Instrument created;
        switch (kind) {
            case LONG_COUNTER:
                created = new LongCounter(b, delta);
                break;
            case DOUBLE_COUNTER:
                created = new DoubleCounter(b, delta);
                break;
            case LONG_UP_DOWN_COUNTER:
                created = new LongUpDownCounter(b, delta);
                break;
            case LONG_GAUGE:
                created = new LongGauge(b, delta);
                break;
            case DOUBLE_GAUGE:
                created = new DoubleGauge(b, delta);
                break;
            case HISTOGRAM:
            case EXPONENTIAL_HISTOGRAM:
                created = new Histogram(b, kind, delta, provider.stripes, provider.clock);
                break;
            default:
                created = new ObservableInstrument(b, kind, delta);
        }
        Instrument[] next = Arrays.copyOf(current, current.length + 1);
        next[current.length] = created;
        instruments = next; // volatile: a collection sees the complete instrument
        return created;
    }

    /** Writes every instrument's points, last first (the encoder writes back to front). */
    void collect(MetricsEncoder out, long cumulativeStart, long deltaStart, long now) {
        Instrument[] all = instruments;
        out.beginScope(this);
        for (int i = all.length - 1; i >= 0; i--) {
            Instrument instrument = all[i];
            if (instrument.dropped) {
                continue; // a view's drop aggregation: not even an observable's callback runs
            }
            out.beginMetric(instrument);
            instrument.collect(out, instrument.delta ? deltaStart : cumulativeStart, now);
            out.endMetric();
        }
        out.endScope();
    }

    /** @return measurements refused by this meter's instruments (negative increments, NaN, infinities) */
    long refused() {
        long sum = 0;
        for (Instrument instrument : instruments) {
            sum += instrument.refused.sum();
        }
        return sum;
    }

    /** @return observable instruments' callbacks that threw (collecting thread, or under the provider's collection lock) */
    long callbackFailures() {
        long sum = 0;
        for (Instrument instrument : instruments) {
            if (instrument instanceof ObservableInstrument) {
                sum += ((ObservableInstrument) instrument).callbackFailures();
            }
        }
        return sum;
    }

    /** @return lookups of new attribute sets this meter's instruments sent to their overflow series */
    long overflowed() {
        long sum = 0;
        for (Instrument instrument : instruments) {
            sum += instrument.overflowed();
        }
        return sum;
    }

    @Override
    public String toString() {
        return "Meter{" + scope + "}";
    }
}
