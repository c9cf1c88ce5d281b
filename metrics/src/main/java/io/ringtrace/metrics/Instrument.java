package io.ringtrace.metrics;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Pattern;

/**
 * What every instrument holds: its descriptor (name, description, unit, kind), encoded once to
 * UTF-8; its temporality; and its series table. Subclasses hold the recording API and write their
 * series' points at collection.
 */
abstract class Instrument {

    /** The specification's instrument name syntax. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_./-]{0,254}");

    /** The name it was created with: its identity in its meter. */
    final String registeredName;
    /** The name it exports under: a view's, or the registered one. */
    final String name;
    final String description;
    final String unit;
    final InstrumentKind kind;
    final byte[] nameUtf8;
    final byte[] descriptionUtf8;
    final byte[] unitUtf8;
    /** Delta temporality: each collection reports what was recorded since the previous one, then resets. */
    final boolean delta;
    final SeriesTable table;
    /** A view's drop aggregation: nothing is aggregated per set, nothing is collected. */
    final boolean dropped;
    /** Measurements refused at the hot path (a negative counter increment, a NaN): counted, never thrown. */
    final LongAdder refused = new LongAdder();

    /** @param delta whether the provider's preference makes this kind delta ({@link InstrumentKind#delta}) */
    Instrument(InstrumentBuilder<?> b, InstrumentKind kind, boolean delta) {
        if (b.name == null || !NAME.matcher(b.name).matches()) {
            throw new IllegalArgumentException("instrument name must match " + NAME.pattern() + ", was " + b.name);
        }
        if (b.unit.length() > 63 || !StandardCharsets.US_ASCII.newEncoder().canEncode(b.unit)) {
            throw new IllegalArgumentException("unit must be ASCII, at most 63 characters, was " + b.unit);
        }
        this.registeredName = b.name;
        this.name = b.exportedName != null ? b.exportedName : b.name;
        this.description = b.description;
        this.unit = b.unit;
        this.kind = kind;
        this.nameUtf8 = name.getBytes(StandardCharsets.UTF_8);
        this.descriptionUtf8 = b.description.getBytes(StandardCharsets.UTF_8);
        this.unitUtf8 = b.unit.getBytes(StandardCharsets.UTF_8);
        this.delta = delta;
        this.dropped = b.drop;
        this.table = new SeriesTable(b.cardinalityLimit, b.attributeKeys, b.drop, this::newSeries);
    }

    /** Creates the state of one series (setup path: once per attribute set). */
    abstract Series newSeries(Attributes attributes);

    /**
     * Writes this instrument's points of one collection, last series first (the encoder writes back
     * to front, so the request lists them in creation order); a delta instrument resets each series
     * as it reads it.
     *
     * @param out the encoder, with this instrument's metric begun
     * @param startNanos the start time of its points (the previous collection for delta, the provider's start for cumulative)
     * @param nowNanos the collection time
     */
    abstract void collect(MetricsEncoder out, long startNanos, long nowNanos);

    /** @return bytes of the {@code Metric} fields other than its data: name, description, unit */
    int descriptorFieldsSize() {
        return textFieldSize(nameUtf8) + textFieldSize(descriptionUtf8) + textFieldSize(unitUtf8);
    }

    private static int textFieldSize(byte[] utf8) {
        return utf8.length == 0 ? 0 : 1 + BackwardWriter.varintSize(utf8.length) + utf8.length;
    }

    /** Whether a second registration with these settings (views applied) may share this instrument. */
    boolean sameDescriptor(InstrumentKind otherKind, InstrumentBuilder<?> b) {
        return kind == otherKind && unit.equals(b.unit) && description.equals(b.description)
                && Arrays.equals(boundaries(), b.boundaries == null && kind == InstrumentKind.HISTOGRAM ? Histogram.DEFAULT_BOUNDARIES : b.boundaries);
    }

    /** @return the histogram's bucket boundaries, null for other kinds */
    double[] boundaries() {
        return null;
    }

    /** @return lookups of new attribute sets sent to the overflow series */
    long overflowed() {
        return table.overflowed();
    }

    /** Attributes given as null at the hot path are the empty set: never a throw there. */
    static Attributes orEmpty(Attributes attributes) {
        return attributes == null ? Attributes.empty() : attributes;
    }

    static Attributes requireAttributes(Attributes attributes) {
        if (attributes == null) {
            throw new IllegalArgumentException("attributes must not be null (use Attributes.empty())");
        }
        return attributes;
    }

    @Override
    public String toString() {
        return kind + "{" + name + (unit.isEmpty() ? "" : ", unit " + unit) + ", " + (delta ? "delta" : "cumulative") + "}";
    }
}
