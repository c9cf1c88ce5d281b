package io.ringtrace.bench.logs;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.LifeCycle2;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;

/**
 * Passes every event to one appender and counts those it took without throwing, so a run can read
 * how many records reached an appender that has no counters of its own (the file reference) at the
 * edges of its measured window. One {@code lazySet} per event on the appending thread.
 */
public final class CountingAppender extends AbstractAppender {

    private final Appender delegate;
    private final AtomicLong appended = new AtomicLong();

    /** @param delegate the appender that does the work (started and stopped with this one) */
    public CountingAppender(Appender delegate) {
        super(delegate.getName() + "-counted", null, null, false, Property.EMPTY_ARRAY);
        this.delegate = delegate;
    }

    @Override
    public void append(LogEvent event) {
        delegate.append(event);
        appended.lazySet(appended.get() + 1); // one appending thread: Log4j2's background thread
    }

    /** @return events the delegate took so far */
    public long appended() {
        return appended.get();
    }

    @Override
    public void start() {
        delegate.start();
        super.start();
    }

    @Override
    public boolean stop(long timeout, TimeUnit timeUnit) {
        setStopping();
        boolean stopped = true;
        if (delegate instanceof LifeCycle2) {
            stopped = ((LifeCycle2) delegate).stop(timeout, timeUnit); // flushes and closes the file
        } else {
            delegate.stop();
        }
        setStopped();
        return stopped;
    }
}
