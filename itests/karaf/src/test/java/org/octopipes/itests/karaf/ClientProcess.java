package org.octopipes.itests.karaf;

import java.io.IOException;
import java.nio.file.Path;
import org.octopipes.testsupport.TestProcess;

/**
 * The Java client's command line ({@code sub} or {@code send}) run as an OS process of its own,
 * started from inside Karaf, with its output collected line by line.
 */
final class ClientProcess {

    private static final Path CLIENT_JAR = Path.of(System.getProperty("octopipes.client.jar"));

    private ClientProcess() {
    }

    /** The client jar's command line with these arguments, e.g. {@code sub --socket PATH ...}. */
    static TestProcess run(String label, String... arguments) throws IOException {
        return TestProcess.start(label, TestProcess.java(CLIENT_JAR, arguments));
    }

    /** {@code sub}: subscribes as {@code name} and prints the first {@code count} packets that arrive. */
    static TestProcess sub(Path cap, String name, int count) throws IOException {
        return run("sub " + name, "sub", "--cap", cap.toString(), "--name", name, "--count", String.valueOf(count));
    }

    /** {@code send}: subscribes as {@code name}, sends one packet to {@code remote} and leaves. */
    static TestProcess send(Path cap, String name, String remote, String payload) throws IOException {
        return run("send " + name, "send", "--cap", cap.toString(), "--name", name, remote, payload);
    }
}
