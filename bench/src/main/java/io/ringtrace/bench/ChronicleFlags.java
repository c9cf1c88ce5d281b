package io.ringtrace.bench;

import java.util.List;

/**
 * The JVM flags Chronicle Bytes needs on Java 17+ (root {@code pom.xml}, property
 * {@code ringtrace.jvm.flags}; keep the two in step), as compile-time constants so every benchmark's
 * {@code @Fork(jvmArgsAppend = ...)} passes them to the forked JVM, and as a list for the JVMs the
 * load tool forks. Both systems always run with the same flags.
 */
public final class ChronicleFlags {
    /** Flag. */
    public static final String OPENS_REFLECT = "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED";
    /** Flag. */
    public static final String EXPORTS_REF = "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED";
    /** Flag. */
    public static final String EXPORTS_NIO_CH = "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED";
    /** Turns Chronicle's usage analytics off. */
    public static final String NO_ANALYTICS = "-Dchronicle.analytics.disable=true";

    private ChronicleFlags() {
    }

    /** @return every flag above, in order */
    public static List<String> all() {
        return List.of(OPENS_REFLECT, EXPORTS_REF, EXPORTS_NIO_CH, NO_ANALYTICS);
    }
}
