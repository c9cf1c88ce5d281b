package io.ringtrace.bench.load;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A {@link ReceiverMain} in its own JVM, driven over its stdin/stdout. */
final class ReceiverProcess implements Receiver {

    private final Process process;
    private final BufferedReader out;
    private final Writer in;
    private final String endpoint;

    /**
     * Starts the receiver JVM.
     *
     * @param java the java executable
     * @param classPath the class path
     * @param jvmArgs JVM flags (the Chronicle flags and a heap size)
     * @param transport {@link RunSpec#TRANSPORT_OTLP} or {@link RunSpec#TRANSPORT_HTTP}
     */
    ReceiverProcess(String java, String classPath, List<String> jvmArgs, String transport) {
        List<String> command = new ArrayList<>();
        command.add(java);
        command.addAll(jvmArgs);
        command.add("-cp");
        command.add(classPath);
        command.add(ReceiverMain.class.getName());
        command.add(transport);
        try {
            process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the receiver JVM: " + command, e);
        }
        out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        String first = readLine();
        if (!first.startsWith("endpoint ")) {
            throw new IllegalStateException("receiver JVM said '" + first + "' instead of its endpoint");
        }
        endpoint = first.substring("endpoint ".length());
    }

    @Override
    public String endpoint() {
        return endpoint;
    }

    @Override
    public synchronized long spanCount() {
        String answer = command("count");
        return Long.parseLong(answer.substring("count ".length()));
    }

    @Override
    public synchronized long logRecordCount() {
        String answer = command("logs");
        return Long.parseLong(answer.substring("logs ".length()));
    }

    @Override
    public synchronized void stop() {
        command("stop");
    }

    @Override
    public synchronized void start() {
        command("start");
    }

    @Override
    public synchronized void close() {
        try {
            command("exit");
        } catch (RuntimeException e) {
            // already gone; destroy below
        }
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private String command(String command) {
        try {
            in.write(command + "\n");
            in.flush();
        } catch (IOException e) {
            throw new IllegalStateException("receiver JVM is gone", e);
        }
        String answer = readLine();
        if (answer.startsWith("error")) {
            throw new IllegalStateException("receiver: " + answer);
        }
        return answer;
    }

    private String readLine() {
        try {
            String line = out.readLine();
            if (line == null) {
                throw new IllegalStateException("receiver JVM exited (exit code "
                        + (process.isAlive() ? "?" : process.exitValue()) + ")");
            }
            return line;
        } catch (IOException e) {
            throw new IllegalStateException("cannot read from the receiver JVM", e);
        }
    }
}
