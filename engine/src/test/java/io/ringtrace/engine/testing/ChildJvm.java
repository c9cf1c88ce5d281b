package io.ringtrace.engine.testing;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line of a child JVM for tests that need one (a JVM-wide setting, a heap limit, a
 * process to kill): this JVM's {@code java}, the project's JVM flags ({@code ringtrace.jvm.flags},
 * set by the build), {@code -Xmx256m}, the given system properties, the test class path, the main
 * class and its arguments.
 */
public final class ChildJvm {

    private ChildJvm() {}

    /**
     * @param jvmOptions further JVM options ({@code -Dkey=value}), after the heap limit
     * @param main the class to run
     * @param args its arguments
     * @return the command, for a {@link ProcessBuilder}
     */
    public static List<String> command(List<String> jvmOptions, Class<?> main, String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String flag : System.getProperty("ringtrace.jvm.flags", "").trim().split("\\s+")) {
            if (!flag.isEmpty()) {
                command.add(flag);
            }
        }
        command.add("-Xmx256m");
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")));
        command.add(main.getName());
        command.addAll(List.of(args));
        return command;
    }
}
