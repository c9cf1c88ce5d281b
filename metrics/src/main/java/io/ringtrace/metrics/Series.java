package io.ringtrace.metrics;

/** One time series of an instrument: its attribute set and, in subclasses, its aggregated state. */
abstract class Series {

    final Attributes attributes;

    Series(Attributes attributes) {
        this.attributes = attributes;
    }
}
