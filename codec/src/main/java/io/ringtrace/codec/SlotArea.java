package io.ringtrace.codec;

/**
 * A ring's slot array as the {@link LogRecordTail}s of its writers reach it. The tails live as long
 * as their threads (the logger API keeps one per thread in a thread-local), the array only as long
 * as its engine: an engine that closes {@link #release() releases} it here, so that a tail kept by
 * a long-lived thread does not hold a closed engine's slots (megabytes) alive. A tail reads it with
 * one plain load per append; once released it reads null and takes nothing.
 */
public final class SlotArea {

    /** The slots; null once released. Plain: a tail that still sees the array keeps it alive while it writes. */
    private byte[] bytes;

    /** @param bytes the ring's slot array (null: no slots, every tail stays closed) */
    public SlotArea(byte[] bytes) {
        this.bytes = bytes;
    }

    /** @return the slots, or null once released */
    byte[] bytes() {
        return bytes;
    }

    /** Lets go of the array: a tail that reads it afterwards, on any thread, takes nothing. */
    public void release() {
        bytes = null;
    }

    @Override
    public String toString() {
        return bytes == null ? "SlotArea{released}" : "SlotArea{" + bytes.length + " bytes}";
    }
}
