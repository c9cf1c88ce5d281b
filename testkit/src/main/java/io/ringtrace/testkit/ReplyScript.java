package io.ringtrace.testkit;

import java.time.Duration;
import java.util.ArrayDeque;

/**
 * The answers scripted for a receiver's next calls, in order, and the delay of every answer nothing
 * was scripted for. Thread-safe. Bound: it holds what the test put into it.
 */
final class ReplyScript {

    private final ArrayDeque<ScriptedReply> replies = new ArrayDeque<>();
    private Duration responseDelay = Duration.ZERO;

    /** Appends {@code reply} for the next {@code calls} calls. */
    synchronized void add(int calls, ScriptedReply reply) {
        if (calls < 1) {
            throw new IllegalArgumentException("calls must be >= 1, got " + calls);
        }
        for (int i = 0; i < calls; i++) {
            replies.addLast(reply);
        }
    }

    /** @return the answer for the call that just arrived: the next scripted one, else success after the response delay */
    synchronized ScriptedReply next() {
        ScriptedReply reply = replies.pollFirst();
        if (reply != null) {
            return reply;
        }
        return responseDelay.isZero() ? ScriptedReply.ACCEPT : ScriptedReply.accept(responseDelay);
    }

    /** @param delay how long every answer nothing was scripted for is held back */
    void responseDelay(Duration delay) {
        ScriptedReply.accept(delay); // the same check as a scripted delay's
        synchronized (this) {
            responseDelay = delay;
        }
    }

    /** Forgets the scripted answers and the response delay. */
    synchronized void clear() {
        replies.clear();
        responseDelay = Duration.ZERO;
    }
}
