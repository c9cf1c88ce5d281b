package io.ringtrace.bench.load;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * Main class of the receiver JVM the {@link LoadTool} starts, so the receiver's decoding (which
 * allocates and burns CPU) is not charged to the system under test. Serves a count-only testkit
 * receiver ({@link InProcessReceiver}) for the transport named by its one argument ({@code otlp}, the
 * default, or {@code http}) on 127.0.0.1 and a free port and obeys one command per line on stdin:
 * {@code count} (spans), {@code logs} (log records), {@code stop}, {@code start}, {@code exit}; each answered by one line on stdout.
 * The first line it prints is {@code endpoint <url>}. It exits when stdin closes.
 */
public final class ReceiverMain {

    private ReceiverMain() {
    }

    private static String obey(Receiver receiver, String command) {
        switch (command) {
            case "count":
                return "count " + receiver.spanCount();
            case "logs":
                return "logs " + receiver.logRecordCount();
            case "stop":
                receiver.stop();
                return "stopped";
            case "start":
                receiver.start();
                return "started";
            case "exit":
                return "bye";
            default:
                return "error unknown command " + command;
        }
    }

    /**
     * @param args the transport, {@code otlp} (default) or {@code http}
     * @throws IOException if stdin fails
     */
    public static void main(String[] args) throws IOException {
        try (Receiver receiver = new InProcessReceiver(args.length > 0 ? args[0] : RunSpec.TRANSPORT_OTLP)) {
            System.out.println("endpoint " + receiver.endpoint());
            System.out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String line;
            while ((line = in.readLine()) != null) {
                try {
                    System.out.println(obey(receiver, line.trim()));
                } catch (RuntimeException e) {
                    System.out.println("error " + e);
                }
                if (line.trim().equals("exit")) {
                    System.out.flush();
                    return;
                }
                System.out.flush();
            }
        }
    }
}
