package io.ringtrace.engine.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The one resolver (an {@code otel.*} property wins over its variable) and the one percent-decoder. */
class OtelConfigurationTest {

    @Test
    void aSystemPropertyWinsOverItsVariable() {
        String variable = "OTEL_RINGTRACE_TEST_ONLY_SETTING";
        assertEquals("otel.ringtrace.test.only.setting", OtelConfiguration.propertyName(variable));
        assertNull(OtelConfiguration.system().apply(variable));
        System.setProperty("otel.ringtrace.test.only.setting", "from-property");
        try {
            assertEquals("from-property", OtelConfiguration.system().apply(variable));
        } finally {
            System.clearProperty("otel.ringtrace.test.only.setting");
        }
        String path = System.getenv("PATH");
        if (path != null) {
            assertEquals(path, OtelConfiguration.systemValue("PATH"), "else the environment");
        }
        assertEquals("v", OtelConfiguration.of(Map.of("OTEL_X", "v")).apply("OTEL_X"));
    }

    @Test
    void percentDecoding() {
        assertEquals("a b,c=é", OtelConfiguration.percentDecode("a%20b%2Cc%3D%C3%A9"));
        assertEquals("1+1", OtelConfiguration.percentDecode("1+1"), "not form encoding");
        assertEquals("\uD83D\uDE00!", OtelConfiguration.percentDecode("\uD83D\uDE00%21"));
        IllegalArgumentException truncated = assertThrows(IllegalArgumentException.class,
                () -> OtelConfiguration.percentDecode("secret-token%4"));
        assertFalse(truncated.getMessage().contains("secret-token"), truncated.getMessage());
        assertThrows(IllegalArgumentException.class, () -> OtelConfiguration.percentDecode("%zz"));
    }
}
