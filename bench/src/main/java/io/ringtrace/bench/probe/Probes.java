package io.ringtrace.bench.probe;

/** What the probes share: finding the engine's threads by name. */
final class Probes {

    private Probes() {}

    /**
     * @param name a thread name, e.g. {@code ringtrace-serializer-probe}
     * @return the alive thread with that name
     * @throws IllegalStateException if there is none
     */
    static Thread threadNamed(String name) {
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().equals(name)) {
                return t;
            }
        }
        throw new IllegalStateException("no thread named " + name);
    }
}
