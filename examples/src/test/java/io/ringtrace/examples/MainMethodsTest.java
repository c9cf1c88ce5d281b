package io.ringtrace.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringtrace.engine.testing.LeakCheckingTestBase;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Runs the self-contained examples' main methods as a user would and checks what they print. */
class MainMethodsTest extends LeakCheckingTestBase {

    @Test
    void tracedHttpServerMainPrintsItsTracesAndEverySpanArrives() throws Exception {
        String text = printedBy(() -> TracedHttpServer.main(new String[0]));

        assertTrue(text.contains("traceparent 00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01 -> 3 hops,"
                + " last server span 00-0af7651916cd43dd8448eb211c80319c-"), text);
        assertTrue(Pattern.compile("no traceparent -> a new trace: 00-[0-9a-f]{32}-[0-9a-f]{16}-01").matcher(text).find(), text);
        // 2 hops = 5 spans, 1 hop = 3 spans
        assertTrue(text.contains("spans received by the embedded OTLP receiver: 8"), text);
    }

    @Test
    void environmentConfigMainSamplesATenthAndSendsOverTlsWithTheHeader() throws Exception {
        String text = printedBy(() -> EnvironmentConfigExample.main(new String[0]));

        Matcher line = Pattern.compile("sampler parentbased_traceidratio=0.1: (\\d+) of 3000 new traces sampled; 1000 of 1000"
                + " requests with a sampled traceparent continued; (\\d+) spans published, (\\d+) exported, 0 dropped").matcher(text);
        assertTrue(line.find(), text);
        int sampledRoots = Integer.parseInt(line.group(1));
        assertTrue(sampledRoots > 218 && sampledRoots < 382, "about 10% of 3000 (5 sd): " + sampledRoots);
        long published = Long.parseLong(line.group(2));
        assertEquals(2L * (sampledRoots + 1000), published, "children follow their parent");
        assertEquals(published, Long.parseLong(line.group(3)));
        assertTrue(text.contains("the receiver got " + published + " spans over TLS, authorization header present"), text);
    }

    private interface Main {
        void run() throws Exception;
    }

    private static String printedBy(Main main) throws Exception {
        PrintStream original = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
        try {
            main.run();
        } finally {
            System.setOut(original);
        }
        String text = printed.toString(StandardCharsets.UTF_8);
        original.print(text);
        return text;
    }
}
