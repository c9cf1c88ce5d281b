package io.ringtrace.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.core.Jvm;
import net.openhft.chronicle.core.analytics.AnalyticsFacade;
import org.junit.jupiter.api.Test;

/**
 * The tests run with {@code ${ringtrace.jvm.flags}} (surefire argLine): each flag is present and
 * does what it is there for, and Chronicle's analytics are off twice over.
 */
class ChronicleJvmFlagsTest extends CodecTestBase {

    private static final Module APP = ChronicleJvmFlagsTest.class.getModule();
    private static final Module JAVA_BASE = Object.class.getModule();

    @Test
    void javaLangReflectIsOpenSoChronicleKnowsTheDirectMemoryLimit() {
        assertTrue(JAVA_BASE.isOpen("java.lang.reflect", APP));
        assertTrue(Jvm.maxDirectMemory() > 0);
    }

    @Test
    void jdkInternalRefIsExportedForTheCleanerService() {
        assertTrue(JAVA_BASE.isExported("jdk.internal.ref", APP));
    }

    @Test
    void sunNioChIsExportedSoBytesCanWrapDirectByteBuffers() {
        assertTrue(JAVA_BASE.isExported("sun.nio.ch", APP));
        Bytes<ByteBuffer> wrapped = Bytes.wrapForWrite(ByteBuffer.allocateDirect(64));
        try {
            wrapped.writeLong(42);
            assertEquals(8, wrapped.writePosition());
        } finally {
            wrapped.releaseLast();
        }
    }

    @Test
    void analyticsAreDisabledAndTheirJarIsNotOnTheClasspath() {
        assertEquals("true", System.getProperty("chronicle.analytics.disable"));
        assertFalse(AnalyticsFacade.isEnabled());
        assertThrows(ClassNotFoundException.class, () -> Class.forName("net.openhft.chronicle.analytics.Analytics"));
    }
}
