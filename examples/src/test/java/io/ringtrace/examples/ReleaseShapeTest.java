package io.ringtrace.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * What a release carries: the licence, a BOM in step with the build, and for every published
 * artifact a jar with its module name and licence, a sources jar and a javadoc jar. The jars exist
 * once their modules have been packaged, which {@code mvn verify} (the test command) does before
 * this module's tests run.
 */
class ReleaseShapeTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    /** Published artifacts: module directory, artifact id, module name. */
    private static final List<String[]> PUBLISHED = List.of(
            new String[] {"codec", "ringtrace-codec", "io.ringtrace.codec"},
            new String[] {"engine", "ringtrace-engine", "io.ringtrace.engine"},
            new String[] {"exporter", "ringtrace-exporter", "io.ringtrace.exporter"},
            new String[] {"testkit", "ringtrace-testkit", "io.ringtrace.testkit"},
            new String[] {"metrics", "ringtrace-metrics", "io.ringtrace.metrics"},
            new String[] {"opentelemetry", "ringtrace-opentelemetry", "io.ringtrace.opentelemetry"},
            new String[] {"log4j2", "ringtrace-log4j2", "io.ringtrace.log4j2"});

    @Test
    void theLicenceIsApache2() throws IOException {
        String licence = read("LICENSE");
        assertTrue(licence.contains("Apache License") && licence.contains("Version 2.0, January 2004"));
        assertTrue(read("pom.xml").contains("<name>Apache License, Version 2.0</name>"));
    }

    @Test
    void theBomHasTheBuildsVersionAndEveryPublishedArtifact() throws IOException {
        String version = projectVersion();
        String bom = read("bom/pom.xml");
        assertTrue(bom.contains("<artifactId>ringtrace-bom</artifactId>\n  <version>" + version + "</version>"),
                "the BOM's own version is the build's " + version);
        assertTrue(!bom.contains("<parent>"), "the BOM pins ringtrace's artifacts and nothing else");
        for (String[] artifact : PUBLISHED) {
            assertTrue(bom.contains("<artifactId>" + artifact[1] + "</artifactId>\n        <version>" + version + "</version>"),
                    "the BOM lists " + artifact[1] + " at " + version);
        }
        Matcher listed = Pattern.compile("<artifactId>(ringtrace-[a-z0-9-]+)</artifactId>").matcher(bom);
        int count = 0;
        while (listed.find()) {
            count++;
        }
        assertEquals(PUBLISHED.size() + 1, count, "the BOM lists exactly the published artifacts (and names itself)");
    }

    @Test
    void everyPublishedJarHasItsModuleNameLicenceSourcesAndJavadoc() throws IOException {
        String version = projectVersion();
        for (String[] artifact : PUBLISHED) {
            Path target = ROOT.resolve(artifact[0]).resolve("target");
            Path jar = target.resolve(artifact[1] + "-" + version + ".jar");
            Assumptions.assumeTrue(Files.exists(jar), "run through mvn verify: " + jar + " is not built yet");
            try (JarFile file = new JarFile(jar.toFile())) {
                Attributes manifest = file.getManifest().getMainAttributes();
                assertEquals(artifact[2], manifest.getValue("Automatic-Module-Name"), jar.toString());
                assertEquals(version, manifest.getValue("Implementation-Version"), jar.toString());
                assertTrue(file.getEntry("META-INF/LICENSE") != null, jar + " carries the licence");
            }
            assertTrue(Files.exists(target.resolve(artifact[1] + "-" + version + "-sources.jar")), artifact[1] + " sources jar");
            assertTrue(Files.exists(target.resolve(artifact[1] + "-" + version + "-javadoc.jar")), artifact[1] + " javadoc jar");
        }
    }

    /** @return the version of the parent pom, the one place a release's version is set */
    private static String projectVersion() throws IOException {
        Matcher version = Pattern.compile("<artifactId>ringtrace-parent</artifactId>\n  <version>([^<]+)</version>")
                .matcher(read("pom.xml"));
        assertTrue(version.find(), "the parent pom's version");
        return version.group(1);
    }

    private static String read(String relative) throws IOException {
        return Files.readString(ROOT.resolve(relative), StandardCharsets.UTF_8);
    }
}
