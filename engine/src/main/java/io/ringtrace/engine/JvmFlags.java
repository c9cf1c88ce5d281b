package io.ringtrace.engine;

import java.util.ArrayList;
import java.util.List;

/**
 * The JVM flags the off-heap request buffers (Chronicle Bytes) need on Java 17+, checked once at
 * {@link TraceEngineBuilder#build()} before anything touches Chronicle, so that a missing flag is one
 * clear exception naming it instead of an error or warning that Chronicle logs at start-up (often
 * into a logger that discards it).
 *
 * <p>What each one does, measured by running the demo with each flag removed on JDK 17 and 25:
 * <ul>
 *   <li>{@code --add-opens=java.base/java.lang.reflect=ALL-UNNAMED}: Chronicle reads JDK fields
 *       reflectively at start-up; without it, it logs an {@code ERROR} and misreads JVM settings;
 *   <li>{@code --add-exports=java.base/jdk.internal.ref=ALL-UNNAMED} and
 *       {@code --add-exports=java.base/sun.nio.ch=ALL-UNNAMED}: Chronicle's direct-buffer cleaner
 *       service; without either, it logs a {@code WARNING} at start-up. ringtrace's buffers are freed
 *       by Chronicle's own release, not by that service, so spans are unaffected, but the flags keep
 *       the start-up clean.
 * </ul>
 * The flags go on the command line, into {@code JAVA_TOOL_OPTIONS} (containers), or, for an
 * executable jar, into its manifest as {@code Add-Opens} / {@code Add-Exports}.
 */
final class JvmFlags {

    /** The class whose module must see the JDK internals: Chronicle's, loaded without initializing it. */
    private static final String CHRONICLE_CLASS = "net.openhft.chronicle.core.Jvm";

    private JvmFlags() {}

    /**
     * @throws IllegalStateException naming every flag that is missing, and where to put them
     */
    static void check() {
        List<String> missing = missing(chronicleModule());
        if (!missing.isEmpty()) {
            throw new IllegalStateException("ringtrace's off-heap buffers (Chronicle Bytes) need JVM flags that are"
                    + " missing: " + String.join(" ", missing) + " . Add them to the java command line (or"
                    + " JAVA_TOOL_OPTIONS; an executable jar can carry them as Add-Opens/Add-Exports manifest"
                    + " attributes)");
        }
    }

    /**
     * @param chronicle the module Chronicle's classes are in
     * @return the flags that are missing for it, in command-line form; empty if none
     */
    static List<String> missing(Module chronicle) {
        Module javaBase = Object.class.getModule();
        String target = chronicle.isNamed() ? chronicle.getName() : "ALL-UNNAMED";
        List<String> missing = new ArrayList<>(3);
        if (!javaBase.isOpen("java.lang.reflect", chronicle)) {
            missing.add("--add-opens=java.base/java.lang.reflect=" + target);
        }
        if (!javaBase.isExported("jdk.internal.ref", chronicle)) {
            missing.add("--add-exports=java.base/jdk.internal.ref=" + target);
        }
        if (!javaBase.isExported("sun.nio.ch", chronicle)) {
            missing.add("--add-exports=java.base/sun.nio.ch=" + target);
        }
        return missing;
    }

    private static Module chronicleModule() {
        try {
            return Class.forName(CHRONICLE_CLASS, false, JvmFlags.class.getClassLoader()).getModule();
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("Chronicle Bytes is not on the class path (" + CHRONICLE_CLASS + ")", e);
        }
    }
}
