package io.ringtrace.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code build()} names each missing JVM flag in one exception, before Chronicle logs anything: a
 * child JVM runs without one flag at a time (and without all), and another with all of them.
 */
class JvmFlagsTest {

    private static final String REFLECT = "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED";
    private static final String REF = "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED";
    private static final String NIO = "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED";

    @Test
    void thisJvmHasEveryFlag() {
        assertEquals(List.of(), JvmFlags.missing(JvmFlags.class.getModule()), "the build passes the flags to tests");
    }

    @Test
    void eachMissingFlagIsNamedAtBuild() throws Exception {
        String withoutReflect = runChild(List.of(REF, NIO));
        assertTrue(withoutReflect.contains("FAILED java.lang.IllegalStateException: "), withoutReflect);
        assertTrue(withoutReflect.contains(REFLECT), withoutReflect);
        assertTrue(!withoutReflect.contains(REF) && !withoutReflect.contains(NIO), "only the missing one: " + withoutReflect);
        assertTrue(!withoutReflect.contains("Chronicle products may require"), "Chronicle logged nothing first: " + withoutReflect);

        String withoutCleanerFlags = runChild(List.of(REFLECT));
        assertTrue(withoutCleanerFlags.contains(REF) && withoutCleanerFlags.contains(NIO), withoutCleanerFlags);
        assertTrue(!withoutCleanerFlags.contains(REFLECT), withoutCleanerFlags);

        String none = runChild(List.of());
        for (String flag : List.of(REFLECT, REF, NIO)) {
            assertTrue(none.contains(flag), flag + " named in: " + none);
        }
        assertTrue(none.contains("JAVA_TOOL_OPTIONS"), "where to put them: " + none);

        assertTrue(runChild(List.of(REFLECT, REF, NIO)).contains("BUILT"), "all flags: the engine builds");
    }

    private static String runChild(List<String> flags) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> command = new ArrayList<>();
        command.add(java);
        command.addAll(flags);
        command.add("-Dchronicle.analytics.disable=true");
        command.add("-cp");
        command.add(classPath);
        command.add(JvmFlagsMain.class.getName());
        Path output = Files.createTempFile("ringtrace-jvm-flags", ".log");
        try {
            Process child = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
            if (!child.waitFor(1, TimeUnit.MINUTES)) {
                child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                throw new AssertionError("the child JVM did not finish in a minute:\n" + Files.readString(output));
            }
            String log = Files.readString(output, StandardCharsets.UTF_8);
            assertEquals(0, child.exitValue(), log);
            return log;
        } finally {
            Files.deleteIfExists(output);
        }
    }
}
