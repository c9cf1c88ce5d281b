package io.ringtrace.codec;

/**
 * The attribute setters of a span's latest event or latest link, as a flyweight pointed at a record
 * and an item: {@link SpanRecord#eventAttributes()} and {@link SpanRecord#linkAttributes()} return
 * the record's own one (made at the first such call, 24 bytes, once per record), and code that
 * writes into many records (a copier filling ring slots) holds one of its own and points it with
 * {@link #latestEventOf} or {@link #latestLinkOf}, so that no slot ever makes one. Use it right
 * after pointing it, as any flyweight: it writes to the item it was last pointed at. Writing through
 * it allocates nothing. An attribute added before any event (or link) throws {@link
 * IllegalStateException}; the attributes of an event or link that was dropped are dropped with it.
 * Not thread-safe: one per thread.
 */
public final class ItemAttributes extends AttributeSink<ItemAttributes> {

    private SpanRecord record;
    /** {@link SpanSlotWriter#EVENT} or {@link SpanSlotWriter#LINK}. */
    private int target;

    /** A flyweight pointed at nothing yet: point it with {@link #latestEventOf} or {@link #latestLinkOf}. */
    public ItemAttributes() {
    }

    /**
     * @param record the span record
     * @return this, writing to {@code record}'s latest event
     */
    public ItemAttributes latestEventOf(SpanRecord record) {
        return of(record, SpanSlotWriter.EVENT);
    }

    /**
     * @param record the span record
     * @return this, writing to {@code record}'s latest link
     */
    public ItemAttributes latestLinkOf(SpanRecord record) {
        return of(record, SpanSlotWriter.LINK);
    }

    /** Points the setters; stores a field only when it changes (the object is long-lived). */
    ItemAttributes of(SpanRecord record, int target) {
        if (record == null) {
            throw new IllegalArgumentException("record must not be null");
        }
        if (this.record != record) {
            this.record = record;
        }
        if (this.target != target) {
            this.target = target;
        }
        return this;
    }

    /** @return the span record it writes to, to go on filling it; null if never pointed */
    public SpanRecord record() {
        return record;
    }

    @Override
    ItemAttributes put(Utf8Constant key, int kind, Object value, long number, int offset, int count) {
        requirePointed().attribute(target, key, kind, value, number, offset, count);
        return this;
    }

    @Override
    IllegalArgumentException refused(String message) {
        return record == null ? new IllegalArgumentException(message) : record.refused(message);
    }

    private SpanRecord requirePointed() {
        if (record == null) {
            throw new IllegalStateException("an ItemAttributes pointed at no record");
        }
        return record;
    }
}
