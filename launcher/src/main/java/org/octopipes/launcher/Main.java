package org.octopipes.launcher;

import java.util.SortedMap;

/**
 * {@code java -jar octopipes-launcher.jar}: reads the command line, runs the server and exits with
 * its status (0 stopped cleanly, 1 failed, 2 bad command line).
 */
public final class Main {

    static final int EXIT_USAGE = 2;

    private Main() {
    }

    public static void main(String[] args) {
        LauncherOptions options;
        SortedMap<String, String> serverConfiguration;
        try {
            options = LauncherOptions.parse(args);
            if (options.help()) {
                System.out.print(LauncherOptions.USAGE);
                System.exit(OctopipesLauncher.EXIT_STOPPED);
            }
            serverConfiguration = options.serverConfiguration();
        } catch (UsageException e) {
            System.err.println("octopipes-launcher: " + e.getMessage());
            System.err.println("Try 'java -jar octopipes-launcher.jar --help' for the options.");
            System.exit(EXIT_USAGE);
            return;
        }

        ConsoleLog log = new ConsoleLog(System.err);
        OctopipesLauncher launcher = new OctopipesLauncher(options, serverConfiguration, log, System.out);
        int status;
        try {
            status = launcher.run();
        } catch (Exception | Error e) {
            if (!launcher.stoppingOnSignal()) {
                log.error("could not start: " + e, e);
            }
            status = OctopipesLauncher.EXIT_FAILED;
        }
        System.exit(status);
    }
}
