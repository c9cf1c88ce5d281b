package io.ringtrace.codec;

import java.nio.ByteBuffer;
import java.util.Arrays;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.bytes.BytesStore;

/**
 * The encoder's {@link ByteBuffer} view of each request buffer it writes, so that its stores go
 * through the JDK's supported buffer access ({@link NativeStores}) rather than {@code sun.misc.Unsafe}.
 * Chronicle {@code Bytes} keeps owning the memory and its lifetime; the view is only another handle
 * on it: the buffer's own direct {@code ByteBuffer} when it has one, otherwise the one Chronicle
 * makes over its native memory ({@link BytesStore#toTemporaryDirectByteBuffer()}).
 *
 * <p>A view costs two small objects, so it is made once per buffer and kept: an engine's request
 * buffers are a fixed pool, and {@link #view} then finds each one's view without allocating. A view
 * is remade when its buffer's memory moved (an elastic buffer grown). Bound: {@value #MAX_VIEWS}
 * views; beyond that the oldest is replaced. Single-threaded, like the encoder. Public for the
 * encoders of other signals (metrics) that write request buffers the same way.
 */
public final class RequestBufferViews {

    /** At most this many buffers' views are kept (an engine has up to 1024 request buffers, 5 by default). */
    public static final int MAX_VIEWS = 64;

    /** Creates an empty set of views. */
    public RequestBufferViews() {}

    private Bytes<?>[] buffers = new Bytes<?>[4];
    private ByteBuffer[] views = new ByteBuffer[4];
    private long[] addresses = new long[4];
    private int size;
    /** Next entry to replace once {@link #MAX_VIEWS} are kept. */
    private int nextVictim;

    /**
     * @param buffer an off-heap request buffer whose capacity from {@code start()} the caller checked
     * @param capacity bytes from the buffer's {@code start()} the view must cover
     * @return a view whose index 0 is the buffer's {@code start()} and whose limit is {@code capacity}
     * @throws IllegalArgumentException if the buffer's memory cannot be viewed as a direct ByteBuffer
     */
    public ByteBuffer view(Bytes<?> buffer, int capacity) {
        long address = buffer.addressForWrite(buffer.start());
        for (int i = 0; i < size; i++) {
            if (buffers[i] == buffer && addresses[i] == address && views[i].limit() >= capacity) {
                return views[i];
            }
        }
        ByteBuffer view = newView(buffer, address, capacity);
        int slot = slotFor(buffer);
        buffers[slot] = buffer;
        views[slot] = view;
        addresses[slot] = address;
        return view;
    }

    /** The entry to (re)use: the buffer's own stale one, a free one, or the oldest. */
    private int slotFor(Bytes<?> buffer) {
        for (int i = 0; i < size; i++) {
            if (buffers[i] == buffer) {
                return i;
            }
        }
        if (size == buffers.length && size < MAX_VIEWS) {
            int grown = Math.min(MAX_VIEWS, size * 2);
            buffers = Arrays.copyOf(buffers, grown);
            views = Arrays.copyOf(views, grown);
            addresses = Arrays.copyOf(addresses, grown);
        }
        if (size < buffers.length) {
            return size++;
        }
        int victim = nextVictim;
        nextVictim = (nextVictim + 1) % MAX_VIEWS;
        return victim;
    }

    private static ByteBuffer newView(Bytes<?> buffer, long address, int capacity) {
        BytesStore<?, ?> store = buffer.bytesStore();
        if (store == null) {
            throw new IllegalArgumentException("request buffer has no memory: " + buffer);
        }
        Object underlying = store.underlyingObject();
        ByteBuffer whole = underlying instanceof ByteBuffer && ((ByteBuffer) underlying).isDirect()
                ? (ByteBuffer) underlying
                : store.toTemporaryDirectByteBuffer();
        // index of the buffer's start() in the whole view, which begins where the store does
        long index = address - store.addressForRead(store.start());
        if (index < 0 || index + capacity > whole.capacity()) {
            throw new IllegalArgumentException("request buffer memory [" + index + ", +" + capacity
                    + ") is outside its ByteBuffer view of " + whole.capacity() + " bytes");
        }
        ByteBuffer all = whole.duplicate(); // the buffer's own position and limit stay untouched
        all.clear();
        return all.slice((int) index, capacity);
    }
}
