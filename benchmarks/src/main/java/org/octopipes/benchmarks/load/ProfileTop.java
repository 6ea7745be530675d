package org.octopipes.benchmarks.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where one thread of a profile spends its time: the frames at the top of its samples (self) and
 * the frames anywhere in them (total), as shares of its samples. Made to explain the server's CPU
 * per delivery (thread {@code octopipes-fifo-io}, the default).
 *
 * <p>Reads async-profiler's collapsed stacks (recorded with {@code threads,collapsed}), which
 * sample CPU time in Java, native and kernel code alike, or a JFR recording ({@code .jfr}), whose
 * execution samples see Java code only: a thread inside a clock read in the vDSO or a system
 * call is not sampled there, and inlined code is charged to nearby source lines.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar org.octopipes.benchmarks.load.ProfileTop PROFILE [THREAD-PREFIX] [ROWS]
 * </pre>
 */
public final class ProfileTop {

    private ProfileTop() {
    }

    public static void main(String[] args) throws IOException {
        Path profile = Path.of(args[0]);
        String thread = args.length > 1 ? args[1] : "octopipes-fifo-io";
        int rows = args.length > 2 ? Integer.parseInt(args[2]) : 25;
        Tally tally = new Tally();
        if (profile.toString().endsWith(".jfr")) {
            readJfr(profile, thread, tally);
        } else {
            readCollapsed(profile, thread, tally);
        }
        System.out.printf(Locale.ROOT, "thread %s*: %d samples%n", thread, tally.samples);
        print("top of stack (self)", tally.self, tally.samples, rows);
        print("anywhere on the stack (total)", tally.total, tally.samples, rows);
    }

    /** Samples counted by frame. */
    private static final class Tally {
        final Map<String, Integer> self = new HashMap<>();
        final Map<String, Integer> total = new HashMap<>();
        int samples;

        /** One stack, leaf first, seen {@code count} times. */
        void add(List<String> leafFirst, int count) {
            samples += count;
            self.merge(leafFirst.get(0), count, Integer::sum);
            Set<String> seen = new HashSet<>();
            for (String frame : leafFirst) {
                if (seen.add(frame)) {
                    total.merge(frame, count, Integer::sum);
                }
            }
        }
    }

    /** async-profiler's collapsed format: {@code [thread tid=N];root;...;leaf COUNT} per line. */
    private static void readCollapsed(Path profile, String thread, Tally tally) throws IOException {
        try (var lines = Files.lines(profile)) {
            lines.forEach(line -> {
                int space = line.lastIndexOf(' ');
                String[] frames = line.substring(0, space).split(";");
                if (frames.length < 2 || !frames[0].startsWith("[" + thread)) {
                    return;
                }
                List<String> leafFirst = new ArrayList<>();
                for (int i = frames.length - 1; i >= 1; i--) {
                    leafFirst.add(frames[i].replace('/', '.'));
                }
                tally.add(leafFirst, Integer.parseInt(line.substring(space + 1)));
            });
        }
    }

    /** JFR execution samples of the thread (Java frames only). */
    private static void readJfr(Path profile, String thread, Tally tally) throws IOException {
        for (RecordedEvent event : RecordingFile.readAllEvents(profile)) {
            if (!event.getEventType().getName().equals("jdk.ExecutionSample")) {
                continue;
            }
            String name = event.getThread("sampledThread") == null ? null : event.getThread("sampledThread").getJavaName();
            RecordedStackTrace stack = event.getStackTrace();
            if (name == null || !name.startsWith(thread) || stack == null || stack.getFrames().isEmpty()) {
                continue;
            }
            List<String> leafFirst = new ArrayList<>();
            for (RecordedFrame frame : stack.getFrames()) {
                leafFirst.add(frame.getMethod().getType().getName() + "." + frame.getMethod().getName() + ":" + frame.getLineNumber());
            }
            tally.add(leafFirst, 1);
        }
    }

    private static void print(String title, Map<String, Integer> counts, int samples, int rows) {
        System.out.println();
        System.out.println(title);
        counts.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(rows)
                .forEach(e -> System.out.printf(Locale.ROOT, "%6.1f%%  %7d  %s%n", 100.0 * e.getValue() / Math.max(1, samples), e.getValue(),
                        e.getKey()));
    }
}
