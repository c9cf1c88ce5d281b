package io.ringtrace.engine.internal.monitor;

import java.text.MessageFormat;
import java.util.List;
import java.util.ResourceBundle;
import java.util.concurrent.CopyOnWriteArrayList;

/** A {@link System.Logger} that keeps every message, for assertions. */
public final class CapturingLogger implements System.Logger {

    /** Messages logged, in order, as "LEVEL message". */
    public final List<String> messages = new CopyOnWriteArrayList<>();

    @Override
    public String getName() {
        return "capturing";
    }

    @Override
    public boolean isLoggable(Level level) {
        return true;
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
        messages.add(level + " " + msg);
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String format, Object... params) {
        messages.add(level + " " + (params == null || params.length == 0 ? format : MessageFormat.format(format, params)));
    }

    /** @return how many messages contain {@code part} */
    public long count(String part) {
        return messages.stream().filter(m -> m.contains(part)).count();
    }
}
