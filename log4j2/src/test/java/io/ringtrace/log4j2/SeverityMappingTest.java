package io.ringtrace.log4j2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.Test;

/** Log4j2 levels to OTLP severity numbers: the standard levels, the extremes, custom levels in between. */
class SeverityMappingTest {

    @Test
    void standardLevelsTakeTheFirstNumberOfTheirRange() {
        assertEquals(1, SeverityMapping.severityNumber(Level.TRACE));
        assertEquals(5, SeverityMapping.severityNumber(Level.DEBUG));
        assertEquals(9, SeverityMapping.severityNumber(Level.INFO));
        assertEquals(13, SeverityMapping.severityNumber(Level.WARN));
        assertEquals(17, SeverityMapping.severityNumber(Level.ERROR));
        assertEquals(21, SeverityMapping.severityNumber(Level.FATAL));
        assertEquals(1, SeverityMapping.severityNumber(Level.ALL));
        assertEquals(24, SeverityMapping.severityNumber(Level.OFF));
    }

    @Test
    void customLevelsFallInsideTheLessSevereNeighboursRangeKeepingTheOrder() {
        assertEquals(12, SeverityMapping.severityNumber(301)); // just below WARN
        assertEquals(11, SeverityMapping.severityNumber(350));
        assertEquals(10, SeverityMapping.severityNumber(399)); // just above INFO
        assertEquals(22, SeverityMapping.severityNumber(99));
        assertEquals(1, SeverityMapping.severityNumber(700));
        int previous = Integer.MAX_VALUE;
        for (int intLevel = 0; intLevel <= 700; intLevel++) {
            int n = SeverityMapping.severityNumber(intLevel);
            assertTrue(n >= 1 && n <= 24 && n <= previous, "monotonic at " + intLevel);
            previous = n;
        }
    }

    @Test
    void standardLevelsHaveTheirNamePreEncoded() {
        assertEquals("WARN", SeverityMapping.standardText(Level.WARN).toString());
        assertEquals(null, SeverityMapping.standardText(Level.forName("NOTICE", 350)));
    }
}
